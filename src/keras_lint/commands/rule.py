"""`keras-lint rule`: a rule's documentation."""

from __future__ import annotations

import argparse

from keras_lint.commands.common import EXIT_CLEAN, UsageError


def add_parser(commands) -> None:
    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("code", nargs="?", help="e.g. KRS101")
    rule.add_argument("--all", action="store_true", help="list every rule")
    rule.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from keras_lint.docs import render_rule_markdown
    from keras_lint.rules import all_rules, get_rule

    if args.all or not args.code:
        for rule in all_rules():
            print(f"{rule.code}  {rule.name:<32} {rule.summary}")
        return EXIT_CLEAN
    rule = get_rule(args.code)
    if rule is None:
        raise UsageError(f"unknown rule {args.code!r}; `keras-lint rule --all` lists them")
    print(render_rule_markdown(rule))
    return EXIT_CLEAN
