"""What the shape rules share: where a layer call's problem is reported, the shape an input
argument spells out, and which layer calls read a tensor."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Context
from keras_lint.models import Layer, Node, extraction

FAMILY = "Shapes"
DATA_METHODS = ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch")


def location(node: Node) -> cst.CSTNode | None:
    """Where a layer call's problem is reported: the call (`Conv2D(...)(x)`), or for a layer
    of a Sequential, its constructor."""
    if node.call is not None:
        return node.call
    if node.layer.call is not None:
        return node.layer.call.node
    return None


def shape_errors(ctx: Context, *kinds: str) -> Iterator[tuple[Node, cst.CSTNode]]:
    """The layer calls with a shape error of these kinds, and where to report each."""
    seen: set[int] = set()
    for node in extraction(ctx).errors():
        if node.error.kind not in kinds:
            continue
        where = location(node)
        if where is None or id(where) in seen:
            continue
        # One finding per place: a helper called with several shapes fails once per call.
        seen.add(id(where))
        yield node, where


def literal_shape(ctx: Context, arg: cst.Arg | None, scope) -> tuple | None:
    """The shape a source argument spells out, when it is a constant tuple of ints."""
    if arg is None:
        return None
    constant = ctx.constant(arg.value, scope)
    if constant is None or not isinstance(constant.value, tuple):
        return None
    if not all(isinstance(d, int) and not isinstance(d, bool) for d in constant.value):
        return None
    return constant.value


def input_layer_of(tensor) -> Layer | None:
    layer = tensor.layer if tensor is not None else None
    return layer if layer is not None and layer.class_name == "InputLayer" else None


def argument_text(arg: cst.Arg) -> str:
    return arg.keyword.value if arg.keyword is not None else "shape"


def tensor_readers(ctx: Context) -> dict[int, list[Node]]:
    """The layer calls that read each tensor (by id), computed once per file."""
    def build(ctx: Context) -> dict[int, list[Node]]:
        result: dict[int, list[Node]] = {}
        for node in extraction(ctx).nodes:
            for tensor in node.inputs:
                result.setdefault(id(tensor), []).append(node)
        return result

    return ctx.memo("keras_lint.rules.shapes.consumers", build)

