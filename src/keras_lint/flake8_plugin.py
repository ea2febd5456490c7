"""The flake8 plugin (code prefix KRS).

flake8 imports this module at start-up for every run, so it imports nothing heavy: LibCST and
the rules are imported on the first file that mentions Keras. It analyses the `lines` flake8
hands it and never re-reads `filename`, so it works on unsaved editor buffers passed on stdin
(`flake8 --stdin-display-name model.py -`). It never raises: flake8 drops every result of a run
when a plugin raises.

Settings come from `[tool.keras-lint]` in the pyproject.toml nearest to the file (as for the
CLI and the language server); flake8's own select / ignore / per-file-ignores then apply on top.
flake8 applies `# noqa` itself, with the same semantics as keras-lint; the file-level
`# keras-lint: noqa` is applied here, since flake8 does not know it. A configuration that is not
valid is reported once on standard error and the defaults are used.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from keras_lint import __version__

# The engine reports files it cannot parse as KRS001/KRS002; under flake8, E999 says it already.
_NOT_UNDER_FLAKE8 = ("KRS001", "KRS002")

_resolver = None
_prepared: dict[int, Any] = {}
_reported_config_errors: set[str] = set()


class KerasLintPlugin:
    name = "keras-lint"
    version = __version__

    def __init__(self, tree: Any, lines: list[str], filename: str = "stdin") -> None:
        self.lines = lines
        self.filename = filename

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        text = "".join(self.lines)
        if "keras" not in text:
            return
        try:
            findings = _lint(text, self.filename)
        except Exception:
            return
        for finding in findings:
            if finding.code in _NOT_UNDER_FLAKE8:
                continue
            yield finding.row, finding.column - 1, f"{finding.code} {finding.message}", type(self)


def _settings_for(filename: str):
    from keras_lint.config import ConfigError, ConfigResolver, check_against_rules, normalise_rule_options
    from keras_lint.settings import Settings

    global _resolver
    if _resolver is None:
        _resolver = ConfigResolver()
    try:
        settings = _resolver.settings_for(filename if filename not in ("stdin", "-") else ".")
        prepared = _prepared.get(id(settings))
        if prepared is None:
            check_against_rules(settings)
            prepared = _prepared[id(settings)] = normalise_rule_options(settings)
        return prepared
    except ConfigError as exc:
        message = str(exc)
        if message not in _reported_config_errors:
            _reported_config_errors.add(message)
            print(f"keras-lint: invalid configuration, using the defaults: {message}", file=sys.stderr)
        return Settings()


def _lint(text: str, filename: str) -> list:
    from keras_lint.engine import lint_text

    settings = _settings_for(filename)
    result = lint_text(text, filename, settings, respect_noqa=True, report_parse_errors=False, python_checked=True)
    # Inline `# noqa` is flake8's business (it applies the same rules, and --disable-noqa must
    # show these again): hand back what inline comments silenced. The file-level directive is ours.
    silenced_inline = [f for f in result.suppressed if f.extra.get("noqa_row", 0) != 0]
    return sorted(result.findings + silenced_inline, key=lambda f: (f.row, f.column, f.code))
