"""Documentation generated from the rules themselves: `keras-lint rule`, docs/rules/*.md and
the README's rule table. Run `python scripts/generate_docs.py` after changing a rule; a test
fails when the committed docs differ from what the rules say."""

from __future__ import annotations

import json

from keras_lint.rules import all_rules
from keras_lint.rules.base import Invalid, Rule, Valid

FIX_WORDS = {None: "none", "safe": "safe", "unsafe": "unsafe", "display-only": "display-only"}


def fix_label(rule: type[Rule]) -> str:
    return FIX_WORDS[rule.fix.value if rule.fix is not None else None]


def render_rule_markdown(rule: type[Rule]) -> str:
    lines = [f"# {rule.code} `{rule.name}`", "", f"**{rule.summary}**", ""]
    lines.append(f"Family: {rule.family}. Severity: {rule.severity}. Fix: {fix_label(rule)}. "
                 f"{'Enabled by default' if rule.default_enabled else 'Off by default (enable with `extend-select`)'}."
                 + (" Not reported with `target-keras = \"2\"`." if rule.min_target == "3" else ""))
    lines.append("")
    lines.append(rule.explanation())
    lines.append("")
    if rule.options:
        lines += ["## Options", "", f"In `[tool.keras-lint.options.{rule.code}]`:", ""]
        for option in rule.options:
            default = json.dumps(list(option.default) if isinstance(option.default, tuple) else option.default)
            lines.append(f"- `{option.name}` (default `{default}`): {option.description}")
        lines.append("")
    lines.append("## Examples from the rule's tests")
    for example in rule.examples:
        if isinstance(example, Valid):
            lines += ["", "Not reported" + (f" ({example.note})" if example.note else "") + ":", "", "```python", example.code.rstrip(), "```"]
        elif isinstance(example, Invalid):
            lines += ["", "Reported" + (f" ({example.note})" if example.note else "") + ":", "", "```python", example.code.rstrip(), "```"]
            if example.fixed is not None:
                lines += ["", "Fixed" + (f" ({example.applicability.value} fix)" if example.applicability else "") + ":", "", "```python", example.fixed.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def rule_table_markdown() -> str:
    rows = ["| Code | Name | What it finds | Fix | Default |", "| --- | --- | --- | --- | --- |"]
    for rule in all_rules():
        default = "on" if rule.default_enabled else "off"
        rows.append(f"| [{rule.code}](docs/rules/{rule.code}.md) | `{rule.name}` | {rule.summary} | {fix_label(rule)} | {default} |")
    return "\n".join(rows) + "\n"
