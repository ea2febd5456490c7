"""The shape rules on real code: silent on Keras' own applications and on the correct
fixtures, and finding the seed's mistakes."""

from __future__ import annotations

import glob
import importlib.util
import os

import pytest
from conftest import ROOT
from lint_helpers import settings_for

from keras_lint.engine import lint_text
from keras_lint.rules import all_rules

SHAPE_RULES = [rule for rule in all_rules() if rule.code.startswith("KRS6")]


def shape_findings(path: str):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    result = lint_text(text, path, settings_for(), rules=[rule() for rule in SHAPE_RULES])
    assert not result.internal_errors, result.internal_errors
    return result.findings


def keras_applications() -> list[str]:
    # find_spec locates the installed package without importing it (nor TensorFlow).
    spec = importlib.util.find_spec("keras")
    assert spec is not None and spec.submodule_search_locations
    folder = os.path.join(spec.submodule_search_locations[0], "src", "applications")
    return sorted(glob.glob(os.path.join(folder, "*.py")))


def test_rules_cover_the_family():
    assert [rule.code for rule in SHAPE_RULES] == [f"KRS6{n:02d}" for n in range(1, 12)]


@pytest.mark.slow
def test_silent_on_keras_applications():
    files = keras_applications()
    assert len(files) >= 15
    found = [(os.path.basename(path), f.row, f.code, f.message) for path in files for f in shape_findings(path)]
    assert found == []


CORRECT_FIXTURES = [
    *sorted(glob.glob(os.path.join(ROOT, "fixtures", "migration", "keras3", "*.py"))),
    os.path.join(ROOT, "fixtures", "seed", "reshape_shapes.py"),
    os.path.join(ROOT, "fixtures", "seed", "dense_shapes.py"),
    os.path.join(ROOT, "fixtures", "seed", "image_predict.py"),
    os.path.join(ROOT, "fixtures", "seed", "unet.py"),
    os.path.join(ROOT, "fixtures", "seed", "int_shape.py"),
    os.path.join(ROOT, "fixtures", "seed", "losses_compile.py"),
]


@pytest.mark.parametrize("path", CORRECT_FIXTURES, ids=lambda p: os.path.relpath(p, ROOT))
def test_silent_on_fixtures_without_shape_bugs(path):
    assert [(f.row, f.code, f.message) for f in shape_findings(path)] == []


def test_seed_channels_first_video_input():
    findings = shape_findings(os.path.join(ROOT, "fixtures", "seed", "time_distributed.py"))
    assert [(f.row, f.code) for f in findings] == [(22, "KRS605")]
    assert "(3, 299, 299)" in findings[0].message and "(None, 10, 1, 99, 64)" in findings[0].message


def test_seed_prediction_without_batch_dimension():
    findings = shape_findings(os.path.join(ROOT, "fixtures", "seed", "image_predict_missing_batch.py"))
    assert [(f.row, f.code) for f in findings] == [(12, "KRS608")]
    assert findings[0].fix is not None and findings[0].fix.edits[0].content == "np.expand_dims(x, axis=0)"
