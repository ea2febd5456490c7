"""The models of a file, read from its source: layers, tensors, shapes, compile/fit calls.

    from keras_lint.models import models_of
    for model in models_of(ctx):
        model.output_layers[0].argument("activation")

`extraction(ctx)` gives everything the interpreter found (every layer call, with the shape
errors); both are computed once per file and shared between rules through `ctx.memo`.
See docs/models.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keras_lint.models.graph import BuildUnit, Layer, MethodCall, Model, Node, Tensor
from keras_lint.models.values import OPAQUE, Array, Const, OneHot

if TYPE_CHECKING:
    from keras_lint.context import Context
    from keras_lint.models.extract import Extraction

__all__ = [
    "OPAQUE",
    "Array",
    "BuildUnit",
    "Const",
    "ExtractionCollector",
    "Layer",
    "MethodCall",
    "Model",
    "Node",
    "OneHot",
    "Tensor",
    "extraction",
    "models_of",
    "unit_at",
]


def _extract(ctx: Context) -> Extraction:
    from keras_lint.models.extract import Interpreter

    return Interpreter(ctx).run()


def extraction(ctx: Context) -> Extraction:
    """Everything found in the file (shared through `ctx.memo`)."""
    return ctx.memo("keras_lint.models", _extract)


def models_of(ctx: Context) -> list[Model]:
    """The models the file builds, one per `Sequential(...)`/`Model(...)` call, in source order."""
    return extraction(ctx).models


def unit_at(ctx: Context, offset: int) -> BuildUnit | None:
    """The innermost function (or the module) containing `offset` that keras-lint interpreted:
    the model-building unit an edit at that offset touches."""
    return extraction(ctx).unit_at(offset, ctx)


class ExtractionCollector:
    """A pseudo-rule for callers that want the models rather than findings (`keras-lint shapes`,
    tests): run it through the engine like a rule and read `ctx` and `extraction` afterwards."""

    code = "models"
    judges_suppressions = False

    def __init__(self) -> None:
        self.ctx: Context | None = None
        self.extraction: Extraction | None = None

    def check(self, ctx: Context) -> list:
        self.ctx = ctx
        self.extraction = extraction(ctx)
        return []
