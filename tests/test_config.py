"""`[tool.keras-lint]` in pyproject.toml: discovery from each file's folder upward, validation
(exit 2 with a message that says what is wrong), --show-settings, per-rule options, and the
command line on top."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli, write

from keras_lint.config import ConfigError, ConfigResolver, configuration_from_table, find_config_file
from keras_lint.diagnostics import Applicability

INT_SHAPE = "import keras\nlayer = keras.layers.Dense(4, input_shape=(12))\n"
TYPO = "import keras\nlayer = keras.layers.Dense(4, kernel_initializer='lecun_normal2')\n"


def codes(run) -> list[tuple[str, str]]:
    return [(item["filename"], item["code"]) for item in json.loads(run.out)]


def test_nearest_pyproject_with_the_table_wins(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.keras-lint]\nignore = ["KRS101"]\n')
    write(tmp_path, "pkg/pyproject.toml", '[project]\nname = "pkg"\n')  # no table: passed over
    write(tmp_path, "pkg/sub/pyproject.toml", '[tool.keras-lint]\nselect = ["KRS1"]\n')
    write(tmp_path, "pkg/a.py", INT_SHAPE)
    write(tmp_path, "pkg/sub/b.py", INT_SHAPE)
    assert find_config_file(str(tmp_path / "pkg")) == str(tmp_path / "pyproject.toml")
    assert find_config_file(str(tmp_path / "pkg" / "sub")) == str(tmp_path / "pkg" / "sub" / "pyproject.toml")
    run = run_cli(["check", "--no-cache", "--format", "json", "."], cwd=str(tmp_path))
    assert codes(run) == [("pkg/sub/b.py", "KRS101")]


def test_a_pyproject_that_only_mentions_keras_lint_is_passed_over(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.keras-lint]\nignore = ["KRS101"]\n')
    write(tmp_path, "app/pyproject.toml", '[project]\nname = "app"\ndependencies = ["keras-lint"]\n')
    assert find_config_file(str(tmp_path / "app")) == str(tmp_path / "pyproject.toml")


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ('selec = ["KRS"]', "unknown key `selec`; did you mean `select`?"),
        ('select = "KRS101"', "`select` must be a list of strings"),
        ('select = ["E501"]', "'E501' is not a keras-lint code or prefix"),
        ('select = ["KRS999"]', "KRS999 matches no rule"),
        ('target-keras = "4"', "`target-keras` must be one of '2', '3'"),
        ("unsafe-fixes = 1", "`unsafe-fixes` must be true or false"),
        ('output-format = "xml"', "`output-format` must be one of concise"),
        ('per-file-ignores = ["tests/*"]', "`per-file-ignores` must be a table"),
        ('[tool.keras-lint.options.KRS102]\nallowed-name = ["x"]', "KRS102 has no option `allowed-name`; it has: allowed-names"),
        ('[tool.keras-lint.options.KRS102]\nallowed-names = "x"', "allowed-names must be a list of strings"),
        ('[tool.keras-lint.options.KRS101]\nx = 1', "KRS101 (int-shape) has no options"),
        ('[tool.keras-lint.options.KRS77]\nx = 1', "'KRS77' is not a rule code or name"),
    ],
)
def test_an_invalid_setting_is_a_clear_error_and_exit_2(tmp_path, table, fragment):
    header = "" if table.startswith("[tool") else "[tool.keras-lint]\n"
    write(tmp_path, "pyproject.toml", f"{header}{table}\n")
    write(tmp_path, "model.py", INT_SHAPE)
    run = run_cli(["check", "--no-cache", "model.py"], cwd=str(tmp_path))
    assert run.code == 2, run.out
    assert fragment in run.err
    assert str(tmp_path / "pyproject.toml") in run.err
    assert "Traceback" not in run.err


def test_invalid_toml_and_misspelt_table(tmp_path):
    write(tmp_path, "pyproject.toml", "[tool.keras-lint\nselect = [\n")
    write(tmp_path, "model.py", INT_SHAPE)
    run = run_cli(["check", "--no-cache", "model.py"], cwd=str(tmp_path))
    assert run.code == 2 and "not valid TOML" in run.err
    write(tmp_path, "pyproject.toml", '[tool.keras_lint]\nselect = ["KRS"]\n')
    run = run_cli(["check", "--no-cache", "model.py"], cwd=str(tmp_path))
    assert run.code == 2 and "the table is called [tool.keras-lint]" in run.err


def test_show_settings(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.keras-lint]\nextend-select = ["KRS010"]\ntarget-keras = "2"\n'
                                      '[tool.keras-lint.per-file-ignores]\n"tests/*" = ["KRS101"]\n'
                                      '[tool.keras-lint.options.unknown-identifier]\nallowed-names = ["lecun_normal2"]\n')
    run = run_cli(["check", "--show-settings"], cwd=str(tmp_path))
    assert run.code == 0, run.err
    assert f"# Settings from: {tmp_path / 'pyproject.toml'}" in run.out
    assert 'extend-select = ["KRS010"]' in run.out
    assert 'target-keras = "2"' in run.out
    assert '"tests/*" = ["KRS101"]' in run.out
    assert "[tool.keras-lint.options.KRS102]" in run.out and 'allowed-names = ["lecun_normal2"]' in run.out
    assert "#   KRS010 unused-noqa (warning)" in run.out
    assert "#   KRS101 int-shape (error)" in run.out
    # The command line applies on top.
    run = run_cli(["check", "--show-settings", "--select", "KRS2", "--target-keras", "3"], cwd=str(tmp_path))
    assert 'select = ["KRS2"]' in run.out and 'target-keras = "3"' in run.out
    assert "#   KRS101 int-shape" not in run.out.split("# Not enabled")[0]


def test_per_file_ignores_are_relative_to_the_configuration(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.keras-lint.per-file-ignores]\n"tests/*" = ["KRS101"]\n')
    write(tmp_path, "tests/test_model.py", INT_SHAPE)
    write(tmp_path, "src/model.py", INT_SHAPE)
    for cwd in (tmp_path, tmp_path / "src"):
        run = run_cli(["check", "--no-cache", "--format", "json", str(tmp_path)], cwd=str(cwd))
        assert [code for _, code in codes(run)] == ["KRS101"]
        assert codes(run)[0][0] in ("src/model.py", "model.py")
    run = run_cli(["check", "--no-cache", "--format", "json", "--per-file-ignores", "src/*:KRS1", "."], cwd=str(tmp_path))
    assert codes(run) == []


def test_rule_options_are_read_and_applied(tmp_path):
    write(tmp_path, "model.py", TYPO)
    run = run_cli(["check", "--no-cache", "--format", "json", "model.py"], cwd=str(tmp_path))
    assert codes(run) == [("model.py", "KRS102")]
    # By code or by rule name.
    for key in ("KRS102", "unknown-identifier"):
        write(tmp_path, "pyproject.toml", f'[tool.keras-lint.options.{key}]\nallowed-names = ["lecun_normal2"]\n')
        run = run_cli(["check", "--no-cache", "--format", "json", "model.py"], cwd=str(tmp_path))
        assert codes(run) == [], run.err


def test_opinionated_rules_need_to_be_named(tmp_path):
    write(tmp_path, "model.py", "import keras\nlayer = keras.layers.Dense(4)  # noqa: KRS101\n")
    assert run_cli(["check", "--no-cache", "model.py"], cwd=str(tmp_path)).code == 0
    assert run_cli(["check", "--no-cache", "--select", "ALL", "model.py"], cwd=str(tmp_path)).code == 0
    write(tmp_path, "pyproject.toml", '[tool.keras-lint]\nextend-select = ["KRS010"]\n')
    run = run_cli(["check", "--no-cache", "model.py"], cwd=str(tmp_path))
    assert run.code == 1 and "KRS010" in run.out


def test_extend_unsafe_fixes_keeps_fix_from_applying_them(tmp_path):
    path = write(tmp_path, "model.py", INT_SHAPE)
    write(tmp_path, "pyproject.toml", '[tool.keras-lint]\nextend-unsafe-fixes = ["KRS101"]\n')
    run = run_cli(["fix", "--no-cache", "--format", "json", "model.py"], cwd=str(tmp_path))
    assert run.code == 1
    assert json.loads(run.out)[0]["fix"]["applicability"] == "unsafe"
    assert open(path).read() == INT_SHAPE
    # unsafe-fixes = true in the configuration applies them; --no-unsafe-fixes overrides it.
    write(tmp_path, "pyproject.toml", '[tool.keras-lint]\nextend-unsafe-fixes = ["KRS101"]\nunsafe-fixes = true\n')
    assert run_cli(["fix", "--no-cache", "--no-unsafe-fixes", "model.py"], cwd=str(tmp_path)).code == 1
    assert run_cli(["fix", "--no-cache", "model.py"], cwd=str(tmp_path)).code == 0
    assert "input_shape=(12,)" in open(path).read()


def test_config_and_isolated_flags(tmp_path):
    write(tmp_path, "model.py", INT_SHAPE)
    write(tmp_path, "pyproject.toml", '[tool.keras-lint]\nignore = ["KRS101"]\n')
    write(tmp_path, "other/pyproject.toml", '[tool.keras-lint]\nselect = ["KRS101"]\n')
    assert run_cli(["check", "--no-cache", "model.py"], cwd=str(tmp_path)).code == 0
    assert run_cli(["check", "--no-cache", "--isolated", "model.py"], cwd=str(tmp_path)).code == 1
    assert run_cli(["check", "--no-cache", "--config", "other/pyproject.toml", "model.py"], cwd=str(tmp_path)).code == 1
    run = run_cli(["check", "--no-cache", "--config", "missing.toml", "model.py"], cwd=str(tmp_path))
    assert run.code == 2 and "no such file" in run.err


def test_the_same_settings_object_serves_every_front_end():
    settings = configuration_from_table({"extend-unsafe-fixes": ["KRS1"], "extend-safe-fixes": ["KRS102"]}).settings
    assert settings.fix_applicability("KRS101", Applicability.SAFE) is Applicability.UNSAFE
    assert settings.fix_applicability("KRS102", Applicability.UNSAFE) is Applicability.UNSAFE  # unsafe wins
    assert settings.fix_applicability("KRS201", Applicability.SAFE) is Applicability.SAFE
    with pytest.raises(ConfigError):
        configuration_from_table({"select": [1]})


def test_resolver_caches_per_folder(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.keras-lint]\ntarget-keras = "2"\n')
    resolver = ConfigResolver()
    first = resolver.settings_for(str(tmp_path / "a.py"))
    assert first.target_keras == "2" and first.root == str(tmp_path)
    assert resolver.settings_for(str(tmp_path / "b.py")) is first
