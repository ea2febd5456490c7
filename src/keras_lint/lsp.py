"""The keras-lint language server (`keras-lint lsp`, pygls 2.x; the optional `lsp` extra).

What an editor gets from it that flake8 cannot give: the fixes.

- Diagnostics are pushed on open and save, and on change after a short pause (debounced per
  document), with the same settings (`[tool.keras-lint]` in the nearest pyproject.toml) and the
  same `# noqa` semantics as the CLI and the flake8 plugin. Each diagnostic has the rule's doc URL
  (`codeDescription.href`), its severity, and in `data` (as ruff's server does) the fix's title,
  applicability and edits plus the edit that adds `# noqa: CODE`.
- Code actions: per diagnostic, "keras-lint (KRS101): <fix>" (preferred when the fix is safe;
  unsafe fixes are offered too, marked unsafe) and "keras-lint (KRS101): Disable for this line";
  per document, `source.fixAll.keras-lint`, which applies every safe fix (for
  `editor.codeActionsOnSave`).
- Positions are converted to the encoding the client negotiated (UTF-16 by default).

Initialization options (all optional): `{"run": "onType" | "onSave", "debounce": 0.3,
"unsafeFixes": false, "disableRuleComment": true}`.
"""

from __future__ import annotations

import asyncio
import bisect
import os
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from keras_lint import __version__
from keras_lint.diagnostics import Applicability, Finding

SOURCE = "keras-lint"
FIX_ALL_KIND = "source.fixAll.keras-lint"
DEFAULT_DEBOUNCE = 0.3
_SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
_NEWLINE = re.compile(r"\r\n|\r|\n")


