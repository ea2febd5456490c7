"""The `keras-lint` command as users run it: a real subprocess on real files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from conftest import ROOT

BAD_CODE = "import keras\ninputs = keras.Input(shape=(12))\n"
GOOD_CODE = "import keras\ninputs = keras.Input(shape=(12,))\n"


def run(*args, input: bytes | None = None, cwd: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", "keras_lint", *args], input=input, capture_output=True, cwd=cwd, env=env, timeout=120)


def write(path, content: str | bytes) -> str:
    data = content.encode() if isinstance(content, str) else content
    path.write_bytes(data)
    return str(path)


def test_check_exit_codes(tmp_path):
    bad = write(tmp_path / "bad.py", BAD_CODE)
    good = write(tmp_path / "good.py", GOOD_CODE)
    result = run("check", bad)
    assert result.returncode == 1
    line = result.stdout.decode().splitlines()[0]
    assert line.startswith(f"{bad}:2:28: KRS101 ")
    assert run("check", good).returncode == 0
    assert run("check", bad, "--exit-zero").returncode == 0
    assert run("check", str(tmp_path / "missing.py")).returncode == 2
    assert run("check", bad, "--select", "KRS2").returncode == 0
    assert run("check", bad, "--ignore", "KRS101").returncode == 0
    assert run("frobnicate").returncode == 2


def test_check_walks_folders_and_skips_virtualenvs_and_git(tmp_path):
    write(tmp_path / "a.py", BAD_CODE)
    (tmp_path / "pkg").mkdir()
    write(tmp_path / "pkg" / "b.py", BAD_CODE)
    for skipped in (".git", "build", "venv_x", "__pycache__"):
        (tmp_path / skipped).mkdir()
        write(tmp_path / skipped / "c.py", BAD_CODE)
    write(tmp_path / "venv_x" / "pyvenv.cfg", "home = /usr\n")
    result = run("check", ".", cwd=str(tmp_path))
    lines = [line for line in result.stdout.decode().splitlines() if "KRS" in line]
    assert sorted(line.split(":")[0] for line in lines) == ["a.py", os.path.join("pkg", "b.py")]


def test_json_output(tmp_path):
    bad = write(tmp_path / "bad.py", BAD_CODE)
    result = run("check", bad, "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert len(findings) == 1
    finding = findings[0]
    assert finding["code"] == "KRS101"
    assert finding["filename"] == bad
    assert finding["location"] == {"row": 2, "column": 28}
    assert finding["end_location"] == {"row": 2, "column": 32}
    assert finding["url"].endswith("KRS101.md")
    assert finding["fix"]["applicability"] == "safe"
    assert finding["fix"]["edits"] == [{"content": "(12,)", "location": {"row": 2, "column": 28}, "end_location": {"row": 2, "column": 32}}]


def test_stdin(tmp_path):
    result = run("check", "-", "--stdin-filename", "model.py", input=BAD_CODE.encode())
    assert result.returncode == 1
    assert result.stdout.decode().startswith("model.py:2:28: KRS101")
    fixed = run("fix", "-", "--stdin-filename", "model.py", input=BAD_CODE.encode())
    assert fixed.stdout.decode() == GOOD_CODE
    assert fixed.returncode == 0


def test_fix_writes_the_file_and_keeps_encoding_bom_line_endings_and_permissions(tmp_path):
    text = "# -*- coding: latin-1 -*-\r\nimport keras\r\n# caf\xe9\r\ninputs = keras.Input(shape=(12))  # comment\r\n"
    path = tmp_path / "latin.py"
    path.write_bytes(text.encode("latin-1"))
    os.chmod(path, 0o751)
    result = run("fix", str(path))
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == text.replace("(12)", "(12,)").encode("latin-1")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o751
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + BAD_CODE.encode())
    assert run("fix", str(bom)).returncode == 0
    assert bom.read_bytes() == b"\xef\xbb\xbf" + GOOD_CODE.encode()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".keras-lint-")]


def test_fix_diff_writes_nothing(tmp_path):
    path = write(tmp_path / "bad.py", BAD_CODE)
    result = run("fix", "--diff", path)
    assert result.returncode == 1
    assert "-inputs = keras.Input(shape=(12))" in result.stdout.decode()
    assert "+inputs = keras.Input(shape=(12,))" in result.stdout.decode()
    assert open(path).read() == BAD_CODE
    good = write(tmp_path / "good.py", GOOD_CODE)
    assert run("fix", "--diff", good).returncode == 0


def test_fix_exits_one_when_unfixable_findings_remain(tmp_path):
    path = write(tmp_path / "m.py", "from keras.layers import Input, merge\na = Input((4,))\nb = merge([a, a], mode='cos')\n")
    result = run("fix", path)
    assert result.returncode == 1
    assert "KRS201" in result.stdout.decode()


def test_unsafe_fixes_are_opt_in(tmp_path):
    code = "import keras\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])\nmodel.compile(optimizer='adamm', loss='mse')\n"
    path = write(tmp_path / "m.py", code)
    run("fix", path)
    assert open(path).read() == code
    run("fix", "--unsafe-fixes", path)
    assert "optimizer='adam'" in open(path).read()


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("syntax.py", "import keras\nmodel = keras.Sequential([\n", "SyntaxError"),
        ("py2.py", "import keras\nprint 'hello'\n", "Python 2"),
        ("latin.py", b"import keras\nx = '\xff'\n", "not valid utf-8"),
        ("libcst.py", "import keras\nx = () if 0 else(lambda:())\n", "LibCST cannot parse it"),
        ("deep.py", "import keras\nx = 1" + " + 1" * 5000 + "\n", "nested too deeply"),
        ("nul.py", b"import keras\nx = 1\x00\n", "KRS001"),
    ],
)
def test_bad_input_gives_one_clear_line_and_no_traceback(tmp_path, name, content, fragment):
    path = write(tmp_path / name, content)
    result = run("check", path)
    output = result.stdout.decode() + result.stderr.decode()
    assert "Traceback" not in output
    assert result.returncode == 1
    assert fragment in output
    assert result.stdout.decode().splitlines()[0].startswith(path + ":")
    fix = run("fix", path)
    assert "Traceback" not in fix.stdout.decode() + fix.stderr.decode()
    assert open(path, "rb").read() == (content.encode() if isinstance(content, str) else content)


@pytest.mark.parametrize(
    ("content", "python2"),
    [
        ("import keras\nprint 'hello'\n", True),
        ("import keras\nmode = 0755\n", True),
        ("import keras\ntry:\n    pass\nexcept ValueError, e:\n    pass\n", True),
        # A Python 3 typo in a file with `0.01` in it: not Python 2.
        ("import keras\nstd = 0.01\ne = f(mean=0.\n      std=std)\n", False),
    ],
)
def test_python2_is_named_only_when_the_file_looks_like_it(tmp_path, content, python2):
    result = run("check", write(tmp_path / "old.py", content))
    assert ("looks like Python 2" in result.stdout.decode()) is python2, result.stdout.decode()


@pytest.mark.parametrize("content", ["", "\n", "# only a comment about keras\n", "import numpy\n"])
def test_empty_and_non_keras_files_are_clean(tmp_path, content):
    path = write(tmp_path / "empty.py", content)
    result = run("check", path)
    assert result.returncode == 0, result.stdout
    assert "All checks passed" in result.stdout.decode()


def test_rule_command():
    result = run("rule", "KRS101")
    assert result.returncode == 0
    text = result.stdout.decode()
    assert "## What it does" in text and "(12,)" in text
    assert run("rule", "KRS999").returncode == 2
    listing = run("rule", "--all").stdout.decode()
    assert "KRS201" in listing


def test_readme_first_command_runs_on_the_seed_fixtures():
    result = run("check", os.path.join(ROOT, "fixtures", "seed"))
    assert result.returncode == 1
    assert "KRS201" in result.stdout.decode() and "KRS101" in result.stdout.decode()
