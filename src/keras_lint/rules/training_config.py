"""Training configuration: a last layer, a loss, logits, labels and metrics that do not fit
together. Keras builds and trains such models without an error (at most a warning) and they
learn nothing or report a meaningless number.

Every rule follows a model from its output (the `activation=` of its last layer, an
`Activation`/`Softmax` layer after it; `models.heads`) to its `compile` call and the labels it
is fitted on (`rules/_training_config.py`). A custom loss, a custom layer, or an output whose
activation is not known means silence.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Context
from keras_lint.diagnostics import Applicability, Edit, Finding, Fix
from keras_lint.knowledge import keras3
from keras_lint.models import Layer, extraction
from keras_lint.models.heads import Activation, OutputHead, activations_up_to, role_of
from keras_lint.rewrite import reference_to
from keras_lint.rules._training_config import (
    FAMILY,
    PROBABILITY_ACTIVATIONS,
    LossUse,
    Training,
    trainings,
    with_quotes,
)
from keras_lint.rules.base import Invalid, Raises, Rule, Silent, Valid, Warns, dedent

_LOSS_CLASSES = {
    "binary_crossentropy": "BinaryCrossentropy",
    "categorical_crossentropy": "CategoricalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
}


# -- shared helpers ---------------------------------------------------------------------------------


class _Reported:
    """Findings of one rule already made in this file (a compile call is seen once per model
    instance that reaches it)."""

    def __init__(self):
        self.seen: set[int] = set()

    def first(self, node: cst.CSTNode) -> bool:
        if id(node) in self.seen:
            return False
        self.seen.add(id(node))
        return True


def _loss_written(ctx: Context, loss: LossUse) -> str:
    """The loss as written, in backticks, with its value when the code names it indirectly
    (`loss` (here 'binary_crossentropy'))."""
    text = f"`{ctx.shown(loss.site)}`"
    if loss.form == "string" and not isinstance(loss.site, cst.SimpleString):
        text += f" (here '{loss.name}')"
    return text


def _replace_loss(ctx: Context, loss: LossUse, new_name: str) -> list[Edit] | None:
    """Edits that make the loss `new_name` (a function name), keeping its form: a string stays
    a string, a function a function, a loss object an object with the same arguments. None when
    the loss is not written in the compile call or its arguments do not carry over."""
    if not loss.in_call:
        return None
    if loss.form == "string":
        if not isinstance(loss.expr, cst.SimpleString):
            return None
        return [ctx.replace(loss.expr, with_quotes(ctx, loss.expr, new_name))]
    if loss.form == "function":
        reference = reference_to(ctx, loss.expr, loss.scope, f"keras.losses.{new_name}")
        return None if reference is None else [ctx.replace(loss.expr, reference.text), *reference.edits]
    class_name = _LOSS_CLASSES.get(new_name)
    if class_name is None:
        return None
    target = f"keras.losses.{class_name}"
    if loss.call is None:
        reference = reference_to(ctx, loss.expr, loss.scope, target)
        return None if reference is None else [ctx.replace(loss.expr, reference.text), *reference.edits]
    signature = keras3.signature(target)
    accepted = signature.keyword_names() if signature is not None else frozenset()
    for arg in loss.call.args:
        if arg.star or arg.keyword is None or arg.keyword.value not in accepted:
            return None
    reference = reference_to(ctx, loss.call.func, loss.scope, target)
    return None if reference is None else [ctx.replace(loss.call.func, reference.text), *reference.edits]


def _layer_text(ctx: Context, layer: Layer) -> str:
    if layer.call is None:
        return layer.class_name
    return ctx.shown(layer.call.node)


def _activation_text(ctx: Context, activation: Activation) -> str:
    """How the code applies an activation: `Dense(10, activation="softmax")`, `Softmax()`."""
    return f"`{_layer_text(ctx, activation.layer)}`"


def _is_linear_literal(ctx: Context, arg: cst.Arg, layer: Layer) -> bool:
    constant = ctx.constant(arg.value, layer.call.scope) if layer.call is not None else None
    return constant is not None and constant.node is arg.value and constant.value in (None, "linear")


def _set_activation(ctx: Context, layer: Layer, activation: str) -> list[Edit] | None:
    """Edits that give a linear layer `activation=...`: replace `None`/`"linear"`, or add the
    keyword after the last argument."""
    if layer.call is None or layer.call.has_star_args:
        return None
    arg = layer.argument_node("activation")
    q = ctx.quote()
    if arg is not None:
        if not _is_linear_literal(ctx, arg, layer):
            return None
        return [ctx.replace(arg.value, f"{q}{activation}{q}")]
    args = layer.call.node.args
    if not args:
        return None
    return [ctx.insert_after(args[-1].value, f", activation={q}{activation}{q}")]


def _fix(rule: Rule, message: str, edits: list[Edit] | None, applicability: Applicability | None = None) -> Fix:
    if not edits:
        return rule.make_fix(message, [], Applicability.DISPLAY_ONLY)
    return rule.make_fix(message, edits, applicability)


def _single_output(training: Training) -> tuple[OutputHead, LossUse] | None:
    if len(training.heads) != 1 or 0 not in training.losses:
        return None
    return training.heads[0], training.losses[0]


def _pairs(training: Training) -> Iterator[tuple[OutputHead, LossUse]]:
    for head in training.heads:
        loss = training.losses.get(head.index)
        if loss is not None:
            yield head, loss


def _places(training: Training, head: OutputHead) -> set[tuple]:
    """The source places an edit for this output may touch: its loss in the compile call and
    the layers that make the output."""
    places: set[tuple] = {("compile", id(training.compile.call.node), head.index)}
    for activation in head.activations:
        if activation.layer.call is not None:
            places.add(("layer", id(activation.layer.call.node)))
    return places


def _agreed_fix(ctx: Context, training: Training, head: OutputHead, verdict):
    """The fix every model instance that shares a place with this output needs, or None.

    A function called with other arguments builds other model instances from the same source
    (`build(1, "sigmoid")`, `build(10, "softmax")`), and a helper may build the head of several
    models: an edit there changes all of them, so it is offered only when `verdict(training,
    head, loss)` (the fix an instance needs, or None) is the same for all. An instance whose
    verdict is `_NO_EVIDENCE` (a model not fitted on labels keras-lint can read) neither needs
    nor refuses it."""
    places = _places(training, head)
    verdicts = set()
    for other in trainings(ctx):
        for other_head in other.heads:
            if other is training and other_head is head or _places(other, other_head) & places:
                other_verdict = verdict(other, other_head, other.losses.get(other_head.index))
                if other_verdict is not _NO_EVIDENCE:
                    verdicts.add(other_verdict)
    return verdicts.pop() if len(verdicts) == 1 else None


_NO_EVIDENCE = object()


def _label_verdict(training: Training, choices: dict[str, str]):
    """The fix the labels call for (`choices` by encoding), `_NO_EVIDENCE` when the model is
    not fitted on labels here, None when they are unknown or disagree."""
    if not training.labels and training.labels_complete:
        return _NO_EVIDENCE
    return choices.get(training.label_encoding())


def _output_text(ctx: Context, head: OutputHead) -> str:
    final = head.final
    if final is not None:
        return _activation_text(ctx, final)
    return f"`{_layer_text(ctx, head.layer)}`" if head.layer is not None else "the output"


# -- KRS701 ------------------------------------------------------------------------------------------


class CategoricalCrossentropyOneUnit(Rule):
    """## What it does
    Finds `categorical_crossentropy` (or `CategoricalCrossentropy()`, the focal variant) used
    on an output with a single unit, such as `Dense(1, activation="sigmoid")`.

    ## Why is this bad?
    The categorical crossentropy first normalises the predictions over the classes (the last
    axis) so that they sum to 1. With one unit, the one value always normalises to 1.0 and
    `log(1.0) = 0`: the loss is 0 for every sample, whatever the model predicts, and reports
    nothing the training can use. Keras 3 only emits a `SyntaxWarning` during `fit`. Two
    classes with one sigmoid unit is the job of `binary_crossentropy`.

    ## Example
    ```python
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    ```

    ## Use instead
    ```python
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    ```

    ## Fix safety
    When the output is a sigmoid, the loss becomes `binary_crossentropy` (in the form it was
    written: string, function, or loss object with the same arguments). Unsafe: training
    changes, from a constant 0 to a loss that learns. With another activation the right fix
    depends on the task (N units with softmax, or a sigmoid), so it is only described.
    """

    code = "KRS701"
    name = "categorical-crossentropy-one-unit"
    summary = "`categorical_crossentropy` on a 1-unit output: the loss is always 0"
    family = FAMILY
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            """), note="sigmoid with binary crossentropy"),
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            """)),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
                loss, accuracy = model.evaluate(np.ones((8, 4)), np.array([0, 1] * 4), verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
                loss, accuracy = model.evaluate(np.ones((8, 4)), np.array([0, 1] * 4), verbose=0)
                """),
            message="the loss is always 0",
            keras=Silent("loss == 0.0"),
            fixed_check="loss > 0.1",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            dedent("""
                import keras
                from keras.losses import CategoricalCrossentropy
                inputs = keras.Input((8,))
                x = keras.layers.Dense(16, activation="relu")(inputs)
                x = keras.layers.Dense(1)(x)
                outputs = keras.layers.Activation("sigmoid")(x)
                model = keras.Model(inputs, outputs)
                model.compile(optimizer="adam", loss=CategoricalCrossentropy(label_smoothing=0.1))
                """),
            fixed=dedent("""
                import keras
                from keras.losses import BinaryCrossentropy
                inputs = keras.Input((8,))
                x = keras.layers.Dense(16, activation="relu")(inputs)
                x = keras.layers.Dense(1)(x)
                outputs = keras.layers.Activation("sigmoid")(x)
                model = keras.Model(inputs, outputs)
                model.compile(optimizer="adam", loss=BinaryCrossentropy(label_smoothing=0.1))
                """),
            message="`CategoricalCrossentropy(label_smoothing=0.1)`",
            keras=Warns("In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, num_classes) with num_classes > 1"),
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="sgd", loss=keras.losses.categorical_crossentropy)
                """),
            fixed=None,
            message="use `binary_crossentropy` with a sigmoid output",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        reported = _Reported()
        for training in trainings(ctx):
            for head, loss in _pairs(training):
                if loss.family != "categorical" or head.units != 1 or not reported.first(loss.site):
                    continue
                written = _loss_written(ctx, loss)
                message = (
                    f"{written} on an output with 1 unit ({_output_text(ctx, head)}): the loss is always 0. The categorical "
                    f"crossentropy normalises the predictions over the last axis, and a single value always normalises to 1.0 "
                    f"(log 1 = 0), so the model gets no training signal from it (Keras 3 only emits a SyntaxWarning at fit)"
                )
                if head.activation == "sigmoid":
                    binary = _agreed_fix(ctx, training, head, self._verdict)
                    edits = _replace_loss(ctx, loss, binary) if binary else None
                    message += "; a sigmoid output with two classes is what `binary_crossentropy` is for"
                    yield self.finding(ctx, loss.site, message, _fix(self, "Use binary_crossentropy", edits))
                else:
                    message += "; use `binary_crossentropy` with a sigmoid output for two classes, or one unit per class with softmax"
                    yield self.finding(ctx, loss.site, message, _fix(self, "Use binary crossentropy with a sigmoid output", None))

    @staticmethod
    def _verdict(training: Training, head: OutputHead, loss: LossUse | None) -> str | None:
        if loss is None or loss.family != "categorical" or head.units != 1 or head.activation != "sigmoid":
            return None
        return "binary_focal_crossentropy" if loss.focal else "binary_crossentropy"


# -- KRS702 ------------------------------------------------------------------------------------------


def _axis_size(shape, axis: int | None) -> int | None:
    if not isinstance(shape, tuple) or axis is None or not shape:
        return None
    try:
        size = shape[axis]
    except IndexError:
        return None
    return size if isinstance(size, int) and not isinstance(size, bool) else None


def _output_shapes(layer: Layer) -> list:
    return [node.outputs[0].shape for node in layer.nodes if node.outputs]


class SoftmaxOneUnit(Rule):
    """## What it does
    Finds a softmax over an axis of size 1: `Dense(1, activation="softmax")`, `Conv2D(1, 1,
    activation="softmax")`, or an `Activation("softmax")`/`Softmax()` layer after one unit.

    ## Why is this bad?
    A softmax divides each value by the sum over the axis, so that they add up to 1. With one
    value per axis it always outputs exactly 1.0, whatever the input: the model predicts the
    same class for every sample and its gradient is zero. Keras 3 warns when the layer is
    called ("The softmax operation will always return the value 1"). One unit answering a
    yes/no question needs a `sigmoid`; a softmax over several positions (attention over time
    steps) needs `Softmax(axis=1)`.

    ## Example
    ```python
    model.add(Dense(1, activation="softmax"))
    ```

    ## Use instead
    ```python
    model.add(Dense(1, activation="sigmoid"))
    ```

    ## Fix safety
    Unsafe: `softmax` becomes `sigmoid` where the output is one value per sample (shape
    `(None, 1)`), which is what a one-unit classifier means. Elsewhere (a softmax meant over
    time steps, a segmentation map) the intent is not certain and the fix is only described.
    """

    code = "KRS702"
    name = "softmax-one-unit"
    summary = "A softmax over a single unit: it always outputs 1.0"
    family = FAMILY
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            """)),
        Valid(dedent("""
            import keras
            from keras import layers
            inputs = keras.Input((10, 8))
            scores = layers.Dense(1)(inputs)
            weights = layers.Softmax(axis=1)(scores)
            model = keras.Model(inputs, weights)
            """), note="attention weights: a softmax over the 10 time steps"),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1, activation="softmax")])
                model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
                predictions = model.predict(np.random.rand(16, 4), verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
                predictions = model.predict(np.random.rand(16, 4), verbose=0)
                """),
            message="always outputs 1.0",
            keras=Warns("The softmax operation will always return the value 1"),
            fixed_check="float(predictions.max()) < 1.0",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                inputs = keras.Input((10, 8))
                weights = layers.Dense(1, activation="softmax")(inputs)
                context = layers.Dot(axes=1)([weights, inputs])
                model = keras.Model(inputs, context)
                attention = keras.Model(inputs, weights).predict(np.random.rand(2, 10, 8), verbose=0)
                """),
            fixed=None,
            message="`Softmax(axis=1)`",
            keras=Silent("np.allclose(attention, 1.0)"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        # One layer in the source may be built several times (a function called with other
        # arguments): report the first build with the problem, fix only when all have it.
        builds: dict[int, list[Layer]] = {}
        for layer in extraction(ctx).layers:
            if layer.call is not None:
                builds.setdefault(id(layer.call.node), []).append(layer)
        for layers in builds.values():
            verdicts = [self._verdict(ctx, layer) for layer in layers]
            layer = next((lay for lay, verdict in zip(layers, verdicts) if verdict is not None), None)
            if layer is None:
                continue
            arg = layer.argument_node("activation")
            where = arg if arg is not None else layer.call.node
            message = (
                f"`{_layer_text(ctx, layer)}` takes a softmax over an axis of size 1: it always outputs 1.0, whatever the input, "
                f"so every sample gets the same prediction and the layer learns nothing (Keras 3 only warns)"
            )
            edits = None
            if all(verdict == "one per sample" for verdict in verdicts) and arg is not None:
                message += "; one unit answering a yes/no question needs `sigmoid`"
                edits = self._to_sigmoid(ctx, layer, arg)
            else:
                message += ("; for one unit per sample use `sigmoid`; for a softmax over time steps or positions, take it over "
                            "that axis (`Softmax(axis=1)`)")
            yield self.finding(ctx, where, message, _fix(self, "Use sigmoid", edits))

    @staticmethod
    def _verdict(ctx: Context, layer: Layer) -> str | None:
        """"one per sample" (output shaped (None, 1)), "other" (another rank, or not known), or
        None when the layer's softmax is not over an axis of size 1."""
        role, activation, axis = role_of(ctx, layer)
        if activation != "softmax" or role not in ("weights", "activation"):
            return None
        shapes = _output_shapes(layer)
        sizes = {_axis_size(shape, axis) for shape in shapes}
        if role == "weights" and not shapes and layer.keras_name is not None and layer.keras_name.is_("keras.layers.Dense"):
            units = layer.argument("units")
            sizes = {units if isinstance(units, int) and not isinstance(units, bool) else None}
        if sizes != {1}:
            return None
        return "one per sample" if shapes and all(isinstance(s, tuple) and len(s) == 2 for s in shapes) else "other"

    @staticmethod
    def _to_sigmoid(ctx: Context, layer: Layer, arg: cst.Arg) -> list[Edit] | None:
        value = arg.value
        constant = ctx.constant(value, layer.call.scope)
        if constant is not None:
            if constant.node is not value or not isinstance(value, cst.SimpleString):
                return None
            return [ctx.replace(value, with_quotes(ctx, value, "sigmoid"))]
        name = ctx.keras_name(value, layer.call.scope)
        if name is None or (name.api or name.path) != "keras.activations.softmax":
            return None
        reference = reference_to(ctx, value, layer.call.scope, "keras.activations.sigmoid")
        return None if reference is None else [ctx.replace(value, reference.text), *reference.edits]


# -- KRS703 ------------------------------------------------------------------------------------------


class SoftmaxBinaryCrossentropy(Rule):
    """## What it does
    Finds `binary_crossentropy` on a softmax output with three units or more. (With two
    units and one-hot labels the two losses are the same number.)

    ## Why is this bad?
    The binary crossentropy treats every unit as an independent yes/no question and averages
    them. A softmax makes the units compete (they always sum to 1), which is right for picking
    one class out of N, and then the loss for it is the categorical crossentropy: trained as N
    independent binary problems, the loss value does not mean what it says and the gradients
    differ. Keras 3 raises no warning; `'accuracy'` silently becomes categorical accuracy (it is
    chosen from the output's shape), so nothing looks wrong. Several labels per sample
    (multi-label) need `sigmoid` units instead of a softmax.

    ## Example
    ```python
    model.add(Dense(10, activation="softmax"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    ```

    ## Use instead
    ```python
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    ```

    ## Fix safety
    When the labels the model is fitted on are provably one-hot (`to_categorical`) the loss
    becomes `categorical_crossentropy`; when they are class ids, `sparse_categorical_crossentropy`.
    Unsafe: the loss changes. Otherwise (multi-label data is possible) the fix is only described.
    """

    code = "KRS703"
    name = "softmax-binary-crossentropy"
    summary = "`binary_crossentropy` on a softmax over 3+ classes: N independent yes/no problems"
    family = FAMILY
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            """), note="multi-label: one sigmoid per label"),
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            """), note="two classes: the binary crossentropy of a 2-way softmax equals its categorical crossentropy"),
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
            """)),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras.utils import to_categorical
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
                history = model.fit(np.random.rand(6, 4), to_categorical([0, 1, 2, 0, 1, 2], 3), verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                from keras.utils import to_categorical
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
                history = model.fit(np.random.rand(6, 4), to_categorical([0, 1, 2, 0, 1, 2], 3), verbose=0)
                """),
            message="3 independent yes/no problems",
            keras=Silent("type(model.metrics[-1].metrics[0]).__name__ == 'CategoricalAccuracy'"),
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                inputs = keras.Input((16,))
                logits = layers.Dense(10)(inputs)
                outputs = layers.Softmax()(logits)
                model = keras.Model(inputs, outputs)
                model.compile(optimizer="rmsprop", loss=keras.losses.BinaryCrossentropy())
                """),
            fixed=None,
            message="`categorical_crossentropy`",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        reported = _Reported()
        for training in trainings(ctx):
            for head, loss in _pairs(training):
                final = head.final
                if (loss.family != "binary" or head.activation != "softmax" or final is None or final.axis != -1
                        or head.units is None or head.units < 3 or not reported.first(loss.site)):
                    continue
                written = _loss_written(ctx, loss)
                message = (
                    f"{written} on a softmax over {head.units} classes ({_output_text(ctx, head)}) trains them as {head.units} "
                    f"independent yes/no problems, but a softmax makes the classes compete (they sum to 1): for one class per "
                    f"sample the loss is `categorical_crossentropy` (one-hot labels) or `sparse_categorical_crossentropy` (class "
                    f"ids). Keras 3 does not warn, and `'accuracy'` silently becomes categorical accuracy, so nothing looks "
                    f"wrong. For several labels per sample use sigmoid units instead"
                )
                wanted = _agreed_fix(ctx, training, head, self._verdict)
                edits = _replace_loss(ctx, loss, wanted) if wanted else None
                yield self.finding(ctx, loss.site, message, _fix(self, "Use the categorical crossentropy", edits))

    @staticmethod
    def _verdict(training: Training, head: OutputHead, loss: LossUse | None) -> str | None:
        """The loss the labels call for, when they are known."""
        if loss is None or loss.family != "binary" or loss.focal or head.activation != "softmax" or (head.units or 0) < 3:
            return None
        if len(training.heads) != 1:
            return None
        return _label_verdict(training, {"one_hot": "categorical_crossentropy", "class_ids": "sparse_categorical_crossentropy"})


# -- KRS704 ------------------------------------------------------------------------------------------


class ProbabilityLossOnLogits(Rule):
    """## What it does
    Finds a crossentropy loss that expects probabilities (`from_logits=False`, the default of
    every crossentropy string, function and class) on an output with no activation: a
    `Dense(10)` whose values are unbounded scores (logits).

    ## Why is this bad?
    With `from_logits=False` Keras takes the outputs as probabilities: it clips them into
    `[1e-7, 1 - 1e-7]` (and the categorical crossentropy divides them by their sum). Scores
    below 0 or above 1 are cut off, their gradient is 0, and a negative sum turns the loss
    upside down: the model trains on a distorted loss and usually gets stuck. A single linear
    unit with `binary_crossentropy` has the same problem. Keras 3 says nothing.

    ## Example
    ```python
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    ```

    ## Use instead
    ```python
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax")])
    ```
    or keep the logits and tell the loss:
    `loss=keras.losses.CategoricalCrossentropy(from_logits=True)` (then apply softmax to
    `predict`'s output to get probabilities).

    ## Fix safety
    Unsafe: the output layer gets the activation the loss expects (`softmax` for a categorical
    crossentropy, `sigmoid` for a binary one), so `predict` returns probabilities. Only done
    when the output layer has weights and its activation is written as a literal (or not
    written); otherwise the fix is described.
    """

    code = "KRS704"
    name = "probability-loss-on-logits"
    summary = "A crossentropy that expects probabilities on a linear output (logits without `from_logits=True`)"
    family = FAMILY
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
            model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
            """), note="logits with from_logits=True"),
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Activation("softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            """), note="the activation as a separate layer"),
        Valid(dedent("""
            import keras
            from keras import layers
            class Head(layers.Layer):
                def call(self, x):
                    return x
            model = keras.Sequential([keras.Input((4,)), layers.Dense(3), Head()])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            """), note="a custom layer: what it outputs is not known"),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(3)])
                model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
                """),
            fixed=dedent("""
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
                """),
            message="from_logits=True",
            keras=Silent("model.layers[-1].get_config()['activation'] == 'linear'"),
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            dedent("""
                import keras
                inputs = keras.Input((4,))
                outputs = keras.layers.Dense(1, activation=None)(inputs)
                model = keras.Model(inputs, outputs)
                model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
                """),
            fixed=dedent("""
                import keras
                inputs = keras.Input((4,))
                outputs = keras.layers.Dense(1, activation="sigmoid")(inputs)
                model = keras.Model(inputs, outputs)
                model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
                """),
            message="1 unbounded value",
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(10)])
                loss_fn = keras.losses.SparseCategoricalCrossentropy()
                model.compile(optimizer="adam", loss=loss_fn)
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(10, activation="softmax")])
                loss_fn = keras.losses.SparseCategoricalCrossentropy()
                model.compile(optimizer="adam", loss=loss_fn)
                """),
            message="`loss_fn`",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        reported = _Reported()
        for training in trainings(ctx):
            for head, loss in _pairs(training):
                if not loss.crossentropy or loss.from_logits is not False or head.activation != "linear":
                    continue
                if head.units is None or (loss.family == "categorical" and head.units == 1):
                    continue  # one categorical unit: KRS701
                if not reported.first(loss.site):
                    continue
                dense = head.weighted_layer
                binary = loss.family == "binary" or (loss.family == "auto" and head.units == 1)
                activation = "sigmoid" if binary else "softmax"
                written = _loss_written(ctx, loss)
                output = f"`{_layer_text(ctx, dense)}`" if dense is not None else _output_text(ctx, head)
                if head.units == 1:
                    what = f"{output} outputs 1 unbounded value (a linear activation)"
                else:
                    what = f"{output} has no activation: its {head.units} outputs are unbounded scores (logits)"
                class_name = _LOSS_CLASSES.get(loss.name, "CategoricalCrossentropy" if not binary else "BinaryCrossentropy")
                message = (
                    f"{what}, but {written} expects probabilities (from_logits=False): Keras clips them into [1e-7, 1 - 1e-7]"
                    f"{'' if binary else ' and divides them by their sum'}, so scores outside that range get no gradient and the "
                    f"model trains on a distorted loss (Keras 3 does not warn). Give the layer activation='{activation}', or "
                    f"keep the logits and use `keras.losses.{class_name}(from_logits=True)`"
                )
                edits = None
                if dense is not None and len(dense.nodes) <= 1 and _agreed_fix(ctx, training, head, self._verdict) == activation:
                    edits = _set_activation(ctx, dense, activation)
                yield self.finding(ctx, loss.site, message, _fix(self, f"Give the output layer activation='{activation}'", edits))

    @staticmethod
    def _verdict(training: Training, head: OutputHead, loss: LossUse | None) -> str | None:
        """The activation the output layer needs, when it is a linear layer with weights and
        nothing after it."""
        if loss is None or not loss.crossentropy or loss.from_logits is not False or head.activation != "linear":
            return None
        if head.units is None or len(head.activations) != 1 or head.weighted_layer is None:
            return None
        if loss.family == "categorical" and head.units == 1:
            return None
        binary = loss.family == "binary" or (loss.family == "auto" and head.units == 1)
        return "sigmoid" if binary else "softmax"


