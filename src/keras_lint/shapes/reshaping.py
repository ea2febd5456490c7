"""Flatten, Reshape, Permute, RepeatVector, UpSampling, ZeroPadding and Cropping."""

from __future__ import annotations

from keras_lint.shapes.config import (
    CHANNELS_FIRST,
    CallInputs,
    InvalidLayer,
    LayerConfig,
    LayerResult,
    ShapeError,
    expect_rank,
)
from keras_lint.shapes.core import unknown_result
from keras_lint.shapes.dims import UNKNOWN, batch_note, format_shape, product
from keras_lint.shapes.registry import shape_function

_LAYOUTS = {
    1: "(batch, steps, channels)",
    2: "(batch, height, width, channels)",
    3: "(batch, depth, height, width, channels)",
}
_LAYOUTS_FIRST = {
    1: "(batch, channels, steps)",
    2: "(batch, channels, height, width)",
    3: "(batch, channels, depth, height, width)",
}


def layout(rank: int, data_format) -> str:
    return (_LAYOUTS_FIRST if data_format == CHANNELS_FIRST else _LAYOUTS)[rank]


def spatial_axes(rank: int, data_format) -> list[int] | None:
    """Indices of the spatial dimensions in a (batch, ..., channels) tensor."""
    if data_format is UNKNOWN:
        return None
    if data_format == CHANNELS_FIRST:
        return list(range(2, 2 + rank))
    return list(range(1, 1 + rank))


@shape_function("keras.layers.Flatten")
def flatten(config: LayerConfig, call: CallInputs) -> LayerResult:
    config.data_format()
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result(weightless=True)
    expect_rank("Flatten", x, min_ndim=1)
    rest = x[1:]
    if not rest:
        return LayerResult((x[0], 1), 0, 0)
    if any(d is None for d in rest):
        return LayerResult((x[0], None), 0, 0)
    return LayerResult((x[0], product(rest)), 0, 0)


