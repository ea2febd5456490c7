"""Each rule's examples in real TensorFlow 2.21: the invalid code fails (or silently misbehaves)
the way the rule's message says, and the fixed code builds, compiles and fits one batch."""

from __future__ import annotations

import pytest
from tf_harness import run_keras_code

from keras_lint.rules import all_rules
from keras_lint.rules.base import Invalid, Raises, Silent, Valid, Warns, iter_examples

pytestmark = pytest.mark.tf

RUNNABLE = [
    (case_id, example)
    for rule in all_rules()
    for case_id, example in iter_examples(rule)
    if getattr(example, "runnable", True) and rule.code not in ("KRS001", "KRS002")
]


@pytest.mark.parametrize(("case_id", "example"), RUNNABLE, ids=[c[0] for c in RUNNABLE])
def test_example_in_tensorflow(case_id, example):
    if isinstance(example, Valid):
        run = run_keras_code(example.code)
        assert run.error is None, f"{case_id}: a valid example fails in Keras 3: {run.error_text()}"
        return
    assert isinstance(example, Invalid)
    behaviour = example.keras
    if behaviour is not None:
        run = run_keras_code(example.code)
        if isinstance(behaviour, Raises):
            assert run.error is not None, f"{case_id}: Keras 3 accepted the invalid code"
            assert behaviour.fragment in run.error_text(), f"{case_id}: Keras raised {run.error_text()!r}"
        elif isinstance(behaviour, Warns):
            assert run.error is None, run.error_text()
            assert any(behaviour.fragment in w for w in run.warnings), f"{case_id}: warnings were {run.warnings}"
        elif isinstance(behaviour, Silent):
            assert run.error is None, run.error_text()
            assert eval(behaviour.check, run.namespace), f"{case_id}: {behaviour.check} is false"
    if example.fixed is not None:
        fixed = run_keras_code(example.fixed)
        assert fixed.error is None, f"{case_id}: the fixed code fails in Keras 3: {fixed.error_text()}"
        if example.fixed_check:
            assert eval(example.fixed_check, fixed.namespace), f"{case_id}: {example.fixed_check} is false"