# -- KRS705 ------------------------------------------------------------------------------------------


class FromLogitsAfterActivation(Rule):
    """## What it does
    Finds a loss with `from_logits=True` on an output that already applies `softmax` or
    `sigmoid`.

    ## Why is this bad?
    `from_logits=True` tells the loss that the outputs are raw scores, so it applies the
    softmax (or sigmoid) itself: on probabilities that is a second softmax, which squashes them
    towards uniform. Keras 3 on TensorFlow notices the activation, warns ("received
    `from_logits=True`, but the `output` argument was produced by a Softmax activation and
    thus does not represent logits") and uses the values before the activation; other backends
    (JAX, PyTorch) silently apply the activation twice.

    ## Example
    ```python
    model.add(Dense(10, activation="softmax"))
    model.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True), optimizer="adam")
    ```

    ## Use instead
    ```python
    model.compile(loss=keras.losses.CategoricalCrossentropy(), optimizer="adam")
    ```
    (or remove the activation, and apply it to `predict`'s output).

    ## Fix safety
    Unsafe: `from_logits=True` is removed, which is what Keras 3 on TensorFlow already computes
    (without the warning), and fixes training on the other backends.
    """

    code = "KRS705"
    name = "from-logits-after-activation"
    summary = "`from_logits=True` on an output that already applies softmax or sigmoid"
    family = FAMILY
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
            model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
            """)),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy())
                """),
            message="applies the softmax a second time",
            keras=Warns("received `from_logits=True`, but the `output` argument was produced by a Softmax activation"),
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            dedent("""
                import tensorflow as tf
                inputs = tf.keras.Input((4,))
                x = tf.keras.layers.Dense(1)(inputs)
                outputs = tf.keras.layers.Activation(tf.nn.sigmoid)(x)
                model = tf.keras.Model(inputs, outputs)
                model.compile(optimizer="adam", loss=tf.keras.losses.BinaryCrossentropy(True, label_smoothing=0.1))
                """),
            fixed=dedent("""
                import tensorflow as tf
                inputs = tf.keras.Input((4,))
                x = tf.keras.layers.Dense(1)(inputs)
                outputs = tf.keras.layers.Activation(tf.nn.sigmoid)(x)
                model = tf.keras.Model(inputs, outputs)
                model.compile(optimizer="adam", loss=tf.keras.losses.BinaryCrossentropy(False, label_smoothing=0.1))
                """),
            message="sigmoid",
            keras=Warns("was produced by a Sigmoid activation"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        reported = _Reported()
        for training in trainings(ctx):
            for head, loss in _pairs(training):
                activation = head.activation
                if not loss.crossentropy or loss.from_logits is not True or activation not in PROBABILITY_ACTIVATIONS:
                    continue
                if loss.from_logits_arg is None or not reported.first(loss.site):
                    continue
                written = _loss_written(ctx, loss)
                message = (
                    f"{written} says the outputs are logits, but {_output_text(ctx, head)} already applies {activation}: the loss "
                    f"applies the {activation} a second time, to probabilities. Keras 3 on TensorFlow warns and uses the values "
                    f"before the activation; other backends do not. Remove `from_logits=True` (the model outputs probabilities), "
                    f"or remove the activation (the model outputs logits)"
                )
                edits = self._edits(ctx, loss) if _agreed_fix(ctx, training, head, self._verdict) else None
                yield self.finding(ctx, loss.site, message, _fix(self, "Remove from_logits=True", edits))

    @staticmethod
    def _verdict(training: Training, head: OutputHead, loss: LossUse | None) -> str | None:
        if loss is None or not loss.crossentropy or loss.from_logits is not True or head.activation not in PROBABILITY_ACTIVATIONS:
            return None
        return "from_logits=False"

    @staticmethod
    def _edits(ctx: Context, loss: LossUse) -> list[Edit] | None:
        arg, call = loss.from_logits_arg, loss.call
        if not loss.in_call or call is None or arg is None:
            return None
        if arg.keyword is not None:
            return [ctx.remove_argument(call, arg)]
        return [ctx.replace(arg.value, "False")]


# -- KRS706 ------------------------------------------------------------------------------------------


def _on_last_axis(activation: Activation) -> bool:
    """Whether an activation acts on each value (sigmoid) or on the last axis (softmax)."""
    if activation.name != "softmax" or activation.axis == -1:
        return True
    shapes = {len(shape) for shape in _output_shapes(activation.layer) if isinstance(shape, tuple)}
    return activation.axis is not None and len(shapes) == 1 and activation.axis == shapes.pop() - 1


class StackedActivation(Rule):
    """## What it does
    Finds a softmax or sigmoid applied to values that already went through one:
    `Dense(10, activation="softmax")` followed by `Activation("softmax")` or `Softmax()`.

    ## Why is this bad?
    The second activation takes probabilities as its input. A softmax of values between 0 and 1
    can never be confident: over 10 classes its largest output is at most e / (e + 9) = 0.23,
    so the loss cannot get near 0. A sigmoid of a sigmoid stays between 0.5 and 0.73: every
    sample is predicted positive. Keras 3 builds and trains it without a word, and the loss
    (which uses the values before the last activation) treats the probabilities as logits.

    ## Example
    ```python
    model.add(Dense(10, activation="softmax"))
    model.add(Activation("softmax"))
    ```

    ## Use instead
    ```python
    model.add(Dense(10))
    model.add(Activation("softmax"))
    ```

    ## Fix safety
    Unsafe: when both are the same function and the first is the `activation=` keyword of the
    layer before, that keyword is removed, leaving one activation. Otherwise (which of the two
    was meant is not certain) the fix is described.
    """

    code = "KRS706"
    name = "stacked-activation"
    summary = "A softmax or sigmoid applied to the output of another one"
    family = FAMILY
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Activation("softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            """), note="Activation as a separate layer after a linear Dense"),
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="softmax"), layers.Dense(3), layers.Softmax()])
            """), note="a layer with weights in between"),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax"), layers.Activation("softmax")])
                model.compile(optimizer="adam", loss="categorical_crossentropy")
                best = model.predict(np.array([[1e4, -1e4, 5e3, -5e3]]), verbose=0).max()
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Activation("softmax")])
                model.compile(optimizer="adam", loss="categorical_crossentropy")
                best = model.predict(np.array([[1e4, -1e4, 5e3, -5e3]]), verbose=0).max()
                """),
            message="at most 0.58",
            keras=Silent("best <= 0.58"),
            fixed_check="best > 0.9",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                inputs = keras.Input((4,))
                x = layers.Dense(1, activation="sigmoid")(inputs)
                x = layers.Dropout(0.2)(x)
                outputs = layers.Activation(keras.activations.sigmoid)(x)
                model = keras.Model(inputs, outputs)
                """),
            fixed=dedent("""
                import keras
                from keras import layers
                inputs = keras.Input((4,))
                x = layers.Dense(1)(inputs)
                x = layers.Dropout(0.2)(x)
                outputs = layers.Activation(keras.activations.sigmoid)(x)
                model = keras.Model(inputs, outputs)
                """),
            message="between 0.5 and 0.73",
        ),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="sigmoid"), layers.Softmax()])
                """),
            fixed=None,
            message="which one was meant",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        found: dict[int, list[tuple[Activation, Activation]]] = {}  # by the second layer's call
        for model in extraction(ctx).instances:
            for layer in model.layers:
                if layer.call is None:
                    continue
                role, activation, _ = role_of(ctx, layer)
                if role != "activation" or activation not in PROBABILITY_ACTIVATIONS:
                    continue
                tensors = [node.outputs[0] for node in layer.nodes if node.outputs] if model.kind == "functional" else [None]
                for tensor in tensors:
                    chain, _ = activations_up_to(ctx, model, layer, tensor)
                    earlier = [a for a in chain[:-1] if a.own or a.name != "linear"]
                    if not earlier or earlier[-1].name not in PROBABILITY_ACTIVATIONS:
                        continue
                    if not (_on_last_axis(earlier[-1]) and _on_last_axis(chain[-1])):
                        continue  # a softmax over another axis (time steps) is another operation
                    found.setdefault(id(layer.call.node), []).append((earlier[-1], chain[-1]))
        for pairs in found.values():
            yield self._finding(ctx, *pairs[0], fixable=self._removable(ctx, pairs))

    @staticmethod
    def _removable(ctx: Context, pairs: list[tuple[Activation, Activation]]) -> bool:
        """Whether removing the first activation changes only these stackings: every build of
        its layer feeds the second activation, and nothing else."""
        first_calls = {id(first.layer.call.node) for first, _ in pairs if first.layer.call is not None}
        if len(first_calls) != 1 or len({(first.name, second.name) for first, second in pairs}) != 1:
            return False
        first_call = pairs[0][0].layer.call.node
        builds = [layer for layer in extraction(ctx).layers if layer.call is not None and layer.call.node is first_call]
        stacked = {id(first.layer) for first, _ in pairs}
        if any(id(layer) not in stacked or len(layer.nodes) > 1 for layer in builds):
            return False
        produced = {id(tensor) for layer in builds for node in layer.nodes for tensor in node.outputs}
        consumers = sum(1 for node in extraction(ctx).nodes for tensor in node.inputs if id(tensor) in produced)
        return consumers <= len(builds)

    def _finding(self, ctx: Context, first: Activation, second: Activation, fixable: bool) -> Finding:
        if first.name == "softmax" and second.name == "softmax":
            effect = "a softmax of probabilities can never be confident (over N classes its largest output is at most e / (e + N - 1); at most 0.58 for 3 classes)"
        elif first.name == "sigmoid" and second.name == "sigmoid":
            effect = "a sigmoid of a probability stays between 0.5 and 0.73, so every sample is predicted positive"
        else:
            effect = f"a {second.name} of {first.name} outputs is neither a softmax nor a sigmoid of the scores"
        same = first.name == second.name
        message = (
            f"{_activation_text(ctx, second)} applies {second.name} to the output of {_activation_text(ctx, first)}, which already "
            f"applied {first.name}: {effect}. Keras 3 does not warn. Keep one activation"
            f"{'' if same else ' (which one was meant is for you to say)'}"
        )
        edits = None
        arg = first.argument if same and first.own and fixable else None
        if arg is not None and arg.keyword is not None and first.layer.call is not None and not first.layer.call.has_star_args:
            edits = [ctx.remove_argument(first.layer.call.node, arg)]
        return self.finding(ctx, second.layer.call.node, message, _fix(self, f"Remove the first {first.name}", edits))


