"""Shape bugs found by static shape inference (models/ and shapes/): tensors that cannot fit
the layer they are fed to, input shapes Keras reads differently from what the code meant, and
arrays passed to a model without (or with the wrong) batch dimension.

Every message names the shapes involved and says which dimension is the batch.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Context
from keras_lint.diagnostics import Applicability, Edit, Finding
from keras_lint.models import Array, Const, Layer, Model, Node, extraction
from keras_lint.models.graph import MethodCall
from keras_lint.rules.base import Invalid, Raises, Rule, Silent, Valid, dedent
from keras_lint.shapes import (
    CHANNELS_LAST,
    UNKNOWN,
    CallInputs,
    InvalidLayer,
    ShapeError,
    format_shape,
    infer,
)

FAMILY = "Shapes"
_DATA_METHODS = ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch")


def _location(node: Node) -> cst.CSTNode | None:
    """Where a layer call's problem is reported: the call (`Conv2D(...)(x)`), or for a layer
    of a Sequential, its constructor."""
    if node.call is not None:
        return node.call
    if node.layer.call is not None:
        return node.layer.call.node
    return None


def _shape_errors(ctx: Context, *kinds: str) -> Iterator[tuple[Node, cst.CSTNode]]:
    seen: set[int] = set()
    for node in extraction(ctx).errors():
        if node.error.kind not in kinds:
            continue
        where = _location(node)
        if where is None or id(where) in seen:
            continue
        # One finding per place: a helper called with several shapes fails once per call.
        seen.add(id(where))
        yield node, where


def _literal_shape(ctx: Context, arg: cst.Arg | None, scope) -> tuple | None:
    """The shape a source argument spells out, when it is a constant tuple of ints."""
    if arg is None:
        return None
    constant = ctx.constant(arg.value, scope)
    if constant is None or not isinstance(constant.value, tuple):
        return None
    if not all(isinstance(d, int) and not isinstance(d, bool) for d in constant.value):
        return None
    return constant.value


def _input_layer(tensor) -> Layer | None:
    layer = tensor.layer if tensor is not None else None
    return layer if layer is not None and layer.class_name == "InputLayer" else None


def _argument_text(arg: cst.Arg) -> str:
    return arg.keyword.value if arg.keyword is not None else "shape"


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
        for node, where in _shape_errors(ctx, "reshape"):
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
        for node, where in _shape_errors(ctx, "rank"):
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
        input_layer = _input_layer(tensors[0])
        if input_layer is None or input_layer.shape_argument is None or input_layer.call is None:
            return None
        arg = input_layer.shape_argument
        written = _literal_shape(ctx, arg, input_layer.call.scope)
        wrapped = error.facts.get("wrapped_shape")
        full = wrapped if isinstance(wrapped, tuple) else shape
        if written is None or tuple(written) != tuple(full[1:]):
            return None
        new_shape = (*written, 1)
        text = f"add the {what} dimension: {_argument_text(arg)}={format_shape(new_shape)}"
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
        for node, where in _shape_errors(ctx, "nonpositive"):
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
        for node, where in _shape_errors(ctx, "merge"):
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
        for node, where in _shape_errors(ctx, "incompatible"):
            yield self.finding(ctx, where, node.error.message)


# -- input shapes as written ------------------------------------------------------------------

_IMAGE_LAYERS = {
    2: ("Conv2D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose", "MaxPooling2D", "AveragePooling2D"),
    3: ("Conv3D", "Conv3DTranspose", "MaxPooling3D", "AveragePooling3D"),
}


def _consumers(ctx: Context) -> dict[int, list[Node]]:
    def build(ctx: Context) -> dict[int, list[Node]]:
        result: dict[int, list[Node]] = {}
        for node in extraction(ctx).nodes:
            for tensor in node.inputs:
                result.setdefault(id(tensor), []).append(node)
        return result

    return ctx.memo("keras_lint.rules.shapes.consumers", build)


def _image_layer(layer: Layer) -> tuple[Layer, int, bool] | None:
    """(the image layer, its rank, wrapped in TimeDistributed) for a channels_last image layer."""
    config = layer.config
    if config is None:
        return None
    wrapped = False
    if config.class_name == "TimeDistributed":
        inner = config.get("layer")
        if not hasattr(inner, "class_name"):
            return None
        config, wrapped = inner, True
    for rank, names in _IMAGE_LAYERS.items():
        if config.class_name in names:
            try:
                data_format = config.data_format()
            except InvalidLayer:
                return None
            if data_format == CHANNELS_LAST:
                return layer, rank, wrapped
    return None


class ChannelsFirstInputShape(Rule):
    """## What it does
    Finds an input shape written channels-first, `(3, 299, 299)` or `(1, 28, 28)`, feeding a
    convolution or pooling layer that is channels-last (Keras' default).

    ## Why is this bad?
    Theano-era code put the channels first. Keras 3 reads `(3, 299, 299)` as an image 3 pixels
    high and 299 wide with 299 channels, and builds without complaint: the model trains on
    nonsense, or fails much later with a confusing size. The message shows the output shape
    Keras really computes.

    ## Example
    ```python
    model.add(TimeDistributed(Conv2D(64, (3, 3)), input_shape=(10, 3, 299, 299)))
    ```

    ## Use instead
    ```python
    model.add(TimeDistributed(Conv2D(64, (3, 3)), input_shape=(10, 299, 299, 3)))
    ```
    and give the data as `(frames, height, width, channels)` (`np.moveaxis`), or keep the data
    and pass `data_format="channels_first"` to every image layer.

    ## Fix safety
    Not fixed: both ways out change what the model expects of its data.
    """

    code = "KRS605"
    name = "channels-first-input-shape"
    summary = "An input shape written channels-first `(3, 299, 299)` for a channels-last layer"
    family = FAMILY
    examples = (
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([layers.Conv2D(8, 3, input_shape=(32, 32, 3))])
            """)),
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((3, 32, 32)), layers.Conv2D(8, 3, data_format="channels_first")])
            """), note="the layer says it is channels-first"),
        Invalid(
            dedent("""
                from keras.models import Sequential
                from keras.layers import Conv2D, TimeDistributed
                model = Sequential()
                model.add(TimeDistributed(Conv2D(64, (3, 3)), input_shape=(10, 3, 299, 299)))
                """),
            message="looks channels-first: each frame is (3, 299, 299)",
            keras=Silent("model.output_shape == (None, 10, 1, 297, 64)"),
        ),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                inputs = keras.Input(shape=(3, 32, 32))
                outputs = layers.Conv2D(8, 3, padding="same")(inputs)
                """),
            message="Keras 3 reads it as an image 3 high and 32 wide with 32 channels (the layer's output is (None, 3, 32, 8)",
            keras=Silent("tuple(outputs.shape) == (None, 3, 32, 8)"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        consumers = _consumers(ctx)
        seen: set[int] = set()
        for layer in extraction(ctx).layers:
            if layer.class_name != "InputLayer" or layer.shape_argument is None or layer.output_tensor is None:
                continue
            arg = layer.shape_argument
            shape = layer.output_tensor.shape
            if id(arg) in seen or not isinstance(shape, tuple) or not all(isinstance(d, int) for d in shape[1:]):
                continue
            written = shape[1:]
            for node in consumers.get(id(layer.output_tensor), []):
                found = _image_layer(node.layer)
                if found is None:
                    continue
                image_layer, rank, wrapped = found
                image = tuple(written[1:]) if wrapped else tuple(written)
                if len(image) != rank + 1 or not _looks_channels_first(image):
                    continue
                seen.add(id(arg))
                yield self.finding(ctx, arg.value, self._message(ctx, arg, written, image, node, wrapped))
                break

    @staticmethod
    def _message(ctx: Context, arg: cst.Arg, written: tuple, image: tuple, node: Node, wrapped: bool) -> str:
        channels, *spatial = image
        layer = node.layer.config.get("layer").class_name if wrapped else node.layer.class_name
        keyword = _argument_text(arg)
        what = f"each frame is {format_shape(image)}" if wrapped else f"it is {format_shape(image)}"
        if len(image) == 3:
            reading = f"an image {image[0]} high and {image[1]} wide with {image[2]} channels"
        else:
            reading = f"a volume of {' × '.join(str(d) for d in image[:-1])} with {image[-1]} channels"
        size = "×".join(str(d) for d in spatial)
        better = (written[0], *spatial, channels) if wrapped else (*spatial, channels)
        output = node.outputs[0].shape if node.outputs and node.error is None else None
        result = f" (the layer's output is {format_shape(output)}, None being the batch dimension)" if isinstance(output, tuple) and UNKNOWN not in output else ""
        return (
            f"`{keyword}={format_shape(written)}` looks channels-first: {what}, {channels} channels then {size} pixels, "
            f"but {layer} is channels_last, so Keras 3 reads it as {reading}{result}. "
            f"Write {keyword}={format_shape(better)} and give the data channels-last, or pass data_format='channels_first' to the image layers"
        )


def _looks_channels_first(image: tuple) -> bool:
    channels, *rest = image
    return channels in (1, 3) and all(d >= 8 for d in rest) and rest[-1] not in (1, 3, 4)


class IgnoredInputShape(Rule):
    """## What it does
    Finds `input_shape=` (or `input_dim=`) on a layer Keras 3 does not read it from: any layer of
    a `Sequential` but the first, and layers called on a tensor in the functional API.

    ## Why is this bad?
    Keras 3 takes `input_shape` only from the first layer added to a `Sequential`, to create its
    `Input`. Everywhere else the argument is silently ignored (with a generic warning): the layer
    takes its shape from the tensor it receives. A shape written there suggests a model the code
    does not build; the message says what the layer really receives.

    ## Example
    ```python
    model = keras.Sequential([layers.Dense(32, input_shape=(16,)), layers.Dense(2, input_shape=(99,))])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([layers.Dense(32, input_shape=(16,)), layers.Dense(2)])
    ```

    ## Fix safety
    Removing the argument is safe: Keras 3 ignores it, so the model is the same.
    """

    code = "KRS606"
    name = "ignored-input-shape"
    summary = "`input_shape` on a layer that is not the first of a Sequential: Keras 3 ignores it"
    family = FAMILY
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([layers.Dense(32, input_shape=(16,)), layers.Dense(2)])
            """)),
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([layers.Embedding(1000, 8), layers.GlobalAveragePooling1D()])
            """), note="Embedding's own `input_dim` is its vocabulary size"),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                model = keras.Sequential([layers.Dense(32, input_shape=(16,)), layers.Dense(2, input_shape=(99,))])
                """),
            fixed=dedent("""
                import keras
                from keras import layers
                model = keras.Sequential([layers.Dense(32, input_shape=(16,)), layers.Dense(2)])
                """),
            message="it is layer 2 of the Sequential, so it takes its input from the layer before: (None, 32) (None is the batch dimension)",
            keras=Silent("model.output_shape == (None, 2) and model.layers[1].kernel.shape == (32, 2)"),
        ),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                inputs = keras.Input((12,))
                outputs = layers.Dense(4, input_shape=(99,))(inputs)
                """),
            fixed=dedent("""
                import keras
                from keras import layers
                inputs = keras.Input((12,))
                outputs = layers.Dense(4)(inputs)
                """),
            message="the layer is called on a tensor and takes its shape from it: (None, 12)",
            keras=Silent("tuple(outputs.shape) == (None, 4)"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        found = extraction(ctx)
        seen: set[int] = set()
        for item in found.ignored_input_shapes:
            layer = item.layer
            keyword = layer.input_shape_keyword
            if keyword is None or layer.call is None:
                continue
            arg = layer.call.keyword(keyword)
            if arg is None or id(arg) in seen or id(layer.call.node) in found.first_layer_calls:
                continue
            seen.add(id(arg))
            written = ctx.outer_source(arg.value)
            if item.model is not None:
                position = item.model.layers.index(layer) + 1 if layer in item.model.layers else None
                received = self._received(layer, item.model)
                where = f"it is layer {position} of the Sequential, so" if position else "it is not the first layer of the Sequential, so"
                why = f"{where} it takes its input from the layer before" + (f": {format_shape(received)} (None is the batch dimension)" if received else "")
            else:
                received = item.node.input_shapes if item.node is not None else None
                why = "the layer is called on a tensor and takes its shape from it" + (
                    f": {format_shape(received)} (None is the batch dimension)" if isinstance(received, tuple) else ""
                )
            message = f"Keras 3 ignores `{keyword}={written}` on this {layer.class_name}: {why}"
            fix = self.make_fix(f"Remove `{keyword}=`", [ctx.remove_argument(layer.call.node, arg)])
            yield self.finding(ctx, arg, message, fix)

    @staticmethod
    def _received(layer: Layer, model: Model):
        for node in layer.nodes:
            if node.owner is model and isinstance(node.input_shapes, tuple) and UNKNOWN not in node.input_shapes:
                return node.input_shapes
        return None


class InputShapeIncludesBatch(Rule):
    """## What it does
    Finds an input shape whose first dimension is the batch size the same model is trained or
    run with: `input_shape=(32, 100)` with `fit(..., batch_size=32)`.

    ## Why is this bad?
    `input_shape` (and `Input(shape=...)`) describe one sample; Keras adds the batch dimension
    itself, as `None`. Writing the batch size into the shape gives the model an extra dimension:
    it expects batches shaped `(None, 32, 100)`, and data shaped `(n, 100)` fails at `fit`.

    ## Example
    ```python
    model = keras.Sequential([layers.Dense(3, input_shape=(32, 100))])
    model.fit(x, y, batch_size=32)
    ```

    ## Use instead
    ```python
    model = keras.Sequential([layers.Dense(3, input_shape=(100,))])
    model.fit(x, y, batch_size=32)
    ```
    """

    code = "KRS607"
    name = "input-shape-includes-batch"
    summary = "An input shape that starts with the batch size used to train or run the model"
    family = FAMILY
    examples = (
        Valid(dedent("""
            import numpy as np
            import keras
            from keras import layers
            model = keras.Sequential([layers.Dense(3, input_shape=(100,))])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((64, 100)), np.zeros((64, 3)), batch_size=32, verbose=0)
            """)),
        Valid(dedent("""
            import numpy as np
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((16, 100)), layers.LSTM(3)])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((64, 16, 100)), np.zeros((64, 3)), batch_size=32, verbose=0)
            """)),
        Valid(dedent("""
            import numpy as np
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((16, 8, 8, 3)), layers.Conv3D(4, 3), layers.GlobalAveragePooling3D()])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((32, 16, 8, 8, 3)), np.zeros((32, 4)), batch_size=16, verbose=0)
            """), note="16 frames per clip and batches of 16 clips: the data shows the batch is separate"),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([layers.Dense(3, input_shape=(32, 100))])
                model.compile(loss="mse", optimizer="adam")
                model.fit(np.zeros((320, 100)), np.zeros((320, 3)), batch_size=32, verbose=0)
                """),
            message="`input_shape=(32, 100)` starts with 32, the batch_size of fit on line 6",
            keras=Raises("incompatible shape", stage="fit"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen: set[int] = set()
        consumers = _consumers(ctx)
        for model in extraction(ctx).instances:
            if len(model.inputs) != 1:
                continue
            tensor = model.inputs[0]
            layer = _input_layer(tensor)
            if layer is None or layer.shape_argument is None or not isinstance(tensor.shape, tuple):
                continue
            arg = layer.shape_argument
            sample = tensor.shape[1:]
            if len(sample) < 2 or not all(isinstance(d, int) for d in sample) or sample[0] <= 1 or id(arg) in seen:
                continue
            for method_call in model.method_calls:
                if method_call.model is not model or method_call.method not in _DATA_METHODS:
                    continue
                batch = method_call.value("batch_size")
                if not isinstance(batch, Const) or batch.value != sample[0]:
                    continue
                evidence = self._evidence(method_call, sample, consumers.get(id(tensor), []))
                if evidence is None:
                    continue
                seen.add(id(arg))
                line = ctx.lines.position(ctx.span(method_call.call.node)[0])[0]
                keyword = _argument_text(arg)
                message = (
                    f"`{keyword}={format_shape(sample)}` starts with {sample[0]}, the batch_size of {method_call.method} on line {line}{evidence}: "
                    f"the shape of one sample leaves the batch out (Keras adds it as None), so this model expects batches shaped "
                    f"{format_shape((None, *sample))}. If each sample is {format_shape(sample[1:])}, write {keyword}={format_shape(sample[1:])}"
                )
                yield self.finding(ctx, arg.value, message)
                break

    @staticmethod
    def _evidence(method_call: MethodCall, sample: tuple, consumers: list[Node]) -> str | None:
        """The equality alone can be a coincidence (16 frames, batches of 16): keras-lint also
        wants the data to show it, or a first layer that takes flat feature vectors."""
        x = method_call.value("x")
        if isinstance(x, Array):
            if len(x.shape) == len(sample) and tuple(x.shape[1:]) == tuple(sample[1:]):
                return f", and `x` has shape {format_shape(x.shape)}: samples of {format_shape(sample[1:])}"
            return None
        if consumers and all(node.layer.class_name in ("Dense", "Flatten") for node in consumers):
            return ""
        return None


# -- arrays passed to a model -----------------------------------------------------------------


def _numpy_alias(ctx: Context, scope) -> str | None:
    """A name that refers to numpy where the call is (`np` after `import numpy as np`)."""
    for statement, _scope in ctx.semantic.imports:
        if not isinstance(statement, cst.Import):
            continue
        for alias in statement.names:
            if getattr(alias.name, "value", None) != "numpy":
                continue
            name = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else "numpy"
            if ctx.qualified_name(cst.Name(name), scope) == "numpy":
                return name
    return None


def _model_input(model: Model | None) -> tuple | None:
    if model is None or len(model.inputs) != 1 or not model.complete:
        return None
    shape = model.inputs[0].shape
    if not isinstance(shape, tuple) or UNKNOWN in shape:
        return None
    return shape


def _x_argument(method_call: MethodCall) -> tuple[Array, cst.Arg] | None:
    value = method_call.value("x")
    arg = method_call.argument("x")
    if not isinstance(value, Array) or arg is None:
        return None
    return value, arg


def _matches_sample(array_shape: tuple, model_shape: tuple) -> bool:
    sample = model_shape[1:]
    if len(array_shape) != len(sample):
        return False
    return all(isinstance(a, int) and (b is None or a == b) for a, b in zip(array_shape, sample))


class MissingBatchDimension(Rule):
    """## What it does
    Finds `model.predict(x)`, `fit`, `evaluate` and the `*_on_batch` methods called on one sample
    that has no batch dimension: an image from `img_to_array` (shape `(height, width,
    channels)`), or an array shaped exactly like the model's input without its `None`.

    ## Why is this bad?
    Keras models always take a batch: the first dimension counts samples. Given one image of
    shape `(224, 224, 3)`, Keras reads it as 224 samples of shape `(224, 3)` and fails with
    "incompatible shape" (or, for some models, silently predicts on slices). The seed recipe is
    `x = np.expand_dims(x, axis=0)` to make a batch of one.

    ## Example
    ```python
    x = image.img_to_array(image.load_img(path, target_size=(224, 224)))
    preds = model.predict(x)
    ```

    ## Use instead
    ```python
    x = image.img_to_array(image.load_img(path, target_size=(224, 224)))
    preds = model.predict(np.expand_dims(x, axis=0))
    ```

    ## Fix safety
    The fix wraps the argument in `np.expand_dims(x, axis=0)` when NumPy is imported. It is safe
    when the model is known and takes exactly one more dimension than `x`; when the model is not
    known (a function parameter, say), it is unsafe.
    """

    code = "KRS608"
    name = "missing-batch-dimension"
    summary = "`predict`/`fit` given one sample without the batch dimension (`img_to_array` without `expand_dims`)"
    family = FAMILY
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import numpy as np
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((7, 6, 3)), layers.Flatten(), layers.Dense(2)])
            x = np.zeros((7, 6, 3))
            preds = model.predict(np.expand_dims(x, axis=0), verbose=0)
            """)),
        Valid(dedent("""
            import numpy as np
            from keras.preprocessing import image

            def classify(model, path):
                x = image.img_to_array(image.load_img(path, target_size=(7, 6)))
                x = np.expand_dims(x, axis=0)
                return model.predict(x)
            """), runnable=False),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((7, 6, 3)), layers.Flatten(), layers.Dense(2)])
                x = np.zeros((7, 6, 3))
                preds = model.predict(x, verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((7, 6, 3)), layers.Flatten(), layers.Dense(2)])
                x = np.zeros((7, 6, 3))
                preds = model.predict(np.expand_dims(x, axis=0), verbose=0)
                """),
            message="`x` has shape (7, 6, 3), one sample of the model's input (None, 7, 6, 3) without the batch dimension",
            keras=Raises("incompatible shape"),
            fixed_check="preds.shape == (1, 2)",
            applicability=Applicability.SAFE,
        ),
        Invalid(
            dedent("""
                import numpy as np
                from keras.preprocessing import image

                def classify(model, path):
                    x = image.img_to_array(image.load_img(path, target_size=(7, 6)))
                    return model.predict(x)
                """),
            fixed=dedent("""
                import numpy as np
                from keras.preprocessing import image

                def classify(model, path):
                    x = image.img_to_array(image.load_img(path, target_size=(7, 6)))
                    return model.predict(np.expand_dims(x, axis=0))
                """),
            message="`x` is one image of shape (7, 6, 3) from img_to_array",
            applicability=Applicability.UNSAFE,
            runnable=False,
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen: set[int] = set()
        for method_call in extraction(ctx).method_calls:
            if method_call.method not in _DATA_METHODS:
                continue
            found = _x_argument(method_call)
            if found is None:
                continue
            array, arg = found
            if id(arg) in seen:
                continue
            model_shape = _model_input(method_call.model)
            written = ctx.outer_source(arg.value)
            if array.single:
                if model_shape is not None and len(model_shape) != len(array.shape) + 1:
                    continue
                what = f"`{written}` is one image of shape {format_shape(array.shape)} from img_to_array, with no batch dimension"
            elif model_shape is not None and _matches_sample(array.shape, model_shape):
                what = f"`{written}` has shape {format_shape(array.shape)}, one sample of the model's input {format_shape(model_shape)} without the batch dimension"
            else:
                continue
            seen.add(id(arg))
            first = array.shape[0]
            message = (
                f"{what}: `{method_call.method}` reads the first axis as the batch, so it sees {first} samples of shape "
                f"{format_shape(array.shape[1:])}. Add the batch dimension: np.expand_dims({written}, axis=0)"
            )
            fix = None
            numpy = _numpy_alias(ctx, method_call.call.scope)
            if numpy is not None:
                applicability = Applicability.SAFE if model_shape is not None else Applicability.UNSAFE
                replacement = f"{numpy}.expand_dims({written}, axis=0)"
                fix = self.make_fix(f"Write `{replacement}`", [Edit(*ctx.outer_span(arg.value), replacement)], applicability)
            yield self.finding(ctx, arg.value, message, fix)


class ArrayShapeMismatch(Rule):
    """## What it does
    Finds arrays of literal shape (`np.zeros(...)`, `np.random.rand(...)`, reshaped arrays)
    passed to `fit`, `evaluate` or `predict` whose shape provably does not fit the model's
    input.

    ## Why is this bad?
    Keras checks the data against the model's `Input` when it runs: an array of the wrong rank,
    or of the wrong size where the model needs a fixed one, fails with "incompatible shape"
    after all the data loading, or deep inside a layer. Found before running, the message shows
    both shapes and which dimension differs (the batch dimension, first, may be anything).

    ## Example
    ```python
    model = keras.Model(inputs, outputs)  # inputs = keras.Input((28, 28, 1))
    model.predict(np.zeros((5, 32, 32, 1)))
    ```

    ## Use instead
    Resize the data to the model's input, or build the model for the data's size.
    """

    code = "KRS609"
    name = "array-shape-mismatch"
    summary = "An array of literal shape passed to `fit`/`predict` that does not fit the model's input"
    family = FAMILY
    examples = (
        Valid(dedent("""
            import numpy as np
            import keras
            from keras import layers
            inputs = keras.Input((28, 28, 1))
            outputs = layers.Dense(2)(layers.Flatten()(inputs))
            model = keras.Model(inputs, outputs)
            preds = model.predict(np.zeros((5, 28, 28, 1)), verbose=0)
            """)),
        Valid(dedent("""
            import numpy as np
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(4, 3), layers.GlobalAveragePooling2D()])
            preds = model.predict(np.zeros((5, 32, 32, 1)), verbose=0)
            """), note="a Sequential made of convolutions takes other image sizes"),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                inputs = keras.Input((28, 28, 1))
                outputs = layers.Dense(2)(layers.Flatten()(inputs))
                model = keras.Model(inputs, outputs)
                preds = model.predict(np.zeros((5, 32, 32, 1)), verbose=0)
                """),
            message="has shape (5, 32, 32, 1) but the model's input is (None, 28, 28, 1) (None is the batch dimension): dimension 1 is 32, not 28",
            keras=Raises("is incompatible with the layer"),
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((784,)), layers.Dense(10)])
                preds = model.predict(np.zeros((5, 28, 28)), verbose=0)
                """),
            message="has 3 dimensions but the model's input (None, 784) has 2",
            keras=Raises("incompatible shape"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen: set[int] = set()
        for method_call in extraction(ctx).method_calls:
            if method_call.method not in _DATA_METHODS:
                continue
            found = _x_argument(method_call)
            model_shape = _model_input(method_call.model)
            if found is None or model_shape is None:
                continue
            array, arg = found
            if id(arg) in seen or array.single or not all(isinstance(d, int) for d in array.shape):
                continue
            problem = self._problem(array.shape, model_shape, method_call.model)
            if problem is None:
                continue
            seen.add(id(arg))
            written = ctx.outer_source(arg.value)
            yield self.finding(ctx, arg.value, f"`{written}` {problem}")

    @staticmethod
    def _problem(shape: tuple, model_shape: tuple, model: Model) -> str | None:
        if len(shape) != len(model_shape):
            if len(shape) == len(model_shape) - 1:
                # One sample (KRS608), or the trailing 1 Keras 3 adds to functional inputs.
                return None
            if len(shape) == len(model_shape) + 1 and shape[-1] == 1:
                return None
            return (
                f"has {len(shape)} dimensions but the model's input {format_shape(model_shape)} has {len(model_shape)} "
                f"(None is the batch dimension): {format_shape(shape)} cannot be fed to it"
            )
        differing = [i for i in range(1, len(shape)) if model_shape[i] is not None and shape[i] != model_shape[i]]
        if not differing:
            return None
        first = differing[0]
        text = (
            f"has shape {format_shape(shape)} but the model's input is {format_shape(model_shape)} (None is the batch dimension): "
            f"dimension {first} is {shape[first]}, not {model_shape[first]}"
        )
        if model.kind == "functional":
            return text
        failure = _sequential_failure(model, (None, *shape[1:]))
        return f"{text}; {failure}" if failure else None


def _sequential_failure(model: Model, shape: tuple) -> str | None:
    """Run a Sequential's layers on another input shape: the first shape error, or None."""
    current = shape
    for layer in model.layers:
        if layer.config is None:
            return None
        try:
            result = infer(layer.config, CallInputs(current))
        except ShapeError as error:
            return f"{layer.name} fails on it: {error.message}"
        except InvalidLayer:
            return None
        if layer.built and result.trainable != layer.trainable_params and any(
            layer.class_name.startswith(p) for p in ("Dense", "Conv", "BatchNormalization")
        ):
            return f"{layer.name} was built for the model's input and cannot take {format_shape(current)}"
        if not isinstance(result.output, tuple):
            return None
        current = result.output
    return None


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
