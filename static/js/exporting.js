// Downloads (SVG, PNG, DOT, HTML) and copying the link.  The PNG is drawn in the
// browser: the SVG goes into an <img> from a blob: URL, then onto a canvas.  The
// HTML player is written by the server (POST /api/export/html), from the request
// the page sends for its graph.

const PNG_SCALE = 3; // pixels per SVG point: sharp on slides

export function download(filename, blob) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function svgBlob(svgText) {
  const xml = svgText.startsWith("<?xml") ? svgText : `<?xml version="1.0" encoding="UTF-8"?>\n${svgText}`;
  return new Blob([xml], { type: "image/svg+xml" });
}

// The file the server writes for `kind` ("html") from a POST /api/graph body.
export async function exportBlob(kind, body) {
  const response = await fetch(`/api/export/${kind}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    let message = `the server answered ${response.status}`;
    try {
      message = (await response.json()).error.message;
    } catch {
      // not the API's JSON: keep the status
    }
    throw new Error(message);
  }
  return response.blob();
}

export function textBlob(text) {
  return new Blob([text], { type: "text/vnd.graphviz;charset=utf-8" });
}

export async function pngBlob(svgText) {
  const url = URL.createObjectURL(svgBlob(svgText));
  try {
    const image = new Image();
    image.decoding = "async";
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(image.naturalWidth * PNG_SCALE);
    canvas.height = Math.ceil(image.naturalHeight * PNG_SCALE);
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve, reject) => {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no PNG"))), "image/png");
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}

// Copy text; without the async clipboard (plain http on another host) fall
// back to a selected, off-screen textarea and execCommand.
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // fall through to the old way
    }
  }
  const scratch = document.createElement("textarea");
  scratch.value = text;
  scratch.setAttribute("readonly", "");
  scratch.className = "offscreen";
  document.body.append(scratch);
  scratch.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  scratch.remove();
  return copied;
}