@shape_function("keras.layers.Reshape")
def reshape(config: LayerConfig, call: CallInputs) -> LayerResult:
    target = config.get("target_shape")
    if target is UNKNOWN:
        return unknown_result(weightless=True)
    if not isinstance(target, (tuple, list)):
        raise InvalidLayer("`target_shape` must be a tuple")
    target = tuple(target)
    if any(d is UNKNOWN for d in target):
        return unknown_result(weightless=True)
    if not all(isinstance(d, int) and not isinstance(d, bool) for d in target):
        return unknown_result(weightless=True)
    if any(d < -1 for d in target) or target.count(-1) > 1:
        raise InvalidLayer("`target_shape` may hold non-negative sizes and one -1")
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result(weightless=True)
    batch, sample = x[0] if x else UNKNOWN, x[1:]
    if not x:
        return unknown_result(weightless=True)
    size = product(sample)
    if size is UNKNOWN:
        if -1 in target:
            return LayerResult((batch, *(UNKNOWN if d == -1 else d for d in target)), 0, 0)
        return LayerResult((batch, *target), 0, 0)
    if size is None:
        return LayerResult((batch, *(None if d == -1 else d for d in target)), 0, 0)
    shown = format_shape((None, *target)) if -1 in target else format_shape(target)
    if -1 not in target:
        if product(target) != size:
            raise ShapeError(
                "reshape",
                f"Reshape({format_shape(target)}) needs {product(target)} values per sample but its input "
                f"{format_shape(x)} has {size} ({batch_note(x)})",
                target=target,
                shape=x,
                needed=product(target),
                available=size,
            )
        return LayerResult((batch, *target), 0, 0)
    known = product([d for d in target if d != -1])
    if known == 0 or size % known != 0:
        raise ShapeError(
            "reshape",
            f"Reshape({format_shape(target)}) cannot split the {size} values per sample of its input "
            f"{format_shape(x)} ({batch_note(x)}) into blocks of {known} for the -1 dimension",
            target=target,
            shape=x,
            needed=known,
            available=size,
            shown=shown,
        )
    return LayerResult((batch, *(size // known if d == -1 else d for d in target)), 0, 0)


@shape_function("keras.layers.Permute")
def permute(config: LayerConfig, call: CallInputs) -> LayerResult:
    dims = config.get("dims")
    if dims is UNKNOWN or not isinstance(dims, (tuple, list)) or any(d is UNKNOWN for d in dims):
        return unknown_result(weightless=True)
    if sorted(dims) != list(range(1, len(dims) + 1)):
        raise InvalidLayer("`dims` must be a permutation of 1..n")
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result(weightless=True)
    expect_rank("Permute", x, ndim=len(dims) + 1, layout=f"(batch + {len(dims)} dimensions to permute)")
    return LayerResult((x[0], *(x[d] for d in dims)), 0, 0)


@shape_function("keras.layers.RepeatVector")
def repeat_vector(config: LayerConfig, call: CallInputs) -> LayerResult:
    n = config.positive_int("n")
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result(weightless=True)
    expect_rank("RepeatVector", x, ndim=2, layout="(batch, features)")
    return LayerResult((x[0], n, x[1]), 0, 0)


def _scale(dim, factor):
    if dim is None:
        return None
    if dim is UNKNOWN or factor is UNKNOWN:
        return UNKNOWN
    return dim * factor


@shape_function("keras.layers.UpSampling1D")
def up_sampling1d(config: LayerConfig, call: CallInputs) -> LayerResult:
    size = config.positive_int("size")
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result(weightless=True)
    expect_rank("UpSampling1D", x, ndim=3, layout=_LAYOUTS[1])
    return LayerResult((x[0], _scale(x[1], size), x[2]), 0, 0)


@shape_function("keras.layers.UpSampling2D", "keras.layers.UpSampling3D")
def up_sampling(config: LayerConfig, call: CallInputs) -> LayerResult:
    rank = 2 if config.path.endswith("2D") else 3
    data_format = config.data_format()
    size = config.int_tuple("size", rank)
    if rank == 2:
        interpolation = config.get("interpolation")
        if interpolation is not UNKNOWN and not isinstance(interpolation, str):
            raise InvalidLayer("`interpolation` must be a string")
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result(weightless=True)
    expect_rank(config.class_name, x, ndim=rank + 2, layout=layout(rank, data_format))
    axes = spatial_axes(rank, data_format)
    if axes is None:
        return LayerResult(tuple([x[0]] + [UNKNOWN] * (rank + 1)), 0, 0)
    output = list(x)
    for i, axis in enumerate(axes):
        output[axis] = _scale(x[axis], UNKNOWN if size is UNKNOWN else size[i])
    return LayerResult(tuple(output), 0, 0)


def _pairs(config: LayerConfig, name: str, rank: int):
    """ZeroPadding/Cropping's argument: an int, `rank` ints, or `rank` pairs -> `rank` pairs."""
    value = config.get(name)
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, bool):
        raise InvalidLayer(f"`{name}` is invalid")
    if isinstance(value, int):
        if value < 0:
            raise InvalidLayer(f"`{name}` cannot be negative")
        return tuple((value, value) for _ in range(rank))
    if not isinstance(value, (tuple, list)) or len(value) != rank:
        raise InvalidLayer(f"`{name}` should have {rank} elements")
    pairs = []
    for item in value:
        if item is UNKNOWN or (isinstance(item, (tuple, list)) and any(v is UNKNOWN for v in item)):
            return UNKNOWN
        if isinstance(item, bool):
            raise InvalidLayer(f"`{name}` is invalid")
        if isinstance(item, int):
            pair = (item, item)
        elif isinstance(item, (tuple, list)) and len(item) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in item):
            pair = tuple(item)
        else:
            raise InvalidLayer(f"`{name}` is invalid")
        if min(pair) < 0:
            raise InvalidLayer(f"`{name}` cannot be negative")
        pairs.append(pair)
    return tuple(pairs)


@shape_function("keras.layers.ZeroPadding1D")
def zero_padding1d(config: LayerConfig, call: CallInputs) -> LayerResult:
    data_format = config.data_format()
    padding = config.int_tuple("padding", 2, allow_zero=True)
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result(weightless=True)
    expect_rank("ZeroPadding1D", x, ndim=3, layout=layout(1, data_format))
    if data_format is UNKNOWN:
        return LayerResult((x[0], UNKNOWN, UNKNOWN), 0, 0)
    axis = 2 if data_format == CHANNELS_FIRST else 1
    output = list(x)
    if x[axis] is not None:
        output[axis] = UNKNOWN if padding is UNKNOWN or x[axis] is UNKNOWN else x[axis] + sum(padding)
    return LayerResult(tuple(output), 0, 0)


def _per_axis_pairs(config: LayerConfig, call: CallInputs, argument: str):
    """What ZeroPadding2D/3D and Cropping2D/3D share: the (before, after) pairs of `argument`
    per spatial axis, the input shape and its spatial axes; or the result when the input or
    its layout is not known."""
    rank = 2 if config.path.endswith("2D") else 3
    data_format = config.data_format()
    pairs = _pairs(config, argument, rank)
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result(weightless=True)
    expect_rank(config.class_name, x, ndim=rank + 2, layout=layout(rank, data_format))
    axes = spatial_axes(rank, data_format)
    if axes is None:
        return LayerResult(tuple([x[0]] + [UNKNOWN] * (rank + 1)), 0, 0)
    return pairs, x, axes


@shape_function("keras.layers.ZeroPadding2D", "keras.layers.ZeroPadding3D")
def zero_padding(config: LayerConfig, call: CallInputs) -> LayerResult:
    found = _per_axis_pairs(config, call, "padding")
    if isinstance(found, LayerResult):
        return found
    pairs, x, axes = found
    output = list(x)
    for i, axis in enumerate(axes):
        if x[axis] is None:
            continue
        output[axis] = UNKNOWN if pairs is UNKNOWN or x[axis] is UNKNOWN else x[axis] + sum(pairs[i])
    return LayerResult(tuple(output), 0, 0)


def _crop_error(layer: str, x: tuple, cropping, dim: int, removed: int) -> ShapeError:
    return ShapeError(
        "nonpositive",
        f"{layer}(cropping={cropping}) removes {removed} of the {dim} positions of its input "
        f"{format_shape(x)} ({batch_note(x)}): nothing is left",
        layer=layer,
        shape=x,
    )


@shape_function("keras.layers.Cropping1D")
def cropping1d(config: LayerConfig, call: CallInputs) -> LayerResult:
    cropping = config.int_tuple("cropping", 2, allow_zero=True)
    x = call.shape()
    if x is UNKNOWN:
        return unknown_result(weightless=True)
    expect_rank("Cropping1D", x, ndim=3, layout=_LAYOUTS[1])
    length = x[1]
    if length is None:
        return LayerResult((x[0], None, x[2]), 0, 0)
    if length is UNKNOWN or cropping is UNKNOWN:
        return LayerResult((x[0], UNKNOWN, x[2]), 0, 0)
    if length - sum(cropping) <= 0:
        raise _crop_error("Cropping1D", x, cropping, length, sum(cropping))
    return LayerResult((x[0], length - sum(cropping), x[2]), 0, 0)


@shape_function("keras.layers.Cropping2D", "keras.layers.Cropping3D")
def cropping(config: LayerConfig, call: CallInputs) -> LayerResult:
    found = _per_axis_pairs(config, call, "cropping")
    if isinstance(found, LayerResult):
        return found
    pairs, x, axes = found
    output = list(x)
    for i, axis in enumerate(axes):
        dim = x[axis]
        if dim is None:
            continue
        if dim is UNKNOWN or pairs is UNKNOWN:
            output[axis] = UNKNOWN
            continue
        removed = sum(pairs[i])
        if removed >= dim:
            raise _crop_error(config.class_name, x, pairs, dim, removed)
        output[axis] = dim - removed
    return LayerResult(tuple(output), 0, 0)
