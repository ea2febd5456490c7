"""The seed document's examples (fixtures/seed/): the findings and the fixed text are the
reviewed snapshots in fixtures/seed/expected/ (regenerate with scripts/update_snapshots.py and
review the diff), and the fixed models build in TensorFlow with the shapes the seed states."""

from __future__ import annotations

import ast
import importlib.util
import os
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "scripts"))
from update_snapshots import EXPECTED, expected_outputs  # noqa: E402

OUTPUTS = expected_outputs()


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_seed_snapshot(name):
    with open(os.path.join(EXPECTED, name), encoding="utf-8") as handle:
        assert OUTPUTS[name] == handle.read(), f"{name} changed: run scripts/update_snapshots.py and review the diff"


@pytest.mark.parametrize("name", sorted(n for n in OUTPUTS if n.endswith(".fixed.py.txt")))
def test_fixed_seed_code_parses(name):
    ast.parse(OUTPUTS[name])


def test_the_three_seed_bugs_are_found_on_the_right_lines():
    findings = {name: text for name, text in OUTPUTS.items() if name.endswith(".findings.txt")}
    assert "fixtures/seed/int_shape.py:10:43: KRS101" in findings["int_shape.findings.txt"]
    assert "fixtures/seed/int_shape.py:16:37: KRS101" in findings["int_shape.findings.txt"]
    assert "fixtures/seed/int_shape.py:22:20: KRS101" in findings["int_shape.findings.txt"]
    assert "fixtures/seed/losses_compile.py:21:" in findings["losses_compile.findings.txt"]
    assert "'accurcy'" in findings["losses_compile.findings.txt"]
    unet_merges = [line for line in findings["unet.findings.txt"].splitlines() if " KRS201 " in line]
    assert [line.split(":")[1] for line in unet_merges] == ["30", "35", "40", "45"]
    assert findings["reshape_shapes.findings.txt"] == ""
    assert findings["dense_shapes.findings.txt"] == ""


def load_fixed(name: str):
    source = OUTPUTS[name.replace(".py", ".fixed.py.txt")]
    spec = importlib.util.spec_from_loader(f"seed_{name[:-3]}", loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, name, "exec"), module.__dict__)
    return module


# The shapes the seed document states for its examples.
SEED_SHAPES = [
    ("reshape_shapes.py", "build_model", (None, 3, 2, 2)),
    ("time_distributed.py", "build_dense_sequence", (None, 10, 32)),
    ("dense_shapes.py", "build_model", (None, 32)),
    ("int_shape.py", "build_reshape", (None, 3, 4)),
    ("int_shape.py", "build_dense", (None, 32)),
]


@pytest.mark.tf
@pytest.mark.parametrize(("name", "function", "shape"), SEED_SHAPES)
def test_fixed_seed_models_build_with_the_seed_shapes(name, function, shape):
    import keras

    keras.backend.clear_session()
    model = getattr(load_fixed(name), function)()
    assert model.output_shape == shape


@pytest.mark.tf
def test_fixed_unet_builds_to_the_seed_shape():
    """The seed's U-Net after `keras-lint fix`: merge -> concatenate, Model(inputs=, outputs=),
    Adam(learning_rate=); built with its default input_size it outputs (None, 256, 256, 1)."""
    import keras

    keras.backend.clear_session()
    model = load_fixed("unet.py").unet()
    assert model.output_shape == (None, 256, 256, 1)
    assert model.optimizer.learning_rate.numpy() == pytest.approx(1e-4)
    assert [layer.__class__.__name__ for layer in model.layers].count("Concatenate") == 4


@pytest.mark.tf
def test_fixed_losses_compile_model_trains_one_batch():
    import keras
    import numpy as np

    keras.backend.clear_session()
    module = load_fixed("losses_compile.py")
    model = module.build_model()
    history = model.fit(np.zeros((2, 32)), np.zeros((2, 1)), epochs=1, verbose=0)
    assert "accuracy" in history.history


@pytest.mark.tf
def test_fixed_input_is_a_tuple():
    import keras

    inputs = load_fixed("int_shape.py").build_input()
    assert isinstance(inputs, keras.KerasTensor) and tuple(inputs.shape) == (None, 784)
