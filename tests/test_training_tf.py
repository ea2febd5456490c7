"""The training and optimizer fixes in real TensorFlow 2.21 / Keras 3, beyond the rules' own
examples: the decay schedule reproduces Keras 2's time-based decay step by step, saved files
written by the fixed code load back, Keras 3's string optimizers really changed their learning
rate, and the seed's loss fixture trains after the fix."""

from __future__ import annotations

import os

import numpy as np
import pytest
from conftest import ROOT
from lint_helpers import fix
from tf_harness import exercise, keras, run_keras_code

from keras_lint.rules import get_rule
from keras_lint.rules.optimizers import OptimizerDecay, OptimizerDefaultLearningRate
from keras_lint.rules.training import ModelCheckpointPath, ModelSavePath, SaveWeightsPath

pytestmark = pytest.mark.tf


# -- decay= -> InverseTimeDecay -------------------------------------------------------------------


def _keras2_sgd(w, lr, decay, momentum, nesterov, steps):
    """tf.keras 2's OptimizerV2 SGD with time-based decay (optimizer_v2.py _decayed_lr and
    ResourceApplyKerasMomentum), on the loss 0.5 * sum(w ** 2), whose gradient is w."""
    velocity = np.zeros_like(w)
    for step in range(steps):
        gradient = w
        lr_t = lr / (1.0 + decay * step)
        velocity = momentum * velocity - lr_t * gradient
        w = w + momentum * velocity - lr_t * gradient if nesterov else w + velocity
    return w


