"""Small helpers shared by the tests: lint or fix a snippet with chosen rules."""

from __future__ import annotations

from keras_lint.engine import lint_text
from keras_lint.fixer import fix_text
from keras_lint.settings import Settings


def settings_for(options: dict | None = None) -> Settings:
    """Settings from a `[tool.keras-lint]` table (an example's `settings=`), validated as a
    pyproject.toml would be."""
    from keras_lint.config import check_against_rules, configuration_from_table, normalise_rule_options

    settings = configuration_from_table(options or {}).settings
    check_against_rules(settings)
    return normalise_rule_options(settings)


def lint(code: str, rule=None, options: dict | None = None, filename: str = "example.py"):
    rules = [rule()] if rule is not None else None
    return lint_text(code, filename, settings_for(options), rules=rules)


def fix(code: str, rule=None, unsafe: bool = True, options: dict | None = None, filename: str = "example.py"):
    rules = [rule()] if rule is not None else None
    return fix_text(code, filename, settings_for(options), unsafe=unsafe, rules=rules)
