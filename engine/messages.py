"""The English words of every engine error, by stable code.

An error carries a ``code`` and its ``params`` (plain data: names, characters,
numbers, shapes as lists); the API sends both beside this English ``message``,
so the page can say the same in another language (static/i18n/).
Parameter conventions: a key ending in ``shape`` or named ``left``/``right``
holds a shape (list of ints), written like (2,3); ``actual`` holds a shape
written in words (a 2×3 matrix); ``found`` is the text of a token, where "" is
the end of the program and "\\n" the end of a line.
"""

from __future__ import annotations

from .numbers import shape_text

MESSAGES = {
    # the text
    "parse.not_text": "the program must be text",
    "parse.empty": "the program is empty: type an expression such as (x + y) * z",
    "parse.unknown_char": "unknown character {char}",
    "parse.unknown_char.dot": "unknown character {char} (a number needs digits, as in .5 or 2.5)",
    "parse.unknown_char.brace": "unknown character {char}; use ( ) for grouping",
    "parse.unknown_char.bang": "unknown character {char}; there are no comparison or logical "
                               "operators",
    "parse.unknown_char.superscript": "unknown character {char}; write a power as x**2",
    "parse.foreign_digit": "{char} is a digit of another script: write numbers with the "
                           "digits 0-9",
    "parse.bad_exponent": "'{text}' is not a complete number: an exponent needs digits, as in "
                          "{mantissa}e3 or {mantissa}e-3",
    "parse.number_name": "'{text}' is not a number or a name; write a multiplication as "
                         "'{number} * {name}'",
    "parse.number_too_large": "the number {text} is too large for float64 (at most about "
                              "1.8e308)",
    "parse.missing_after_assign": "missing a value after '{name} ='",
    "parse.unclosed_at_end": "'{open}' is never closed ({found} comes first)",
    "parse.missing_after_at_end": "missing a value after '{after}' ({found} comes first)",
    "parse.empty_parens": "empty parentheses: put an expression inside ( )",
    "parse.missing_after_op": "missing a value after '{op}' (found {found})",
    "parse.missing_after_comma": "missing a value after ',' (found {found})",
    "parse.equals_for_value": "expected a value, found '=': there are no comparisons, and '=' "
                              "only names a value at the start of a statement (q = x + y)",
    "parse.missing_before_op": "missing a value before '{op}'",
    "parse.unmatched_close": "unexpected ')': there is no '(' for it to close",
    "parse.expected_value": "expected a value, found {found}",
    "parse.empty_list": "an empty list [] has no value",
    "parse.mismatched_close": "')' does not match the '[' at offset {offset}; close it with ']'",
    "parse.unexpected_bracket": "unexpected ']'",
    "parse.unexpected_bracket_open": "unexpected ']' (the '(' at offset {offset} is still open)",
    "parse.unexpected_comma": "unexpected ',': commas only separate function arguments and "
                              "list entries",
    "parse.semicolon_in_brackets": "';' ends the statement while the '{open}' at offset "
                                   "{offset} is still open; separate arguments with ','",
    "parse.unclosed": "'{open}' is never closed: add a '{close}'",
    "parse.misplaced_equals": "'=' can only follow a name at the start of a statement, as in "
                              "q = x + y (there are no comparisons)",
    "parse.missing_operator": "missing an operator before {found}: two values side by side "
                              "(did you mean '*'?)",
    "parse.arity": "{name}() takes {arity} argument{arity_s}, got {got}",
    # names
    "name.assign_function": "'{name}' is a function and cannot be assigned; choose another name",
    "name.assign_constant": "'{name}' is the constant {value} and cannot be assigned; choose "
                            "another name",
    "name.assigned_twice": "'{name}' is assigned twice (first on line {line}); each name can "
                           "be assigned once",
    "name.used_before_assigned": "'{name}' is used before it is assigned: move '{name} = ...' "
                                 "above its first use",
    "name.unknown_function": "unknown function '{name}'; did you mean '{suggestion}'?",
    "name.unknown_function_multiply": "unknown function '{name}'; to multiply, write "
                                      "'{name} * (...)'",
    "name.function_as_value": "'{name}' is a function: call it as {name}(...)",
    # values
    "value.unknown_input": "'{name}' is not an input of the program",
    "value.bad_entry": "'{name}' has {size} entries: choose an entry from 0 to {size} - 1, "
                       "not {entry}",
    "value.not_a_mapping": "values must map input names to numbers",
    "value.missing": "missing value{names_s} for input{names_s}: {names}",
    "value.not_a_number": "the value of '{name}' must be a number, not {kind}",
    "value.not_finite": "the value of '{name}' is {text}: give a finite number",
    "value.too_large": "the value of '{name}' is too large for float64 (at most about 1.8e308): "
                       "give a finite number",
    "value.empty": "the value of '{name}' is an empty list",
    "value.mixed": "the value of '{name}' mixes numbers and lists: a matrix is a list of rows "
                   "of equal length",
    "value.empty_row": "the value of '{name}' has an empty row",
    "value.ragged": "the value of '{name}' is ragged: row 0 has {width} entries but row {row} "
                    "has {row_width}",
    "value.too_deep": "the value of '{name}' has lists nested more than two deep: a value is a "
                      "number, a vector or a matrix (at most two levels of lists)",
    "value.entry_not_a_number": "the value of '{name}' has an entry that is not a number: "
                                "{kind}",
    "value.entry_not_finite": "the value of '{name}' has an entry that is not a finite number",
    # gradient descent
    "descent.bad_rate": "the learning rate must be a finite number above 0, not {rate}",
    "descent.bad_steps": "the number of steps must be a whole number from 1 to {limit}, "
                         "not {steps}",
    "descent.not_an_input": "'{name}' is not an input the values give, so it cannot be moved",
    "descent.nonfinite": "step {step} would make a value inf or nan, so the descent stopped "
                         "at the last finite values; try a smaller learning rate",
    # shapes
    "shape.broadcast": "shapes {left} and {right} do not broadcast for '{op}': each pair of "
                       "trailing dimensions must be equal or 1",
    "shape.matmul_numbers": "@ is the matrix product: it needs vectors or matrices, not "
                            "numbers (use * for numbers)",
    "shape.matmul_number": "@ needs vectors or matrices on both sides, got {left} @ {right} "
                           "(use * to scale by a number)",
    "shape.matmul_inner": "{left} @ {right}: inner dimensions {left_inner} and {right_inner} "
                          "differ",
    "shape.dot_numbers": "dot() takes two vectors, not numbers (use * for numbers)",
    "shape.dot_not_vectors": "dot() takes two vectors, got {left} and {right}; use @ for "
                             "matrices",
    "shape.dot_lengths": "dot() of vectors of different lengths: {left} and {right}",
    # hints a shape error may carry (EngineError.hint): which input needs which shape
    "shape.input_columns": "{name} needs a matrix with as many columns as {other} has "
                           "entries ({count}); it is {actual}",
    "shape.input_entries": "{name} needs as many entries as {other} has columns ({count}); "
                           "it is {actual}",
    "shape.input_vector": "{name} needs to be a vector of {count} entries, as long as {other}; "
                          "it is {actual}",
    "shape.input_array": "{name} needs to be a vector or a matrix for @ (it is a number): give "
                         "it a value such as [1, 2] or [[1, 2], [3, 4]]",
    "shape.list_of_expressions": "a list literal can hold only numbers; build arrays from "
                                 "variables with +, * and the functions",
    # limits
    "limit.length": "the program is {length} characters long, more than the limit of {limit}",
    "limit.nodes": "the program makes more than {limit} graph nodes (the limit)",
    "limit.depth": "the expression is nested more than {limit} levels deep (the limit)",
    "limit.value_size": "the value of '{name}' has {size} entries, more than the limit of "
                        "{limit}",
    "limit.total_entries": "the program's values would hold more than {limit} numbers in all "
                           "(the limit): use smaller arrays",
    "limit.time": "the evaluation took longer than {seconds} seconds (the limit) and was "
                  "stopped",
    "limit.answer_size": "the answer would be {size} bytes, more than the limit of {limit}: "
                         "leave out full arrays or use a smaller program",
    "limit.array_result": "this result would have {size} entries, more than the limit of "
                          "{limit}",
    # micrograd graphs (engine.micrograd)
    "micrograd.not_a_value": "from_micrograd needs a micrograd Value (with data, grad, _prev "
                             "and _op), not {type}",
    "micrograd.not_a_number": "a micrograd value holds {data}, which is not a number",
    "micrograd.not_finite": "a micrograd value holds {data}, which is not a finite number",
    "micrograd.unknown_op": "micrograd's op '{op}' has no counterpart here (the known ones: "
                            "+, *, -, /, **k, ReLU, tanh, exp, log, sigmoid)",
    "micrograd.arity": "micrograd's op '{op}' has {count} operand{count_s}, not {arity}",
    "micrograd.operand_order": "cannot tell the order of the operands of micrograd's '{op}' "
                               "(its _backward keeps no self and other)",
    # warnings (the result carries them as data too)
    "warn.output_not_scalar": "the output has shape {shape}, not a single number: its gradient "
                              "is taken as all ones (the gradient of the sum of its entries)",
    "warn.nonfinite_value": "{value} from '{text}' (node {node}): a non-finite result, computed "
                            "the IEEE way",
    "warn.nonfinite_entries": "inf/nan entries from '{text}' (node {node}): a non-finite result, "
                              "computed the IEEE way",
    "micrograd.label_reserved": "the label '{label}' is a name of ours (a function or a "
                                "constant): its value is called {name} here",
    "micrograd.label_not_a_name": "the label '{label}' is not a name (letters, digits and _): "
                                  "its value is called {name} here",
    "micrograd.label_taken": "two values are labeled '{label}': the second is called {name} "
                             "here",
    "micrograd.grad_differs": "micrograd's own gradient of {name} is {theirs}, ours is {ours} "
                              "({count} value{count_s} in all): micrograd adds into .grad, so "
                              "backward() run twice without zeroing the gradients doubles them",
    "micrograd.backward_failed": "micrograd's backward() failed ({error}: its walk is "
                                 "recursive); the gradients shown are ours",
    "warn.nonfinite_grad": "the gradient through '{text}' (node {node}) is not finite: its "
                           "local derivative is infinite or undefined there",
}

