""".gitignore matching, as git does it (gitignore(5)), without a dependency or a subprocess.

A pattern without a slash (other than a trailing one) matches a name at any depth below its
.gitignore; one with a slash is anchored to the .gitignore's folder; `*`, `?` and `[...]` never
match `/`; `**/`, `/**` and `/**/` match any number of folders; a trailing `/` matches folders
only; `!` re-includes; the last matching pattern wins, and patterns of a deeper .gitignore come
after those of the folders above. A file inside an ignored folder cannot be re-included: the
walk never enters the folder. tests/test_gitignore.py compares the answers with
`git check-ignore`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

_POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "blank": " \\t", "digit": "0-9", "lower": "a-z",
    "upper": "A-Z", "space": " \\t\\n\\r\\f\\v", "xdigit": "0-9A-Fa-f", "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
}


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern
    negated: bool
    directory_only: bool
    text: str


def parse_line(line: str) -> Pattern | None:
    line = line.rstrip("\n").rstrip("\r")
    if not line or line.startswith("#"):
        return None
    # Trailing spaces are dropped unless escaped with a backslash.
    stripped = line.rstrip(" ")
    if stripped != line and stripped.endswith("\\"):
        stripped += " "
    line = stripped
    if not line:
        return None
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    elif line.startswith("\\!") or line.startswith("\\#"):
        line = line[1:]
    directory_only = line.endswith("/") and not line.endswith("\\/")
    if directory_only:
        line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    if line.startswith("/"):
        line = line[1:]
    body = _translate(line)
    if not anchored:
        body = "(?:.*/)?" + body
    return Pattern(re.compile(body + r"\Z", re.DOTALL), negated, directory_only, line)


def _translate(pattern: str) -> str:
    out: list[str] = []
    segments = pattern.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            if index == 0 and not last:
                out.append("(?:.*/)?")  # leading **/: any number of folders, or none
            elif last and index > 0:
                out.append(".+")  # trailing /**: everything inside
            elif last:
                out.append(".*")
            else:
                out.append("(?:.*/)?")  # /**/: zero or more folders
            continue
        out.append(_translate_segment(segment))
        if not last:
            out.append("/")
    return "".join(out)


def _translate_segment(segment: str) -> str:
    out: list[str] = []
    i, n = 0, len(segment)
    while i < n:
        char = segment[i]
        if char == "\\" and i + 1 < n:
            out.append(re.escape(segment[i + 1]))
            i += 2
            continue
        if char == "*":
            while i + 1 < n and segment[i + 1] == "*":
                i += 1
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            translated, i = _bracket(segment, i)
            out.append(translated)
            continue
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def _bracket(segment: str, start: int) -> tuple[str, int]:
    """A `[...]` class starting at `start`: (regex, index after it); a lone `[` is literal."""
    i = start + 1
    negate = i < len(segment) and segment[i] in "!^"
    if negate:
        i += 1
    parts: list[str] = []
    first = True
    while i < len(segment):
        char = segment[i]
        if char == "]" and not first:
            body = "".join(parts)
            return (f"[^/{body}]" if negate else f"[{body}]"), i + 1
        first = False
        if char == "[" and segment.startswith("[:", i):
            end = segment.find(":]", i + 2)
            if end != -1 and segment[i + 2 : end] in _POSIX_CLASSES:
                parts.append(_POSIX_CLASSES[segment[i + 2 : end]])
                i = end + 2
                continue
        if char == "\\" and i + 1 < len(segment):
            parts.append(re.escape(segment[i + 1]))
            i += 2
            continue
        if char == "-" and parts and i + 1 < len(segment) and segment[i + 1] != "]":
            parts.append("-")
        else:
            parts.append(re.escape(char) if char not in "-" else "\\-")
        i += 1
    return re.escape("["), start + 1


class IgnoreFile:
    """The patterns of one .gitignore (or info/exclude), relative to `base`."""

    def __init__(self, base: str, lines: list[str]):
        self.base = base
        self.patterns = [p for p in (parse_line(line) for line in lines) if p is not None]

    @classmethod
    def read(cls, path: str, base: str) -> IgnoreFile | None:
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as handle:
                return cls(base, handle.read().splitlines())
        except OSError:
            return None

    def match(self, path: str, is_dir: bool) -> bool | None:
        """True: ignored, False: re-included, None: no pattern says anything."""
        relative = os.path.relpath(path, self.base).replace(os.sep, "/")
        if relative.startswith(".."):
            return None
        verdict = None
        for pattern in self.patterns:
            if pattern.directory_only and not is_dir:
                continue
            if pattern.regex.match(relative):
                verdict = not pattern.negated
        return verdict


def repository_root(path: str) -> str | None:
    folder = os.path.abspath(path)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


class GitIgnore:
    """Answers "is this path ignored?" for paths met while walking folders. Within a git
    repository, the .gitignore files from the repository root down and `.git/info/exclude`
    count; outside one, the .gitignore files from the walked folder down."""

    def __init__(self) -> None:
        self._files: dict[str, IgnoreFile | None] = {}
        self._chains: dict[str, tuple[IgnoreFile, ...]] = {}

    def _file(self, folder: str) -> IgnoreFile | None:
        if folder not in self._files:
            self._files[folder] = IgnoreFile.read(os.path.join(folder, ".gitignore"), folder)
        return self._files[folder]

    def _chain(self, folder: str, top: str) -> tuple[IgnoreFile, ...]:
        """The ignore files that apply inside `folder`, outermost first."""
        key = folder
        if key in self._chains:
            return self._chains[key]
        parent = os.path.dirname(folder)
        if folder == top or parent == folder:
            chain: tuple[IgnoreFile, ...] = ()
            root = repository_root(folder)
            if root is not None:
                # From the repository root down to `folder`.
                chain = self._chain_from_root(root, folder)
            else:
                own = self._file(folder)
                chain = (own,) if own else ()
        else:
            own = self._file(folder)
            chain = self._chain(parent, top) + ((own,) if own else ())
        self._chains[key] = chain
        return chain

    def _chain_from_root(self, root: str, folder: str) -> tuple[IgnoreFile, ...]:
        chain: list[IgnoreFile] = []
        info = os.path.join(root, ".git", "info", "exclude")
        if os.path.isfile(info):
            exclude = IgnoreFile.read(info, root)
            if exclude:
                chain.append(exclude)
        relative = os.path.relpath(folder, root)
        current = root
        for part in [] if relative == "." else relative.split(os.sep):
            own = self._file(current)
            if own:
                chain.append(own)
            current = os.path.join(current, part)
        own = self._file(current)
        if own:
            chain.append(own)
        return tuple(chain)

    def ignored(self, path: str, is_dir: bool, top: str) -> bool:
        """Whether git ignores `path`, met while walking from `top`."""
        path = os.path.abspath(path)
        verdict = None
        for ignore_file in self._chain(os.path.dirname(path), os.path.abspath(top)):
            answer = ignore_file.match(path, is_dir)
            if answer is not None:
                verdict = answer
        return bool(verdict)
