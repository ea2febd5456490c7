"""Input shapes as written: channels-first images, `input_shape=` where Keras 3 ignores it, the
batch size written into a sample's shape."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Context
from keras_lint.diagnostics import Applicability, Finding
from keras_lint.models import Array, Const, Layer, Model, Node, extraction
from keras_lint.models.graph import MethodCall
from keras_lint.rules._shape_common import (
    DATA_METHODS,
    FAMILY,
    argument_text,
    input_layer_of,
    tensor_readers,
)
from keras_lint.rules.base import Invalid, Raises, Rule, Silent, Valid, dedent
from keras_lint.shapes import (
    CHANNELS_LAST,
    UNKNOWN,
    InvalidLayer,
    format_shape,
)

# Layers that read the last axis as channels (data_format, channels_last by default).
_IMAGE_LAYERS = {
    2: ("Conv2D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose", "MaxPooling2D", "AveragePooling2D",
        "ZeroPadding2D", "Cropping2D", "UpSampling2D"),
    3: ("Conv3D", "Conv3DTranspose", "MaxPooling3D", "AveragePooling3D", "ZeroPadding3D", "Cropping3D", "UpSampling3D"),
}


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
        Invalid(
            dedent("""
                from keras.models import Sequential
                from keras.layers import Conv2D, ZeroPadding2D
                model = Sequential([ZeroPadding2D((1, 1), input_shape=(3, 64, 64)), Conv2D(8, (3, 3))])
                """),
            message="but ZeroPadding2D is channels_last",
            keras=Silent("model.output_shape == (None, 3, 64, 8)"),
            note="the old VGG recipe: padding first, then the convolutions",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        consumers = tensor_readers(ctx)
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
        keyword = argument_text(arg)
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
        consumers = tensor_readers(ctx)
        for model in extraction(ctx).instances:
            if len(model.inputs) != 1:
                continue
            tensor = model.inputs[0]
            layer = input_layer_of(tensor)
            if layer is None or layer.shape_argument is None or not isinstance(tensor.shape, tuple):
                continue
            arg = layer.shape_argument
            sample = tensor.shape[1:]
            if len(sample) < 2 or not all(isinstance(d, int) for d in sample) or sample[0] <= 1 or id(arg) in seen:
                continue
            for method_call in model.method_calls:
                if method_call.model is not model or method_call.method not in DATA_METHODS:
                    continue
                batch = method_call.value("batch_size")
                if not isinstance(batch, Const) or batch.value != sample[0]:
                    continue
                evidence = self._evidence(method_call, sample, consumers.get(id(tensor), []))
                if evidence is None:
                    continue
                seen.add(id(arg))
                line = ctx.lines.position(ctx.span(method_call.call.node)[0])[0]
                keyword = argument_text(arg)
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

