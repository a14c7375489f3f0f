// Practice mode in the step panel: at a backward step, each downstream
// gradient of the chain-rule table (and the sum of a fanned-out value) is a
// field to fill in; Enter checks, Shift+Enter reveals, a wrong answer is told
// its likely mistake.  The panel is drawn by panels.js; this puts the
// questions into it (rows carry data-edge, fan-out sums data-node).

import { h } from "./dom.js";
import { gateLabel } from "./explain-data.js";
import * as F from "./formula.js";
import { formatNumber } from "./format.js";
import { t } from "./i18n.js";
import { practiceQuestions } from "./practice.js";

// Put the questions of state.step into the explanation `container`.
//   handlers: {check(id, text), reveal(id), next()}
//   focus: null, "arrived" (the step changed: focus its first open field) or
//          a question id just answered (focus it again while it is open).
export function decoratePractice(container, state, handlers, focus = null) {
  const learn = state.learn;
  if (!learn || learn.mode !== "practice" || !state.model) return;
  const { model } = state;
  const ctx = F.formulaContext(state.result, state.precision);
  const { practice } = learn;
  const questions = practiceQuestions(model).list.filter((q) => q.k === state.step);
  const fields = [];
  for (const q of questions) {
    const done = practice.done.get(q.id);
    const tried = practice.tries.get(q.id);
    const place = q.kind === "wire" ? wireCell(container, q, done) : totalPlace(container, q, ctx, done);
    if (!place) continue;
    if (done) {
      place.append(" ", doneMark(done));
      continue;
    }
    const field = answerField(q, ctx, tried, handlers);
    place.replaceChildren(field);
    fields.push(field);
    if (tried && tried.mistake) field.feedback = feedbackAfter(place, mistakeText(model, q, tried, ctx));
  }
  container.append(practiceBar(state, questions, fields, handlers));
  if (focus) focusIn(container, fields, focus);
}

// What was wrong with a field's last answer, right under it: a row under a
// wire's row of the table, a line under a fan-out's question.
function feedbackAfter(place, content) {
  const row = place.closest("tr");
  if (row) {
    const cell = h("td", "practice-feedback is-wrong", content);
    cell.colSpan = row.cells.length;
    const line = h("tr", "practice-feedback-row", cell);
    row.after(line);
    return cell;
  }
  const line = h("p", "practice-feedback is-wrong", content);
  place.closest("p").after(line);
  return line;
}

// The downstream number of a wire's row (an open question's field takes its place), or null.
function wireCell(container, q, done) {
  const row = container.querySelector(`tr[data-edge="${q.entry.edge}"]`);
  if (!row) return null;
  if (!done) row.removeAttribute("title"); // the title is the whole chain line, answer included
  return row.querySelector(done ? "td.term-grad" : "td.term-grad .term-number");
}

// Where a fanned-out value's sum is written: answered, its line; open, a question in its place.
function totalPlace(container, q, ctx, done) {
  const line = container.querySelector(`p.fanout[data-node="${q.node}"]`);
  if (done) return line;
  const question = h("p", "explain-text practice-total",
    t("learn.practice.total_question", { label: F.labelOf(ctx, q.node), n: q.sum.parts.length, name: F.gradName(ctx, q.node) }),
    " ");
  const slot = h("span", "practice-slot");
  question.append(slot);
  if (line) line.replaceWith(question);
  else container.append(question);
  return slot;
}

function doneMark(how) {
  const mark = h("span", `practice-mark is-${how}`, t(`learn.practice.done.${how}`));
  mark.dataset.practice = how;
  return mark;
}

// The field of an open question; its label says what to compute.
function answerField(q, ctx, tried, handlers) {
  const field = document.createElement("input");
  field.type = "text";
  field.inputMode = "decimal";
  field.autocomplete = "off";
  field.spellcheck = false;
  field.className = "practice-answer";
  field.dataset.question = q.id;
  field.placeholder = "?";
  field.size = 7;
  const name = q.kind === "wire" ? F.gradName(ctx, q.entry.source) : F.gradName(ctx, q.node);
  field.setAttribute("aria-label", q.kind === "wire"
    ? t("learn.practice.field_wire", { name, local: F.localName(ctx, q.node, q.entry.source, q.entry.partial),
      upstream: F.gradName(ctx, q.node) })
    : t("learn.practice.field_total", { name }));
  if (tried) {
    field.value = tried.text;
    field.setAttribute("aria-invalid", String(Boolean(tried.mistake)));
  }
  field.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    event.stopPropagation();
    if (event.shiftKey) handlers.reveal(q.id);
    else handlers.check(q.id, field.value);
  });
  return field;
}

