"""Never crash, never break code: generated programs through lint and fix.

Two generators: hypothesmith's grammar-based programs (anything Python accepts), and
Keras-flavoured programs built from the call shapes our rules look at, with random arguments.
A few hundred examples run in CI; KERAS_LINT_FUZZ_EXAMPLES raises the count.
"""

from __future__ import annotations

import ast
import os

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keras_lint.engine import lint_text
from keras_lint.fixer import fix_text
from keras_lint.settings import Settings

EXAMPLES = int(os.environ.get("KERAS_LINT_FUZZ_EXAMPLES", "150"))
PRELUDE = "import keras\nfrom keras.layers import *\nfrom keras.models import *\nimport tensorflow as tf\n"
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def check_never_breaks(code: str) -> None:
    result = lint_text(code, "fuzz.py", Settings())
    assert result.internal_errors == [], result.internal_errors
    outcome = fix_text(code, "fuzz.py", Settings(), unsafe=True)
    assert outcome.error is None or "did not converge" not in outcome.error, outcome.error
    if outcome.changed:
        ast.parse(outcome.text)
        again = fix_text(outcome.text, "fuzz.py", Settings(), unsafe=True)
        assert again.text == outcome.text, "fixing twice changed the code again"


@SETTINGS
@given(hypothesmith.from_grammar())
def test_any_python_program(source):
    check_never_breaks(PRELUDE + source)


names = st.sampled_from(["a", "b", "x", "inputs", "shape", "n", "Dense", "merge", "K"])
ints = st.integers(min_value=-3, max_value=300)
literals = st.one_of(
    ints.map(str),
    ints.map(lambda i: f"({i})"),
    st.lists(ints, min_size=0, max_size=4).map(lambda xs: "(" + ", ".join(map(str, xs)) + ("," if len(xs) == 1 else "") + ")"),
    st.lists(ints, max_size=3).map(str),
    st.sampled_from(["'relu'", "'Relu'", "'softmx'", "'accurcy'", "'concat'", "'sum'", "'cos'", "'th'", "'SAME'", "None", "(None)", "'adamm'", "lambda x: x"]),
    names,
)
callees = st.sampled_from([
    "Dense", "Input", "keras.Input", "Reshape", "Conv2D", "MaxPooling2D", "Activation", "merge", "Merge",
    "concatenate", "tf.keras.layers.Dense", "keras.layers.LSTM", "TimeDistributed", "Sequential", "Model",
])
keywords = st.sampled_from([
    None, None, "input_shape", "shape", "target_shape", "batch_shape", "activation", "padding", "mode",
    "concat_axis", "dot_axes", "kernel_initializer", "data_format", "name", "units",
])


@st.composite
def calls(draw):
    args = []
    for _ in range(draw(st.integers(0, 4))):
        keyword = draw(keywords)
        value = draw(literals)
        args.append(f"{keyword}={value}" if keyword else value)
    positional = [a for a in args if "=" not in a.split("(")[0] or a.startswith("lambda")]
    named = [a for a in args if a not in positional]
    seen, unique = set(), []
    for a in named:
        key = a.split("=", 1)[0]
        if key not in seen:
            seen.add(key)
            unique.append(a)
    return f"{draw(callees)}({', '.join(positional + unique)})"


@st.composite
def keras_programs(draw):
    lines = [PRELUDE.rstrip("\n")]
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.integers(0, 4))
        target = draw(names)
        if kind == 0:
            lines.append(f"{target} = {draw(literals)}")
        elif kind == 1:
            lines.append(f"{target} = {draw(calls())}")
        elif kind == 2:
            lines.append(f"{target} = {draw(calls())}({draw(names)})")
        elif kind == 3:
            metrics = draw(st.lists(st.sampled_from(["'accuracy'", "'accurcy'", "'acc'", "'fmeasure'", "'mse'", "x"]), max_size=3))
            lines.append(f"{target}.compile(optimizer={draw(literals)}, loss={draw(literals)}, metrics=[{', '.join(metrics)}])")
        else:
            lines.append(f"def build({target}={draw(literals)}):\n    return {draw(calls())}")
    return "\n".join(lines) + "\n"


@SETTINGS
@given(keras_programs())
def test_keras_flavoured_programs(source):
    try:
        ast.parse(source)
    except SyntaxError:
        return  # the generator can produce duplicate keyword arguments and the like
    check_never_breaks(source)
