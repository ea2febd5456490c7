"""The result cache: a file's findings, keyed by its content, its settings and keras-lint itself.

Layout (as ruff's): `.keras_lint_cache/` next to the configuration of the working directory (or
in it), with a `.gitignore` that ignores everything and a `CACHEDIR.TAG` so that backup tools
skip it; inside, one folder per keras-lint version holding one JSON file of results. An entry is
used only when the file's bytes hash the same, its settings fingerprint is the same and the
installed keras-lint is the same (version plus the sizes and times of its own files, so an
editable install that changed a rule does not reuse stale results). Anything unreadable is
treated as a miss; a cache that cannot be written is skipped silently: it only saves time.

Nothing here imports LibCST: a run where every file is cached never loads the rules.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile

from keras_lint import __version__
from keras_lint.diagnostics import Applicability, Edit, Finding, Fix

CACHE_DIR_NAME = ".keras_lint_cache"
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by keras-lint.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)
_FORMAT = 1


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_PACKAGE_FINGERPRINT: str | None = None


def package_fingerprint() -> str:
    """keras-lint's version plus the size and modification time of each of its files."""
    global _PACKAGE_FINGERPRINT
    if _PACKAGE_FINGERPRINT is None:
        package = os.path.dirname(os.path.abspath(__file__))
        digest = hashlib.blake2b(f"{__version__}:{_FORMAT}".encode(), digest_size=12)
        for root, dirs, files in os.walk(package):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".json", ".toml")):
                    stat = os.stat(os.path.join(root, name))
                    digest.update(f"{os.path.relpath(os.path.join(root, name), package)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
        _PACKAGE_FINGERPRINT = digest.hexdigest()
    return _PACKAGE_FINGERPRINT


class ResultCache:
    def __init__(self, directory: str):
        self.directory = os.path.abspath(directory)
        self.folder = os.path.join(self.directory, __version__)
        self.path = os.path.join(self.folder, "results.json")
        self._entries: dict[str, list] | None = None
        self._validated: set[str] | None = None
        self._dirty = False

    # -- reading ------------------------------------------------------------------------------

    def _load(self) -> None:
        if self._entries is not None:
            return
        self._entries, self._validated = {}, set()
        try:
            with open(self.path, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, ValueError):
            return
        if not isinstance(document, dict) or document.get("package") != package_fingerprint():
            return
        entries = document.get("entries")
        if isinstance(entries, dict):
            self._entries = entries
        validated = document.get("validated-settings")
        if isinstance(validated, list):
            self._validated = set(validated)

    @staticmethod
    def key(path: str) -> str:
        return os.path.normcase(os.path.abspath(path))

    def get(self, path: str, digest: str, settings_fingerprint: str, respect_noqa: bool) -> list[Finding] | None:
        """The cached findings of a file, or None."""
        self._load()
        entry = self._entries.get(self.key(path))
        if not isinstance(entry, list) or len(entry) != 4:
            return None
        if entry[0] != digest or entry[1] != settings_fingerprint or entry[2] != respect_noqa:
            return None
        try:
            return [_finding_from_json(item) for item in entry[3]]
        except (KeyError, TypeError, ValueError):
            return None

    def settings_validated(self, settings_fingerprint: str) -> bool:
        self._load()
        return settings_fingerprint in self._validated

    # -- writing ------------------------------------------------------------------------------

    def put(self, path: str, digest: str, settings_fingerprint: str, respect_noqa: bool, findings: list[Finding]) -> None:
        self._load()
        try:
            encoded = [_finding_to_json(finding) for finding in findings]
            json.dumps(encoded)
        except (TypeError, ValueError):
            return  # something in `extra` is not JSON: do not cache this file
        entry = [digest, settings_fingerprint, respect_noqa, encoded]
        key = self.key(path)
        if self._entries.get(key) != entry:
            self._entries[key] = entry
            self._dirty = True

    def mark_validated(self, settings_fingerprint: str) -> None:
        self._load()
        if settings_fingerprint not in self._validated:
            self._validated.add(settings_fingerprint)
            self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        try:
            self._prepare_directory()
            # Entries of files that are gone are dropped.
            entries = {key: value for key, value in self._entries.items() if os.path.exists(key)}
            document = {"package": package_fingerprint(), "validated-settings": sorted(self._validated), "entries": entries}
            fd, tmp = tempfile.mkstemp(prefix="results-", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(document, handle, separators=(",", ":"))
                os.replace(tmp, self.path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
            self._dirty = False
        except OSError:
            pass  # read-only checkout, full disk: the cache only saves time

    def _prepare_directory(self) -> None:
        os.makedirs(self.folder, exist_ok=True)
        gitignore = os.path.join(self.directory, ".gitignore")
        if not os.path.exists(gitignore):
            with open(gitignore, "w", encoding="utf-8") as handle:
                handle.write("# Automatically created by keras-lint.\n*\n")
        tag = os.path.join(self.directory, "CACHEDIR.TAG")
        if not os.path.exists(tag):
            with open(tag, "w", encoding="utf-8") as handle:
                handle.write(CACHEDIR_TAG)


def _finding_to_json(finding: Finding) -> dict:
    data = {
        "code": finding.code, "message": finding.message, "start": finding.start, "end": finding.end,
        "row": finding.row, "column": finding.column, "end_row": finding.end_row, "end_column": finding.end_column,
    }
    if finding.fix is not None:
        data["fix"] = {
            "message": finding.fix.message,
            "applicability": finding.fix.applicability.value,
            "edits": [[edit.start, edit.end, edit.content] for edit in finding.fix.edits],
        }
    if finding.extra:
        data["extra"] = finding.extra
    return data


def _finding_from_json(data: dict) -> Finding:
    fix = None
    if "fix" in data:
        raw = data["fix"]
        fix = Fix(raw["message"], tuple(Edit(int(s), int(e), str(c)) for s, e, c in raw["edits"]), Applicability(raw["applicability"]))
    return Finding(
        code=data["code"], message=data["message"], start=data["start"], end=data["end"], fix=fix,
        row=data["row"], column=data["column"], end_row=data["end_row"], end_column=data["end_column"],
        extra=dict(data.get("extra", {})),
    )
