"""Preprocessing layers that are part of a model: Rescaling, Resizing, CenterCrop and the
random image augmentations (which keep the shape)."""

from __future__ import annotations

from keras_lint.shapes.config import CHANNELS_FIRST, CallInputs, LayerConfig, LayerResult
from keras_lint.shapes.core import unknown_result
from keras_lint.shapes.dims import UNKNOWN
from keras_lint.shapes.registry import shape_function


@shape_function(
    "keras.layers.Rescaling",
    "keras.layers.RandomFlip",
    "keras.layers.RandomRotation",
    "keras.layers.RandomZoom",
    "keras.layers.RandomTranslation",
    "keras.layers.RandomContrast",
    "keras.layers.RandomBrightness",
    "keras.layers.RandomShear",
)
def same_shape(config: LayerConfig, call: CallInputs) -> LayerResult:
    main = call.main
    if not isinstance(main, tuple):
        return unknown_result(weightless=True)
    return LayerResult(main, 0, 0)


@shape_function("keras.layers.Resizing", "keras.layers.CenterCrop")
def resize(config: LayerConfig, call: CallInputs) -> LayerResult:
    height = config.get("height")
    width = config.get("width")
    data_format = config.data_format()
    x = call.shape()
    if x is UNKNOWN or len(x) != 4 or data_format is UNKNOWN:
        return unknown_result(weightless=True)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (height, width)):
        return unknown_result(weightless=True)
    output = list(x)
    if data_format == CHANNELS_FIRST:
        output[2], output[3] = height, width
    else:
        output[1], output[2] = height, width
    return LayerResult(tuple(output), 0, 0)
