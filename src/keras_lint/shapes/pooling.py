"""Max/Average pooling 1D/2D/3D and the global poolings."""

from __future__ import annotations

from keras_lint.shapes.config import CHANNELS_FIRST, CallInputs, InvalidLayer, LayerConfig, LayerResult, expect_rank
from keras_lint.shapes.convolution import conv_output_length, conv_rank, nonpositive_error
from keras_lint.shapes.core import unknown_result
from keras_lint.shapes.dims import UNKNOWN
from keras_lint.shapes.registry import shape_function
from keras_lint.shapes.reshaping import layout, spatial_axes

_POOLINGS = [f"keras.layers.{kind}Pooling{rank}D" for kind in ("Max", "Average") for rank in (1, 2, 3)]
_GLOBAL_POOLINGS = [f"keras.layers.Global{kind}Pooling{rank}D" for kind in ("Max", "Average") for rank in (1, 2, 3)]


@shape_function(*_POOLINGS)
def pooling(config: LayerConfig, call: CallInputs) -> LayerResult:
    rank = conv_rank(config.path)
    layer = config.class_name
    pool_size = config.int_tuple("pool_size", rank)
    strides_value = config.get("strides")
    if strides_value is None:
        strides = pool_size
    else:
        strides = config.int_tuple("strides", rank, allow_zero=True)
    data_format = config.data_format()
    padding = config.get("padding")
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result(weightless=True)
    expect_rank(layer, x, ndim=rank + 2, layout=layout(rank, data_format) if data_format is not UNKNOWN else None)
    if padding is not UNKNOWN and padding not in ("valid", "same"):
        # Keras does not lower-case a pooling's padding: "SAME" fails while building.
        raise InvalidLayer("`padding` must be 'valid' or 'same'")
    if strides is not UNKNOWN and 0 in strides:
        return unknown_result(weightless=True)
    axes = spatial_axes(rank, data_format)
    if axes is None:
        return LayerResult(tuple([x[0]] + [UNKNOWN] * (rank + 1)), 0, 0)
    output = list(x)
    for i, axis in enumerate(axes):
        size = x[axis]
        if size is None:
            continue
        if size is UNKNOWN or pool_size is UNKNOWN or strides is UNKNOWN or padding is UNKNOWN:
            output[axis] = UNKNOWN
            continue
        if padding == "valid":
            length = (size - pool_size[i]) // strides[i] + 1
            if length <= 0:
                detail = f"(pool_size={pool_size}" + (f", strides={strides}" if strides != pool_size else "") + ")"
                raise nonpositive_error(layer, x, axis, rank, data_format, length, detail)
        else:
            length = conv_output_length(size, pool_size[i], strides[i], 1, "same")
        output[axis] = length
    return LayerResult(tuple(output), 0, 0)


@shape_function(*_GLOBAL_POOLINGS)
def global_pooling(config: LayerConfig, call: CallInputs) -> LayerResult:
    rank = conv_rank(config.path)
    data_format = config.data_format()
    keepdims = config.get("keepdims")
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result(weightless=True)
    expect_rank(config.class_name, x, ndim=rank + 2, layout=layout(rank, data_format) if data_format is not UNKNOWN else None)
    if data_format is UNKNOWN or keepdims is UNKNOWN:
        return LayerResult(UNKNOWN if keepdims is UNKNOWN else (x[0], UNKNOWN), 0, 0)
    channels = x[1] if data_format == CHANNELS_FIRST else x[-1]
    if keepdims:
        ones = (1,) * rank
        output = (x[0], channels, *ones) if data_format == CHANNELS_FIRST else (x[0], *ones, channels)
    else:
        output = (x[0], channels)
    return LayerResult(output, 0, 0)