# -- KRS707 ------------------------------------------------------------------------------------------


class LabelEncodingMismatch(Rule):
    """## What it does
    Finds `categorical_crossentropy` used with labels that are class ids (`[0, 2, 1, ...]`,
    `np.random.randint(0, 10, size=(n,))`), and `sparse_categorical_crossentropy` used with
    one-hot labels (`to_categorical(y, 10)`, rows like `[0, 0, 1]`), when the file proves which
    labels the model is fitted on.

    ## Why is this bad?
    The two losses compute the same thing from two encodings of the labels:
    `categorical_crossentropy` wants one row of N values per sample (one-hot), shaped like the
    output; `sparse_categorical_crossentropy` wants one integer per sample. Mixed up, Keras 3
    fails at the first `fit` with a shape error ("must have the same rank", or "Argument
    `output` must have rank (ndim) `target.ndim - 1`") after the data has loaded.

    ## Example
    ```python
    y_train = to_categorical(y_train, 10)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    model.fit(x_train, y_train)
    ```

    ## Use instead
    ```python
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    ```

    ## Fix safety
    Unsafe: the loss is changed to the one the labels are encoded for (or keep the loss and
    change the labels: drop `to_categorical`, or add it).
    """

    code = "KRS707"
    name = "label-encoding-mismatch"
    summary = "`sparse_categorical_crossentropy` with one-hot labels, or `categorical_crossentropy` with class ids"
    family = FAMILY
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            import numpy as np
            import keras
            from keras.utils import to_categorical
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(np.zeros((4, 4)), to_categorical([0, 1, 2, 1], 3), verbose=0)
            """)),
        Valid(dedent("""
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(np.zeros((4, 4)), np.array([0, 1, 2, 1]), verbose=0)
            """)),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras.utils import to_categorical
                y_train = to_categorical(np.random.randint(0, 3, size=(8,)), 3)
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
                model.fit(np.zeros((8, 4)), y_train, verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                from keras.utils import to_categorical
                y_train = to_categorical(np.random.randint(0, 3, size=(8,)), 3)
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss="categorical_crossentropy")
                model.fit(np.zeros((8, 4)), y_train, verbose=0)
                """),
            message="one-hot",
            keras=Raises("must have rank (ndim) `target.ndim - 1`", stage="fit"),
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                labels = np.random.randint(0, 3, size=(8,))
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy())
                model.fit(np.zeros((8, 4)), labels, verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                labels = np.random.randint(0, 3, size=(8,))
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy())
                model.fit(np.zeros((8, 4)), labels, verbose=0)
                """),
            message="class ids",
            keras=Raises("must have the same rank", stage="fit"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        reported = _Reported()
        for training in trainings(ctx):
            pair = _single_output(training)
            if pair is None:
                continue
            head, loss = pair
            if head.units is not None and head.units < 2:
                continue
            if loss.family == "sparse":
                wrong, wanted, shape = "one_hot", "categorical_crossentropy", "one-hot rows"
            elif loss.family == "categorical" and not loss.focal:
                wrong, wanted, shape = "class_ids", "sparse_categorical_crossentropy", "class ids (one integer per sample)"
            else:
                continue
            mismatched = [labels for labels in training.labels if labels.encoding == wrong]
            if not mismatched:
                continue
            labels = mismatched[0]
            made = f" (`{ctx.shown(labels.made_by)}`)" if labels.made_by is not None and labels.made_by is not labels.site else ""
            expected = "one integer class id per sample" if loss.family == "sparse" else "one-hot rows shaped like the output"
            if training.label_encoding() == wrong:
                if not reported.first(loss.site):
                    continue
                message = (
                    f"{_loss_written(ctx, loss)} expects {expected}, but the labels `{ctx.shown(labels.site)}`{made} are {shape}: "
                    f"Keras 3 fails at the first fit with a shape error. Use `{wanted}`"
                    f"{' (or drop to_categorical)' if loss.family == 'sparse' else ' (or one-hot encode the labels with to_categorical)'}"
                )
                edits = _replace_loss(ctx, loss, wanted) if _agreed_fix(ctx, training, head, self._verdict) == wanted else None
                yield self.finding(ctx, loss.site, message, _fix(self, f"Use {wanted}", edits))
                continue
            # Other labels of the same model fit the loss: these are the odd ones out.
            if not reported.first(labels.site):
                continue
            message = (
                f"the labels `{ctx.shown(labels.site)}`{made} are {shape}, but {_loss_written(ctx, loss)} (which the model's other "
                f"labels fit) expects {expected}: Keras 3 fails with a shape error when it reaches them. Encode them like the others"
                f"{' (to_categorical)' if loss.family == 'categorical' else ' (without to_categorical)'}"
            )
            yield self.finding(ctx, labels.site, message, _fix(self, "Encode the labels like the others", None))

    @staticmethod
    def _verdict(training: Training, head: OutputHead, loss: LossUse | None) -> str | None:
        if loss is None or len(training.heads) != 1 or (head.units is not None and head.units < 2):
            return None
        if loss.family == "sparse":
            return _label_verdict(training, {"one_hot": "categorical_crossentropy"})
        if loss.family == "categorical" and not loss.focal:
            return _label_verdict(training, {"class_ids": "sparse_categorical_crossentropy"})
        return None


# -- KRS708 ------------------------------------------------------------------------------------------


class OutputUnitsClassesMismatch(Rule):
    """## What it does
    Finds an output layer whose number of units differs from the number of classes the file
    gives its labels: `to_categorical(y, 10)` (or `to_categorical(y, num_classes)`), or a
    literal label array like `[[0, 1], [1, 0]]` (2 classes) or `[0, 3, 1]` (at least 4
    classes), for the labels the model is fitted on. A bare `num_classes = 10` that the labels
    do not use is not evidence (a file may build several models with different heads).

    ## Why is this bad?
    A classifier needs one output unit per class. With one-hot labels of 10 columns and 5
    output units, Keras 3 fails at the first `fit` ("Arguments `target` and `output` must have
    the same shape"); with class ids beyond the number of units,
    `sparse_categorical_crossentropy` fails on TensorFlow's CPU ("Received a label value of 3
    which is outside the valid range") and silently produces NaN on a GPU.

    ## Example
    ```python
    y_train = to_categorical(y_train, num_classes)  # num_classes = 10
    model.add(Dense(5, activation="softmax"))
    model.fit(x_train, y_train)
    ```

    ## Use instead
    ```python
    model.add(Dense(num_classes, activation="softmax"))
    ```
    """

    code = "KRS708"
    name = "output-units-classes-mismatch"
    summary = "Output units that differ from the number of classes of the labels"
    family = FAMILY
    examples = (
        Valid(dedent("""
            import numpy as np
            import keras
            from keras.utils import to_categorical
            num_classes = 4
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(num_classes, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(np.zeros((4, 4)), to_categorical([0, 1, 2, 3], num_classes), verbose=0)
            """)),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras.utils import to_categorical
                num_classes = 10
                y_train = to_categorical(np.random.randint(0, num_classes, size=(8,)), num_classes)
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="softmax")])
                model.compile(optimizer="adam", loss="categorical_crossentropy")
                model.fit(np.zeros((8, 4)), y_train, verbose=0)
                """),
            message="10 classes",
            keras=Raises("must have the same shape", stage="fit"),
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
                model.fit(np.zeros((4, 4)), np.array([0, 3, 1, 2]), verbose=0)
                """),
            message="class ids up to 3",
            keras=Raises("Received a label value of 3 which is outside the valid range", stage="fit"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        reported = _Reported()
        for training in trainings(ctx):
            pair = _single_output(training)
            if pair is None:
                continue
            head, loss = pair
            units = head.units
            if units is None or head.layer is None or not loss.crossentropy:
                continue
            for labels in training.labels:
                if labels.classes is None:
                    continue
                if labels.encoding == "one_hot" and loss.family in ("categorical", "auto", "binary") and labels.classes != units:
                    detail = self._one_hot(ctx, labels, units)
                elif labels.encoding == "class_ids" and loss.family in ("sparse", "auto") and labels.classes > units and units > 1:
                    detail = (f"the labels `{ctx.shown(labels.site)}` have class ids up to {labels.classes - 1}, but the output has "
                              f"{units} units (class ids 0 to {units - 1}): TensorFlow fails on the CPU ('Received a label value "
                              f"... outside the valid range') and gives NaN losses on a GPU")
                else:
                    continue
                where = self._units_node(head) or (head.layer.call.node if head.layer.call is not None else loss.site)
                if not reported.first(where):
                    continue
                width = f"{labels.classes} units wide" if labels.encoding == "one_hot" else "as wide as the number of classes"
                message = f"{detail}. Make the output layer {width}, or check the labels"
                yield self.finding(ctx, where, message)

    @staticmethod
    def _one_hot(ctx: Context, labels, units: int) -> str:
        source = ""
        if isinstance(labels.made_by, cst.Call) and labels.classes_node is not None:
            written = ctx.shown(labels.classes_node, 30)
            source = f" (`{ctx.shown(labels.made_by.func, 30)}(..., {written})`"
            source += f", {written} = {labels.classes})" if not isinstance(labels.classes_node, cst.Integer) else ")"
        elif labels.made_by is not None and labels.made_by is not labels.site:
            source = f" (`{ctx.shown(labels.made_by)}`)"
        return (
            f"the labels `{ctx.shown(labels.site)}` have {labels.classes} classes{source} but the output layer has {units} units: "
            f"Keras 3 fails at the first fit ('Arguments `target` and `output` must have the same shape')"
        )

    @staticmethod
    def _units_node(head: OutputHead) -> cst.CSTNode | None:
        dense = head.weighted_layer
        if dense is None or dense.keras_name is None or not dense.keras_name.is_("keras.layers.Dense"):
            return None
        arg = dense.argument_node("units")
        return arg.value if arg is not None else None


# -- KRS709 ------------------------------------------------------------------------------------------


class AccuracyOnRegression(Rule):
    """## What it does
    Finds `metrics=["accuracy"]` on a regression model: a loss such as `mse` or `mae` on an
    output with an unbounded activation (`linear`, `relu`, ...).

    ## Why is this bad?
    Keras 3 turns `'accuracy'` into the accuracy that fits the output's shape: for one unit,
    `BinaryAccuracy`, which counts how often `prediction > 0.5` equals the target exactly;
    for several, `CategoricalAccuracy` (the largest prediction at the largest target). With
    real-valued targets neither means anything (it stays near 0 while the error falls). The
    regression metrics are `mae`, `mse` or `keras.metrics.RootMeanSquaredError()`.

    ## Example
    ```python
    model = keras.Sequential([keras.Input((13,)), layers.Dense(64, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    ```

    ## Use instead
    ```python
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    ```
    """

    code = "KRS709"
    name = "accuracy-on-regression"
    summary = "`metrics=['accuracy']` with a regression loss (`mse`, `mae`) on an unbounded output"
    family = FAMILY
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse", metrics=["mae"])
            """)),
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
            """), note="a classifier trained with a squared error: the accuracy is meaningful"),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
                model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
                history = model.fit(np.random.rand(32, 4), np.random.rand(32, 1) * 100, epochs=2, verbose=0)
                """),
            message="BinaryAccuracy",
            keras=Silent("max(history.history['accuracy']) == 0.0"),
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
                model.compile(optimizer="adam", loss=keras.losses.MeanAbsoluteError(), metrics=["acc"])
                """),
            message="CategoricalAccuracy",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        reported = _Reported()
        for training in trainings(ctx):
            encoding = training.label_encoding() if len(training.heads) == 1 else None
            for head, loss in _pairs(training):
                activation = head.activation
                if loss.family != "regression" or activation is None or activation in PROBABILITY_ACTIVATIONS or activation == "hard_sigmoid":
                    continue
                if head.units is None or encoding is not None:
                    continue  # class labels make the accuracy meaningful
                for metric in training.metrics.get(head.index, []):
                    if metric.kind != "accuracy" or not reported.first(metric.site):
                        continue
                    if head.units == 1:
                        chosen = ("`BinaryAccuracy` (one output unit): it counts how often `prediction > 0.5` equals the target "
                                  "exactly, which real-valued targets almost never do")
                    else:
                        chosen = (f"`CategoricalAccuracy` ({head.units} output units): it checks whether the largest prediction "
                                  f"is at the largest target, which says nothing about regression errors")
                    message = (
                        f"`{ctx.shown(metric.site)}` on a regression model ({_loss_written(ctx, loss)} on {_output_text(ctx, head)}, "
                        f"activation {activation}): Keras 3 turns it into {chosen}. Use a regression metric: 'mae', 'mse' or "
                        f"keras.metrics.RootMeanSquaredError()"
                    )
                    yield self.finding(ctx, metric.site, message)


# -- KRS710 ------------------------------------------------------------------------------------------


class ExactAccuracyOnProbabilities(Rule):
    """## What it does
    Finds `keras.metrics.Accuracy()` on a classifier: an output with softmax or sigmoid, or a
    model trained with a crossentropy.

    ## Why is this bad?
    `keras.metrics.Accuracy` counts predictions that are *exactly equal* to the labels. A
    classifier outputs probabilities (or logits), which are never exactly 0 or 1, so the metric
    reports about 0 however well the model does. The string `"accuracy"` is what is meant:
    Keras chooses binary, categorical or sparse categorical accuracy from the shapes of the
    labels and the output.

    ## Example
    ```python
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[keras.metrics.Accuracy()])
    ```

    ## Use instead
    ```python
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    ```

    ## Fix safety
    Unsafe: `Accuracy()` without arguments becomes `"accuracy"` (the metric keeps its name,
    `accuracy`; its values change from ~0 to the real accuracy).
    """

    code = "KRS710"
    name = "exact-accuracy-on-probabilities"
    summary = "`keras.metrics.Accuracy()` (exact match) on a classifier's probabilities"
    family = FAMILY
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy", keras.metrics.CategoricalAccuracy()])
            """)),
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse", metrics=[keras.metrics.Accuracy()])
            """), note="not a classifier (and not this rule's business)"),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[keras.metrics.Accuracy()])
                x = np.random.rand(8, 4)
                labels = np.eye(3)[model.predict(x, verbose=0).argmax(axis=-1)]
                loss, accuracy = model.evaluate(x, labels, verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
                x = np.random.rand(8, 4)
                labels = np.eye(3)[model.predict(x, verbose=0).argmax(axis=-1)]
                loss, accuracy = model.evaluate(x, labels, verbose=0)
                """),
            message="exactly equal",
            keras=Silent("accuracy == 0.0"),
            fixed_check="accuracy == 1.0",
            applicability=Applicability.UNSAFE,
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        reported = _Reported()
        for training in trainings(ctx):
            for head in training.heads:
                loss = training.losses.get(head.index)
                activation = head.activation
                probabilities = activation in PROBABILITY_ACTIVATIONS
                if not probabilities and not (loss is not None and loss.crossentropy):
                    continue
                for metric in training.metrics.get(head.index, []):
                    if metric.kind != "exact_accuracy" or not reported.first(metric.site):
                        continue
                    outputs = f"probabilities ({activation})" if probabilities else f"scores (trained with {_loss_written(ctx, loss)})"
                    message = (
                        f"`{ctx.shown(metric.site)}` counts predictions exactly equal to the labels, but the model outputs "
                        f"{outputs}, which are never exactly 0 or 1: it reports about 0 however well the model does. Use 'accuracy' "
                        f"(Keras picks binary, categorical or sparse categorical accuracy from the shapes)"
                    )
                    edits = None
                    expr = metric.expr
                    if metric.in_call and isinstance(expr, cst.Call) and not expr.args:
                        q = ctx.quote()
                        edits = [ctx.replace(expr, f"{q}accuracy{q}")]
                    yield self.finding(ctx, metric.site, message, _fix(self, "Use 'accuracy'", edits))

