"""The training-configuration rules (KRS7xx) in real TensorFlow 2.21 / Keras 3: each rule's
invalid example and its fixed version are trained on the same tiny synthetic task, from the
same initial weights, and the fixed one learns where the invalid one cannot.

The assertions on the invalid models are properties the bug guarantees (a loss stuck at 0, a
prediction that cannot leave a range, a metric that cannot count anything), not thresholds
that happen to hold; the fixed models must reach an accuracy (or error) no broken model of
the same task reaches. Seeds are fixed; each model trains ~100 steps of 32 samples.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from lint_helpers import fix, lint
from tf_harness import keras, run_keras_code

from keras_lint.rules import get_rule
from keras_lint.rules.base import Invalid

pytestmark = pytest.mark.tf

_SAMPLES = 256
_REPEATS = 12  # one epoch over the data repeated: 96 steps of 32, without per-epoch overhead
_LEARNING_RATE = 0.05


def _task(kind: str, seed: int = 0):
    """Four features; labels a fixed function of them (learnable by one Dense layer)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(_SAMPLES, 4)).astype("float32")
    if kind == "binary":
        return x, (x @ np.array([1.0, -2.0, 0.5, 1.5]) > 0.3).astype("float32").reshape(-1, 1)
    if kind == "regression":
        return x, (x @ np.array([3.0, -2.0, 1.0, 0.5]) + 10.0).astype("float32").reshape(-1, 1)
    classes = np.argmax(x @ rng.normal(size=(4, 3)), axis=1)
    return x, np.eye(3, dtype="float32")[classes]


def _invalid(code: str, index: int) -> str:
    example = get_rule(code).examples[index]
    assert isinstance(example, Invalid), (code, index)
    return example.code


def _fixed(code: str, index: int) -> str:
    example = get_rule(code).examples[index]
    assert isinstance(example, Invalid) and example.fixed is not None, (code, index)
    # The rule's own fix produces it (test_rule_examples checks the text; this keeps the two tied).
    assert fix(example.code, get_rule(code)).text == example.fixed
    return example.fixed


def _model(code: str, compile_with: dict | None = None):
    """The `model` the code builds, from seeded initial weights, with a faster optimizer."""
    keras().utils.set_random_seed(0)
    run = run_keras_code(code, fit=False)
    assert run.error is None, run.error_text()
    model = run.namespace["model"]
    if compile_with is not None:
        model.compile(**compile_with)
    model.optimizer.learning_rate = _LEARNING_RATE
    return model


def _train(model, x, y) -> tuple[dict, dict]:
    """Metrics before and after training."""
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    keras().utils.set_random_seed(1)
    model.fit(np.tile(x, (_REPEATS, 1)), np.tile(y, (_REPEATS, 1)), batch_size=32, epochs=1, verbose=0)
    after = model.evaluate(x, y, verbose=0, return_dict=True)
    return before, after


def _learns(before: dict, after: dict, metric: str = "accuracy", least: float = 0.85) -> None:
    assert after["loss"] < 0.5 * before["loss"], (before, after)
    assert after[metric] >= least, (before, after)


# -- KRS701: categorical crossentropy on one unit -------------------------------------------------------


def test_categorical_crossentropy_on_one_unit_reports_zero_loss_and_the_fix_learns():
    x, y = _task("binary")
    before, after = _train(_model(_invalid("KRS701", 2)), x, y)
    # Whatever the weights, the loss is 0: nothing tells the training (or a callback) how it goes.
    assert before["loss"] == 0.0 and after["loss"] == 0.0
    before, after = _train(_model(_fixed("KRS701", 2)), x, y)
    _learns(before, after)


# -- KRS702: softmax over one unit ----------------------------------------------------------------------


def test_softmax_on_one_unit_predicts_one_for_everything_and_the_fix_learns():
    x, y = _task("binary")
    model = _model(_invalid("KRS702", 2))
    _, after = _train(model, x, y)
    predictions = model.predict(x, verbose=0)
    assert np.allclose(predictions, 1.0)
    # Every sample predicted positive: the accuracy is the share of positives, learned or not.
    assert after["accuracy"] == pytest.approx(float(y.mean()))
    before, after = _train(_model(_fixed("KRS702", 2)), x, y)
    _learns(before, after)
    assert after["accuracy"] > float(y.mean()) + 0.2


# -- KRS704: probabilities expected, logits given ------------------------------------------------------


