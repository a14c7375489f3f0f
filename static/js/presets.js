// The examples in the picker: the figures of the CS231n notes, and a few more.
// Their titles are in the message catalogs (static/i18n), as "preset.<id>".

export const PRESETS = [
  {
    id: "circuit",
    program: "q = x + y\nf = q * z",
    values: { x: -2, y: 5, z: -4 },
  },
  {
    id: "neuron",
    program: "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
    values: { w0: 2, x0: -1, w1: -3, x1: -2, w2: -3 },
  },
  {
    id: "staged",
    program: "f = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)",
    values: { x: 3, y: -4 },
  },
  {
    id: "gates",
    program: "f = 2 * (x*y + max(z, w))",
    values: { x: 3, y: -4, z: 2, w: -1 },
  },
  {
    id: "fanout",
    program: "f = x * x",
    values: { x: 3 },
  },
  {
    id: "softmax",
    program: "L = -log(exp(a) / (exp(a) + exp(b) + exp(c)))",
    values: { a: 2, b: 1, c: -1 },
  },
  {
    id: "micrograd",
    program: [
      "c = a + b",
      "d = a * b + b**3",
      "c2 = c + c + 1",
      "c3 = c2 + 1 + c2 + (-a)",
      "d2 = d + d * 2 + relu(b + a)",
      "d3 = d2 + 3 * d2 + relu(b - a)",
      "e1 = c3 - d3",  // "e" is the constant 2.718... in this language
      "f = e1**2",
      "g = f / 2.0",
      "g2 = g + 10.0 / f",
    ].join("\n"),
    values: { a: -4, b: 2 },
  },
];

// Vectors and matrices: a value is a number, a vector [..] or a matrix [[..], ..].
export const VECTOR_PRESETS = [
  {
    id: "linear",
    program: "z = W @ x + b\nL = sum((z - y)**2)",
    values: {
      W: [[1, -2, 0.5], [0.5, 1, -1]],
      x: [1, 2, -1],
      b: [0.5, -0.5],
      y: [1, 0],
    },
  },
  {
    id: "tanh-layer",
    program: "h = tanh(W @ x + b)\nL = mean(h)",
    values: {
      W: [[1, -1], [0.5, 2], [-1, 0.5]],
      x: [0.5, 0.25],
      b: [0.1, -0.5, 0.2],
    },
  },
  {
    id: "softmax-vector",
    program: "t = [1, 0, 0]\np = exp(z) / sum(exp(z))\nL = -log(sum(p * t))",
    values: { z: [2, 1, -1] },
  },
];

export const PRESET_GROUPS = [
  { id: "numbers", presets: PRESETS },  // "presets.group.<id>" in the catalogs
  { id: "arrays", presets: VECTOR_PRESETS },
];

export const ALL_PRESETS = [...PRESETS, ...VECTOR_PRESETS];
