"""Read the models of a snippet the way rules do (through the engine's parse and semantic model)."""

from __future__ import annotations

from lint_helpers import settings_for

from keras_lint.engine import lint_text
from keras_lint.models import extraction


class _Collector:
    code = "models"
    judges_suppressions = False

    def __init__(self):
        self.ctx = None

    def check(self, ctx):
        self.ctx = ctx
        extraction(ctx)
        return []


def context_for(code: str, filename: str = "example.py"):
    collector = _Collector()
    result = lint_text(code, filename, settings_for(), rules=[collector])
    assert collector.ctx is not None, result.parse_error
    assert not result.internal_errors, result.internal_errors
    return collector.ctx


def extract(code: str):
    return extraction(context_for(code))


def models(code: str):
    return extract(code).models


def only_model(code: str):
    found = models(code)
    assert len(found) == 1, [m.name for m in found]
    return found[0]


def output_shapes(model) -> list:
    """Each layer's output shape, in summary order."""
    result = []
    for layer in model.layers:
        if model.kind == "sequential":
            nodes = [n for n in layer.nodes if n.owner is model]
            shapes = nodes[0].output_shapes if nodes else [None]
            result.append(shapes[0] if len(shapes) == 1 else shapes)
        else:
            result.append(layer.output_shape)
    return result
