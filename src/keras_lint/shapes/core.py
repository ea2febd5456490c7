"""Dense, Embedding, activations, dropout and noise, Masking, Lambda: layers that keep the
input's shape or change only its last dimension."""

from __future__ import annotations

from keras_lint.shapes.config import (
    SHAPE_PRESERVING,
    CallInputs,
    InvalidLayer,
    LayerConfig,
    LayerResult,
    ShapeError,
    expect_rank,
)
from keras_lint.shapes.dims import UNKNOWN, format_shape, product
from keras_lint.shapes.registry import shape_function


def unknown_result(weightless: bool = False) -> LayerResult:
    return LayerResult(UNKNOWN, 0 if weightless else UNKNOWN, 0 if weightless else UNKNOWN)


def add(*counts):
    if any(c is UNKNOWN for c in counts):
        return UNKNOWN
    return sum(counts)


def mul(*factors):
    if any(f is UNKNOWN for f in factors):
        return UNKNOWN
    result = 1
    for f in factors:
        result *= f
    return result


def defined_weight_dim(layer: str, shape: tuple, dim, what: str):
    """A dimension a weight is shaped from: Keras cannot create the weight from None."""
    if dim is None:
        raise ShapeError(
            "incompatible",
            f"{layer} needs a known {what} to create its weights but its input {format_shape(shape)} leaves it None",
            layer=layer,
            shape=shape,
        )
    return dim


@shape_function("keras.layers.Dense")
def dense(config: LayerConfig, call: CallInputs) -> LayerResult:
    units = config.get("units")
    if units is not UNKNOWN and (not isinstance(units, int) or units <= 0):
        raise InvalidLayer("`units` must be a positive integer")
    use_bias = config.boolean("use_bias")
    lora_rank = config.get("lora_rank", None)
    if config.get("quantization_config", None) is not None:
        return unknown_result()
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result()
    expect_rank("Dense", x, min_ndim=2, layout="(batch, ..., features)")
    output = x[:-1] + (units,)
    last = x[-1]
    if last is UNKNOWN:
        return LayerResult(output, UNKNOWN, UNKNOWN)
    defined_weight_dim("Dense", x, last, "last dimension (features)")
    kernel = mul(last, units)
    bias = UNKNOWN if use_bias is UNKNOWN else (units if use_bias else 0)
    if lora_rank is UNKNOWN:
        return LayerResult(output, UNKNOWN, UNKNOWN)
    if lora_rank:
        if not isinstance(lora_rank, int):
            return LayerResult(output, UNKNOWN, UNKNOWN)
        lora = add(mul(last, lora_rank), mul(lora_rank, units))
        return LayerResult(output, add(lora, bias), kernel)
    return LayerResult(output, add(kernel, bias), 0)


@shape_function("keras.layers.Embedding")
def embedding(config: LayerConfig, call: CallInputs) -> LayerResult:
    input_dim = config.positive_int("input_dim")
    output_dim = config.positive_int("output_dim")
    if config.get("lora_rank", None) is not None or config.get("quantization_config", None) is not None:
        return unknown_result()
    if config.get("weights", None) is not None:
        return unknown_result()
    params = mul(input_dim, output_dim)
    x = call.shape()
    if x is UNKNOWN:
        return LayerResult(UNKNOWN, params, 0)
    return LayerResult(x + (output_dim,), params, 0)


def _same_shape(config: LayerConfig, call: CallInputs) -> LayerResult:
    main = call.main
    if isinstance(main, list):
        return unknown_result(weightless=True)
    return LayerResult(main, 0, 0)


def _rate(config: LayerConfig, name: str = "rate") -> None:
    rate = config.get(name)
    if rate is UNKNOWN:
        return
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise InvalidLayer(f"`{name}` must be between 0 and 1")


@shape_function(
    "keras.layers.Activation",
    "keras.layers.ReLU",
    "keras.layers.LeakyReLU",
    "keras.layers.ELU",
    "keras.layers.Softmax",
    "keras.layers.Identity",
    "keras.layers.ActivityRegularization",
)
def same_shape(config: LayerConfig, call: CallInputs) -> LayerResult:
    return _same_shape(config, call)


@shape_function("keras.layers.Masking")
def masking(config: LayerConfig, call: CallInputs) -> LayerResult:
    return _same_shape(config, call)


@shape_function("keras.layers.Dropout", "keras.layers.AlphaDropout", "keras.layers.GaussianDropout")
def dropout(config: LayerConfig, call: CallInputs) -> LayerResult:
    _rate(config)
    return _same_shape(config, call)


@shape_function("keras.layers.GaussianNoise")
def gaussian_noise(config: LayerConfig, call: CallInputs) -> LayerResult:
    return _same_shape(config, call)


_SPATIAL_DROPOUT_RANK = {
    "keras.layers.SpatialDropout1D": (3, "(batch, steps, channels)"),
    "keras.layers.SpatialDropout2D": (4, "(batch, height, width, channels)"),
    "keras.layers.SpatialDropout3D": (5, "(batch, depth, height, width, channels)"),
}


@shape_function(*_SPATIAL_DROPOUT_RANK)
def spatial_dropout(config: LayerConfig, call: CallInputs) -> LayerResult:
    _rate(config)
    if config.path != "keras.layers.SpatialDropout1D":
        config.data_format()
    ndim, layout = _SPATIAL_DROPOUT_RANK[config.path]
    x = call.shape()
    expect_rank(config.class_name, x, ndim=ndim, layout=layout)
    return _same_shape(config, call)


@shape_function("keras.layers.PReLU")
def prelu(config: LayerConfig, call: CallInputs) -> LayerResult:
    x = call.shape()
    shared = config.get("shared_axes")
    if x is UNKNOWN or shared is UNKNOWN:
        return unknown_result()
    alpha = list(x[1:])
    if shared is not None:
        axes = [shared] if isinstance(shared, int) else list(shared)
        for axis in axes:
            if not isinstance(axis, int) or not 1 <= axis < len(x):
                return LayerResult(x, UNKNOWN, UNKNOWN)
            alpha[axis - 1] = 1
    count = product(alpha)
    if count is None:
        raise ShapeError("incompatible", f"PReLU needs every non-batch dimension of its input known to create its weights but gets {format_shape(x)}", layer="PReLU", shape=x)
    return LayerResult(x, count, 0)


@shape_function("keras.layers.Lambda")
def lambda_layer(config: LayerConfig, call: CallInputs) -> LayerResult:
    """Unknown unless `output_shape` is given as a shape (without the batch dimension), or the
    function keeps its input's shape (`lambda x: x * 2`)."""
    output_shape = config.get("output_shape")
    x = call.main
    if output_shape is None and config.get("function") is SHAPE_PRESERVING and isinstance(x, tuple):
        return LayerResult(x, 0, 0)
    if isinstance(output_shape, (tuple, list)) and output_shape and all(isinstance(d, int) or d is None for d in output_shape):
        if isinstance(output_shape, list):
            return unknown_result(weightless=True)
        first = x[0] if isinstance(x, list) and x else x
        batch = first[0] if isinstance(first, tuple) and first else UNKNOWN
        return LayerResult((batch, *output_shape), 0, 0)
    return unknown_result(weightless=True)
