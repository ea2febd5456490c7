"""Small helpers shared by the tests: lint or fix a snippet with chosen rules."""

from __future__ import annotations

from keras_lint.engine import lint_text
from keras_lint.fixer import fix_text
from keras_lint.settings import Settings


def settings_for(options: dict | None = None) -> Settings:
    options = options or {}
    return Settings(target_keras=options.get("target-keras", "3"))


def lint(code: str, rule=None, options: dict | None = None, filename: str = "example.py"):
    rules = [rule()] if rule is not None else None
    return lint_text(code, filename, settings_for(options), rules=rules)


def fix(code: str, rule=None, unsafe: bool = True, options: dict | None = None, filename: str = "example.py"):
    rules = [rule()] if rule is not None else None
    return fix_text(code, filename, settings_for(options), unsafe=unsafe, rules=rules)