class PositionMapper:
    """Offsets in a text <-> LSP positions (0-based line, character in the client's units).
    Lines end at \\r\\n, \\r or \\n only, as LSP says (not at \\f or \\u2028)."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16):
        self.text = text
        self.encoding = str(encoding)
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def _units(self, chunk: str) -> int:
        if self.encoding == "utf-8":
            return len(chunk.encode("utf-8", "surrogatepass"))
        if self.encoding == "utf-32":
            return len(chunk)
        return len(chunk) + sum(1 for char in chunk if ord(char) > 0xFFFF)

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return types.Position(line=line, character=self._units(self.text[self.starts[line] : offset]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self.starts[position.line + 1] if position.line + 1 < len(self.starts) else len(self.text)
        units = 0
        for index in range(start, end):
            if units >= position.character:
                return index
            units += self._units(self.text[index])
        return end


@dataclass
class DocumentLint:
    version: int | None
    text: str
    findings: list[Finding] = field(default_factory=list)


def uri_to_path(uri: str) -> str | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and re.match(r"^/[A-Za-z]:", path):
        path = path[1:]
    return path


class KerasLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("keras-lint", __version__)
        self.documents: dict[str, DocumentLint] = {}
        self.pending: dict[str, asyncio.Task] = {}
        self.run_on = "onType"
        self.debounce = DEFAULT_DEBOUNCE
        self.unsafe_fixes = False
        self.disable_rule_comment = True
        self._reported: set[str] = set()

    # -- settings -------------------------------------------------------------------------------

    def settings_for(self, uri: str):
        """The settings of a document (and a configuration error to show, or None). Safe to
        call from a worker thread: it sends nothing to the client."""
        from keras_lint.config import ConfigError, ConfigResolver, check_against_rules, normalise_rule_options
        from keras_lint.settings import Settings

        path = uri_to_path(uri)
        # A fresh resolver each time: an edited pyproject.toml applies at the next lint.
        try:
            settings = ConfigResolver().settings_for(path or os.path.join(os.getcwd(), "untitled.py"))
            check_against_rules(settings)
            return normalise_rule_options(settings), None
        except ConfigError as exc:
            return Settings(), str(exc)

    def report_config_error(self, message: str | None) -> None:
        if message and message not in self._reported:
            self._reported.add(message)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"keras-lint: {message}; using the defaults"))

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    # -- linting --------------------------------------------------------------------------------

    def lint(self, uri: str, text: str, version: int | None) -> tuple[DocumentLint, list[str], str | None]:
        """Lint a snapshot of a document; sends nothing (it runs in a worker thread)."""
        from keras_lint.engine import lint_text

        settings, config_error = self.settings_for(uri)
        result = lint_text(text, uri_to_path(uri) or uri, settings, respect_noqa=True)
        return DocumentLint(version, text, result.findings), result.internal_errors, config_error

    def lint_now(self, uri: str) -> DocumentLint:
        document = self.workspace.get_text_document(uri)
        state, errors, config_error = self.lint(uri, document.source, document.version)
        self._report(errors, config_error)
        return state

    def _report(self, errors: list[str], config_error: str | None) -> None:
        self.report_config_error(config_error)
        for error in errors:
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=error))

    async def lint_and_publish(self, uri: str, delay: float = 0.0) -> None:
        if delay:
            await asyncio.sleep(delay)
        document = self.workspace.get_text_document(uri)
        text, version = document.source, document.version
        loop = asyncio.get_running_loop()
        try:
            state, errors, config_error = await loop.run_in_executor(None, self.lint, uri, text, version)
        except Exception as exc:  # never take the editor session down
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=f"keras-lint: {type(exc).__name__}: {exc}"))
            return
        self._report(errors, config_error)
        current = self.workspace.get_text_document(uri)
        if current.version != state.version or current.source != state.text:
            return  # the text changed meanwhile; a newer lint is on its way
        self.documents[uri] = state
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=state.version, diagnostics=self.diagnostics(uri, state))
        )

    def schedule(self, uri: str, delay: float) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self.lint_and_publish(uri, delay))

    # -- diagnostics ----------------------------------------------------------------------------

    def diagnostics(self, uri: str, state: DocumentLint) -> list[types.Diagnostic]:
        from keras_lint.rules import get_rule

        mapper = PositionMapper(state.text, self.encoding)
        result = []
        for finding in state.findings:
            rule = get_rule(finding.code)
            data = {"code": finding.code, "version": state.version, "noqa_edit": self._noqa_edit(state, finding, mapper)}
            if finding.fix is not None:
                data["title"] = finding.fix.message
                data["applicability"] = finding.fix.applicability.value
                data["edits"] = [_edit_json(mapper, edit.start, edit.end, edit.content) for edit in finding.fix.edits]
            diagnostic = types.Diagnostic(
                range=mapper.range(finding.start, finding.end),
                message=finding.message,
                severity=_SEVERITIES.get(rule.severity if rule else "error", types.DiagnosticSeverity.Error),
                code=finding.code,
                source=SOURCE,
                code_description=types.CodeDescription(href=rule.url()) if rule else None,
                data=data,
            )
            result.append(diagnostic)
        return result

    @staticmethod
    def _noqa_edit(state: DocumentLint, finding: Finding, mapper: PositionMapper) -> dict | None:
        from keras_lint.noqa import NoqaIndex, add_noqa_edits

        edits = add_noqa_edits(NoqaIndex(state.text), {finding.row: {finding.code}})
        if not edits:
            return None
        start, end, content = edits[0]
        return _edit_json(mapper, start, end, content)

    # -- code actions ---------------------------------------------------------------------------

    def current_state(self, uri: str) -> DocumentLint | None:
        document = self.workspace.get_text_document(uri)
        state = self.documents.get(uri)
        if state is None or state.version != document.version or state.text != document.source:
            state = self.lint_now(uri)
            self.documents[uri] = state
        return state

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        state = self.current_state(uri)
        if state is None:
            return []
        only = params.context.only
        mapper = PositionMapper(state.text, self.encoding)
        actions: list[types.CodeAction] = []
        if _wanted(types.CodeActionKind.QuickFix, only):
            for diagnostic in params.context.diagnostics:
                if diagnostic.source != SOURCE:
                    continue
                finding = self._finding_for(state, diagnostic, mapper)
                if finding is None:
                    continue  # stale: the text has changed since the diagnostic was made
                actions.extend(self._quick_fixes(uri, state, finding, diagnostic, mapper))
        if _wanted(FIX_ALL_KIND, only):
            safe = [f for f in state.findings if f.fix is not None and f.fix.edits and f.fix.applicability is Applicability.SAFE]
            if safe:
                action = self._fix_all(uri, state, mapper)
                if action is not None:
                    actions.append(action)
        return actions

    @staticmethod
    def _finding_for(state: DocumentLint, diagnostic: types.Diagnostic, mapper: PositionMapper) -> Finding | None:
        for finding in state.findings:
            if finding.code == diagnostic.code and mapper.range(finding.start, finding.end) == diagnostic.range:
                return finding
        return None

    def _workspace_edit(self, uri: str, state: DocumentLint, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
        capabilities = self.client_capabilities
        document_changes = bool(capabilities.workspace and capabilities.workspace.workspace_edit and capabilities.workspace.workspace_edit.document_changes)
        if document_changes and state.version is not None:
            identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=state.version)
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=identifier, edits=edits)])
        return types.WorkspaceEdit(changes={uri: edits})

    def _quick_fixes(self, uri, state, finding, diagnostic, mapper) -> list[types.CodeAction]:
        actions = []
        fix = finding.fix
        applicable = fix is not None and fix.edits and (fix.applicability is Applicability.SAFE or fix.applicability is Applicability.UNSAFE)
        if applicable:
            edits = [types.TextEdit(range=mapper.range(e.start, e.end), new_text=e.content) for e in sorted(fix.edits)]
            unsafe = fix.applicability is Applicability.UNSAFE
            actions.append(types.CodeAction(
                title=f"{SOURCE} ({finding.code}): {fix.message}" + (" (unsafe fix: check the result)" if unsafe else ""),
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=self._workspace_edit(uri, state, edits),
                is_preferred=not unsafe,
            ))
        if self.disable_rule_comment:
            noqa = self._noqa_edit(state, finding, mapper)
            if noqa is not None:
                edit = types.TextEdit(range=_range_from_json(noqa["range"]), new_text=noqa["newText"])
                actions.append(types.CodeAction(
                    title=f"{SOURCE} ({finding.code}): Disable {finding.code} for this line",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=self._workspace_edit(uri, state, [edit]),
                ))
        return actions

    def _fix_all(self, uri: str, state: DocumentLint, mapper: PositionMapper) -> types.CodeAction | None:
        from keras_lint.fixer import fix_text

        settings, _ = self.settings_for(uri)
        outcome = fix_text(state.text, uri_to_path(uri) or uri, settings, unsafe=self.unsafe_fixes, respect_noqa=True)
        if outcome.error or not outcome.changed:
            return None
        start, end, replacement = _minimal_change(state.text, outcome.text)
        edit = types.TextEdit(range=mapper.range(start, end), new_text=replacement)
        count = len(outcome.applied)
        return types.CodeAction(
            title=f"{SOURCE}: Fix all auto-fixable problems ({count})",
            kind=FIX_ALL_KIND,
            edit=self._workspace_edit(uri, state, [edit]),
        )


def _wanted(kind: str, only: list[str] | None) -> bool:
    if not only:
        return True
    return any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def _edit_json(mapper: PositionMapper, start: int, end: int, content: str) -> dict:
    span = mapper.range(start, end)
    return {
        "range": {"start": {"line": span.start.line, "character": span.start.character},
                  "end": {"line": span.end.line, "character": span.end.character}},
        "newText": content,
    }


def _range_from_json(data: dict) -> types.Range:
    return types.Range(start=types.Position(**data["start"]), end=types.Position(**data["end"]))


def _minimal_change(before: str, after: str) -> tuple[int, int, str]:
    """One edit turning `before` into `after`: what lies between their common prefix and suffix."""
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and before[len(before) - 1 - suffix] == after[len(after) - 1 - suffix]:
        suffix += 1
    return prefix, len(before) - suffix, after[prefix : len(after) - suffix]


def create_server() -> KerasLintServer:
    server = KerasLintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: KerasLintServer, params: types.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        if options.get("run") in ("onType", "onSave"):
            ls.run_on = options["run"]
        if isinstance(options.get("debounce"), (int, float)) and not isinstance(options.get("debounce"), bool):
            ls.debounce = max(0.0, float(options["debounce"]))
        if isinstance(options.get("unsafeFixes"), bool):
            ls.unsafe_fixes = options["unsafeFixes"]
        if isinstance(options.get("disableRuleComment"), bool):
            ls.disable_rule_comment = options["disableRuleComment"]

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: KerasLintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0.0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: KerasLintServer, params: types.DidChangeTextDocumentParams) -> None:
        if ls.run_on == "onType":
            ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: KerasLintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0.0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KerasLintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.documents.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=False),
    )
    def code_action(ls: KerasLintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        try:
            return ls.code_actions(params)
        except Exception as exc:
            ls.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=f"keras-lint: {type(exc).__name__}: {exc}"))
            return []

    return server


def main() -> None:
    create_server().start_io()
