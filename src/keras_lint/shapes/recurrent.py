"""SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D and the wrappers Bidirectional and TimeDistributed."""

from __future__ import annotations

from keras_lint.shapes.config import (
    CallInputs,
    InvalidLayer,
    LayerConfig,
    LayerResult,
    ShapeError,
    expect_rank,
)
from keras_lint.shapes.convolution import ConvWindow, check_strides_and_dilation, conv_rank, spatial_output
from keras_lint.shapes.core import mul, unknown_result
from keras_lint.shapes.dims import UNKNOWN, format_shape
from keras_lint.shapes.registry import infer, shape_function
from keras_lint.shapes.reshaping import layout

_RNN_LAYOUT = "(batch, timesteps, features)"
_RANK_CHECKED_INSIDE = frozenset(
    {"Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D"}
)
# Weight matrices per unit: one per gate.
_GATES = {"keras.layers.SimpleRNN": 1, "keras.layers.LSTM": 4, "keras.layers.GRU": 3}


def _flags(config: LayerConfig):
    return config.boolean("return_sequences"), config.boolean("return_state")


def _with_state(output, states, return_state):
    if return_state is UNKNOWN:
        return UNKNOWN
    if return_state:
        return [output, *states]
    return output


@shape_function(*_GATES)
def rnn(config: LayerConfig, call: CallInputs) -> LayerResult:
    layer = config.class_name
    units = config.get("units")
    if units is not UNKNOWN and (not isinstance(units, int) or isinstance(units, bool) or units <= 0):
        raise InvalidLayer("`units` must be a positive integer")
    return_sequences, return_state = _flags(config)
    use_bias = config.boolean("use_bias")
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result()
    expect_rank(layer, x, ndim=3, layout=_RNN_LAYOUT)
    batch, steps, features = x
    if return_sequences is UNKNOWN:
        output = UNKNOWN
    else:
        output = (batch, steps, units) if return_sequences else (batch, units)
    state_count = 2 if layer == "LSTM" else 1
    output = _with_state(output, [(batch, units)] * state_count, return_state)
    if features is UNKNOWN or units is UNKNOWN:
        return LayerResult(output, UNKNOWN, UNKNOWN)
    if features is None:
        raise ShapeError(
            "incompatible",
            f"{layer} needs the number of features per timestep (the last dimension) to create its weights "
            f"but its input {format_shape(x)} leaves it None",
            layer=layer,
            shape=x,
        )
    gates = _GATES[config.path]
    weights = gates * units * (features + units)
    if use_bias is UNKNOWN:
        return LayerResult(output, UNKNOWN, 0)
    if use_bias:
        reset_after = config.boolean("reset_after") if layer == "GRU" else False
        if reset_after is UNKNOWN:
            return LayerResult(output, UNKNOWN, 0)
        weights += gates * units * (2 if reset_after else 1)
    return LayerResult(output, weights, 0)


@shape_function("keras.layers.ConvLSTM1D", "keras.layers.ConvLSTM2D", "keras.layers.ConvLSTM3D")
def conv_lstm(config: LayerConfig, call: CallInputs) -> LayerResult:
    rank = conv_rank(config.path)
    layer = config.class_name
    filters = config.positive_int("filters")
    window = ConvWindow.read(config, rank)
    kernel, data_format, use_bias = window.kernel, window.data_format, window.use_bias
    return_sequences, return_state = _flags(config)
    check_strides_and_dilation(window)
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result()
    frame_layout = layout(rank, data_format) if data_format is not UNKNOWN else None
    expect_rank(layer, x, ndim=rank + 3, layout=frame_layout and "(batch, timesteps, " + frame_layout[len("(batch, ") :])
    frame = (x[0], *x[2:])
    if data_format is UNKNOWN:
        return unknown_result()
    spatial_dims = frame[2:] if data_format == "channels_first" else frame[1:-1]
    channels = frame[1] if data_format == "channels_first" else frame[-1]
    if None in spatial_dims:
        raise ShapeError(
            "incompatible",
            f"{layer} needs every spatial size known but its input {format_shape(x)} leaves one None",
            layer=layer,
            shape=x,
        )
    if channels is None:
        raise ShapeError(
            "incompatible",
            f"{layer} needs the number of channels to create its kernel but its input {format_shape(x)} leaves it None",
            layer=layer,
            shape=x,
        )
    spatial = spatial_output(layer, frame, rank, window)
    if data_format == "channels_first":
        state = (filters, *spatial)
    else:
        state = (*spatial, filters)
    batch, steps = x[0], x[1]
    if return_sequences is UNKNOWN:
        output = UNKNOWN
    else:
        output = (batch, steps, *state) if return_sequences else (batch, *state)
    output = _with_state(output, [(batch, *state), (batch, *state)], return_state)
    if kernel is UNKNOWN or channels is UNKNOWN or filters is UNKNOWN or use_bias is UNKNOWN:
        return LayerResult(output, UNKNOWN, UNKNOWN)
    weights = mul(*kernel, channels, 4 * filters) + mul(*kernel, filters, 4 * filters)
    if use_bias:
        weights += 4 * filters
    return LayerResult(output, weights, 0)


