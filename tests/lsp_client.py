"""A small synchronous LSP client over stdio, for driving `keras-lint lsp` in the tests the way
an editor does: JSON-RPC with Content-Length framing, requests with ids, notifications
collected as they arrive, and edits applied with UTF-16 positions."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time


class LspClient:
    def __init__(self, cwd: str, command: list[str] | None = None):
        command = command or [sys.executable, "-m", "keras_lint", "lsp"]
        environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
        self.messages: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        self._next_id = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict, timeout: float = 30.0):
        self._next_id += 1
        request_id = self._next_id
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            message = self._get(deadline, f"a response to {method}")
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    raise AssertionError(f"{method} failed: {message['error']}")
                return message.get("result")
            self._handle(message)

    def _get(self, deadline: float, what: str) -> dict:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"timed out waiting for {what}; stderr: {self._stderr()}")
        try:
            return self.messages.get(timeout=remaining)
        except queue.Empty:
            raise AssertionError(f"timed out waiting for {what}; stderr: {self._stderr()}") from None

    def _handle(self, message: dict) -> None:
        if "method" in message and "id" in message:
            # A request from the server (e.g. workspace/configuration): answer with nothing.
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        elif "method" in message:
            self.notifications.append(message)

    def wait_for_diagnostics(self, uri: str, version: int | None = None, timeout: float = 30.0) -> list[dict]:
        """The next publishDiagnostics for `uri` (for `version`, when given)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self.notifications):
                if message["method"] == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                    if version is None or message["params"].get("version") == version:
                        del self.notifications[: index + 1]
                        return message["params"]["diagnostics"]
            self._handle(self._get(deadline, f"diagnostics for {uri}"))

    def initialize(self, root_uri: str, options: dict | None = None) -> dict:
        capabilities = {
            "general": {"positionEncodings": ["utf-16"]},
            "workspace": {"workspaceEdit": {"documentChanges": True}},
            "textDocument": {
                "publishDiagnostics": {"versionSupport": True, "codeDescriptionSupport": True, "dataSupport": True},
                "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source.fixAll"]}}},
            },
        }
        result = self.request("initialize", {"processId": os.getpid(), "rootUri": root_uri, "capabilities": capabilities,
                                             "initializationOptions": options or {}})
        self.notify("initialized", {})
        return result

    def shutdown(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                try:
                    stream.close()
                except OSError:
                    pass

    def _stderr(self) -> str:
        if self.process.poll() is None:
            return "(server still running)"
        return self.process.stderr.read().decode("utf-8", "replace")[-3000:]


# -- applying edits the way an editor does (UTF-16 positions) ----------------------------------------


def _offset(text: str, position: dict) -> int:
    lines = text.splitlines(keepends=True)
    offset = sum(len(line) for line in lines[: position["line"]])
    line = lines[position["line"]] if position["line"] < len(lines) else ""
    units = 0
    for index, char in enumerate(line):
        if units >= position["character"]:
            return offset + index
        units += 2 if ord(char) > 0xFFFF else 1
    return offset + len(line.rstrip("\r\n")) if units < position["character"] else offset + len(line)


def apply_text_edits(text: str, edits: list[dict]) -> str:
    spans = sorted(((_offset(text, e["range"]["start"]), _offset(text, e["range"]["end"]), e["newText"]) for e in edits), reverse=True)
    for start, end, new_text in spans:
        text = text[:start] + new_text + text[end:]
    return text


def workspace_edits(edit: dict, uri: str) -> list[dict]:
    if edit.get("documentChanges"):
        return [e for change in edit["documentChanges"] if change["textDocument"]["uri"] == uri for e in change["edits"]]
    return edit.get("changes", {}).get(uri, [])
