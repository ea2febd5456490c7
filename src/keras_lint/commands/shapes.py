"""`keras-lint shapes`: the static `model.summary()` of every model in the given files."""

from __future__ import annotations

import argparse
import json
import sys

from keras_lint.commands.common import EXIT_CLEAN, EXIT_ERROR, read_inputs, settings_from


def add_parser(commands) -> None:
    shapes = commands.add_parser(
        "shapes",
        help="print the summary (layers, output shapes, parameters) of every model, without running it",
    )
    shapes.add_argument("paths", nargs="*", metavar="PATH", help="files or folders ('-' reads standard input); default: .")
    shapes.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    shapes.add_argument("--stdin-filename", help="the name to report for code read from standard input")
    shapes.set_defaults(run=run)


class _Collector:
    """Runs with the shape rules and keeps what the interpreter found in the file."""

    code = "shapes"
    judges_suppressions = False

    def __init__(self):
        self.ctx = None
        self.extraction = None

    def check(self, ctx):
        from keras_lint.models import extraction

        self.ctx = ctx
        self.extraction = extraction(ctx)
        return []


def _shape_rules(settings, filename):
    from keras_lint.engine import enabled_rules

    return [rule for rule in enabled_rules(settings, filename) if rule.code.startswith("KRS6")]


def run(args: argparse.Namespace) -> int:
    from keras_lint.engine import lint_bytes
    from keras_lint.models.summary import render_json, render_text
    from keras_lint.reporting import concise_line

    settings = settings_from(args)
    documents: list[dict] = []
    errors: list[str] = []
    texts: list[str] = []
    for item in read_inputs(args):
        collector = _Collector()
        result = lint_bytes(item.data, item.filename, settings, rules=[collector, *_shape_rules(settings, item.filename)])
        errors.extend(result.internal_errors)
        if result.skipped or collector.extraction is None:
            if result.parse_error is not None:
                errors.append(f"{item.filename}: {result.parse_error.message}")
            continue
        ctx, found = collector.ctx, collector.extraction
        for model in found.models:
            line = ctx.lines.position(ctx.span(model.call.node)[0])[0] if model.call is not None else 1
            if args.format == "json":
                documents.append(render_json(model, item.filename, line))
            else:
                where = f"{item.filename}:{line}" + (f", built in {model.unit.name}()" if model.unit.name else "")
                texts.append(render_text(model, where))
        if args.format == "text":
            shape_findings = [f for f in result.findings if f.code.startswith("KRS6")]
            if shape_findings:
                texts.append("\n".join(concise_line(f) for f in shape_findings))
    if args.format == "json":
        print(json.dumps(documents, indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(texts) if texts else "No Keras models found.")
    for error in errors:
        print(f"keras-lint: {error}", file=sys.stderr)
    return EXIT_ERROR if errors else EXIT_CLEAN
