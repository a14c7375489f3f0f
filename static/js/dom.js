// One tiny helper for building elements: h("p", "muted", "text", child, ...).

export function h(tag, className, ...children) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}
