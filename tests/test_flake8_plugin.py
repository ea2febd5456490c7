"""The flake8 plugin, run the way editors and CI run it: real flake8 in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

CODE = (
    "from keras.layers import Input, Reshape\n"
    "a = Input((12))\n"
    "b = Input((13))  # noqa: KRS101\n"
    "c = Input((14))  # noqa: KRS1\n"
    "d = Input((15))  # noqa\n"
    "e = Input((16))  # noqa: E501\n"
    "f = Reshape(\n"
    "    (17))\n"
    "g = Reshape(  # noqa: KRS101\n"
    "    (18))\n"
)


def flake8(*args, input: str | None = None, cwd: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "KRS", *args],
        input=input, capture_output=True, text=True, cwd=cwd, timeout=120,
    )


def codes_by_row(output: str) -> list[tuple[int, str]]:
    rows = []
    for line in output.splitlines():
        _, row, _col, rest = line.split(":", 3)
        rows.append((int(row), rest.split()[0]))
    return rows


def test_plugin_is_registered():
    result = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True)
    assert "keras-lint" in result.stdout


def test_findings_from_a_file_with_noqa_semantics(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(CODE)
    result = flake8(str(path))
    assert result.returncode == 1
    # b, c, d are silenced (exact code, prefix, blanket); e's noqa names another code;
    # g's noqa sits on the call's first line, but the finding is on the line of `(18)`.
    assert codes_by_row(result.stdout) == [(2, "KRS101"), (6, "KRS101"), (8, "KRS101"), (10, "KRS101")]
    assert "Traceback" not in result.stderr


def test_findings_from_stdin_as_editors_send_them(tmp_path):
    # The file on disk is stale (an unsaved buffer): the plugin must analyse stdin only.
    path = tmp_path / "model.py"
    path.write_text("import keras\n")
    result = flake8("--stdin-display-name", str(path), "-", input=CODE)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}:2:11: KRS101 `(12)` is the int 12")
    assert len(lines) == 4


def test_column_is_one_based_in_flake8_output(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import keras\nx = keras.Input(shape=(12))\n")
    result = flake8(str(path))
    assert ":2:23: KRS101" in result.stdout


def test_syntax_errors_are_left_to_flake8(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("import keras\nprint 'x'\n")
    result = subprocess.run([sys.executable, "-m", "flake8", str(path)], capture_output=True, text=True)
    assert "E999" in result.stdout
    assert "KRS" not in result.stdout
    assert "Traceback" not in result.stderr


def test_libcst_rejects_what_python_accepts_silently(tmp_path):
    path = tmp_path / "odd.py"
    path.write_text("import keras\nx = () if 0 else(lambda:())\ny = keras.Input((3))\n")
    result = flake8(str(path))
    assert result.returncode == 0, result.stdout
    assert "Traceback" not in result.stderr


def test_non_keras_files_cost_nothing_and_report_nothing(tmp_path):
    for index in range(20):
        (tmp_path / f"plain{index}.py").write_text("def merge(a, mode='concat'):\n    return a\nmerge([1], mode='concat')\n")
    result = flake8(str(tmp_path))
    assert result.returncode == 0 and result.stdout == ""


def test_plugin_import_is_cheap():
    code = "import sys, keras_lint.flake8_plugin; print(sorted(m for m in ('libcst', 'tensorflow', 'keras') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]"