@shape_function("keras.layers.Bidirectional")
def bidirectional(config: LayerConfig, call: CallInputs) -> LayerResult:
    inner = config.get("layer")
    merge_mode = config.get("merge_mode")
    if not isinstance(inner, LayerConfig) or config.get("backward_layer") is not None or merge_mode is UNKNOWN:
        return unknown_result()
    if config.get("weights", None) is not None:
        return unknown_result()
    if merge_mode not in ("sum", "mul", "ave", "concat", None):
        raise InvalidLayer("invalid merge_mode")
    if inner.path not in _GATES and not inner.path.startswith("keras.layers.ConvLSTM"):
        return unknown_result()
    result = infer(inner, call)
    output = result.output
    return_state = inner.boolean("return_state")
    if output is UNKNOWN or return_state is UNKNOWN:
        return LayerResult(UNKNOWN, mul(2, result.trainable), mul(2, result.non_trainable))
    states: list = []
    if return_state:
        output, states = output[0], list(output[1:])
    if output is UNKNOWN:
        merged = UNKNOWN
    elif merge_mode == "concat":
        last = output[-1]
        merged = (*output[:-1], UNKNOWN if last is UNKNOWN else (None if last is None else last * 2))
    elif merge_mode is None:
        merged = [output, output]
    else:
        merged = output
    if return_state:
        merged = ([*merged] if merge_mode is None else [merged]) + states + states
    return LayerResult(merged, mul(2, result.trainable), mul(2, result.non_trainable))


@shape_function("keras.layers.TimeDistributed")
def time_distributed(config: LayerConfig, call: CallInputs) -> LayerResult:
    inner = config.get("layer")
    x = call.shape()
    if not isinstance(inner, LayerConfig):
        return unknown_result()
    if x is UNKNOWN:
        result = infer(inner, CallInputs(UNKNOWN))
        return LayerResult(UNKNOWN, result.trainable, result.non_trainable)
    if len(x) < 3:
        raise ShapeError(
            "rank",
            f"TimeDistributed expects an input of at least 3 dimensions (batch, timesteps, ...) but gets {format_shape(x)}",
            layer="TimeDistributed",
            shape=x,
            min_ndim=3,
        )
    child = (x[0], *x[2:])
    try:
        result = infer(inner, CallInputs(child))
    except ShapeError as error:
        if error.kind == "rank" and inner.class_name not in _RANK_CHECKED_INSIDE:
            # TimeDistributed calls the wrapped layer's compute_output_shape directly, without
            # its input-rank check: only convolutions fail (their kernel has the wrong rank).
            return unknown_result()
        raise ShapeError(
            error.kind,
            f"TimeDistributed applies {inner.class_name} to each of the {x[1]} timesteps of {format_shape(x)}, "
            f"so {inner.class_name} sees {format_shape(child)}: {error.message}",
            **{**error.facts, "wrapper": "TimeDistributed", "wrapped_shape": x},
        ) from error
    output = result.output
    if not isinstance(output, tuple):
        return LayerResult(UNKNOWN, result.trainable, result.non_trainable)
    return LayerResult((output[0], x[1], *output[1:]), result.trainable, result.non_trainable)
