"""Shape bugs found by static shape inference (models/ and shapes/): tensors that cannot fit
the layer they are fed to, and a classifier head left on a feature map. Every message names
the shapes involved and says which dimension is the batch."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Context
from keras_lint.diagnostics import Applicability, Edit, Finding
from keras_lint.models import Array, Const, Model, Node, extraction
from keras_lint.models.graph import MethodCall
from keras_lint.rules._shape_common import (
    FAMILY,
    argument_text,
    input_layer_of,
    literal_shape,
    shape_errors,
)
from keras_lint.rules.base import Invalid, Raises, Rule, Valid, dedent
from keras_lint.shapes import (
    UNKNOWN,
    ShapeError,
    format_shape,
)


class ReshapeSizeMismatch(Rule):
    """## What it does
    Finds a `Reshape` whose target shape does not hold the same number of values as its input,
    per sample: `Reshape((8, 8, 3))` after a `(None, 100)` tensor.

    ## Why is this bad?
    `Reshape` only rearranges the values of each sample; it cannot create or drop any. The
    target shape leaves the batch dimension out (`None`, first), so the product of the target
    must equal the product of the input's other dimensions. Keras 3 raises "The total size of the
    tensor must be unchanged" while building the model.

    ## Example
    ```python
    model = keras.Sequential([keras.Input((100,)), layers.Reshape((8, 8, 3))])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([keras.Input((192,)), layers.Reshape((8, 8, 3))])
    ```
    or let Keras compute one dimension with `-1`: `Reshape((10, -1))`.
    """

    code = "KRS601"
    name = "reshape-size-mismatch"
    summary = "A `Reshape` whose target does not hold as many values per sample as its input"
    family = FAMILY
    examples = (
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((12,)), layers.Reshape((3, 4)), layers.Reshape((6, 2)), layers.Reshape((-1, 2, 2))])
            """)),
        Valid(dedent("""
            import keras
            from keras import layers
            inputs = keras.Input((None, 8))
            outputs = layers.Reshape((4, 2))(inputs)
            """), note="the input has a dynamic dimension: Keras cannot check the size before running"),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((100,)), layers.Reshape((8, 8, 3))])
                """),
            message="Reshape((8, 8, 3)) needs 192 values per sample but its input (None, 100) has 100 (None is the batch dimension)",
            keras=Raises("total size of the tensor must be unchanged"),
        ),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                inputs = keras.Input((7, 10))
                outputs = layers.Reshape((-1, 3))(inputs)
                """),
            message="cannot split the 70 values per sample",
            keras=Raises("total size of the tensor must be unchanged"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node, where in shape_errors(ctx, "reshape"):
            yield self.finding(ctx, where, node.error.message)


class WrongInputRank(Rule):
    """## What it does
    Finds a layer fed a tensor with the wrong number of dimensions: `Conv2D` on
    `(None, 64, 64)` (no channel dimension), `LSTM` on `(None, 100)` (no time dimension),
    `Flatten`-less stacks, `TimeDistributed` on a 2-D tensor.

    ## Why is this bad?
    Every tensor in a model has the batch dimension first (`None`), then one sample's
    dimensions. `Conv2D` needs `(batch, height, width, channels)`; grayscale images written as
    `input_shape=(64, 64)` lack the channel. Keras 3 raises "expected min_ndim=4, found ndim=3"
    while building the model. When the input comes straight from an `Input` (or `input_shape=`)
    written as a tuple, keras-lint says which shape to write.

    ## Example
    ```python
    model = keras.Sequential([keras.Input((64, 64)), layers.Conv2D(8, 3)])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([keras.Input((64, 64, 1)), layers.Conv2D(8, 3)])
    ```

    ## Fix safety
    Adding a dimension of size 1 to the `Input` shape is offered as an unsafe fix: it is what
    a single channel (or feature) means, and Keras 3 adds the trailing 1 to data shaped like the
    old input when it trains a functional model, but the data fed to a `Sequential` must be
    reshaped too, and the shape may be meant otherwise (3 channels, not 1).
    """

    code = "KRS602"
    name = "wrong-input-rank"
    summary = "A layer fed a tensor with the wrong number of dimensions (a missing channel or time axis)"
    family = FAMILY
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((64, 64, 1)), layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(2)])
            """)),
        Valid(dedent("""
            import keras
            from keras import layers
            inputs = keras.Input((10, 16))
            outputs = layers.LSTM(8)(inputs)
            """)),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((64, 64)), layers.Conv2D(8, 3)])
                """),
            fixed=dedent("""
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((64, 64, 1)), layers.Conv2D(8, 3)])
                """),
            message="Conv2D expects a 4-D input (batch, height, width, channels) but gets (None, 64, 64) (None is the batch dimension): add the channel dimension: shape=(64, 64, 1)",
            keras=Raises("expected min_ndim=4, found ndim=3"),
            fixed_check="model.output_shape == (None, 62, 62, 8)",
            applicability=Applicability.UNSAFE,
        ),
        Invalid(
            dedent("""
                from keras.models import Sequential
                from keras.layers import LSTM, Dense
                model = Sequential()
                model.add(LSTM(32, input_shape=(100,)))
                model.add(Dense(1))
                """),
            fixed=dedent("""
                from keras.models import Sequential
                from keras.layers import LSTM, Dense
                model = Sequential()
                model.add(LSTM(32, input_shape=(100, 1)))
                model.add(Dense(1))
                """),
            message="LSTM expects a 3-D input (batch, timesteps, features) but gets (None, 100)",
            keras=Raises("expected ndim=3, found ndim=2"),
            fixed_check="model.output_shape == (None, 1)",
        ),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                inputs = keras.Input((28, 28, 1))
                x = layers.Conv2D(8, 3)(inputs)
                x = layers.Dense(16)(x)
                outputs = layers.LSTM(4)(x)
                """),
            message="LSTM expects a 3-D input (batch, timesteps, features) but gets (None, 26, 26, 16)",
            keras=Raises("expected ndim=3, found ndim=4"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node, where in shape_errors(ctx, "rank"):
            error = node.error
            message = error.message
            fix = None
            hint = self._hint(ctx, node, error)
            if hint is not None:
                text, edit = hint
                message += f" ({_batch_words(error)}): {text}"
                if edit is not None:
                    fix = self.make_fix(f"Write {text.split(': ', 1)[-1]}", [edit], Applicability.UNSAFE)
            else:
                message += f" ({_batch_words(error)})"
            yield self.finding(ctx, where, message, fix)

    def _hint(self, ctx: Context, node: Node, error: ShapeError):
        """When the tensor comes straight from a literal input shape that lacks exactly the last
        (channel/feature) dimension, the shape to write."""
        shape = error.facts.get("shape")
        ndim = error.facts.get("ndim") or error.facts.get("min_ndim")
        layout = error.facts.get("layout") or ""
        if not isinstance(shape, tuple) or ndim != len(shape) + 1:
            return None
        if layout.endswith("channels)"):
            what = "channel"
        elif layout.endswith("features)"):
            what = "feature"
        else:
            return None
        if "channels," in layout and not layout.endswith("channels)"):
            return None
        tensors = node.inputs
        if len(tensors) != 1:
            return None
        input_layer = input_layer_of(tensors[0])
        if input_layer is None or input_layer.shape_argument is None or input_layer.call is None:
            return None
        arg = input_layer.shape_argument
        written = literal_shape(ctx, arg, input_layer.call.scope)
        wrapped = error.facts.get("wrapped_shape")
        full = wrapped if isinstance(wrapped, tuple) else shape
        if written is None or tuple(written) != tuple(full[1:]):
            return None
        new_shape = (*written, 1)
        text = f"add the {what} dimension: {argument_text(arg)}={format_shape(new_shape)}"
        constant = ctx.constant(arg.value, input_layer.call.scope)
        edit = None
        if constant is not None and constant.binding is None and isinstance(constant.node, cst.Tuple) and constant.node is arg.value:
            edit = Edit(*ctx.outer_span(arg.value), format_shape(new_shape))
        return text, edit


def _batch_words(error: ShapeError) -> str:
    shape = error.facts.get("wrapped_shape") or error.facts.get("shape")
    if isinstance(shape, tuple) and shape and shape[0] is None:
        return "None is the batch dimension"
    return "the first dimension is the batch"


class NonPositiveDimension(Rule):
    """## What it does
    Finds a convolution, pooling or cropping layer whose window does not fit in what is left of
    its input: too many poolings, a kernel larger than the feature map, a crop larger than the
    image.

    ## Why is this bad?
    With `padding="valid"` every convolution shrinks each spatial dimension by `kernel - 1`,
    and every pooling divides it. Once a dimension would reach zero or below there is nothing
    left to compute: Keras 3 raises "Computed output size would be zero or negative" while
    building the model. The message shows the shape that is too small, the batch dimension
    first.

    ## Example
    ```python
    model = keras.Sequential([
        keras.Input((8, 8, 3)),
        layers.MaxPooling2D(2), layers.MaxPooling2D(2), layers.MaxPooling2D(2), layers.MaxPooling2D(2),
    ])
    ```

    ## Use instead
    Start from a larger input, pool less, or use `padding="same"` where the size must be kept.
    """

    code = "KRS603"
    name = "non-positive-dimension"
    summary = "A convolution, pooling or crop that makes a spatial dimension zero or negative"
    family = FAMILY
    examples = (
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((8, 8, 3)), layers.MaxPooling2D(2), layers.MaxPooling2D(2), layers.MaxPooling2D(2)])
            """)),
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((3, 3, 1)), layers.Conv2D(4, 5, padding="same")])
            """)),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                model = keras.Sequential([
                    keras.Input((8, 8, 3)),
                    layers.MaxPooling2D(2),
                    layers.MaxPooling2D(2),
                    layers.MaxPooling2D(2),
                    layers.MaxPooling2D(2),
                ])
                """),
            message="shrinks the height of its input (None, 1, 1, 3) from 1 to 0 (None is the batch dimension)",
            keras=Raises("Computed output size would be zero or negative"),
        ),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                inputs = keras.Input((28, 28, 1))
                x = layers.Conv2D(16, 3, strides=2)(inputs)
                outputs = layers.Conv2D(16, 15)(x)
                """),
            message="Conv2D (kernel_size=(15, 15), padding='valid') shrinks the height of its input (None, 13, 13, 16) from 13 to -1",
            keras=Raises("Computed output size would be zero or negative"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node, where in shape_errors(ctx, "nonpositive"):
            yield self.finding(ctx, where, node.error.message)


class MergeShapeMismatch(Rule):
    """## What it does
    Finds `Concatenate`/`concatenate`, `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`,
    `Minimum` and `Dot` whose inputs do not fit together: different sizes off the concatenation
    axis, different shapes for an element-wise merge.

    ## Why is this bad?
    The classic case is the U-Net with an input size that is not a multiple of 2 to the number
    of poolings: `MaxPooling2D` rounds 25 down to 12, `UpSampling2D` makes 24 of it, and the
    skip connection still has 25. Keras 3 raises while building the model; the message shows
    both shapes (batch dimension first) and the axis where they differ.

    ## Example
    ```python
    inputs = keras.Input((25, 25, 8))
    down = layers.MaxPooling2D(2)(inputs)
    up = layers.UpSampling2D(2)(down)
    merged = layers.concatenate([inputs, up], axis=3)
    ```

    ## Use instead
    Use an input size divisible by 2 for every pooling (here 24 or 32), or crop/pad the skip
    connection (`Cropping2D`, `ZeroPadding2D`) to the size of the upsampled tensor.
    """

    code = "KRS604"
    name = "merge-shape-mismatch"
    summary = "Merged tensors (concatenate, add, ...) whose shapes do not match"
    family = FAMILY
    examples = (
        Valid(dedent("""
            import keras
            from keras import layers
            inputs = keras.Input((24, 24, 8))
            down = layers.MaxPooling2D(2)(inputs)
            up = layers.UpSampling2D(2)(down)
            merged = layers.concatenate([inputs, up], axis=3)
            """)),
        Valid(dedent("""
            import keras
            from keras import layers
            a = keras.Input((4, 3))
            b = keras.Input((1, 3))
            total = layers.add([a, b])
            """), note="a dimension of 1 broadcasts"),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                inputs = keras.Input((25, 25, 8))
                down = layers.MaxPooling2D(2)(inputs)
                up = layers.UpSampling2D(2)(down)
                merged = layers.concatenate([inputs, up], axis=3)
                """),
            message="Concatenate(axis=3) needs inputs that match except on axis 3, but gets (None, 25, 25, 8), (None, 24, 24, 8): they differ on axis 1 (None is the batch dimension)",
            keras=Raises("requires inputs with matching shapes except for the concatenation axis"),
        ),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                a = keras.Input((16,))
                b = layers.Dense(8)(a)
                total = layers.Add()([a, b])
                """),
            message="Add needs inputs of the same shape",
            keras=Raises("Inputs have incompatible shapes"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node, where in shape_errors(ctx, "merge"):
            yield self.finding(ctx, where, node.error.message)


class IncompatibleLayerInput(Rule):
    """## What it does
    Finds other provable mismatches between a layer and its input: a shared layer called on a
    tensor of a different size than the one it was built for, a `Dense`/`LSTM`/`Conv2D` whose
    input leaves the size its weights need as `None`, a normalization axis the input does not
    have, `MultiHeadAttention` keys and values of different lengths.

    ## Why is this bad?
    A layer creates its weights from the first input it sees: a `Dense` built on 4 features has
    a `(4, units)` kernel and cannot take 5 features later. Keras 3 raises while building the
    model; the message names both shapes, the batch dimension first.

    ## Example
    ```python
    shared = layers.Dense(8)
    a = shared(keras.Input((4,)))
    b = shared(keras.Input((5,)))
    ```

    ## Use instead
    Give the inputs of a shared layer the same size, or use two layers.
    """

    code = "KRS611"
    name = "incompatible-layer-input"
    summary = "A layer called on a tensor its weights cannot take (shared layers, unknown feature sizes)"
    family = FAMILY
    examples = (
        Valid(dedent("""
            import keras
            from keras import layers
            shared = layers.Dense(8)
            a = shared(keras.Input((4,)))
            b = shared(keras.Input((4,)))
            """)),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                shared = layers.Dense(8)
                a = shared(keras.Input((4,)))
                b = shared(keras.Input((5,)))
                """),
            message="Dense `dense` was built for inputs shaped like (None, 4) and is called again on (None, 5)",
            keras=Raises("expected axis -1 of input shape to have value 4"),
        ),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                inputs = keras.Input((None,))
                outputs = layers.Dense(3)(inputs)
                """),
            message="Dense needs a known last dimension (features) to create its weights but its input (None, None) leaves it None",
            keras=Raises("Shapes used to initialize variables must be fully-defined"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node, where in shape_errors(ctx, "incompatible"):
            yield self.finding(ctx, where, node.error.message)


# -- a classifier head on a feature map -------------------------------------------------------

_CLASS_LOSSES = ("categorical_crossentropy", "sparse_categorical_crossentropy")
_CLASS_LOSS_PATHS = (
    "keras.losses.categorical_crossentropy",
    "keras.losses.sparse_categorical_crossentropy",
    "keras.losses.CategoricalCrossentropy",
    "keras.losses.SparseCategoricalCrossentropy",
)


def _loss_name(ctx: Context, method_call: MethodCall) -> str | None:
    value = method_call.value("loss")
    if isinstance(value, Const) and isinstance(value.value, str):
        return value.value if value.value in _CLASS_LOSSES else None
    arg = method_call.argument("loss")
    if arg is None:
        return None
    expr = arg.value.func if isinstance(arg.value, cst.Call) else arg.value
    name = ctx.keras_name(expr, method_call.call.scope)
    if name is not None and name.is_(*_CLASS_LOSS_PATHS):
        return name.name
    return None


class MissingFlatten(Rule):
    """## What it does
    Finds a classifier whose output still has the spatial dimensions of a feature map: a
    `Dense` applied to a `(batch, height, width, channels)` tensor, compiled with
    `categorical_crossentropy` or `sparse_categorical_crossentropy`. A `(batch, timesteps,
    classes)` output is reported only when the labels given to `fit` have one class per sample
    (a sequence tagger has one per timestep on purpose).

    ## Why is this bad?
    `Dense` acts on the last axis only: after `Conv2D` it gives one prediction per pixel,
    shaped `(None, 6, 6, 10)`, not one per image. The labels of a classifier are `(batch, 10)`
    (or `(batch,)`), and Keras 3 fails at the first `fit` ("must have the same rank"). A
    `Flatten()` (or `GlobalAveragePooling2D()`) between the convolutions and the `Dense` layers
    is missing.

    ## Example
    ```python
    model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3), layers.Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    ```

    ## Use instead
    ```python
    model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    ```
    """

    code = "KRS610"
    name = "missing-flatten"
    summary = "A classification loss on a `Dense` output that still has spatial dimensions (a missing `Flatten`)"
    family = FAMILY
    examples = (
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(10, activation="softmax")])
            model.compile(loss="categorical_crossentropy", optimizer="adam")
            """)),
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((20,)), layers.Embedding(100, 8), layers.LSTM(8, return_sequences=True), layers.Dense(5, activation="softmax")])
            model.compile(loss="categorical_crossentropy", optimizer="adam")
            """), note="one class per timestep (sequence tagging) is a rank-3 output on purpose"),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3), layers.Dense(10, activation="softmax")])
                model.compile(loss="categorical_crossentropy", optimizer="adam")
                model.fit(np.zeros((4, 8, 8, 1)), np.zeros((4, 10)), verbose=0)
                """),
            message="the model's output (None, 6, 6, 10) still has the spatial dimensions of the feature map",
            keras=Raises("must have the same rank", stage="fit"),
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((20, 8)), layers.Conv1D(16, 3), layers.Dense(4, activation="softmax")])
                model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
                model.fit(np.zeros((32, 20, 8)), np.zeros((32,)), verbose=0)
                """),
            message="the model's output (None, 18, 4) still has the time dimension of the sequence",
            keras=Raises("must have rank (ndim) `target.ndim - 1`", stage="fit"),
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                inputs = keras.Input((8, 8, 1))
                x = layers.Conv2D(4, 3, activation="relu")(inputs)
                outputs = layers.Dense(10, activation="softmax")(x)
                model = keras.Model(inputs, outputs)
                model.compile(loss=keras.losses.CategoricalCrossentropy(), optimizer="adam")
                model.fit(np.zeros((4, 8, 8, 1)), np.zeros((4, 10)), verbose=0)
                """),
            message="`CategoricalCrossentropy` compares labels of one class per sample",
            keras=Raises("must have the same rank", stage="fit"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen: set[int] = set()
        for model in extraction(ctx).models:
            compile_call = model.compile_call
            if compile_call is None or len(model.output_layers) != 1:
                continue
            loss = _loss_name(ctx, compile_call)
            if loss is None:
                continue
            dense = model.output_layers[0]
            if dense.class_name == "Activation" and dense.nodes and dense.nodes[0].inputs:
                dense = dense.nodes[0].inputs[0].layer or dense
            if dense.class_name != "Dense" or not dense.nodes or dense.call is None:
                continue
            output = model.output_shapes[0]
            if not isinstance(output, tuple) or len(output) < 3 or UNKNOWN in output:
                continue
            if len(output) == 3 and not self._labels_per_sample(model, loss):
                # One class per timestep is a sequence tagger, unless the labels say otherwise.
                continue
            where = dense.call.node
            if id(where) in seen:
                continue
            seen.add(id(where))
            kept = "spatial dimensions of the feature map" if len(output) > 3 else "time dimension of the sequence"
            message = (
                f"the model's output {format_shape(output)} still has the {kept} (None is the batch "
                f"dimension): Dense acts on the last axis only, so `{loss}` compares labels of one class per sample with "
                f"one prediction per position, and fit fails. Add Flatten() or GlobalAveragePooling before the Dense layers"
            )
            yield self.finding(ctx, where, message)

    @staticmethod
    def _labels_per_sample(model: Model, loss: str) -> bool:
        """Whether `fit` is given labels of one class per sample: (n, classes), or (n,) for the
        sparse loss."""
        rank = 1 if "sparse" in loss.lower() else 2
        for method_call in model.fit_calls:
            labels = method_call.value("y")
            if isinstance(labels, Array) and len(labels.shape) == rank:
                return True
        return False
