"""The English sentences of the step trace, written from its data (engine.trace).

One formatter for the CLI and the answer's ``text``/``chain``/``rule`` fields:
``q = x + y = -2.00 + 5.00 = 3.00`` forward, and backward
``df/dx = df/dq * dq/dx = -4.00 * 1.00 = -4.00``.  The page writes its own
sentences (in English or Korean) from the same data and never reads these.
"""

from __future__ import annotations

from .labels import MAX_TEXT_LABEL, is_plain
from .numbers import format_value, shape_text
from .ops import OPS


class Writer:
    """Writes formulas and steps for one result at one precision."""

    def __init__(self, graph, labels: list[str], precision: int = 2):
        self.graph = graph
        self.labels = labels
        self.precision = precision

    def number(self, v) -> str:
        return format_value(v, self.precision)

    # formulas ----------------------------------------------------------------------
    def _ref(self, i: int, in_operator: bool) -> str:
        """A node's label inside a formula, in parentheses where it is an operator's text."""
        label = self.labels[i]
        node = self.graph.nodes[i]
        if (in_operator and node.kind == "op" and not node.name and i != self.graph.output
                and not is_plain(label) and OPS[node.op].style in ("infix", "prefix")):
            return f"({label})"
        return label

    def formula(self, tree, up_name: str = "up", parent_power: int = 0,
                right_side: bool = False) -> str:
        """A formula tree in program notation: ``-1/x**2``, ``up @ transpose(x)``, ``[a > 0]``."""
        head = tree[0]
        if head == "num":
            v = tree[1]
            return f"{v:g}" if v >= 0 or parent_power == 0 else f"({v:g})"
        if head == "ref":
            return self._ref(tree[1], parent_power > 0)
        if head == "grad":
            return up_name
        op = OPS[head]
        args = tree[1:]
        if op.style == "infix":
            left = self.formula(args[0], up_name, op.power, False)
            right = self.formula(args[1], up_name, op.power, True)
            text = f"{left} {op.symbol} {right}" if op.power < 3 else f"{left}{op.symbol}{right}"
            tight = op.power < parent_power or (op.power == parent_power and (
                right_side != op.right))
            return f"({text})" if tight else text
        if op.style == "prefix":
            text = f"{op.symbol}{self.formula(args[0], up_name, op.power)}"
            return f"({text})" if op.power < parent_power else text
        if op.style == "relation":
            return (f"[{self.formula(args[0], up_name)} {op.symbol} "
                    f"{self.formula(args[1], up_name)}]")
        if op.style == "alias":
            return self.formula(args[0], up_name, parent_power, right_side)
        if head == "transpose":  # xᵀ, as a derivation writes it
            return self._postfix_t(args[0], up_name)
        if head == "outer":
            text = f"{self.formula(args[0], up_name, 5)} {self._postfix_t(args[1], up_name)}"
            return f"({text})" if parent_power else f"{text} (outer product)"
        return f"{op.symbol}({', '.join(self.formula(a, up_name) for a in args)})"

    def _postfix_t(self, tree, up_name) -> str:
        inner = self.formula(tree, up_name, 5)
        return f"{inner}ᵀ" if is_plain(inner) or inner[-1] == ")" else f"({inner})ᵀ"

    def _with_numbers(self, tree) -> str:
        """A gate's formula with its operands' values in place of their names."""
        op = OPS[tree[0]]
        nums = [self.number(self.graph.nodes[ref[1]].value) for ref in tree[1:]]
        if op.style == "infix":
            return f"{nums[0]} {op.symbol} {nums[1]}"
        if op.style == "prefix":
            return f"{op.symbol}({nums[0]})" if nums[0].startswith("-") else op.symbol + nums[0]
        if op.style == "alias":
            return nums[0]
        return f"{op.symbol}({', '.join(nums)})"

    def _text_label(self, node) -> str:
        from .graph import snippet
        return snippet(self.graph.text, node.start, node.end, 2 * MAX_TEXT_LABEL)

    # steps -------------------------------------------------------------------------
    def forward_text(self, step) -> str:
        i = step["node"]
        node = self.graph.nodes[i]
        label = self.labels[i]
        # A value is introduced by its name, or by its short label (t3) where it has one.
        named = node.name or i == self.graph.output or label != self._text_label(node)
        head = f"{label} = " if named else ""
        expr = self.formula(step["formula"])
        nums = self._with_numbers(step["formula"])
        value = self.number(step["value"])
        if nums == value:
            return f"{head}{expr} = {nums}"
        if expr == nums:
            return f"{head}{expr} = {value}"
        return f"{head}{expr} = {nums} = {value}"

    def describe_entry(self, entry) -> None:
        """Fill one backward entry's ``rule``, ``chain`` and ``text``."""
        up, grad = self.number(entry["upstream"]), self.number(entry["grad"])
        up_name, local_name = entry["upstream_name"], entry["local_name"]
        grad_name = entry["grad_name"]
        part = f" (part {entry['part'][0]} of {entry['part'][1]})" if entry["part"] else ""
        rule = self.formula(entry["formula"], up_name)
        if entry["kind"] == "local":
            local = self.number(entry["local"])
            chain = f"{local_name} * {up_name} = {local} * {up} = {grad}"
            text = f"{grad_name}{part} = {up_name} * {local_name} = {up} * {local} = {grad}"
        else:
            shapes = entry["shapes"]
            chain = (f"{grad_name} = {rule} = {grad}   shapes: {shape_text(shapes['source'])} "
                     f"<- {shape_text(shapes['gate'])}")
            text = f"{grad_name}{part} = {rule} = {grad}"
        if entry["broadcast"]:
            note = (" (summed over the broadcast axes back to shape "
                    f"{shape_text(entry['broadcast']['to'])})")
            chain += note
            text += note
        entry["rule"], entry["chain"], entry["text"] = rule, chain, text

    def complete_text(self, complete, grad_name: str) -> str:
        parts = complete["parts"]
        if len(parts) > 1:
            return (f"{grad_name} = " + " + ".join(self.number(p) for p in parts)
                    + f" = {self.number(complete['total'])}")
        return f"{grad_name} = {self.number(complete['total'])}"

    def backward_text(self, step) -> str:
        lines = [e["text"] for e in step["edges"] if e["source_kind"] != "const"]
        if not lines:
            lines = [f"{step['upstream_name']} = {self.number(step['upstream'])}: its inputs "
                     f"are constants, so the gradient stops here"]
        names = {e["source"]: e["grad_name"] for e in step["edges"]}
        for c in step["completes"]:
            c["text"] = self.complete_text(c, names[c["node"]])
            if len(c["parts"]) > 1:
                lines.append(c["text"])
        return "\n".join(lines)

    def describe(self, steps) -> None:
        """Add the English fields to every step, in place."""
        for step in steps:
            if step["phase"] == "forward":
                step["text"] = self.forward_text(step)
            else:
                for entry in step["edges"]:
                    self.describe_entry(entry)
                step["text"] = self.backward_text(step)
