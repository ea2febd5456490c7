"""Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum and Dot."""

from __future__ import annotations

from keras_lint.shapes.config import CallInputs, InvalidLayer, LayerConfig, LayerResult, ShapeError
from keras_lint.shapes.core import unknown_result
from keras_lint.shapes.dims import UNKNOWN, format_shape
from keras_lint.shapes.registry import shape_function

_ELEMENTWISE = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")


def _shapes(call: CallInputs) -> list | None:
    """The list of input shapes, or None when the list itself is not known."""
    main = call.main
    if not isinstance(main, list):
        return None
    return main


def _shapes_text(shapes: list) -> str:
    return ", ".join(format_shape(s) for s in shapes)


def _not_a_list(layer: str, call: CallInputs) -> None:
    if isinstance(call.main, tuple):
        raise ShapeError(
            "merge",
            f"{layer} merges a list of tensors but is called on one tensor {format_shape(call.main)}",
            layer=layer,
        )


def _elementwise(shape1, shape2, layer: str, shapes: list):
    """Keras' `_compute_elemwise_op_output_shape` on shapes without the batch dimension."""
    if shape1 is UNKNOWN or shape2 is UNKNOWN:
        return UNKNOWN
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return shape1
    output = list(shape1[: -len(shape2)])
    for i, j in zip(shape1[-len(shape2) :], shape2):
        if i is None or j is None:
            output.append(None)
        elif i is UNKNOWN or j is UNKNOWN:
            output.append(UNKNOWN)
        elif i == 1:
            output.append(j)
        elif j == 1:
            output.append(i)
        elif i != j:
            raise ShapeError(
                "merge",
                f"{layer} needs inputs of the same shape (or sizes of 1 that broadcast) but gets "
                f"{_shapes_text(shapes)}: {i} ≠ {j} (None is the batch dimension)",
                layer=layer,
                shapes=shapes,
            )
        else:
            output.append(i)
    return tuple(output)


@shape_function(*(f"keras.layers.{name}" for name in _ELEMENTWISE))
def elementwise(config: LayerConfig, call: CallInputs) -> LayerResult:
    layer = config.class_name
    _not_a_list(layer, call)
    shapes = _shapes(call)
    if shapes is None:
        return unknown_result(weightless=True)
    if not shapes:
        raise InvalidLayer("a merge layer needs at least one input")
    if layer == "Subtract" and len(shapes) != 2:
        raise ShapeError("merge", f"Subtract takes exactly 2 inputs but gets {len(shapes)}", layer=layer, shapes=shapes)
    if any(s is UNKNOWN for s in shapes):
        return unknown_result(weightless=True)
    if any(len(s) == 0 for s in shapes):
        return unknown_result(weightless=True)
    batches = {s[0] for s in shapes} - {None}
    if UNKNOWN in batches:
        return unknown_result(weightless=True)
    if len(batches) > 1:
        raise ShapeError("merge", f"{layer} cannot merge tensors with different batch sizes: {_shapes_text(shapes)}", layer=layer, shapes=shapes)
    output = shapes[0][1:]
    for shape in shapes[1:]:
        output = _elementwise(output, shape[1:], layer, shapes)
    if output is UNKNOWN:
        return unknown_result(weightless=True)
    batch = batches.pop() if batches else None
    return LayerResult((batch, *output), 0, 0)


@shape_function("keras.layers.Concatenate")
def concatenate(config: LayerConfig, call: CallInputs) -> LayerResult:
    axis = config.get("axis")
    _not_a_list("Concatenate", call)
    shapes = _shapes(call)
    if shapes is None or axis is UNKNOWN:
        return unknown_result(weightless=True)
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise InvalidLayer("`axis` must be an int")
    if not shapes:
        raise InvalidLayer("Concatenate needs at least one input")
    if any(s is UNKNOWN for s in shapes):
        return unknown_result(weightless=True)
    ranks = {len(s) for s in shapes}
    if len(ranks) != 1:
        raise ShapeError(
            "merge",
            f"Concatenate(axis={axis}) needs inputs of the same rank but gets {_shapes_text(shapes)} (None is the batch dimension)",
            layer="Concatenate",
            shapes=shapes,
        )
    (rank,) = ranks
    if not -rank <= axis < rank:
        # Keras fails with an IndexError here; that is not a mismatch between the inputs.
        raise InvalidLayer(f"axis {axis} is out of range for rank {rank}")
    position = axis % rank
    # Every dimension except the concatenation axis must agree (None agrees with anything).
    for index in range(rank):
        if index == position:
            continue
        dims = {s[index] for s in shapes} - {None}
        if UNKNOWN in dims:
            continue
        if len(dims) > 1:
            raise ShapeError(
                "merge",
                f"Concatenate(axis={axis}) needs inputs that match except on axis {axis}, but gets "
                f"{_shapes_text(shapes)}: they differ on axis {index} (None is the batch dimension)",
                layer="Concatenate",
                shapes=shapes,
                axis=index,
            )
    # Keras keeps the first input's sizes off the concatenation axis (its None too).
    output = list(shapes[0])
    total = 0
    for shape in shapes:
        dim = shape[position]
        if dim is None:
            total = None
            break
        if dim is UNKNOWN:
            total = UNKNOWN
            continue
        if total is not UNKNOWN:
            total += dim
    output[position] = total
    return LayerResult(tuple(output), 0, 0)


@shape_function("keras.layers.Dot")
def dot(config: LayerConfig, call: CallInputs) -> LayerResult:
    axes = config.get("axes")
    _not_a_list("Dot", call)
    shapes = _shapes(call)
    if axes is UNKNOWN or shapes is None:
        return unknown_result(weightless=True)
    if isinstance(axes, bool) or not (isinstance(axes, int) or (isinstance(axes, (list, tuple)) and len(axes) == 2 and all(isinstance(a, int) and not isinstance(a, bool) for a in axes))):
        raise InvalidLayer("`axes` must be an int or two ints")
    if len(shapes) != 2:
        raise ShapeError("merge", f"Dot takes exactly 2 inputs but gets {len(shapes)}", layer="Dot", shapes=shapes)
    shape1, shape2 = shapes
    if shape1 is UNKNOWN or shape2 is UNKNOWN:
        return unknown_result(weightless=True)
    if isinstance(axes, int):
        pair = [axes % len(shape1), axes % len(shape2)] if axes < 0 else [axes, axes]
    else:
        pair = list(axes)
    if not all(-len(s) <= a < len(s) for a, s in zip(pair, (shape1, shape2))):
        raise InvalidLayer("axes out of range")
    a, b = shape1[pair[0]], shape2[pair[1]]
    if a is UNKNOWN or b is UNKNOWN:
        return unknown_result(weightless=True)
    if a != b:
        raise ShapeError(
            "merge",
            f"Dot(axes={axes}) multiplies axis {pair[0]} of {format_shape(shape1)} with axis {pair[1]} of "
            f"{format_shape(shape2)} but their sizes differ: {a} ≠ {b} (None is the batch dimension)",
            layer="Dot",
            shapes=shapes,
        )
    first = list(shape1)
    second = list(shape2)
    first.pop(pair[0])
    second.pop(pair[1])
    second.pop(0)
    output = first + second
    if len(output) == 1:
        output.append(1)
    return LayerResult(tuple(output), 0, 0)
