"""What a rule is: its code, its words, its examples and its check.

A rule is one class. Its docstring is its documentation (the sections `## What it does`,
`## Why is this bad?`, `## Example`, `## Use instead`, `## Fix safety`); its `examples` are its
tests: the test suite, the rule pages in docs/ and the README table are generated from these
attributes, so a rule cannot exist without them.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

from keras_lint.diagnostics import Applicability, Edit, Finding, Fix

if TYPE_CHECKING:
    from keras_lint.context import Context

DOCS_BASE_URL = "https://github.com/keras-lint/keras-lint/blob/main/docs/rules"


# -- what Keras 3 does with the invalid example (checked in real TensorFlow by the tests) -------


@dataclass(frozen=True)
class Raises:
    """Running the code under TF 2.21 / Keras 3 raises an exception whose text contains
    `fragment`. `stage` says when: construction, build, compile or fit."""

    fragment: str
    stage: str = "construction"


@dataclass(frozen=True)
class Warns:
    fragment: str


@dataclass(frozen=True)
class Silent:
    """Keras 3 runs the code without complaint; `check` is a Python expression over the
    executed code's names that shows what it silently did (it must be true)."""

    check: str


KerasBehaviour = Raises | Warns | Silent

# How a finding is shown by default (JSON, SARIF, GitHub annotations, the language server).
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Option:
    """A per-rule setting, read from `[tool.keras-lint.options.<CODE>]` and validated against
    its default's type (a list of strings, a bool, an int or a string)."""

    name: str  # kebab-case key
    default: object
    description: str


@dataclass(frozen=True)
class Valid:
    code: str
    note: str = ""
    # False when the snippet cannot run in a test (it needs data, other packages, ...).
    runnable: bool = True
    # Options for the rule while checking this example, e.g. {"target-keras": "2"}.
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    code: str
    # The whole text after `keras-lint fix --unsafe-fixes` restricted to this rule;
    # None when the rule offers no applicable fix for this case.
    fixed: str | None = None
    # A fragment every finding's message for this example must contain.
    message: str | None = None
    count: int = 1
    keras: KerasBehaviour | None = None
    # A Python expression over the executed *fixed* code that must be true (e.g. the fixed
    # layer's config has the Keras 1 meaning).
    fixed_check: str | None = None
    # The applicability every fix for this example must have (None: not checked).
    applicability: Applicability | None = None
    # False when the snippet needs names it does not define (it is then only linted).
    runnable: bool = True
    note: str = ""
    settings: dict = field(default_factory=dict)


def dedent(code: str) -> str:
    return textwrap.dedent(code).lstrip("\n")


class Rule:
    """Base class. Subclasses set the class attributes and implement `check`."""

    code: ClassVar[str]
    name: ClassVar[str]  # kebab-case, says what is wrong: "int-shape"
    summary: ClassVar[str]  # one line for tables: "A shape written as an int instead of a tuple"
    family: ClassVar[str]
    fix: ClassVar[Applicability | None] = None  # the applicability its fixes usually have
    default_enabled: ClassVar[bool] = True
    # Which Keras versions the problem exists in: a rule about code that Keras 2 accepts sets
    # min_target = "3" so that `target-keras = "2"` silences it.
    min_target: ClassVar[str] = "2"
    examples: ClassVar[tuple[Valid | Invalid, ...]] = ()
    # "error", "warning" or "info". A rule that does not set it gets "error" when one of its
    # invalid examples makes Keras 3 raise (`keras=Raises(...)`), "warning" otherwise.
    severity: ClassVar[str] = "warning"
    options: ClassVar[tuple[Option, ...]] = ()
    # True for a rule about `# noqa` comments: the engine calls its `check_suppressions` with
    # what the other rules' findings the comments silenced, instead of `check`.
    judges_suppressions: ClassVar[bool] = False
    # True when a finding rests on other code in the file (Keras 1 arguments elsewhere) that
    # other rules' fixes rewrite: `fix` then keeps reporting a finding it did not fix even once
    # its evidence is gone, so that a safe-only run does not silently lose it.
    relies_on_other_code: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "severity" not in vars(cls) and "examples" in vars(cls):
            raises = any(isinstance(e, Invalid) and isinstance(e.keras, Raises) for e in cls.examples)
            cls.severity = "error" if raises else "warning"

    # -- documentation ------------------------------------------------------------------------

    @classmethod
    def explanation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def url(cls) -> str:
        return f"{DOCS_BASE_URL}/{cls.code}.md"

    @classmethod
    def section(cls, title: str) -> str:
        match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", cls.explanation(), re.S | re.M)
        return match.group(1).strip() if match else ""

    # -- checking -----------------------------------------------------------------------------

    def check(self, ctx: Context) -> Iterable[Finding]:
        raise NotImplementedError

    def option(self, ctx: Context, name: str):
        """The value of one of this rule's `options` for the file being checked."""
        for option in self.options:
            if option.name == name:
                return ctx.settings.options_for(self.code).get(name, option.default)
        raise KeyError(f"{self.code} declares no option {name!r}")

    def finding(self, ctx: Context, node: cst.CSTNode, message: str, fix: Fix | None = None) -> Finding:
        start, end = ctx.outer_span(node)  # `(12)`, not `12`
        return Finding(code=self.code, message=message, start=start, end=end, fix=fix)

    def make_fix(self, message: str, edits: Iterable[Edit], applicability: Applicability | None = None) -> Fix:
        return Fix(message=message, edits=tuple(edits), applicability=applicability or self.fix or Applicability.DISPLAY_ONLY)


def iter_examples(rule: type[Rule]) -> Iterator[tuple[str, Valid | Invalid]]:
    for index, example in enumerate(rule.examples):
        kind = "valid" if isinstance(example, Valid) else "invalid"
        yield f"{rule.code}-{kind}-{index}", example
