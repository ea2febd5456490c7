"""Static shape inference: one shape function per family of Keras layers.

`infer(config, inputs)` gives a layer's output shape(s) and parameter counts the way Keras 3
computes them (its `compute_output_shape` and `build`), or raises `ShapeError` when Keras would
refuse the input. Nothing is guessed: an argument or dimension the source does not prove is
`UNKNOWN`, and so is everything computed from it.
"""

from keras_lint.shapes.config import (
    CHANNELS_FIRST,
    CHANNELS_LAST,
    SHAPE_PRESERVING,
    CallInputs,
    InvalidLayer,
    LayerConfig,
    LayerResult,
    ShapeError,
)
from keras_lint.shapes.dims import (
    UNKNOWN,
    Dim,
    Shape,
    Unknown,
    batch_note,
    format_output,
    format_shape,
    fully_known,
    product,
    sample_shape,
)
from keras_lint.shapes.registry import infer, supported, supported_layers

__all__ = [
    "CHANNELS_FIRST",
    "CHANNELS_LAST",
    "SHAPE_PRESERVING",
    "UNKNOWN",
    "CallInputs",
    "Dim",
    "InvalidLayer",
    "LayerConfig",
    "LayerResult",
    "Shape",
    "ShapeError",
    "Unknown",
    "batch_note",
    "format_output",
    "format_shape",
    "fully_known",
    "infer",
    "product",
    "sample_shape",
    "supported",
    "supported_layers",
]
