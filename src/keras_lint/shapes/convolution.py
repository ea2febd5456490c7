"""Convolutions: Conv1D/2D/3D, their transposes, SeparableConv1D/2D, DepthwiseConv1D/2D.

The arithmetic is Keras 3's `compute_conv_output_shape` and
`compute_conv_transpose_output_shape`, including what Keras really builds from old code:
`Conv2D(64, 3, 3)` is `kernel_size=3, strides=3` in Keras 3.
"""

from __future__ import annotations

from dataclasses import dataclass

from keras_lint.shapes.config import (
    CHANNELS_FIRST,
    CallInputs,
    InvalidLayer,
    LayerConfig,
    LayerResult,
    ShapeError,
    expect_rank,
)
from keras_lint.shapes.core import add, mul, unknown_result
from keras_lint.shapes.dims import UNKNOWN, batch_note, format_shape
from keras_lint.shapes.registry import shape_function
from keras_lint.shapes.reshaping import layout, spatial_axes

_RANK = {"1D": 1, "2D": 2, "3D": 3}
_AXIS_NAMES = {
    1: ("steps",),
    2: ("height", "width"),
    3: ("depth", "height", "width"),
}


def conv_rank(path: str) -> int:
    name = path.rsplit(".", 1)[-1]
    for suffix, rank in _RANK.items():
        if suffix in name:
            return rank
    raise KeyError(path)


def conv_output_length(size, kernel: int, stride: int, dilation: int, padding: str):
    """One spatial dimension through a convolution or pooling window (Keras' formula)."""
    if size is None or size is UNKNOWN:
        return size
    if padding == "valid":
        return (size - dilation * (kernel - 1) - 1) // stride + 1
    return (size - 1) // stride + 1


def transpose_output_length(size, kernel: int, stride: int, dilation: int, padding: str, output_padding):
    if size is None or size is UNKNOWN:
        return size
    kernel = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(kernel, stride) - kernel if output_padding is None else output_padding
        return (size - 1) * stride + kernel + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + kernel % 2 + output_padding


def nonpositive_error(layer: str, x: tuple, axis: int, rank: int, data_format, got: int, detail: str) -> ShapeError:
    axes = spatial_axes(rank, data_format) or []
    name = _AXIS_NAMES[rank][axes.index(axis)] if axis in axes else f"dimension {axis}"
    return ShapeError(
        "nonpositive",
        f"{layer} {detail} shrinks the {name} of its input {format_shape(x)} from {x[axis]} to {got} "
        f"({batch_note(x)}): the window is larger than what is left of the input",
        layer=layer,
        shape=x,
        axis=axis,
        got=got,
    )


def _channel(x: tuple, data_format):
    if data_format is UNKNOWN:
        return UNKNOWN
    return x[1] if data_format == CHANNELS_FIRST else x[-1]


def _check_channel(layer: str, x: tuple, channel, data_format) -> None:
    if channel is None:
        where = "axis 1" if data_format == CHANNELS_FIRST else "the last axis"
        raise ShapeError(
            "incompatible",
            f"{layer} needs the number of channels ({where}) to create its kernel but its input {format_shape(x)} leaves it None",
            layer=layer,
            shape=x,
        )


def _window_description(kernel, strides, dilation, padding) -> str:
    parts = [f"kernel_size={kernel}"]
    if strides is not UNKNOWN and any(s != 1 for s in strides):
        parts.append(f"strides={strides}")
    if dilation is not UNKNOWN and any(d != 1 for d in dilation):
        parts.append(f"dilation_rate={dilation}")
    parts.append(f"padding={padding!r}")
    return "(" + ", ".join(parts) + ")"


@dataclass
class ConvWindow:
    """The window arguments every convolution (and ConvLSTM) reads the same way."""

    kernel: object
    strides: object
    dilation: object
    padding: object
    data_format: object
    use_bias: object

    @classmethod
    def read(cls, config: LayerConfig, rank: int, allow_causal: bool = False) -> ConvWindow:
        return cls(
            config.int_tuple("kernel_size", rank),
            config.int_tuple("strides", rank),
            config.int_tuple("dilation_rate", rank),
            config.padding(allow_causal=allow_causal),
            config.data_format(),
            config.boolean("use_bias"),
        )

    def bias(self, size):
        return UNKNOWN if self.use_bias is UNKNOWN else (size if self.use_bias else 0)


