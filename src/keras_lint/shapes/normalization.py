"""BatchNormalization, LayerNormalization and the Normalization preprocessing layer."""

from __future__ import annotations

from keras_lint.shapes.config import CallInputs, InvalidLayer, LayerConfig, LayerResult, ShapeError
from keras_lint.shapes.core import add, mul, unknown_result
from keras_lint.shapes.dims import UNKNOWN, format_shape, product
from keras_lint.shapes.registry import shape_function


def _axis_error(layer: str, axis, x: tuple) -> ShapeError:
    return ShapeError(
        "incompatible",
        f"{layer}(axis={axis}) normalizes an axis its input {format_shape(x)} does not have "
        f"(it has {len(x)} dimensions, the first being the batch)",
        layer=layer,
        shape=x,
    )


def _size_of(layer: str, x: tuple, axis: int, what: str):
    dim = x[axis]
    if dim is None:
        raise ShapeError(
            "incompatible",
            f"{layer} needs the size of the {what} to create its weights but its input {format_shape(x)} leaves axis {axis} None",
            layer=layer,
            shape=x,
        )
    return dim


@shape_function("keras.layers.BatchNormalization")
def batch_normalization(config: LayerConfig, call: CallInputs) -> LayerResult:
    axis = config.get("axis")
    center = config.boolean("center")
    scale = config.boolean("scale")
    renorm = config.boolean("renorm")
    if axis is not UNKNOWN and (not isinstance(axis, int) or isinstance(axis, bool)):
        return unknown_result()
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result()
    if axis is UNKNOWN:
        return LayerResult(x, UNKNOWN, UNKNOWN)
    if not -len(x) <= axis < len(x):
        raise _axis_error("BatchNormalization", axis, x)
    channels = x[axis]
    if channels is UNKNOWN:
        return LayerResult(x, UNKNOWN, UNKNOWN)
    channels = _size_of("BatchNormalization", x, axis, "normalized axis")
    trainable = add(mul(channels, int(scale)) if scale is not UNKNOWN else UNKNOWN, mul(channels, int(center)) if center is not UNKNOWN else UNKNOWN)
    moving = 2 * channels
    if renorm is UNKNOWN:
        return LayerResult(x, trainable, UNKNOWN)
    if renorm:
        moving += 3 * channels
    return LayerResult(x, trainable, moving)


@shape_function("keras.layers.LayerNormalization")
def layer_normalization(config: LayerConfig, call: CallInputs) -> LayerResult:
    axis = config.get("axis")
    center = config.boolean("center")
    scale = config.boolean("scale")
    rms_scaling = config.get("rms_scaling", False)
    if axis is UNKNOWN or (isinstance(axis, (list, tuple)) and any(a is UNKNOWN for a in axis)):
        x = call.shape()
        return LayerResult(x, UNKNOWN, UNKNOWN) if x is not UNKNOWN else unknown_result()
    if isinstance(axis, bool) or not isinstance(axis, (int, list, tuple)):
        raise InvalidLayer("`axis` must be an int or a list of ints")
    axes = [axis] if isinstance(axis, int) else list(axis)
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
        return unknown_result()
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result()
    for a in axes:
        if not -len(x) <= a < len(x):
            raise _axis_error("LayerNormalization", axis, x)
    dims = [x[a] for a in sorted(axes)]
    if any(d is UNKNOWN for d in dims):
        return LayerResult(x, UNKNOWN, UNKNOWN)
    for a in axes:
        _size_of("LayerNormalization", x, a, "normalized axes")
    size = product(dims)
    if scale is UNKNOWN or center is UNKNOWN or rms_scaling is UNKNOWN:
        return LayerResult(x, UNKNOWN, 0)
    count = (size if (scale or rms_scaling) else 0) + (size if (center and not rms_scaling) else 0)
    return LayerResult(x, count, 0)


@shape_function("keras.layers.Normalization")
def normalization(config: LayerConfig, call: CallInputs) -> LayerResult:
    axis = config.get("axis")
    if config.get("mean") is not None or config.get("variance") is not None:
        x = call.shape()
        return LayerResult(x, UNKNOWN, UNKNOWN)
    if axis is UNKNOWN:
        return unknown_result()
    if axis is None:
        axes: tuple = ()
    elif isinstance(axis, int) and not isinstance(axis, bool):
        axes = (axis,)
    elif isinstance(axis, (list, tuple)) and all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
        axes = tuple(axis)
    else:
        return unknown_result()
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result()
    ndim = len(x)
    if any(a < -ndim or a >= ndim for a in axes):
        raise _axis_error("Normalization", axis, x)
    keep = sorted(a if a >= 0 else a + ndim for a in axes)
    dims = [x[d] for d in keep]
    if any(d is UNKNOWN for d in dims):
        return LayerResult(x, 0, UNKNOWN)
    for d in keep:
        _size_of("Normalization", x, d, "kept axes")
    return LayerResult(x, 0, 2 * product(dims) + 1)