_SHAPE_KEYS = ("left", "right", "shape")


def shape_words(shape) -> str:
    """A shape in words: a number, a vector of 3 entries, a 2×3 matrix."""
    if not shape:
        return "a number"
    if len(shape) == 1:
        return f"a vector of {shape[0]} entr{'y' if shape[0] == 1 else 'ies'}"
    return f"a {shape[0]}×{shape[1]} matrix"


def found_text(found: str) -> str:
    """A token as a message names it: 'x', ';', the end of the line, the end of the program."""
    if found == "":
        return "the end of the program"
    if found == "\n":
        return "the end of the line"
    return f"'{found}'"


def char_text(char: str) -> str:
    """A character and its code point: ``'$' (U+0024)``; unprintable ones by code point only."""
    if char == "'":
        return '"\'" (U+0027)'
    if char.isprintable() and not char.isspace():
        return f"'{char}' (U+{ord(char):04X})"
    return f"U+{ord(char):04X}"


def english(code: str, params: dict) -> str:
    """The English message for an error code and its parameters."""
    words = dict(params)
    for key, value in params.items():
        if key in _SHAPE_KEYS or key.endswith("_shape"):
            words[key] = shape_text(value)
        elif key == "actual":
            words[key] = shape_words(value)
        elif key == "found":
            words[key] = found_text(value)
        elif key == "char":
            words[key] = char_text(value)
        elif isinstance(value, list):
            words[key] = ", ".join(map(str, value))
            words[key + "_s"] = "s" if len(value) > 1 else ""
        elif isinstance(value, int) and not isinstance(value, bool):
            words[key + "_s"] = "" if value == 1 else "s"
        elif isinstance(value, float):
            words[key] = f"{value:.6g}"
    return MESSAGES[code].format(**words)