def spatial_output(layer, x, rank, window: ConvWindow, transpose=False, output_padding=None):
    """The output's spatial dimensions, raising when one reaches zero or below."""
    kernel, strides, dilation = window.kernel, window.strides, window.dilation
    padding, data_format = window.padding, window.data_format
    axes = spatial_axes(rank, data_format)
    if axes is None:
        return None
    result = []
    for i, axis in enumerate(axes):
        size = x[axis]
        if size is None:
            result.append(None)
            continue
        if size is UNKNOWN or kernel is UNKNOWN or strides is UNKNOWN or dilation is UNKNOWN or padding is UNKNOWN or output_padding is UNKNOWN:
            result.append(UNKNOWN)
            continue
        if transpose:
            op = None if output_padding is None else output_padding[i]
            result.append(transpose_output_length(size, kernel[i], strides[i], dilation[i], padding, op))
            continue
        length = conv_output_length(size, kernel[i], strides[i], dilation[i], padding)
        if padding == "valid" and length <= 0:
            raise nonpositive_error(layer, x, axis, rank, data_format, length, _window_description(kernel, strides, dilation, padding))
        result.append(length)
    return result


def _assemble(x, rank, data_format, spatial, channels):
    if spatial is None:
        return tuple([x[0]] + [UNKNOWN] * (rank + 1))
    if data_format == CHANNELS_FIRST:
        return (x[0], channels, *spatial)
    return (x[0], *spatial, channels)


def _positive_or_none(config: LayerConfig, name: str):
    value = config.get(name)
    if value is UNKNOWN or value is None:
        return value
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidLayer(f"`{name}` must be a positive integer")
    return value


def check_strides_and_dilation(window: ConvWindow) -> None:
    strides, dilation = window.strides, window.dilation
    if strides is not UNKNOWN and dilation is not UNKNOWN and max(strides) > 1 and max(dilation) > 1:
        raise InvalidLayer("strides > 1 with dilation_rate > 1")


def _checked_input(layer: str, call: CallInputs, rank: int, data_format):
    """The input shape and its channel count, after the rank and channel checks; None when the
    input shape is unknown."""
    x = call.shape()
    if x is UNKNOWN:
        return None
    expect_rank(layer, x, ndim=rank + 2, layout=layout(rank, data_format) if data_format is not UNKNOWN else None)
    channels = _channel(x, data_format)
    if channels is not UNKNOWN:
        _check_channel(layer, x, channels, data_format)
    return x, channels