// Under the table: the keys, the buttons (for the field focused last), the way on and the score.
function practiceBar(state, questions, fields, handlers) {
  const { score } = state.learn.practice;
  const bar = h("div", "practice-bar");
  const open = fields.length;
  if (open) {
    let target = fields[0];
    for (const field of fields) field.addEventListener("focus", () => { target = field; });
    const check = h("button", "practice-check", t("learn.practice.check"));
    check.type = "button";
    check.addEventListener("click", () => handlers.check(target.dataset.question, target.value));
    const reveal = h("button", "practice-reveal", t("learn.practice.reveal"));
    reveal.type = "button";
    reveal.addEventListener("click", () => handlers.reveal(target.dataset.question));
    // Pressing a button keeps the focus in the field it acts on.
    for (const button of [check, reveal]) button.addEventListener("mousedown", (event) => event.preventDefault());
    bar.append(h("p", "practice-help", t("learn.practice.keys")), h("div", "practice-buttons", check, reveal));
  } else if (questions.length) {
    const next = h("button", "practice-next", t("learn.practice.next"));
    next.type = "button";
    next.addEventListener("click", () => handlers.next());
    bar.append(h("p", "practice-help", t("learn.practice.step_done")), h("div", "practice-buttons", next));
  } else {
    const none = practiceQuestions(state.model).list.length === 0; // arrays, rules: nothing to ask in numbers
    bar.append(h("p", "practice-help", t(none ? "learn.practice.no_question_here" : "learn.practice.no_question")));
  }
  const line = h("p", "practice-score", t("learn.practice.score", score));
  line.dataset.right = String(score.right);
  line.dataset.wrong = String(score.wrong);
  line.dataset.revealed = String(score.revealed);
  bar.append(line);
  return bar;
}

function focusIn(container, fields, focus) {
  const again = fields.find((field) => field.dataset.question === focus);
  const field = again || fields[0];
  if (field) {
    field.focus();
    if (again) field.select();
    if (field.feedback) field.feedback.scrollIntoView({ block: "nearest" }); // the words under the field too
    return;
  }
  const next = container.querySelector(".practice-next");
  if (next) next.focus();
}

// "✗ 3 is not df/dx yet: x is used by 2 wires; add the gradients of all of them."
export function mistakeText(model, q, tried, ctx) {
  const { code, params } = tried.mistake;
  const p = ctx.precision;
  const value = (id) => formatNumber(model.nodes[id].value, p);
  const words = { answer: tried.text.trim() };
  if (code === "fanout") Object.assign(words, { label: F.labelOf(ctx, params.node), n: params.n, name: F.gradName(ctx, params.node) });
  if (code === "fanout_upstream") {
    Object.assign(words, { label: F.labelOf(ctx, params.node), n: params.n, upstream: F.gradName(ctx, params.node) });
  }
  if (code === "upstream") {
    Object.assign(words, { local: F.localName(ctx, params.gate, params.source, q.entry.partial),
      upstream: F.gradName(ctx, params.gate), value: formatNumber(q.entry.upstream, p) });
  }
  if (code === "own_value") {
    Object.assign(words, { own: F.labelOf(ctx, params.source), own_value: value(params.source),
      other: params.other === null ? "" : F.labelOf(ctx, params.other),
      other_value: params.other === null ? "" : value(params.other) });
  }
  if (code === "used_input" || code === "used_output") {
    Object.assign(words, { gate: gateLabel(model, params.gate), input: F.labelOf(ctx, params.source),
      input_value: value(params.source), output: F.labelOf(ctx, params.gate), output_value: value(params.gate) });
  }
  let key = `learn.practice.mistake.${code}`;
  if (code === "unknown") {
    key = q.kind === "wire" ? "learn.practice.mistake.unknown_wire" : "learn.practice.mistake.unknown_total";
    Object.assign(words, q.kind === "wire"
      ? { local: F.localName(ctx, q.node, q.entry.source, q.entry.partial), upstream: F.gradName(ctx, q.node) }
      : { label: F.labelOf(ctx, q.node), name: F.gradName(ctx, q.node) });
  }
  const lead = code === "unreadable" ? "" : `${t("learn.practice.wrong", words)} `;
  const span = h("span", "practice-mistake", lead + t(key, words));
  span.dataset.mistake = code;
  return h("span", null, h("span", "check-symbol", "\u2717 "), span);
}