def test_linear_output_with_categorical_crossentropy_does_not_learn_and_the_fix_does():
    x, y = _task("multiclass")
    invalid = _model(_invalid("KRS704", 3))
    _, broken = _train(invalid, x, y)
    # The outputs are not probabilities: some are negative, so what the loss saw was clipped.
    assert (invalid.predict(x, verbose=0) < 0).any()
    before, after = _train(_model(_fixed("KRS704", 3)), x, y)
    _learns(before, after)
    assert after["accuracy"] >= broken["accuracy"] + 0.15, (broken, after)
    assert after["loss"] < broken["loss"] / 3, (broken, after)


# -- KRS706: a softmax of a softmax ---------------------------------------------------------------------


def test_softmax_of_softmax_cannot_get_confident_and_the_fix_can():
    x, y = _task("multiclass")
    settings = {"optimizer": "adam", "loss": "categorical_crossentropy", "metrics": ["accuracy"]}
    invalid = _model(_invalid("KRS706", 2), settings)
    _, broken = _train(invalid, x, y)
    # softmax(p) with p in [0, 1] is at most e / (e + 2) for 3 classes: the loss has a floor.
    floor = -math.log(math.e / (math.e + 2))
    assert invalid.predict(x, verbose=0).max() <= math.e / (math.e + 2) + 1e-6
    assert broken["loss"] >= floor - 1e-4
    before, after = _train(_model(_fixed("KRS706", 2), settings), x, y)
    _learns(before, after)
    assert after["loss"] < floor - 0.2


def test_sigmoid_of_sigmoid_predicts_every_sample_positive_and_the_fix_learns():
    x, y = _task("binary")
    settings = {"optimizer": "adam", "loss": "binary_crossentropy", "metrics": ["accuracy"]}
    invalid = _model(_invalid("KRS706", 3), settings)
    _, broken = _train(invalid, x, y)
    predictions = invalid.predict(x, verbose=0)
    # sigmoid(p) with p in [0, 1] lies in [0.5, 0.73]: nothing is predicted negative (0.5 exactly,
    # from a first sigmoid that underflowed to 0, is the only way to count as one).
    assert predictions.min() >= 0.5 and predictions.max() <= 1 / (1 + math.exp(-1)) + 1e-6
    assert broken["accuracy"] <= float(y.mean()) + float((predictions == 0.5).mean()) + 1e-6
    before, after = _train(_model(_fixed("KRS706", 3), settings), x, y)
    _learns(before, after)


# -- KRS709: accuracy on a regression -------------------------------------------------------------------


def test_accuracy_on_a_regression_stays_zero_while_the_error_falls():
    x, y = _task("regression")
    invalid_code = _invalid("KRS709", 2)
    before, after = _train(_model(invalid_code), x, y)
    assert after["loss"] < 0.1 * before["loss"]  # the model learns...
    assert before["accuracy"] == 0.0 and after["accuracy"] == 0.0  # ...and 'accuracy' cannot tell
    fixed_code = invalid_code.replace('metrics=["accuracy"]', 'metrics=["mae"]')
    assert [f.code for f in lint(fixed_code, get_rule("KRS709")).findings] == []
    before, after = _train(_model(fixed_code), x, y)
    assert after["mae"] < 0.3 * before["mae"], (before, after)


# -- KRS710: exact-match accuracy on probabilities ------------------------------------------------------


def test_exact_accuracy_on_probabilities_reports_zero_and_the_fix_reports_the_accuracy():
    x, y = _task("multiclass")
    _, after = _train(_model(_invalid("KRS710", 2)), x, y)
    assert after["accuracy"] < 0.05, after  # counts predictions exactly equal to 0 or 1
    before, after = _train(_model(_fixed("KRS710", 2)), x, y)
    _learns(before, after)


# -- KRS705: what Keras 3 does with from_logits=True after a softmax -------------------------------------


def test_from_logits_after_softmax_is_computed_from_the_pre_activation_on_tensorflow():
    """Why KRS705 has no training test: on TensorFlow, Keras 3 warns and computes the loss from
    the values before the softmax, the same number the fixed code computes (other backends
    apply the softmax twice)."""
    x, y = _task("multiclass")
    invalid_run = run_keras_code(_invalid("KRS705", 1), fit=False)
    fixed_run = run_keras_code(_fixed("KRS705", 1), fit=False)
    invalid, fixed = invalid_run.namespace["model"], fixed_run.namespace["model"]
    fixed.set_weights(invalid.get_weights())
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        invalid_loss = invalid.evaluate(x, y, verbose=0)
    assert any("received `from_logits=True`" in str(w.message) for w in caught)
    assert invalid_loss == pytest.approx(fixed.evaluate(x, y, verbose=0), rel=1e-5)
