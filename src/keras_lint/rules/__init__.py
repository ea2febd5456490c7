"""The rule registry: every `Rule` subclass defined in a module of this package.

Rules of one family live in one module (`identifiers.py`, `merge.py`, ...). Adding a module is
all it takes to add rules; nothing else lists them.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re

from keras_lint.rules.base import SEVERITIES, Invalid, Rule, Valid

CODE_PATTERN = re.compile(r"^KRS\d{3}$")


@functools.cache
def all_rules() -> tuple[type[Rule], ...]:
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and "code" in vars(value):
                if value.__module__ != module.__name__:
                    continue  # imported from elsewhere
                if value.code in found and found[value.code] is not value:
                    raise RuntimeError(f"rule code {value.code} is used twice: {found[value.code].__name__} and {value.__name__}")
                found[value.code] = value
    return tuple(sorted(found.values(), key=lambda rule: rule.code))


@functools.cache
def rules_by_code() -> dict[str, type[Rule]]:
    return {rule.code: rule for rule in all_rules()}


def get_rule(code: str) -> type[Rule] | None:
    return rules_by_code().get(code.upper())


def problems_with(rule: type[Rule]) -> list[str]:
    """What makes a rule incomplete; the test suite requires this to be empty for every rule."""
    problems = []
    if not CODE_PATTERN.match(rule.code):
        problems.append(f"code {rule.code!r} is not KRS + 3 digits")
    for attribute in ("name", "summary", "family"):
        if not getattr(rule, attribute, None):
            problems.append(f"missing {attribute}")
    explanation = rule.explanation()
    for section in ("What it does", "Why is this bad?", "Example"):
        if f"## {section}" not in explanation:
            problems.append(f"explanation lacks '## {section}'")
    if rule.fix is not None and "## Fix safety" not in explanation:
        problems.append("a rule with a fix must explain its fix safety")
    if not any(isinstance(e, Valid) for e in rule.examples):
        problems.append("no valid example")
    if not any(isinstance(e, Invalid) for e in rule.examples):
        problems.append("no invalid example")
    if rule.fix is not None and not any(isinstance(e, Invalid) and e.fixed is not None for e in rule.examples):
        problems.append("a rule with a fix needs an invalid example with its fixed code")
    if rule.severity not in SEVERITIES:
        problems.append(f"severity {rule.severity!r} is not one of {', '.join(SEVERITIES)}")
    for option in rule.options:
        if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", option.name) or not option.description:
            problems.append(f"option {option.name!r} needs a kebab-case name and a description")
    return problems


__all__ = ["all_rules", "get_rule", "problems_with", "rules_by_code"]
