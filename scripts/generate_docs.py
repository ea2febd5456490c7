"""Write the documentation that is generated from the rules: docs/rules/<CODE>.md and the rule
table in README.md (between the rules-table markers). `--check` exits 1 when the committed files
differ from what the rules say (the test suite runs it)."""

from __future__ import annotations

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from keras_lint.docs import render_rule_markdown, rule_table_markdown  # noqa: E402
from keras_lint.rules import all_rules  # noqa: E402

START = "<!-- rules-table-start -->"
END = "<!-- rules-table-end -->"


def expected_files() -> dict[str, str]:
    files = {os.path.join("docs", "rules", f"{rule.code}.md"): render_rule_markdown(rule) for rule in all_rules()}
    readme_path = os.path.join(ROOT, "README.md")
    with open(readme_path, encoding="utf-8") as handle:
        readme = handle.read()
    if START not in readme or END not in readme:
        raise SystemExit("README.md lacks the rules-table markers")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    files["README.md"] = f"{head}{START}\n{rule_table_markdown()}{END}{tail}"
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = []
    expected = expected_files()
    for relative, content in expected.items():
        path = os.path.join(ROOT, relative)
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if current != content:
            stale.append(relative)
            if not args.check:
                os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(content)
    rules_dir = os.path.join(ROOT, "docs", "rules")
    for name in sorted(os.listdir(rules_dir)) if os.path.isdir(rules_dir) else []:
        if os.path.join("docs", "rules", name) not in expected:
            stale.append(os.path.join("docs", "rules", name))
            if not args.check:
                os.remove(os.path.join(rules_dir, name))
    if args.check and stale:
        print("out of date (run python scripts/generate_docs.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