@shape_function("keras.layers.Conv1D", "keras.layers.Conv2D", "keras.layers.Conv3D")
def conv(config: LayerConfig, call: CallInputs) -> LayerResult:
    rank = conv_rank(config.path)
    layer = config.class_name
    filters = _positive_or_none(config, "filters")
    groups = _positive_or_none(config, "groups")
    window = ConvWindow.read(config, rank, allow_causal=rank == 1)
    if groups is None:
        raise InvalidLayer("`groups` must be a positive integer")
    if filters is None:
        return unknown_result()
    if filters is not UNKNOWN and groups is not UNKNOWN and filters % groups:
        raise InvalidLayer("filters must be divisible by groups")
    check_strides_and_dilation(window)
    if config.get("lora_rank", None) is not None:
        return unknown_result()
    checked = _checked_input(layer, call, rank, window.data_format)
    if checked is None:
        return unknown_result()
    x, channels = checked
    if channels is not UNKNOWN:
        if groups is not UNKNOWN and channels % groups:
            raise ShapeError(
                "incompatible",
                f"{layer}(groups={groups}) needs a number of input channels divisible by {groups} but its input "
                f"{format_shape(x)} has {channels}",
                layer=layer,
                shape=x,
            )
    spatial = spatial_output(layer, x, rank, window)
    output = _assemble(x, rank, window.data_format, spatial, filters)
    if window.kernel is UNKNOWN or channels is UNKNOWN or groups is UNKNOWN:
        return LayerResult(output, UNKNOWN, UNKNOWN)
    weights = mul(*window.kernel, channels // groups, filters)
    return LayerResult(output, add(weights, window.bias(filters)), 0)


@shape_function("keras.layers.Conv1DTranspose", "keras.layers.Conv2DTranspose", "keras.layers.Conv3DTranspose")
def conv_transpose(config: LayerConfig, call: CallInputs) -> LayerResult:
    rank = conv_rank(config.path)
    layer = config.class_name
    filters = _positive_or_none(config, "filters")
    window = ConvWindow.read(config, rank)
    output_padding = config.get("output_padding")
    if output_padding is not None and output_padding is not UNKNOWN:
        output_padding = config.int_tuple("output_padding", rank, allow_zero=True)
    if filters is None:
        return unknown_result()
    if output_padding not in (None, UNKNOWN) and window.strides is not UNKNOWN:
        if any(op >= s for op, s in zip(output_padding, window.strides)):
            raise InvalidLayer("output_padding must be smaller than strides")
    check_strides_and_dilation(window)
    checked = _checked_input(layer, call, rank, window.data_format)
    if checked is None:
        return unknown_result()
    x, channels = checked
    spatial = spatial_output(layer, x, rank, window, transpose=True, output_padding=output_padding)
    if spatial is not None and any(isinstance(d, int) and d <= 0 for d in spatial):
        return LayerResult(UNKNOWN, UNKNOWN, UNKNOWN)
    output = _assemble(x, rank, window.data_format, spatial, filters)
    if window.kernel is UNKNOWN or channels is UNKNOWN:
        return LayerResult(output, UNKNOWN, UNKNOWN)
    weights = mul(*window.kernel, filters, channels)
    return LayerResult(output, add(weights, window.bias(filters)), 0)


@shape_function("keras.layers.SeparableConv1D", "keras.layers.SeparableConv2D")
def separable_conv(config: LayerConfig, call: CallInputs) -> LayerResult:
    rank = conv_rank(config.path)
    layer = config.class_name
    filters = _positive_or_none(config, "filters")
    depth_multiplier = _positive_or_none(config, "depth_multiplier")
    window = ConvWindow.read(config, rank)
    if filters is None or depth_multiplier is None:
        return unknown_result()
    checked = _checked_input(layer, call, rank, window.data_format)
    if checked is None:
        return unknown_result()
    x, channels = checked
    spatial = spatial_output(layer, x, rank, window)
    output = _assemble(x, rank, window.data_format, spatial, filters)
    if window.kernel is UNKNOWN or channels is UNKNOWN:
        return LayerResult(output, UNKNOWN, UNKNOWN)
    depthwise = mul(*window.kernel, channels, depth_multiplier)
    pointwise = mul(depth_multiplier, channels, filters)
    return LayerResult(output, add(depthwise, pointwise, window.bias(filters)), 0)


@shape_function("keras.layers.DepthwiseConv1D", "keras.layers.DepthwiseConv2D")
def depthwise_conv(config: LayerConfig, call: CallInputs) -> LayerResult:
    rank = conv_rank(config.path)
    layer = config.class_name
    depth_multiplier = _positive_or_none(config, "depth_multiplier")
    window = ConvWindow.read(config, rank)
    if depth_multiplier is None:
        return unknown_result()
    checked = _checked_input(layer, call, rank, window.data_format)
    if checked is None:
        return unknown_result()
    x, channels = checked
    spatial = spatial_output(layer, x, rank, window)
    output = _assemble(x, rank, window.data_format, spatial, mul(depth_multiplier, channels))
    if window.kernel is UNKNOWN or channels is UNKNOWN:
        return LayerResult(output, UNKNOWN, UNKNOWN)
    weights = mul(*window.kernel, channels, depth_multiplier)
    return LayerResult(output, add(weights, window.bias(mul(depth_multiplier, channels))), 0)
