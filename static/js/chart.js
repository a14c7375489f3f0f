// A small line chart as inline SVG, drawn by the page (no chart library): the
// output after each step of gradient descent.  Each point is a <circle> with
// its step and value in data attributes; the chart's label says it in words.

const SVG_NS = "http://www.w3.org/2000/svg";

function svgElement(tag, attributes = {}, text = null) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== null) element.textContent = text;
  return element;
}

// The chart of `points` (numbers, one per step from 0): `format(x)` writes a
// value, `label` is the chart's accessible name, `xLabel` the words under the x axis.
export function lineChart(points, { width = 300, height = 140, format = String, label = "", xLabel = "" } = {}) {
  const pad = { left: 52, right: 10, top: 10, bottom: 30 };
  const svg = svgElement("svg", {
    class: "line-chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label,
  });
  const inner = { w: width - pad.left - pad.right, h: height - pad.top - pad.bottom };
  svg.append(svgElement("rect", { class: "chart-frame", x: pad.left, y: pad.top, width: inner.w, height: inner.h }));
  if (!points.length) return svg;
  let low = Math.min(...points);
  let high = Math.max(...points);
  if (low === high) {
    const spread = Math.abs(low) * 0.1 || 1;
    low -= spread;
    high += spread;
  }
  const margin = (high - low) * 0.06; // the end points clear of the frame
  low -= margin;
  high += margin;
  const last = Math.max(1, points.length - 1);
  const x = (i) => pad.left + (inner.w * i) / last;
  const y = (v) => pad.top + inner.h * (1 - (v - low) / (high - low));
  const axisText = (tx, ty, text, anchor) => svgElement("text", { class: "chart-axis", x: tx, y: ty, "text-anchor": anchor }, text);
  const [most, least] = [Math.max(...points), Math.min(...points)];
  svg.append(
    axisText(pad.left - 4, y(most) + 4, format(most), "end"),
    axisText(pad.left - 4, y(least) + 4, format(least), "end"),
    axisText(pad.left, height - pad.bottom + 13, "0", "middle"),
    axisText(pad.left + inner.w, height - pad.bottom + 13, String(points.length - 1), "middle"),
    axisText(pad.left + inner.w / 2, height - 4, xLabel, "middle"),
  );
  const line = points.map((v, i) => `${x(i).toFixed(2)},${y(v).toFixed(2)}`).join(" ");
  svg.append(svgElement("polyline", { class: "chart-line", points: line }));
  points.forEach((v, i) => {
    const point = svgElement("circle", {
      class: i === points.length - 1 ? "chart-point is-last" : "chart-point", cx: x(i).toFixed(2), cy: y(v).toFixed(2), r: 2.6,
    });
    point.dataset.step = String(i);
    point.dataset.value = String(v);
    point.append(svgElement("title", {}, `${i}: ${format(v)}`));
    svg.append(point);
  });
  return svg;
}
