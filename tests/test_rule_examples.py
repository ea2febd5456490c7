"""The rules' own examples are the test suite (Fixit-style): every valid example yields no
finding of its rule, every invalid one yields its findings, and its expected fixed code is
exactly what `keras-lint fix --unsafe-fixes` produces, parses, is idempotent and keeps the
file's comments."""

from __future__ import annotations

import ast
import io
import tokenize

import pytest
from lint_helpers import fix, lint

from keras_lint.diagnostics import Applicability
from keras_lint.rules import all_rules, problems_with
from keras_lint.rules.base import Invalid, Valid, iter_examples

CASES = [(rule, case_id, example) for rule in all_rules() for case_id, example in iter_examples(rule)]


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_is_complete(rule):
    assert problems_with(rule) == []


def _comments(code: str) -> list[str]:
    try:
        return [t.string for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        return []


@pytest.mark.parametrize(("rule", "case_id", "example"), CASES, ids=[c[1] for c in CASES])
def test_example(rule, case_id, example):
    result = lint(example.code, rule, example.settings)
    own = [f for f in result.findings if f.code == rule.code]
    if isinstance(example, Valid):
        assert own == [], f"{case_id}: unexpected findings: {[f.message for f in own]}"
        return
    assert isinstance(example, Invalid)
    assert len(own) == example.count, f"{case_id}: expected {example.count} finding(s), got {[f.message for f in own]}"
    for finding in own:
        assert finding.message, case_id
        if example.message is not None:
            assert example.message in finding.message, f"{case_id}: {finding.message!r} lacks {example.message!r}"
        if example.applicability is not None:
            assert finding.fix is not None and finding.fix.applicability is example.applicability, (case_id, finding.fix)
    if rule.code in ("KRS001", "KRS002"):
        return
    outcome = fix(example.code, rule, options=example.settings)
    assert outcome.error is None, outcome.error
    if example.fixed is None:
        applicable = [f for f in own if f.fix is not None and f.fix.edits and f.fix.applicability is not Applicability.DISPLAY_ONLY]
        assert applicable == [], f"{case_id}: a fix was offered but the example expects none"
        assert outcome.text == example.code
        return
    assert outcome.text == example.fixed, f"{case_id}: fixed text differs:\n{outcome.text}"
    ast.parse(outcome.text)
    again = fix(outcome.text, rule, options=example.settings)
    assert again.text == outcome.text, f"{case_id}: fixing twice changed the code again"
    remaining = [f for f in lint(outcome.text, rule, example.settings).findings if f.code == rule.code and f.fix is not None and f.fix.edits and f.fix.applicability is not Applicability.DISPLAY_ONLY]
    assert remaining == [], f"{case_id}: fixable findings remain after fixing: {[f.message for f in remaining]}"
    for comment in _comments(example.code):
        if rule.judges_suppressions and "noqa" in comment.lower():
            continue  # editing `# noqa` comments is what such a rule's fix is for
        assert comment in outcome.text, f"{case_id}: the fix lost the comment {comment!r}"


def test_fixes_applied_together_leave_no_unused_import():
    """Two fixes of one pass each see the other's use of `Convolution3D` and keep its import;
    the fixer removes what they left unused, and only that."""
    from keras_lint.fixer import fix_text
    from keras_lint.settings import Settings

    code = (
        "from keras.layers import Convolution3D, Dense\n"
        "import numpy\n"
        "a = Convolution3D(16, 3, 3, 3, activation='relu')\n"
        "b = Convolution3D(1, kernel_dim1=1, kernel_dim2=3, kernel_dim3=3)\n"
    )
    outcome = fix_text(code, "m.py", Settings(), unsafe=True)
    assert outcome.text.splitlines()[0] == "from keras.layers import Dense, Conv3D"
    assert "import numpy" in outcome.text  # unused before: not ours to remove
