"""Helpers for the browser tests of the learning modes (learner, practice, check, descent, forward mode)."""

from tests.support.pagehelpers import share_hash, wait_ready

NEURON = "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))"
NEURON_VALUES = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
FANOUT = "f = x * x"


def open_mode(page, program, values, mode=None, extra="", step=None, language=None):
    """Open a view from a link with the learning mode `mode` (and `extra` hash fields: "&g=1")."""
    hash_ = share_hash(program, values, step)
    if mode:
        hash_ += f"&m={mode}"
    if language:
        hash_ += f"&l={language}"
    page.goto("/" + hash_ + extra)
    wait_ready(page)
    page.wait_for_selector("svg.circuit")
    page.wait_for_selector(f"body[data-learn={mode or 'explore'}]", state="attached")


def choose_mode(page, mode):
    """Pick a mode in the "Learn by doing" panel, as a user clicks its radio button."""
    page.check(f"#learn input[type=radio][value={mode}]")
    page.wait_for_selector(f"body[data-learn={mode}]", state="attached")


def strip_parts(page):
    """The result strip as [(name, shown)] pairs: "?" where learner mode hides the number."""
    texts = page.locator("#result-strip > span").all_inner_texts()
    return [(texts[i].strip().rstrip("=").strip(), texts[i + 1].strip()) for i in range(0, len(texts), 2)]


def input_grads(page):
    """Each input's gradient as shown beside its field: its text, or "?" while hidden."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#inputs input[data-name]')]
        .map((field) => {
          const row = field.closest('.input-row');
          const grad = row.querySelector('.input-grad');
          const pending = row.querySelector('.learn-pending');
          const hidden = grad.hidden || getComputedStyle(grad).display === 'none';
          return [field.dataset.name, hidden ? (pending && !pending.hidden ? pending.textContent : '') : grad.textContent];
        }))""")


def step_to(page, k):
    """Move the player to state k with the scrubber (as a user drags it) and wait for the counter."""
    page.locator("#scrubber").fill(str(k))
    page.wait_for_function("(k) => document.querySelector('#scrubber').value === String(k)", arg=k)


def url_fields(page):
    """The fields of the page's URL hash, as a dict."""
    hash_ = page.evaluate("() => window.location.hash").lstrip("#")
    return dict(part.split("=", 1) for part in hash_.split("&") if "=" in part)
