"""`# noqa`: the same comment silences the same finding in the CLI, in real flake8 (on a file and
on stdin with --stdin-display-name) and in the language server; --add-noqa; KRS010."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

from cli_helpers import run_cli, run_process, write
from lsp_client import LspClient

CASES = '''import keras

a = keras.layers.Dense(4, input_shape=(12))  # noqa: KRS101
b = keras.layers.Dense(4, input_shape=(12))  # noqa:KRS1
c = keras.layers.Dense(4, input_shape=(12))  # NOQA
d = keras.layers.Dense(4, input_shape=(12))  # noqa: E501
e = keras.layers.Dense(
    4, input_shape=(12),
)  # noqa: KRS101
f = keras.layers.Dense(4, input_shape=(12), name="""multi
line""")  # noqa: KRS101
g = keras.layers.Dense(4, input_shape=(12))  # noqa: krs101
h = keras.layers.Dense(4, input_shape=(12))
i = keras.layers.Dense(4, input_shape=(12)); text = "# noqa: KRS101"
'''


def rows_of(text: str, *starts: str) -> set[int]:
    lines = text.splitlines()
    return {next(i for i, line in enumerate(lines, 1) if line.startswith(start)) for start in starts}


# flake8's rules: the physical line of the reported row (a multi-line string's lines count as
# one), codes by prefix and case-sensitively, and a `# noqa` inside a string counts too.
EXPECTED = rows_of(CASES, "d = ", "    4, input_shape", "g = ", "h = ")
EVERYTHING = rows_of(CASES, "a = ", "b = ", "c = ", "d = ", "    4, input_shape", "f = ", "g = ", "h = ", "i = ")


def cli_rows(root, *options) -> set[int]:
    run = run_cli(["check", "--no-cache", "--format", "json", "model.py", *options], cwd=str(root))
    return {item["location"]["row"] for item in json.loads(run.out) if item["code"] == "KRS101"}


def flake8_rows(root, *options, stdin: bool = False) -> set[int]:
    arguments = ["--select", "KRS", "--format", "%(row)d:%(code)s", *options]
    if stdin:
        source = (pathlib.Path(root) / "model.py").read_bytes()
        result = run_process([*arguments, "--stdin-display-name", "model.py", "-"], cwd=str(root), stdin=source, module="flake8")
    else:
        result = run_process([*arguments, "model.py"], cwd=str(root), module="flake8")
    assert result.returncode in (0, 1), result.stderr.decode()
    assert b"Traceback" not in result.stderr
    return {int(line.split(":")[0]) for line in result.stdout.decode().splitlines() if line.endswith("KRS101")}


def lsp_rows(root) -> set[int]:
    client = LspClient(str(root))
    try:
        client.initialize(pathlib.Path(root).as_uri())
        path = pathlib.Path(root) / "model.py"
        uri = path.as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": path.read_text()}})
        diagnostics = client.wait_for_diagnostics(uri)
    finally:
        client.shutdown()
    return {d["range"]["start"]["line"] + 1 for d in diagnostics if d["code"] == "KRS101"}


def test_the_same_noqa_silences_the_same_finding_everywhere(tmp_path):
    write(tmp_path, "model.py", CASES)
    assert cli_rows(tmp_path) == EXPECTED
    assert flake8_rows(tmp_path) == EXPECTED
    assert flake8_rows(tmp_path, stdin=True) == EXPECTED
    assert lsp_rows(tmp_path) == EXPECTED
    # And nothing is silenced when the comments are switched off.
    assert cli_rows(tmp_path, "--ignore-noqa") == EVERYTHING
    assert flake8_rows(tmp_path, "--disable-noqa") == EVERYTHING


def test_file_level_directive(tmp_path):
    directives = {"all.py": "# keras-lint: noqa", "prefix.py": "# keras-lint: noqa: KRS1", "other.py": "# keras-lint: noqa: KRS2"}
    for name, directive in directives.items():
        write(tmp_path, name, f"{directive}\nimport keras\nlayer = keras.layers.Dense(4, input_shape=(12))\n")
    expected = ["other.py:3:KRS101"]
    run = run_cli(["check", "--no-cache", *directives], cwd=str(tmp_path))
    findings = run.out.splitlines()[:-1]
    assert len(findings) == 1 and findings[0].startswith("other.py:3:43: KRS101 ")
    result = run_process(["--select", "KRS", "--format", "%(path)s:%(row)d:%(code)s", *directives], cwd=str(tmp_path), module="flake8")
    assert result.stdout.decode().split() == expected
    source = (tmp_path / "all.py").read_bytes()
    result = run_process(["--select", "KRS", "--stdin-display-name", "all.py", "-"], cwd=str(tmp_path), stdin=source, module="flake8")
    assert result.stdout == b""


def test_flake8_uses_the_pyproject_settings_beside_its_own(tmp_path):
    write(tmp_path, "model.py", "import keras\nlayer = keras.layers.Dense(4, input_shape=(12))\nx = keras.layers.Dense(4, activation='rellu')\n")
    write(tmp_path, "pyproject.toml", '[tool.keras-lint]\nignore = ["KRS102"]\n')
    result = run_process(["--select", "KRS", "--format", "%(row)d:%(code)s", "model.py"], cwd=str(tmp_path), module="flake8")
    assert result.stdout.decode().split() == ["2:KRS101"]
    result = run_process(["--select", "KRS", "--extend-ignore", "KRS101", "model.py"], cwd=str(tmp_path), module="flake8")
    assert result.stdout == b""
    # An invalid configuration: one clear line on stderr, the defaults, and still the results.
    write(tmp_path, "pyproject.toml", '[tool.keras-lint]\nignor = ["KRS102"]\n')
    result = run_process(["--select", "KRS", "--format", "%(row)d:%(code)s", "model.py"], cwd=str(tmp_path), module="flake8")
    assert result.stdout.decode().split() == ["2:KRS101", "3:KRS102"]
    assert "keras-lint: invalid configuration, using the defaults:" in result.stderr.decode()
    assert "unknown key `ignor`; did you mean `ignore`?" in result.stderr.decode()


def test_flake8_plugin_import_stays_cheap():
    # flake8 imports every plugin at start-up: LibCST, the rules and the config parser wait
    # for the first file that mentions Keras.
    code = "import sys, keras_lint.flake8_plugin; print(sorted(m for m in sys.modules if m.startswith(('libcst', 'keras_lint.rules', 'tomllib'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- --add-noqa ------------------------------------------------------------------------------------

LEGACY = '''import keras

layer = keras.layers.Dense(4, input_shape=(12))
doc = keras.layers.Dense(4, input_shape=(12), name="""a
b""")
both = keras.layers.Dense(4, input_shape=(12), activation='rellu')  # noqa: E501
blank = keras.layers.Dense(4, input_shape=(12))   \t
last = keras.layers.Dense(4, input_shape=(12))'''


def test_add_noqa_silences_everything_and_never_writes_inside_a_string(tmp_path):
    path = write(tmp_path, "model.py", LEGACY)
    run = run_cli(["check", "--add-noqa", "--no-cache", "model.py"], cwd=str(tmp_path))
    assert run.code == 0, run.err
    assert run.out.strip() == "Added 5 `# noqa` comments in 1 file."
    text = open(path).read()
    assert text == LEGACY.replace(
        "layer = keras.layers.Dense(4, input_shape=(12))\n", "layer = keras.layers.Dense(4, input_shape=(12))  # noqa: KRS101\n"
    ).replace('b""")\n', 'b""")  # noqa: KRS101\n').replace(
        "# noqa: E501\n", "# noqa: E501, KRS101, KRS102\n"
    ).replace("blank = keras.layers.Dense(4, input_shape=(12))   \t\n", "blank = keras.layers.Dense(4, input_shape=(12))  # noqa: KRS101\n").replace(
        "last = keras.layers.Dense(4, input_shape=(12))", "last = keras.layers.Dense(4, input_shape=(12))  # noqa: KRS101"
    )
    assert run_cli(["check", "--no-cache", "model.py"], cwd=str(tmp_path)).code == 0
    assert flake8_rows(tmp_path) == set()
    # A second run has nothing to add.
    assert run_cli(["check", "--add-noqa", "--no-cache", "model.py"], cwd=str(tmp_path)).out.strip() == "Added 0 `# noqa` comments in 0 files."
    assert open(path).read() == text


# -- KRS010 ------------------------------------------------------------------------------------------


def test_unused_noqa_is_reported_and_fixed_from_the_cli(tmp_path):
    source = "import keras\na = keras.layers.Dense(4)  # noqa: KRS101\nb = keras.layers.Dense(4, input_shape=(12))  # noqa: KRS101, KRS201\n"
    path = write(tmp_path, "model.py", source)
    run = run_cli(["check", "--no-cache", "--extend-select", "KRS010", "--format", "json", "model.py"], cwd=str(tmp_path))
    found = [(item["location"]["row"], item["code"]) for item in json.loads(run.out)]
    assert found == [(2, "KRS010"), (3, "KRS010")]
    # --ignore-noqa judges no comment: the suppressed finding shows instead.
    run = run_cli(["check", "--no-cache", "--extend-select", "KRS010", "--ignore-noqa", "--format", "json", "model.py"], cwd=str(tmp_path))
    assert [(i["location"]["row"], i["code"]) for i in json.loads(run.out)] == [(3, "KRS101")]
    assert run_cli(["fix", "--no-cache", "--extend-select", "KRS010", "model.py"], cwd=str(tmp_path)).code == 0
    assert open(path).read() == "import keras\na = keras.layers.Dense(4)\nb = keras.layers.Dense(4, input_shape=(12))  # noqa: KRS101\n"
    # flake8 reports it too, when the configuration enables it.
    write(tmp_path, "pyproject.toml", '[tool.keras-lint]\nextend-select = ["KRS010"]\n')
    write(tmp_path, "model.py", source)
    result = run_process(["--select", "KRS", "--format", "%(row)d:%(code)s", "model.py"], cwd=str(tmp_path), module="flake8")
    assert result.stdout.decode().split() == ["2:KRS010", "3:KRS010"]