def _keras2_adam(w, lr, decay, steps, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """tf.keras 2's OptimizerV2 Adam with time-based decay (ResourceApplyAdam)."""
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(steps):
        gradient = w
        lr_t = lr / (1.0 + decay * step)
        t = step + 1
        alpha = lr_t * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        m = m + (gradient - m) * (1 - beta_1)
        v = v + (gradient ** 2 - v) * (1 - beta_2)
        w = w - alpha * m / (np.sqrt(v) + epsilon)
    return w


def _train_fixed_optimizer(code: str, steps: int, start: np.ndarray) -> np.ndarray:
    fixed = fix(code, OptimizerDecay).text
    assert "InverseTimeDecay" in fixed and "decay=" not in fixed.replace("decay_steps", "").replace("decay_rate", "")
    run = run_keras_code(fixed, fit=False)
    assert run.error is None, run.error_text()
    optimizer = run.namespace["optimizer"]
    variable = keras().Variable(start.copy())
    for _ in range(steps):
        optimizer.apply_gradients([(keras().ops.convert_to_tensor(variable), variable)])
    return keras().ops.convert_to_numpy(variable)


@pytest.mark.parametrize("nesterov", [False, True])
def test_inverse_time_decay_reproduces_keras2_sgd_decay(nesterov):
    start = np.array([1.0, -2.0, 0.5], dtype="float32")
    code = f"import keras\noptimizer = keras.optimizers.SGD(lr=0.1, decay=0.5, momentum=0.9, nesterov={nesterov})\n"
    got = _train_fixed_optimizer(code, 6, start)
    expected = _keras2_sgd(start.astype("float64"), 0.1, 0.5, 0.9, nesterov, 6)
    assert np.allclose(got, expected, rtol=1e-5, atol=1e-6), (got, expected)
    # and without the schedule (what Keras 3 does with decay=) it is different
    assert not np.allclose(_keras2_sgd(start.astype("float64"), 0.1, 0.0, 0.9, nesterov, 6), expected, atol=1e-3)


def test_inverse_time_decay_reproduces_keras2_adam_decay():
    start = np.array([1.0, -2.0, 0.5], dtype="float32")
    got = _train_fixed_optimizer("import keras\noptimizer = keras.optimizers.Adam(learning_rate=0.05, decay=0.3)\n", 5, start)
    expected = _keras2_adam(start.astype("float64"), 0.05, 0.3, 5)
    assert np.allclose(got, expected, rtol=1e-5, atol=1e-6), (got, expected)


# -- changed default learning rates ---------------------------------------------------------------


def test_string_optimizers_changed_their_learning_rate_and_the_fix_restores_keras1():
    code = (
        "import numpy as np\n"
        "from keras.models import Sequential\n"
        "from keras.layers import Dense, Input\n"
        "model = Sequential([Input((4,)), Dense(1)])\n"
        "model.compile(optimizer='adadelta', loss='mse')\n"
        "second = Sequential([Input((4,)), Dense(1)])\n"
        "second.compile(optimizer='adagrad', loss='mse')\n"
        "def train(x, y):\n"
        "    model.fit(x, y, nb_epoch=1)\n"
    )
    before = run_keras_code(code)
    assert before.error is None, before.error_text()
    assert abs(float(before.namespace["model"].optimizer.learning_rate.numpy()) - 0.001) < 1e-9
    assert abs(float(before.namespace["second"].optimizer.learning_rate.numpy()) - 0.001) < 1e-9
    fixed = fix(code, OptimizerDefaultLearningRate).text
    after = run_keras_code(fixed)
    assert after.error is None, after.error_text()
    assert abs(float(after.namespace["model"].optimizer.learning_rate.numpy()) - 1.0) < 1e-9
    second = after.namespace["second"].optimizer
    assert abs(float(second.learning_rate.numpy()) - 0.01) < 1e-9
    assert second.initial_accumulator_value == 0.0 and second.epsilon == 1e-8


# -- paths ------------------------------------------------------------------------------------------------


@pytest.fixture
def in_temporary_directory(tmp_path):
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(previous)


def test_fixed_save_paths_write_files_keras3_loads_back(in_temporary_directory):
    code = (
        "import numpy as np\n"
        "import keras\n"
        "def build():\n"
        "    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])\n"
        "    model.compile(optimizer='sgd', loss='mse')\n"
        "    return model\n"
        "model = build()\n"
        "checkpoint = keras.callbacks.ModelCheckpoint('best.hdf5', monitor='loss', save_best_only=True)\n"
        "weights = keras.callbacks.ModelCheckpoint('w.{epoch:02d}.h5', save_weights_only=True, period=1)\n"
        "model.fit(np.zeros((2, 4)), np.zeros((2, 1)), epochs=1, verbose=0, callbacks=[checkpoint, weights])\n"
        "model.save('dnn_model')\n"
        "model.save_weights('first_try.h5')\n"
        "reloaded = keras.models.load_model('dnn_model')\n"
        "model.load_weights('first_try.h5')\n"
        "best = keras.models.load_model('best.hdf5')\n"
    )
    before = run_keras_code(code, fit=False)
    assert before.error is not None and "The filepath provided must end in `.keras`" in before.error_text(), before.error_text()
    fixed = code
    for rule in (ModelCheckpointPath, ModelSavePath, SaveWeightsPath):
        fixed = fix(fixed, rule).text
    assert "period" not in fixed and "'best.keras'" in fixed and "'w.{epoch:02d}.weights.h5'" in fixed
    assert "model.save('dnn_model.keras')" in fixed and "load_model('dnn_model.keras')" in fixed
    assert "save_weights('first_try.weights.h5')" in fixed and "load_weights('first_try.weights.h5')" in fixed
    assert "load_model('best.keras')" in fixed
    after = run_keras_code(fixed, fit=False)
    assert after.error is None, after.error_text()
    assert sorted(p.name for p in in_temporary_directory.iterdir()) == ["best.keras", "dnn_model.keras", "first_try.weights.h5", "w.01.weights.h5"]


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("model.save('model_dir')", "Invalid filepath extension for saving"),
        ("model.save_weights('w.h5')", "The filename must end in `.weights.h5`"),
        ("keras.callbacks.ModelCheckpoint('best.hdf5')", "The filepath provided must end in `.keras`"),
        ("keras.callbacks.ModelCheckpoint('w.h5', save_weights_only=True)", "must end in `.weights.h5`"),
        ("keras.models.load_model('exported_savedmodel')", "File format not supported"),
    ],
)
def test_keras3_rejects_the_legacy_paths_as_the_messages_say(in_temporary_directory, code, error):
    run = run_keras_code("import keras\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])\n" + code + "\n", fit=False)
    assert run.error is not None and error in run.error_text(), run.error_text()


# -- the seed's losses ------------------------------------------------------------------------------


def test_seed_losses_fixture_trains_after_the_fix():
    path = os.path.join(ROOT, "fixtures", "seed", "losses_compile.py")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    for code in ("KRS401", "KRS501", "KRS510", "KRS102"):
        text = fix(text, get_rule(code)).text
    run = run_keras_code(text, fit=False)
    assert run.error is None, run.error_text()
    model = run.namespace["build_model"]()
    exercise({"model": model})  # compile's loss and metric strings resolve: one batch of zeros
    # backend_losses now calls keras.ops; that each K.* rewrite computes what Keras 2's backend
    # did is tests/test_backend_map.py's job (the seed calls both losses with the same arguments,
    # which no shape satisfies for both).
    assert "ops.sparse_categorical_crossentropy(target=label, output=logit)" in text
