"""The model interpreter never fails on any valid Python: random programs from the grammar
(hypothesmith), with Keras imported so that the interpreter runs."""

from __future__ import annotations

import warnings

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from models_helpers import extract

pytestmark = pytest.mark.slow


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_interpreter_never_fails(source):
    code = "import keras\nfrom keras.layers import *\n" + source
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, "<fuzz>", "exec")
    except (SyntaxError, ValueError):
        return
    found = extract(code)
    assert found.failures == []
