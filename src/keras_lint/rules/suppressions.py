"""`# noqa` comments that no longer suppress anything (ruff's RUF100, for keras-lint's codes)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from keras_lint.diagnostics import Applicability, Edit, Finding, Fix
from keras_lint.noqa import NOQA_INLINE, CommentDirective, NoqaIndex, comment_directives
from keras_lint.rules.base import Invalid, Rule, Valid, dedent

_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


class UnusedNoqa(Rule):
    """## What it does
    Finds keras-lint codes in `# noqa: ...` comments that silence nothing: no finding of that
    code is reported on the line any more, because the code was fixed or moved. Codes are
    case-sensitive, as in flake8, so `# noqa: krs101` is reported too: it silences nothing.

    Only keras-lint codes (`KRS...`) of rules that are enabled for the file are judged; other
    tools' codes (`E501`, `F401`) and a bare `# noqa` are left alone, since keras-lint cannot
    know what they silence. A `# noqa` written inside a string is not a comment and is never
    touched.

    This rule is off by default; enable it with `extend-select = ["KRS010"]` (or
    `--extend-select KRS010`). `--ignore-noqa` turns it off with the comments it judges.

    ## Why is this bad?
    A stale suppression hides the next real finding on that line. Removing it keeps the
    comments honest, as ruff's RUF100 does for its own codes.

    ## Example
    ```python
    layer = keras.layers.Dense(4, input_shape=(12,))  # noqa: KRS101
    ```

    ## Use instead
    ```python
    layer = keras.layers.Dense(4, input_shape=(12,))
    ```

    ## Fix safety
    Removing the unused codes is safe: other codes in the same comment stay
    (`# noqa: E501, KRS101` becomes `# noqa: E501`), and so does any text after the
    directive (`# noqa: KRS101 legacy API` becomes `# legacy API`). Upper-casing a lower-case
    code is unsafe: the comment then silences a finding that is reported today.
    """

    code = "KRS010"
    name = "unused-noqa"
    summary = "A `# noqa` comment names a keras-lint code that it no longer suppresses"
    family = "Files"
    fix = Applicability.SAFE
    default_enabled = False
    severity = "warning"
    judges_suppressions = True
    examples = (
        Valid(
            dedent("""
                import keras
                layer = keras.layers.Dense(4, input_shape=(12))  # noqa: KRS101
                """),
            note="the comment silences a real finding",
            runnable=False,
        ),
        Valid(
            dedent("""
                import keras
                layer = keras.layers.Dense(4)  # noqa: E501
                other = keras.layers.Dense(4)  # noqa
                text = "# noqa: KRS101"
                """),
            note="other tools' codes, a bare noqa and strings are not judged",
            runnable=False,
        ),
        Invalid(
            dedent("""
                import keras
                layer = keras.layers.Dense(4, input_shape=(12,))  # noqa: KRS101
                """),
            fixed=dedent("""
                import keras
                layer = keras.layers.Dense(4, input_shape=(12,))
                """),
            message="KRS101",
            runnable=False,
        ),
        Invalid(
            dedent("""
                import keras
                layer = keras.layers.Dense(4, input_shape=(12))  # noqa: E501,KRS101, KRS201 old tutorial
                """),
            fixed=dedent("""
                import keras
                layer = keras.layers.Dense(4, input_shape=(12))  # noqa: E501,KRS101 old tutorial
                """),
            message="KRS201",
            runnable=False,
            note="the used code and the other tool's code stay",
        ),
        Invalid(
            dedent("""
                import keras
                layer = keras.layers.Dense(4, input_shape=(12,))  # noqa: KRS101 legacy API
                """),
            fixed=dedent("""
                import keras
                layer = keras.layers.Dense(4, input_shape=(12,))  # legacy API
                """),
            runnable=False,
            note="the reason after the codes stays",
        ),
        Invalid(
            dedent("""
                import keras
                layer = keras.layers.Dense(4, input_shape=(12))  # noqa: krs101
                """),
            fixed=dedent("""
                import keras
                layer = keras.layers.Dense(4, input_shape=(12))  # noqa: KRS101
                """),
            message="case-sensitive",
            applicability=Applicability.UNSAFE,
            runnable=False,
            note="lower-case codes silence nothing, in flake8 either",
        ),
    )

    def check(self, ctx):
        return ()

    def check_suppressions(self, ctx, noqa: NoqaIndex, suppressed: list[Finding], judged: tuple[str, ...]) -> Iterator[Finding]:
        used: dict[int, list[str]] = {}
        for finding in suppressed:
            directive = noqa.suppresses(finding.code, finding.row)
            if directive is not True and directive:
                used.setdefault(directive.start, []).append(finding.code)
        file_codes = noqa.file_codes
        for comment in comment_directives(noqa):
            codes = comment.directive.codes
            if codes is None:
                continue
            silenced = used.get(comment.directive.start, [])
            unused, lowercase = [], []
            for code in codes:
                if any(found.startswith(code) for found in silenced):
                    continue
                upper = code.upper()
                if not upper.startswith("KRS") or not any(rule_code.startswith(upper) for rule_code in judged):
                    continue  # not ours, or a rule that did not run: we cannot tell
                if file_codes is None or (file_codes and upper.startswith(tuple(file_codes))):
                    continue  # a file-level directive silences it anyway
                (lowercase if code != upper else unused).append(code)
            if not unused and not lowercase:
                continue
            yield self._report(ctx.text, comment, unused + lowercase, lowercase)

    def _report(self, text: str, comment: CommentDirective, unused: list[str], lowercase: list[str]) -> Finding:
        listed = ", ".join(unused)
        if lowercase:
            message = (f"`# noqa: {listed}` silences nothing: codes are case-sensitive (as in flake8), write "
                       f"{', '.join(code.upper() for code in lowercase)}")
            fix = Fix(f"Write {', '.join(code.upper() for code in lowercase)}", (), Applicability.DISPLAY_ONLY)
            if len(lowercase) == len(unused):
                fix = Fix(f"Write {', '.join(code.upper() for code in lowercase)}",
                          tuple(Edit(*span, text[span[0]:span[1]].upper()) for span in _code_spans(text, comment, lowercase)),
                          Applicability.UNSAFE)
        else:
            what = "code" if len(unused) == 1 else "codes"
            message = f"`# noqa` names the {what} {listed} but nothing on this line is reported as {listed}: remove it"
            fix = Fix(f"Remove unused {listed}", (_removal(text, comment, unused),), Applicability.SAFE)
        start = comment.directive.start
        end = comment.codes_end
        return Finding(self.code, message, start, end, fix=fix)


def _code_spans(text: str, comment: CommentDirective, codes: list[str]) -> list[tuple[int, int]]:
    spans = []
    for match in _CODE.finditer(text, comment.codes_start, comment.codes_end):
        if match.group() in codes:
            spans.append(match.span())
    return spans


def _removal(text: str, comment: CommentDirective, unused: list[str]) -> Edit:
    listed = [(match.group(), match.span()) for match in _CODE.finditer(text, comment.codes_start, comment.codes_end)]
    kept = [code for code, _ in listed if code not in unused]
    if kept:
        between = text[listed[0][1][1] : listed[1][1][0]] if len(listed) > 1 else ", "
        separator = between.strip(" \t") + (" " if between.endswith(" ") else "") if between.strip(" \t") else " "
        return Edit(comment.codes_start, comment.codes_end, separator.join(kept))
    # The whole directive goes. Text after it (a reason) stays as a plain comment.
    directive_start = comment.directive.start
    match = NOQA_INLINE.match(text, directive_start, comment.comment_end)
    directive_end = match.end() if match else comment.codes_end
    rest = text[directive_end : comment.comment_end].strip()
    if rest:
        return Edit(directive_start, directive_end, "# ")
    # Nothing after it: remove it with the blanks before it (and the `#` of an outer comment's
    # separator stays: `# type: ignore  # noqa: KRS101` -> `# type: ignore`).
    start = directive_start
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    return Edit(start, comment.comment_end, "")
