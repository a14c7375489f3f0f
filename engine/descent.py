"""Gradient descent (or ascent) on a program's inputs: the step a learner takes by hand, n times.

Each step evaluates the program, then moves every chosen input against its
gradient (``v - lr * dv``), or along it to maximise (``v + lr * dv``).  The
graph is built once and run again with the new values.  A step that would
make an output, a value or a gradient inf or nan stops the walk there: the
last finite values are kept and ``stopped`` says why.
"""

from __future__ import annotations

import math

import numpy as np

from .autodiff import backward, finite, forward
from .errors import EngineError, InputValueError
from .graph import Limits, build, cycle_collector_paused

#: The most steps one call may take.
MAX_STEPS = 1000


def _total(v) -> float:
    return v if type(v) is float else float(np.sum(v))


def check_rate(lr) -> float:
    """A learning rate: a finite positive number, or a clear error."""
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not (
            math.isfinite(lr) and lr > 0):
        raise InputValueError.of("descent.bad_rate", rate=str(lr))
    return float(lr)


def descend(program: str, values: dict, lr, steps: int = 1, params=None,
            maximize: bool = False, limits: Limits | None = None, default=None) -> dict:
    """Take ``steps`` steps of size ``lr`` on ``params`` (default: every input the caller gives).

    Answers ``{"params", "outputs", "values", "stopped"}``: the names moved, the
    output at the start and after each step taken, the values of every input
    where the walk ended (raw: floats and arrays, to continue from or to
    evaluate), and None or why the walk stopped early (``{"code", "params",
    "message", "start", "end", "step"}``).
    """
    lr = check_rate(lr)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise InputValueError.of("descent.bad_steps", steps=str(steps), limit=MAX_STEPS)
    with cycle_collector_paused():
        graph = build(program, limits or Limits())
        values = dict(values or {})
        if default is not None:
            values = {name: values.get(name, default) for name in graph.inputs}
        names = list(graph.inputs) if params is None else list(params)
        for name in names:
            if name not in graph.inputs:
                raise InputValueError.of("descent.not_an_input", name=name)
        sign = 1.0 if maximize else -1.0
        outputs, stopped = [], None
        for step in range(steps + 1):
            graph.bind(values)
            forward(graph)
            backward(graph)
            out = _total(graph.nodes[graph.output].value)
            if not math.isfinite(out):  # keep the values of the last finite output
                stopped = EngineError.of("descent.nonfinite", step=step)
                values = good
                break
            outputs.append(out)
            good = dict(values)
            if step == steps:
                break
            moved = {}
            for n in names:
                node = graph.nodes[graph.names[n]]
                new = node.value + sign * lr * node.grad
                if type(new) is not float:
                    new = np.asarray(new, dtype=np.float64)
                if not finite(new):
                    stopped = EngineError.of("descent.nonfinite", step=step + 1)
                    break
                moved[n] = new
            if stopped is not None:
                break
            values.update(moved)
    return {"params": names, "outputs": outputs, "values": values,
            "stopped": None if stopped is None else {**stopped.to_dict(), "step": stopped.params["step"]}}
