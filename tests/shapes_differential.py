"""Compare what keras-lint states about a program's models with what TensorFlow builds.

keras-lint's side is static (the program is only parsed); TensorFlow's side executes the
program one line at a time, so that the line where Keras raises is known. The rules of the
comparison:

- every output shape and parameter count keras-lint states (is not UNKNOWN) must equal
  TensorFlow's, layer by layer, with the same layer classes and names;
- every shape error keras-lint reports must be on a line where TensorFlow raises;
- where TensorFlow raises, keras-lint must not claim that the layer on that line works
  (a known output and no error).

TensorFlow goes on after a line that raises, so that independent branches are checked too; a
line that only fails because it uses a variable of a failed line (NameError) proves nothing.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

from lint_helpers import settings_for

from keras_lint.engine import lint_text
from keras_lint.models import extraction
from keras_lint.shapes import UNKNOWN, format_output


class _Collector:
    code = "differential"
    judges_suppressions = False

    def __init__(self):
        self.ctx = None
        self.found = None

    def check(self, ctx):
        self.ctx = ctx
        self.found = extraction(ctx)
        return []


@dataclass
class Outcome:
    disagreements: list[str] = field(default_factory=list)
    tf_errors: dict[int, str] = field(default_factory=dict)  # line -> what Keras raised
    static_error_lines: list[int] = field(default_factory=list)
    output_known: bool = False  # keras-lint knows the model's full output shape(s)
    params_known: bool = False
    layers_compared: int = 0


def _known(shape) -> bool:
    if isinstance(shape, list):
        return all(_known(s) for s in shape)
    return isinstance(shape, tuple) and UNKNOWN not in shape


def static_side(source: str):
    collector = _Collector()
    result = lint_text(source, "generated.py", settings_for(), rules=[collector])
    assert collector.found is not None, result.parse_error
    return collector.ctx, collector.found


def tf_side(lines: list[str]):
    """Run the program line by line; the errors by line, NameErrors (a line that uses the
    result of a failed one) apart."""
    import keras

    keras.backend.clear_session()
    namespace: dict = {}
    errors: dict[int, str] = {}
    consequences: set[int] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for number, line in enumerate(lines, 1):
            try:
                exec(compile(line, f"<line {number}>", "exec"), namespace)
            except NameError:
                consequences.add(number)
            except Exception as exc:  # what Keras raises is the point
                errors[number] = f"{type(exc).__name__}: {exc}"
    return namespace, errors, consequences


def _line(ctx, node) -> int:
    return ctx.lines.position(ctx.span(node)[0])[0]


def _node_line(ctx, node) -> int | None:
    where = node.call if node.call is not None else (node.layer.call.node if node.layer.call is not None else None)
    return _line(ctx, where) if where is not None else None


def _tf_outputs(layer, node_index: int = 0):
    from keras.src import tree

    nodes = layer._inbound_nodes
    if node_index >= len(nodes):
        return None
    return [tuple(t.shape) for t in tree.flatten(nodes[node_index].output_tensors)]


def _tf_weights(layer) -> tuple[int, int]:
    trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
    frozen = sum(math.prod(w.shape) for w in layer.non_trainable_weights)
    return trainable, frozen


def compare(lines: list[str]) -> Outcome:
    source = "\n".join(lines) + "\n"
    outcome = Outcome()
    ctx, found = static_side(source)
    namespace, tf_errors, consequences = tf_side(lines)
    outcome.tf_errors = tf_errors
    error_lines = sorted({_node_line(ctx, n) for n in found.errors()} - {None})
    outcome.static_error_lines = error_lines
    last_line = len(lines)
    models = [m for m in found.models if m.call is not None and _line(ctx, m.call.node) == last_line]
    static_model = models[-1] if models else None

    for line in error_lines:
        if line not in tf_errors:
            where = "fails only because an earlier line failed" if line in consequences else "runs"
            outcome.disagreements.append(f"keras-lint reports a shape error on line {line}, where TensorFlow {where}")
    for line, text in tf_errors.items():
        if line in error_lines:
            continue
        on_line = [n for n in found.nodes if _node_line(ctx, n) == line]
        if static_model is not None and static_model.kind == "sequential":
            on_line = [n for n in on_line if n.owner is static_model or n.owner is None]
        if on_line and all(_known([t.shape for t in n.outputs]) and n.error is None for n in on_line):
            shown = "; ".join(f"{n.layer.name}: {format_output([t.shape for t in n.outputs])}" for n in on_line)
            outcome.disagreements.append(f"TensorFlow raises on line {line} ({text[:300]}) but keras-lint states the layers there work: {shown}")
    if tf_errors or consequences:
        return outcome

    if error_lines:
        outcome.disagreements.append(f"keras-lint reports shape errors on lines {error_lines}, TensorFlow builds the model")
    tf_model = namespace.get("model")
    if static_model is None or tf_model is None:
        return outcome
    static_layers = static_model.layers
    tf_layers = tf_model.layers
    if static_model.complete and len(static_layers) != len(tf_layers):
        outcome.disagreements.append(
            f"keras-lint lists {len(static_layers)} layers, TensorFlow {len(tf_layers)}: "
            f"{[l.name for l in static_layers]} vs {[l.name for l in tf_layers]}"
        )
        return outcome
    for static_layer, tf_layer in zip(static_layers, tf_layers):
        if static_layer.class_name == "?":
            continue
        if static_layer.class_name != type(tf_layer).__name__ or static_layer.name != tf_layer.name:
            outcome.disagreements.append(
                f"layer {static_layer.name} ({static_layer.class_name}) vs TensorFlow's {tf_layer.name} ({type(tf_layer).__name__})"
            )
            continue
        outcome.layers_compared += 1
        if static_model.kind == "sequential":
            static_nodes = [n for n in static_layer.nodes if n.owner is static_model][:1]
        else:
            static_nodes = static_layer.nodes
        for index, node in enumerate(static_nodes):
            tf_shapes = _tf_outputs(tf_layer, index)
            if tf_shapes is None:
                continue
            static_shapes = [t.shape for t in node.outputs]
            if len(static_shapes) == len(tf_shapes):
                for mine, theirs in zip(static_shapes, tf_shapes):
                    if isinstance(mine, tuple) and len(mine) != len(theirs):
                        outcome.disagreements.append(f"{static_layer.name}: keras-lint {format_output(mine)}, TensorFlow {theirs}")
                    elif isinstance(mine, tuple):
                        for a, b in zip(mine, theirs):
                            if a is not UNKNOWN and a != b:
                                outcome.disagreements.append(f"{static_layer.name}: keras-lint {format_output(mine)}, TensorFlow {theirs}")
                                break
            elif _known(static_shapes):
                outcome.disagreements.append(f"{static_layer.name}: keras-lint {format_output(static_shapes)}, TensorFlow {tf_shapes}")
        trainable, frozen = static_layer.weights()
        tf_trainable, tf_frozen = _tf_weights(tf_layer)
        if trainable is not UNKNOWN and trainable != tf_trainable:
            outcome.disagreements.append(f"{static_layer.name}: keras-lint {trainable} trainable parameters, TensorFlow {tf_trainable}")
        if frozen is not UNKNOWN and frozen != tf_frozen:
            outcome.disagreements.append(f"{static_layer.name}: keras-lint {frozen} non-trainable parameters, TensorFlow {tf_frozen}")
    total = static_model.total_params
    if total is not UNKNOWN and total != tf_model.count_params():
        outcome.disagreements.append(f"model: keras-lint {total} parameters, TensorFlow {tf_model.count_params()}")
    outcome.output_known = static_model.complete and _known(static_model.output_shapes)
    outcome.params_known = total is not UNKNOWN
    return outcome
