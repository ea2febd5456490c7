"""Which shape function computes which Keras layer, and `infer`, the one entry point."""

from __future__ import annotations

from collections.abc import Callable

from keras_lint.shapes.config import CallInputs, InvalidLayer, LayerConfig, LayerResult
from keras_lint.shapes.dims import UNKNOWN

ShapeFunction = Callable[[LayerConfig, CallInputs], LayerResult]

_REGISTRY: dict[str, ShapeFunction] = {}


def shape_function(*paths: str) -> Callable[[ShapeFunction], ShapeFunction]:
    """Register a function for the Keras 3 classes it computes (canonical paths)."""

    def register(function: ShapeFunction) -> ShapeFunction:
        for path in paths:
            if path in _REGISTRY:
                raise RuntimeError(f"two shape functions for {path}")
            _REGISTRY[path] = function
        return function

    return register


def supported(path: str) -> bool:
    _load()
    return path in _REGISTRY


def supported_layers() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def infer(config: LayerConfig, inputs: CallInputs) -> LayerResult:
    """The output shape(s) and parameter counts of `config` called on `inputs`.

    Raises ShapeError when Keras would refuse the input, InvalidLayer when the layer cannot be
    created at all. A layer without a shape function gives an unknown result.
    """
    _load()
    if config.invalid:
        raise InvalidLayer(config.invalid)
    function = _REGISTRY.get(config.path)
    if function is None:
        return LayerResult(UNKNOWN, UNKNOWN, UNKNOWN)
    trainable = config.get("trainable", True)
    if trainable is not UNKNOWN and not isinstance(trainable, bool):
        raise InvalidLayer("`trainable` must be a boolean")
    result = function(config, inputs)
    if trainable is False:
        result = LayerResult(result.output, 0, _add(result.trainable, result.non_trainable))
    elif trainable is UNKNOWN and result.trainable != 0:
        result = LayerResult(result.output, UNKNOWN, UNKNOWN)
    return result


def _add(a, b):
    return UNKNOWN if a is UNKNOWN or b is UNKNOWN else a + b


_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    # The families register themselves on import.
    from keras_lint.shapes import (  # noqa: F401
        attention,
        convolution,
        core,
        merging,
        normalization,
        pooling,
        preprocessing,
        recurrent,
        reshaping,
    )
