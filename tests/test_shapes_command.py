"""`keras-lint shapes`: the static summary as text and as JSON, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema
from conftest import ROOT

SEED = os.path.join(ROOT, "fixtures", "seed")

SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["model", "file", "line", "layers", "total_params"],
        "properties": {
            "model": {"type": "string"},
            "file": {"type": "string"},
            "line": {"type": "integer", "minimum": 1},
            "total_params": {"type": ["integer", "null"]},
            "layers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "class", "output_shape", "params"],
                    "properties": {
                        "name": {"type": "string"},
                        "class": {"type": "string"},
                        "output_shape": {"type": ["array", "null"]},
                        "params": {"type": ["integer", "null"]},
                    },
                },
            },
        },
    },
}


def keras_lint(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "keras_lint", *args], capture_output=True, text=True, input=stdin, cwd=ROOT, timeout=120
    )


def test_text_summary_looks_like_tensorflows():
    result = keras_lint("shapes", os.path.join("fixtures", "seed", "reshape_shapes.py"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert 'Model: "sequential"' in out and "built in build_model()" in out
    assert "┃ Layer (type)" in out and "Output Shape" in out and "Param #" in out
    assert "│ reshape (Reshape)" in out and "(None, 3, 4)" in out
    assert "│ reshape_2 (Reshape)" in out and "(None, 3, 2, 2)" in out
    assert " Total params: 0 (0.00 B)" in out
    assert " Trainable params: 0 (0.00 B)" in out
    assert " Non-trainable params: 0 (0.00 B)" in out


def test_functional_summary_has_connections_and_totals():
    result = keras_lint("shapes", os.path.join("fixtures", "seed", "unet.py"))
    assert result.returncode == 0, result.stderr
    assert "Connected to" in result.stdout
    assert "dropout[0][0], conv2d_10[0][0]" in result.stdout
    assert " Total params: 31,031,685 (118.38 MB)" in result.stdout


def test_json_format_follows_the_schema():
    result = keras_lint("shapes", "--format", "json", SEED)
    assert result.returncode == 0, result.stderr
    documents = json.loads(result.stdout)
    jsonschema.validate(documents, SCHEMA)
    by_file = {(os.path.basename(d["file"]), d["line"]): d for d in documents}
    reshape = by_file[("reshape_shapes.py", 9)]
    assert [layer["output_shape"] for layer in reshape["layers"]] == [[None, 3, 4], [None, 6, 2], [None, 3, 2, 2]]
    dense = by_file[("dense_shapes.py", 8)]
    assert dense["total_params"] == 544 + 1056
    # `input_shape=(12)` (an int) leaves the shape unknown: null, not a guess.
    unknown = by_file[("int_shape.py", 15)]
    assert unknown["layers"][0]["output_shape"] is None and unknown["layers"][0]["params"] is None
    assert unknown["total_params"] is None


def test_unknown_shown_as_question_mark_and_shape_findings_listed():
    code = (
        "import keras\nfrom keras import layers\n"
        "model = keras.Sequential([keras.Input((100,)), layers.Reshape((8, 8, 3)), layers.Dense(4)])\n"
    )
    result = keras_lint("shapes", "-", "--stdin-filename", "model.py", stdin=code)
    assert result.returncode == 0, result.stderr
    assert "│ reshape (Reshape)" in result.stdout and "│ ?" in result.stdout
    assert "model.py:3:" in result.stdout and "KRS601 Reshape((8, 8, 3)) needs 192 values per sample" in result.stdout


def test_no_models():
    result = keras_lint("shapes", "-", stdin="import keras\nprint(keras.__version__)\n")
    assert result.returncode == 0
    assert "No Keras models found." in result.stdout
