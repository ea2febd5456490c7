"""The seed's models in real TensorFlow 2.21: keras-lint's static summary (layer names, classes,
output shapes, parameter counts, totals) equals what `model.summary()` reports, layer by layer."""

from __future__ import annotations

import math
import os
import warnings

import pytest
from conftest import ROOT
from lint_helpers import fix
from models_helpers import only_model, output_shapes

from keras_lint.rules.merge import RemovedMerge
from keras_lint.shapes import UNKNOWN

pytestmark = pytest.mark.tf

SEED = os.path.join(ROOT, "fixtures", "seed")


def read(name: str) -> str:
    with open(os.path.join(SEED, name), encoding="utf-8") as handle:
        return handle.read()


def run(code: str) -> dict:
    import keras

    keras.backend.clear_session()
    namespace: dict = {"__name__": "seed_example"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "<seed>", "exec"), namespace)
    return namespace


def tf_rows(model) -> list[tuple]:
    rows = []
    for layer in model.layers:
        node = layer._inbound_nodes[0]
        shapes = [tuple(t.shape) for t in node.output_tensors]
        trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
        frozen = sum(math.prod(w.shape) for w in layer.non_trainable_weights)
        rows.append((layer.name, type(layer).__name__, shapes[0] if len(shapes) == 1 else shapes, trainable, frozen))
    return rows


def static_rows(model) -> list[tuple]:
    shapes = output_shapes(model)
    return [(layer.name, layer.class_name, shape, *layer.weights()) for layer, shape in zip(model.layers, shapes)]


def assert_same_model(static, tf_model) -> None:
    assert static_rows(static) == tf_rows(tf_model)
    trainable, frozen = static.weights()
    assert trainable + frozen == tf_model.count_params()
    assert trainable == sum(math.prod(w.shape) for w in tf_model.trainable_weights)


@pytest.mark.parametrize(
    ("fixture", "function", "expected"),
    [
        ("reshape_shapes.py", "build_model", [(None, 3, 4), (None, 6, 2), (None, 3, 2, 2)]),
        ("time_distributed.py", "build_dense_sequence", [(None, 10, 8), (None, 10, 32)]),
        ("dense_shapes.py", "build_model", [(None, 32), (None, 32)]),
    ],
)
def test_seed_shapes_are_tensorflows(fixture, function, expected):
    code = read(fixture)
    static = next(m for m in [only_model(code)] if m.unit.name == function) if fixture != "time_distributed.py" else None
    if static is None:
        from models_helpers import models

        static = next(m for m in models(code) if m.unit.name == function)
    assert output_shapes(static) == expected
    tf_model = run(code)[function]()
    assert [tuple(layer.output.shape) for layer in tf_model.layers] == expected
    assert_same_model(static, tf_model)


def test_seed_video_model_is_what_keras_3_builds_from_keras_1_code():
    from models_helpers import models

    code = read("time_distributed.py")
    static = next(m for m in models(code) if m.unit.name == "build_video_model")
    tf_model = run(code)["build_video_model"]()
    assert_same_model(static, tf_model)
    assert output_shapes(static) == [(None, 10, 1, 99, 64)]


def fixed_unet() -> str:
    """The seed's U-Net with its Keras 1 calls fixed: `merge` by keras-lint's own fix (KRS201),
    `Model(input=, output=)` and `Adam(lr=)` by hand (other rules' fixes)."""
    text = fix(read("unet.py"), RemovedMerge).text
    text = text.replace("Model(input = inputs, output = conv10)", "Model(inputs = inputs, outputs = conv10)")
    return text.replace("Adam(lr = 1e-4)", "Adam(learning_rate = 1e-4)")


def test_unet_summary_matches_tensorflow_layer_by_layer():
    fixed = fixed_unet()
    assert "= merge(" not in fixed and "= concatenate(" in fixed
    tf_model = run(fixed)["unet"]()
    for code in (read("unet.py"), fixed):  # the legacy merge is read as the concatenate it means
        static = only_model(code)
        assert static.complete
        assert_same_model(static, tf_model)
        assert static.total_params == 31_031_685 == tf_model.count_params()
        assert static.output_shapes == [tuple(tf_model.output.shape)] == [(None, 256, 256, 1)]


def test_shape_error_examples_fail_in_tensorflow_where_keras_lint_says():
    """A functional U-Net on an odd size: keras-lint and TensorFlow agree on the failing merge."""
    from models_helpers import extract

    code = fixed_unet().replace("input_size=(256, 256, 1)", "input_size=(100, 100, 1)")
    errors = extract(code).errors()
    assert len(errors) == 1 and errors[0].layer.class_name == "Concatenate"
    assert "(None, 25, 25, 256), (None, 24, 24, 256)" in errors[0].error.message
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        run(code)["unet"]()
    assert UNKNOWN not in errors[0].input_shapes[0]
