"""The K.* -> keras.ops map: complete against catalog §2.6 and consistent with keras3.json
(no TensorFlow), and each rewrite computes what the Keras 2 function computed (TensorFlow: the
tf.keras.backend shim of TF 2.21 still runs the Keras 2 implementations, so old and new can be
compared on the same inputs)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from lint_helpers import fix

from keras_lint.knowledge import backend_map, keras3, legacy
from keras_lint.rules.backend import BackendFunctionMoved


def test_the_149_keras2_backend_functions_are_all_classified():
    names = backend_map.all_keras2_names()
    assert len(names) == 149
    assert len(backend_map.shim_names()) == 123
    assert len(backend_map.gone_names()) == 16
    assert not backend_map.gone_names() & (backend_map.shim_names() | backend_map.native_names())
    for name in names:
        info = backend_map.function(name)
        assert info is not None, name
        if info.status == "shim":
            assert info.targets or info.template or info.fix == "display-only", f"K.{name} has no replacement and no explanation"
            if info.fix == "display-only":
                assert info.note, f"K.{name} is explained by nothing"


def test_the_hand_kept_entries_agree_with_keras3_json():
    table = legacy.data()["backend"]["functions"]
    for name, entry in table.items():
        assert name in backend_map.shim_names(), f"legacy_backend.toml describes K.{name}, which is not a shim-only function"
        info = backend_map.function(name)
        old = backend_map.keras2_signature(name)
        assert old is not None, name
        old_names = {p.name for p in old.params}
        target_names: set[str] = set()
        for target in info.targets:
            assert keras3.lookup(target) is not None, f"K.{name} -> {target}: no such Keras 3 name"
            new = keras3.signature(target)
            if new is not None:
                target_names |= {p.name for p in new.params}
                assert set(info.add) <= {p.name for p in new.params}, (name, info.add)
        for k2, k3 in info.args.items():
            assert k2 in old_names, f"K.{name}: {k2} is not a Keras 2 parameter"
            assert k3 in target_names, f"K.{name}: no replacement has a parameter {k3}"
        for key in ("unsafe_if", "unsupported", "int_args", "same_defaults"):
            assert set(entry.get(key, ())) <= old_names, (name, key)
        if info.template:
            for placeholder in re.findall(r"\{(\w+)\}", info.template):
                assert placeholder in old_names or placeholder in ("ops", "random", "config", "losses", "activations"), (name, placeholder)


def test_backend_table_in_the_docs_is_current():
    import os
    import subprocess
    import sys

    from conftest import ROOT

    result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "generate_backend_table.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


SETUP = """\
import numpy as np
import tensorflow as tf
from tensorflow.keras import backend as K
x = tf.constant((np.arange(24, dtype="float32").reshape(2, 3, 4) - 11.5) / 5.0)
m = tf.constant([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]])
v = tf.constant([0.3, -1.2, 2.0, 0.0])
labels = tf.constant([1, 2])
"""

# K.* expressions whose rewrite must compute exactly what Keras 2 computed.
EQUIVALENT = [
    "K.argmax(x)", "K.argmin(x)", "K.cumsum(x)", "K.cumprod(m)", "K.concatenate([x, x])",
    "K.expand_dims(m)", "K.gather(m, [1, 0])", "K.in_top_k(m, labels, 1)", "K.clip(x, -0.5, 0.5)",
    "K.clip(x, min_value=-1.0, max_value=1.0)", "K.reshape(x, (6, 4))", "K.tile(m, (2, 1))", "K.eye(3)",
    "K.repeat(m, 2)", "K.repeat_elements(m, 2, axis=1)", "K.permute_dimensions(x, (0, 2, 1))", "K.pow(m, 2)",
    "K.reverse(x, axes=1)", "K.int_shape(x)", "K.hard_sigmoid(x)", "K.batch_flatten(x)", "K.flatten(x)",
    "K.dot(x, tf.ones((4, 2)))", "K.dot(x, tf.ones((5, 4, 2)))", "K.one_hot(labels, 3)",
    "K.relu(x, alpha=0.1, max_value=1.0)", "K.relu(x)", "K.mean(x, axis=1)", "K.sum(x, axis=-1, keepdims=True)",
    "K.max(x, 1)", "K.min(x)", "K.std(x, axis=0)", "K.var(x)", "K.prod(m, axis=1)", "K.softmax(x)", "K.elu(x, 0.5)",
    "K.arange(5)", "K.arange(1, 7, 2)", "K.stack([m, m], axis=1)", "K.squeeze(tf.ones((2, 1, 3)), 1)", "K.transpose(m)",
    "K.cast_to_floatx(labels)", "K.constant([1, 2])", "K.bias_add(x, v)", "K.round(x)", "K.sign(x)", "K.square(x)",
    "K.abs(x)", "K.all(x > 0, axis=1)", "K.any(x > 0)", "K.equal(m, 0.5)", "K.greater(x, 0.0)", "K.maximum(x, 0.0)",
    "K.minimum(x, 0.0)", "K.ones((2, 3))", "K.zeros((2,))", "K.ones_like(m)", "K.zeros_like(m)", "K.exp(m)", "K.log(m)",
    "K.tanh(x)", "K.sigmoid(x)", "K.softplus(x)", "K.softsign(x)", "K.shape(x)[0]", "K.ndim(x)", "K.dtype(x)",
    "K.cast(labels, 'float32')", "K.sparse_categorical_crossentropy(target=labels, output=m)",
    "K.categorical_crossentropy(target=tf.one_hot(labels, 3), output=m)", "K.binary_crossentropy(target=tf.ones((2, 3)), output=m)",
    "K.eval(m)", "K.get_value(tf.Variable(m))", "K.stop_gradient(x)", "K.sqrt(m)", "K.switch(x > 0, x, -x)",
    "K.batch_normalization(x, tf.zeros(4), tf.ones(4), tf.zeros(4), tf.ones(4))",
    "K.sparse_categorical_crossentropy(target=labels, output=m, ignore_class=1)",
    "K.categorical_focal_crossentropy(target=tf.one_hot(labels, 3), output=m)",
]

# Rewrites that are unsafe because they differ at the edges; on ordinary inputs they agree closely.
CLOSE = ["K.l2_normalize(x, axis=-1)"]


def _value(result):
    if isinstance(result, (tuple, list)) and all(isinstance(v, (int, type(None))) for v in result):
        return result
    if isinstance(result, str):
        return result
    return np.asarray(result)


def _run(code: str) -> dict:
    from tf_harness import run_keras_code

    run = run_keras_code(code, fit=False)
    assert run.error is None, f"{run.error_text()}\n{code}"
    return {key: _value(value) for key, value in run.namespace["results"].items()}


def _mismatch(expression: str, old, new, tolerance: float) -> str | None:
    if isinstance(old, (tuple, str)):
        return None if old == new else f"{expression}: {old!r} != {new!r}"
    if old.shape != new.shape:
        return f"{expression}: shape {old.shape} != {new.shape}"
    # The same kind of number (K.argmax gave int64 where ops.argmax gives int32; the values agree).
    if old.dtype.kind != new.dtype.kind:
        return f"{expression}: dtype {old.dtype} != {new.dtype}"
    if not np.allclose(old.astype("float64"), new.astype("float64"), atol=tolerance):
        return f"{expression}: values differ"
    return None


@pytest.mark.tf
def test_rewrites_compute_what_keras2_computed():
    """All the expressions in one file (two runs instead of two per expression): the original
    runs on the tf.keras 2 backend shim, the fixed one on keras.ops."""
    expressions = EQUIVALENT + CLOSE
    code = SETUP + "results = {}\n" + "".join(f"results[{i}] = {e}\n" for i, e in enumerate(expressions))
    outcome = fix(code, BackendFunctionMoved)
    assert outcome.error is None
    lines = [line for line in outcome.text.splitlines() if line.startswith("results[")]
    assert len(lines) == len(expressions)
    not_rewritten = [line for line in lines if "K." in line]
    assert not_rewritten == []
    assert "from tensorflow.keras import backend as K" not in outcome.text
    old, new = _run(code), _run(outcome.text)
    problems = []
    for index, expression in enumerate(expressions):
        problem = _mismatch(f"{expression} -> {lines[index]}", old[index], new[index], 1e-4 if expression in CLOSE else 1e-6)
        if problem:
            problems.append(problem)
    assert problems == []
