"""The backward pass as an animated SVG: one file, for a slide or a README.

``animated_svg(result)`` is the figure (``render.to_svg``) with a ``<style>`` of CSS
animations inside it: the forward values are there from the start, then each
backward step's red gradients appear in the order the player shows them, its
gate lit while it works, and after a pause the loop starts again.  With
``forward=True`` the values appear gate by gate first.

Why CSS animation inside the SVG, and not GIF or WebP frames: it needs nothing
but the SVG we already draw (frames would need an image library or a system
package to rasterise and encode them), stays sharp at any size, weighs little
more than the still figure (the neuron: 18 KB against 14 KB), and plays wherever
SVG does: opened directly, in an ``<img>``, on GitHub.  Viewers who ask for
reduced motion get the still, whole figure.

Which label appears at which step is ``reveal_steps``: the rule of the page's
``visibleAt`` (static/js/timeline.js) for labels, kept in step with it by a
browser test that compares the two.
"""

from __future__ import annotations

import re

#: Seconds per step, and steps held still at the start and at the end of the loop.
SECONDS_PER_STEP = 1.0
HOLD_START, HOLD_END = 1, 3
GATE_FILL, GATE_STROKE = "#dbeafe", "#1d4ed8"  # the page's --accent-soft and --accent

_ID = re.compile(r'\bid="([^"]+)"')


def reveal_steps(d: dict) -> tuple[dict, dict]:
    """(label id -> the state it appears at, state -> the gate it lights) for a to_dict() answer.

    States are the player's: 0 the start (inputs' and constants' values), k the
    state after step k.  Label ids are the renderer's: ``value-edge-N``,
    ``grad-edge-N``, ``total-node-N`` and ``value-edge-out``/``grad-edge-out``.
    """
    output = d["output"]["node"]
    wires = {n["id"]: [] for n in d["nodes"]}
    for e in d["edges"]:
        wires[e["source"]].append(str(e["id"]))
    wires[output].append("out")
    shown, gates = {}, {}
    for n in d["nodes"]:
        if n["kind"] != "op":
            for key in wires[n["id"]]:
                shown.setdefault(f"value-edge-{key}", 0)
    for k, step in enumerate(d.get("steps", []), start=1):
        gates[k] = step["node"]
        if step["phase"] == "forward":
            fresh = [f"value-edge-{key}" for key in wires[step["node"]]]
        else:
            fresh = ["grad-edge-out"] if step["node"] == output else []
            fresh += [f"grad-edge-{entry['edge']}" for entry in step["edges"]]
            fresh += [f"total-node-{c['node']}" for c in step["completes"]]
        for label in fresh:
            shown.setdefault(label, k)
    return shown, gates


def animated_svg(result, precision: int = 2, fold_constants: bool = True, layout: str = "auto",
                 forward: bool = False, seconds_per_step: float = SECONDS_PER_STEP,
                 timeout: float | None = None) -> str:
    """The figure of ``result`` with its backward pass (and, with ``forward``, its forward
    pass) animated in a loop (see the module's docstring).  ``timeout``: seconds `dot`
    may take (render's default when None)."""
    from . import render

    if not seconds_per_step > 0:
        raise ValueError("seconds_per_step must be positive")
    d = result.to_dict(fold_constants=fold_constants)
    svg = render.to_svg(d, precision=precision, fold_constants=fold_constants, layout=layout,
                        timeout=timeout or render.DEFAULT_TIMEOUT)
    present = set(_ID.findall(svg))
    shown, gates = reveal_steps(d)
    first = 0 if forward else sum(s["phase"] == "forward" for s in d.get("steps", []))
    # Frames: the states after `first` that change something drawn, in order.
    changes = sorted({k for label, k in shown.items() if k > first and label in present})
    frame_of = {k: i + 1 for i, k in enumerate(changes)}
    frames = len(changes)
    total = (HOLD_START + frames + HOLD_END) * seconds_per_step

    def at(frame: int) -> float:  # where a frame starts, in % of the loop
        return 100.0 * (HOLD_START + frame - 1) * seconds_per_step / total

    rules = []
    for k in changes:
        start = at(frame_of[k])
        rules.append(f"@keyframes bpv-show-{k} {{ 0%, {start:.3f}% {{ opacity: 0; }} "
                     f"{start + 0.001:.3f}%, 100% {{ opacity: 1; }} }}")
        gate = gates.get(k)
        if f"node-{gate}" in present:
            end = at(frame_of[k] + 1)
            off = "fill: none; stroke: black; stroke-width: 1px;"
            on = f"fill: {GATE_FILL}; stroke: {GATE_STROKE}; stroke-width: 2px;"
            rules.append(f"@keyframes bpv-lit-{k} {{ 0%, {start:.3f}% {{ {off} }} "
                         f"{start + 0.001:.3f}%, {end:.3f}% {{ {on} }} "
                         f"{end + 0.001:.3f}%, 100% {{ {off} }} }}")
            rules.append(f'[id="node-{gate}"] > ellipse {{ animation: bpv-lit-{k} {total:g}s '
                         f"infinite; }}")
    for label, k in sorted(shown.items()):
        if k in frame_of and label in present:
            rules.append(f'[id="{label}"] {{ animation: bpv-show-{k} {total:g}s infinite; }}')
    rules.append("@media (prefers-reduced-motion: reduce) { * { animation: none !important; } }")
    style = "<style>\n" + "\n".join(rules) + "\n</style>"
    head = svg.index(">", svg.index("<svg")) + 1
    return svg[:head] + "\n" + style + svg[head:]
