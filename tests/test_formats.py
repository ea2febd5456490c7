"""The output formats of `keras-lint check` / `fix` on the seed fixtures, and the options that
shape a run's output and exit code."""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from cli_helpers import run_cli, run_process, write
from conftest import ROOT

from keras_lint.formats import github_command
from keras_lint.rules import get_rule

SEED = os.path.join(ROOT, "fixtures", "seed")
# The findings of this issue's own rules on the seed fixtures (other rules add more).
KNOWN = {
    ("fixtures/seed/int_shape.py", 10, 43, "KRS101"),
    ("fixtures/seed/int_shape.py", 16, 37, "KRS101"),
    ("fixtures/seed/int_shape.py", 22, 20, "KRS101"),
    ("fixtures/seed/losses_compile.py", 21, 81, "KRS102"),
    ("fixtures/seed/unet.py", 30, 14, "KRS201"),
}
CONCISE = re.compile(r"^(?P<path>[^:]+):(?P<row>\d+):(?P<col>\d+): (?P<code>KRS\d{3}) (?P<message>.+)$")


@pytest.fixture(scope="module")
def seed_repo(tmp_path_factory):
    """A git repository holding a copy of the seed fixtures, so that paths are repo-relative."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(SEED, root / "fixtures" / "seed")
    (root / ".git").mkdir()  # enough for the repository-root lookup
    return str(root)


def check(seed_repo, *options):
    return run_cli(["check", "fixtures/seed", "--no-cache", *options], cwd=seed_repo)


def test_concise_is_what_editors_and_pylsp_parse(seed_repo):
    run = check(seed_repo)
    assert run.code == 1
    lines = run.out.splitlines()
    parsed = [CONCISE.match(line) for line in lines[:-1]]
    assert all(parsed), lines
    found = {(m["path"], int(m["row"]), int(m["col"]), m["code"]) for m in parsed}
    assert KNOWN <= found
    # pylsp's flake8 regex reads the same line.
    pylsp = re.compile(r"(.*):(\d*):(\d*): (\w*) (.*)")
    assert all(pylsp.match(line) for line in lines[:-1])
    assert lines[-1].startswith(f"Found {len(lines) - 1} findings in ")


def test_full_shows_the_source_a_caret_and_the_fix_as_a_diff(seed_repo):
    run = check(seed_repo, "--format", "full")
    block = run.out.split("fixtures/seed/int_shape.py:10:43: KRS101 [*] ")[1].split("\n\n\n")[0]
    assert "10 |     model.add(Reshape((3, 4), input_shape=(12)))" in block
    caret = next(line for line in block.splitlines() if "^" in line)
    source = next(line for line in block.splitlines() if line.startswith("10 |"))
    assert caret.index("^^^^") == source.index("(12)")  # under `(12)`
    assert "help: Write `(12,)` (safe fix" in block
    assert "-    model.add(Reshape((3, 4), input_shape=(12)))" in block
    assert "+    model.add(Reshape((3, 4), input_shape=(12,)))" in block


def test_json_and_json_lines_carry_ruffs_fields(seed_repo):
    items = json.loads(check(seed_repo, "--format", "json").out)
    lines = [json.loads(line) for line in check(seed_repo, "--format", "json-lines").out.splitlines()]
    assert items == lines
    keys = {"code", "name", "message", "severity", "filename", "location", "end_location", "fix", "url", "noqa_row"}
    assert all(keys <= set(item) for item in items)
    found = {(i["filename"], i["location"]["row"], i["location"]["column"], i["code"]) for i in items}
    assert KNOWN <= found
    first = next(i for i in items if i["filename"].endswith("int_shape.py") and i["location"]["row"] == 10)
    assert first["severity"] == "error"
    assert first["url"] == get_rule("KRS101").url()
    assert first["fix"]["applicability"] == "safe"
    assert first["fix"]["edits"] == [{"content": "(12,)", "location": {"row": 10, "column": 43}, "end_location": {"row": 10, "column": 47}}]
    assert first["noqa_row"] == 10


def test_sarif_validates_against_the_schema(seed_repo):
    jsonschema = pytest.importorskip("jsonschema")
    # The OASIS SARIF 2.1.0 schema (errata 01), as GitHub code scanning validates uploads.
    with open(os.path.join(ROOT, "tests", "data", "sarif-schema-2.1.0.json"), encoding="utf-8") as handle:
        schema = json.load(handle)
    document = json.loads(check(seed_repo, "--format", "sarif").out)
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)

    run = document["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"] == get_rule(rule["id"]).url()
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    results = run["results"]
    found = set()
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:")), uri  # relative to the repository root
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert re.fullmatch(r"[0-9a-f]{64}", result["partialFingerprints"]["keras-lint/v1"])
        region = location["region"]
        found.add((uri, region["startLine"], region["startColumn"], result["ruleId"]))
    assert KNOWN <= found
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    assert len({r["partialFingerprints"]["keras-lint/v1"] for r in results}) == len(results)


def test_sarif_fingerprints_survive_unrelated_edits(tmp_path):
    path = write(tmp_path, "model.py", "import keras\nlayer = keras.layers.Dense(4, input_shape=(12))\n")
    first = json.loads(run_cli(["check", path, "--no-cache", "--format", "sarif"], cwd=str(tmp_path)).out)
    with open(path, "w") as handle:
        handle.write("import keras\n\n# a comment added above\nlayer = keras.layers.Dense(4, input_shape=(12))\n")
    second = json.loads(run_cli(["check", path, "--no-cache", "--format", "sarif"], cwd=str(tmp_path)).out)
    before, after = first["runs"][0]["results"][0], second["runs"][0]["results"][0]
    assert before["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert after["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    assert before["partialFingerprints"] == after["partialFingerprints"]


def test_github_escaping_is_byte_exact(tmp_path):
    # actions/toolkit command.ts: data escapes % CR LF; properties also : and ,.
    assert github_command("error", {"title": "keras-lint (KRS101)", "file": "a,b:c%.py", "line": 3, "col": 0}, "50% done\r\nnext: a, b") == (
        "::error title=keras-lint (KRS101),file=a%2Cb%3Ac%25.py,line=3::50%25 done%0D%0Anext: a, b"
    )
    (tmp_path / ".git").mkdir()
    write(tmp_path, "odd,dir:x/model%1.py", "import keras\nlayer = keras.layers.Dense(4, input_shape=(12))\n")
    run = run_cli(["check", "--no-cache", "--format", "github"], cwd=str(tmp_path))
    lines = run.out.splitlines()
    message = "`input_shape=(12)` is the int 12, not a tuple: Keras 3 fails with \"Cannot convert '12' to a shape\". Write `(12,)`"
    assert lines[0] == (
        "::error title=keras-lint (KRS101),file=odd%2Cdir%3Ax/model%251.py,line=2,endLine=2,col=43,endColumn=47::"
        f"odd,dir:x/model%251.py:2:43: KRS101 {message}"
    )
    assert lines[-1].startswith("Found 1 finding in 1 file.")  # only 10 annotations per kind are shown


def test_github_levels_follow_rule_severity(tmp_path):
    write(tmp_path, "model.py", "import keras\nlayer = keras.layers.Dense(4)  # noqa: KRS101\n")
    run = run_cli(["check", "--no-cache", "--format", "github", "--extend-select", "KRS010"], cwd=str(tmp_path))
    assert run.out.startswith("::warning title=keras-lint (KRS010),file=model.py,line=2,")


def test_gitlab_code_quality(seed_repo):
    items = json.loads(check(seed_repo, "--format", "gitlab").out)
    assert items
    for item in items:
        assert set(item) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert item["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert not item["location"]["path"].startswith("/")
        assert item["location"]["positions"]["begin"]["line"] >= 1
    assert len({item["fingerprint"] for item in items}) == len(items)
    assert {(i["location"]["path"], i["location"]["positions"]["begin"]["line"], i["check_name"]) for i in items} >= {
        (path, row, code) for path, row, _, code in KNOWN
    }


def test_junit(seed_repo):
    run = check(seed_repo, "--format", "junit")
    root = ET.fromstring(run.out)
    cases = root.findall("./testsuite/testcase")
    assert int(root.get("failures")) == len(cases) == len(root.findall(".//failure"))
    names = {(suite.get("name"), case.get("name"), case.get("line")) for suite in root.findall("testsuite") for case in suite.findall("testcase")}
    assert ("fixtures/seed/int_shape.py", "keras-lint.KRS101", "10") in names


def test_junit_without_findings_has_one_passing_case(tmp_path):
    write(tmp_path, "ok.py", "import keras\nlayer = keras.layers.Dense(4)\n")
    run = run_cli(["check", "--no-cache", "--format", "junit"], cwd=str(tmp_path))
    assert run.code == 0
    root = ET.fromstring(run.out)
    assert root.get("failures") == "0" and len(root.findall(".//testcase")) == 1


def test_formats_agree_on_the_findings(seed_repo):
    concise = len(check(seed_repo).out.splitlines()) - 1
    assert len(json.loads(check(seed_repo, "--format", "json").out)) == concise
    assert len(json.loads(check(seed_repo, "--format", "sarif").out)["runs"][0]["results"]) == concise
    assert len(json.loads(check(seed_repo, "--format", "gitlab").out)) == concise
    assert len([line for line in check(seed_repo, "--format", "github").out.splitlines() if line.startswith("::")]) == concise


def test_statistics(seed_repo):
    run = check(seed_repo, "--statistics")
    rows = [line.split("\t") for line in run.out.splitlines()[:-1]]
    counts = {code: int(count) for count, code, _ in rows}
    assert counts["KRS101"] == 3
    assert "[*] int-shape" in dict((code, rest) for _, code, rest in rows)["KRS101"]
    stats = json.loads(check(seed_repo, "--statistics", "--format", "json").out)
    assert {"code": "KRS101", "name": "int-shape", "count": 3, "fixable": True} in stats


def test_exit_zero_and_output_file(seed_repo, tmp_path):
    target = tmp_path / "report" / "keras-lint.sarif"
    run = check(seed_repo, "--exit-zero", "--format", "sarif", "--output-file", str(target))
    assert run.code == 0 and run.out == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_output_format_from_configuration_and_environment(tmp_path, monkeypatch):
    write(tmp_path, "model.py", "import keras\nlayer = keras.layers.Dense(4, input_shape=(12))\n")
    write(tmp_path, "pyproject.toml", '[tool.keras-lint]\noutput-format = "json-lines"\n')
    assert json.loads(run_cli(["check", "--no-cache"], cwd=str(tmp_path)).out.splitlines()[0])["code"] == "KRS101"
    monkeypatch.setenv("KERAS_LINT_OUTPUT_FORMAT", "github")
    assert run_cli(["check", "--no-cache"], cwd=str(tmp_path)).out.startswith("::error ")
    assert run_cli(["check", "--no-cache", "--format", "concise"], cwd=str(tmp_path)).out.startswith("model.py:2:43: KRS101")


# -- fix: --diff, --exit-non-zero-on-fix, stdin --------------------------------------------------------


BUGGY = "import keras\nlayer = keras.layers.Dense(4, input_shape=(12))\nmodel = keras.Sequential([layer, keras.layers.Softmax()])\nmodel.compile(loss='mse', metrics=['accurcy'])\n"
FIXED = BUGGY.replace("(12)", "(12,)").replace("accurcy", "accuracy")


def test_diff_writes_nothing_and_exits_1(tmp_path):
    path = write(tmp_path, "model.py", BUGGY)
    for command in (["fix", "--diff"], ["check", "--diff"]):
        run = run_cli([*command, "--no-cache", "model.py"], cwd=str(tmp_path))
        assert run.code == 1
        assert "-layer = keras.layers.Dense(4, input_shape=(12))" in run.out
        assert "+layer = keras.layers.Dense(4, input_shape=(12,))" in run.out
        assert "Would fix 2 findings in 1 file" in run.err
        assert open(path).read() == BUGGY
    write(tmp_path, "clean.py", FIXED)
    assert run_cli(["fix", "--diff", "--no-cache", "clean.py"], cwd=str(tmp_path)).code == 0


def test_exit_non_zero_on_fix(tmp_path):
    path = write(tmp_path, "model.py", BUGGY)
    run = run_cli(["fix", "--no-cache", "model.py"], cwd=str(tmp_path))
    assert run.code == 0 and open(path).read() == FIXED
    write(tmp_path, "model.py", BUGGY)
    run = run_cli(["check", "--fix", "--exit-non-zero-on-fix", "--show-fixes", "--no-cache", "model.py"], cwd=str(tmp_path))
    assert run.code == 1 and open(path).read() == FIXED
    assert " - model.py: 1 × KRS101 (int-shape)" in run.out
    assert run_cli(["fix", "--exit-non-zero-on-fix", "--no-cache", "model.py"], cwd=str(tmp_path)).code == 0


def test_fix_exits_1_when_findings_remain(tmp_path):
    write(tmp_path, "model.py", "import keras\nmodel = keras.Sequential()\nmodel.compile(optimizer='adamm', loss='mse')\n")
    run = run_cli(["fix", "--no-cache", "--format", "json", "model.py"], cwd=str(tmp_path))
    assert run.code == 1
    remaining = json.loads(run.out)
    assert [item["code"] for item in remaining] == ["KRS102"]
    assert remaining[0]["fix"]["applicability"] == "unsafe"


def test_fix_reads_stdin_and_writes_the_fixed_code(tmp_path):
    result = run_process(["fix", "-", "--stdin-filename", "model.py", "--no-cache"], cwd=str(tmp_path), stdin=BUGGY.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == FIXED
    assert b"Fixed 2 findings in 1 file; 0 remaining." in result.stderr
