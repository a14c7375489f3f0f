"""Programs whose graphs are hard for Graphviz to lay out, for measuring and testing the renderer.

Shared by benchmarks/render_bench.py (which times `dot` on each), scripts/abuse.py
(whose costly-layout attack loops one) and the render tests; the app itself
never imports it.  Each generator answers a program text, deterministic for
its arguments (those that draw at random take a ``random.Random``), whose
graph has about ``nodes`` nodes; ``family(nodes)`` lists every shape at one
size, and ``NAMES`` the families, hardest for `dot` first as measured.

The families are what costs `dot` most, by the kind of work it does:

* ``shared-tree-K``: a balanced tree of + and * whose leaves are K shared
  inputs, each used ~nodes/K times (mincross: every input's wires fan out to
  gates all over one rank; with K = 400 each input has only a few);
* ``fan``, ``hub-fan``, ``poly``: one value used by every gate of a long sum;
* ``chain``, ``chain-reuse``: a long chain, alone or with one input feeding every link;
* ``dense``: every value made of two earlier ones picked at random (long wires everywhere);
* ``sop``, ``shared-sop-K``: sums of products, of neighbours or of K shared inputs;
* ``layered``: random layers, each value mixing two of the layer before;
* ``tree``: a balanced tree of distinct inputs (the easy case, for comparison).
"""

from __future__ import annotations

import random

NAMES = ("shared-tree-2", "shared-tree-5", "shared-tree-20", "shared-tree-400", "shared-sop-5",
         "dense", "layered", "fan", "hub-fan", "poly", "chain-reuse", "chain", "sop", "tree")


def balanced_tree(leaves: int, names: list[str]) -> str:
    """A balanced tree of + and * (alternating by level) over ``leaves`` uses of ``names`` in turn."""
    items = [names[i % len(names)] for i in range(leaves)]
    level = 0
    while len(items) > 1:
        op = "+*"[level % 2]
        items = [f"({items[i]} {op} {items[i + 1]})" if i + 1 < len(items) else items[i]
                 for i in range(0, len(items), 2)]
        level += 1
    return items[0]


def shared_tree(nodes: int, inputs: int) -> str:
    """A balanced tree over ``inputs`` shared inputs: leaves - 1 gates plus the inputs make ``nodes``."""
    return balanced_tree(max(2, nodes - inputs + 1), [f"x{i}" for i in range(inputs)])


def fan(nodes: int) -> str:
    """`x + x + ... + x`: one input used by every gate."""
    return " + ".join(["x"] * max(2, nodes))


def hub_fan(nodes: int) -> str:
    """`q = tanh(x); q + q + ...`: one gate's value used by every gate."""
    return "q = tanh(x)\nf = " + " + ".join(["q"] * max(2, nodes - 2))


def poly(nodes: int) -> str:
    """`0*x**0 + 1*x**1 + ...`: a polynomial in x (a constant, a power and a sum per term)."""
    return " + ".join(f"{i % 7 + 1}*x**{i % 5}" for i in range(max(1, nodes // 5)))


def chain(nodes: int) -> str:
    """`t1 = sin(x); t2 = sin(t1); ...`: one long chain, one line per link."""
    lines = ["t0 = x"] + [f"t{i} = sin(t{i - 1})" for i in range(1, max(2, nodes - 1))]
    return "\n".join(lines)


def chain_reuse(nodes: int) -> str:
    """`t1 = t0 * x + ...`: a chain whose every link also takes the same input x."""
    lines = ["t0 = y"] + [f"t{i} = t{i - 1} * x" for i in range(1, max(2, nodes - 2))]
    return "\n".join(lines)


def dense(nodes: int, rng: random.Random) -> str:
    """Every value is `a op b` of two earlier values picked at random (inputs x0..x9 first)."""
    names = [f"x{i}" for i in range(10)]
    lines = []
    for i in range(max(1, nodes - 10)):
        a, b = rng.sample(names, 2)
        name = f"v{i}"
        lines.append(f"{name} = {a} {rng.choice('+*-')} {b}")
        names.append(name)
    return "\n".join(lines)


def sop(nodes: int) -> str:
    """`x0*x1 + x1*x2 + ...`: each input used by two neighbouring products."""
    terms = max(1, (nodes - 1) // 3)
    return " + ".join(f"x{i}*x{i + 1}" for i in range(terms))


def shared_sop(nodes: int, inputs: int, rng: random.Random) -> str:
    """`x3*x1 + x0*x4 + ...`: products of two of ``inputs`` shared inputs, picked at random."""
    terms = max(1, (nodes - inputs + 1) // 2)
    return " + ".join("x{}*x{}".format(*rng.sample(range(inputs), 2)) for _ in range(terms))


def layered(nodes: int, rng: random.Random, width: int = 40) -> str:
    """Layers of ``width`` values, each `tanh(a * b)` of two values of the layer before."""
    depth = max(1, (nodes - width) // (2 * width))
    lines, prev = [], [f"a{i}" for i in range(width)]
    for level in range(depth):
        cur = [f"v{level}_{i}" for i in range(width)]
        for name in cur:
            j, k = rng.sample(range(width), 2)
            lines.append(f"{name} = tanh({prev[j]} * {prev[k]})")
        prev = cur
    lines.append("f = " + " + ".join(prev))
    return "\n".join(lines)


def tree(nodes: int) -> str:
    """A balanced tree of + and * over distinct inputs a0, a1, ..."""
    leaves = max(2, (nodes + 1) // 2)
    return balanced_tree(leaves, [f"a{i}" for i in range(leaves)])


def shape(name: str, nodes: int, seed: int = 1) -> str:
    """The program of family ``name`` (one of NAMES) at about ``nodes`` nodes."""
    rng = random.Random(seed)
    if name.startswith("shared-tree-"):
        return shared_tree(nodes, int(name.rsplit("-", 1)[1]))
    if name.startswith("shared-sop-"):
        return shared_sop(nodes, int(name.rsplit("-", 1)[1]), rng)
    makers = {"fan": fan, "hub-fan": hub_fan, "poly": poly, "chain": chain,
              "chain-reuse": chain_reuse, "sop": sop, "tree": tree,
              "dense": lambda n: dense(n, rng), "layered": lambda n: layered(n, rng)}
    return makers[name](nodes)


def family(nodes: int, seed: int = 1) -> dict[str, str]:
    """Every family's program at about ``nodes`` nodes, by name."""
    return {name: shape(name, nodes, seed) for name in NAMES}
