"""Files keras-lint cannot analyse. The engine produces these findings itself (the rules' `check`
never runs); they are rules so that they can be documented, selected and ignored like any other.
The flake8 plugin never reports them: flake8 reports E999/E902 for such files itself."""

from __future__ import annotations

from keras_lint.rules.base import Invalid, Rule, Valid


class SyntaxErrorRule(Rule):
    """## What it does
    Reports a file that mentions Keras but is not valid Python 3 source: a syntax error,
    Python 2 code (`print "x"`, `except Exception, e:`), or bytes that do not decode in the
    file's declared encoding. The message gives Python's own error and its position.

    ## Why is this bad?
    keras-lint cannot analyse the file, so a clean run would hide that nothing was checked.
    Old Keras tutorials are often Python 2.

    ## Example
    ```python
    import keras
    print "model built"
    ```

    ## Use instead
    ```python
    import keras
    print("model built")
    ```
    """

    code = "KRS001"
    name = "syntax-error"
    severity = "error"  # the file cannot run at all
    summary = "The file is not valid Python 3 (syntax error, Python 2, undecodable bytes)"
    family = "Files"
    examples = (
        Valid("import keras\nprint('ok')\n"),
        Invalid("import keras\nprint 'model built'\n", message="Python 2", runnable=False),
        Invalid("import keras\nmodel = keras.Sequential([\n", message="SyntaxError", runnable=False),
    )

    def check(self, ctx):
        return ()


class UnparsableRule(Rule):
    """## What it does
    Reports a file that Python accepts but LibCST, the parser keras-lint is built on, cannot
    parse (or one nested too deeply to analyse). The file is skipped.

    ## Why is this bad?
    Nothing in the file was checked. The report keeps that visible instead of passing silently;
    ignore the code for such files if you accept it.

    ## Example
    ```python
    import keras
    x = () if 0 else(lambda:())  # valid Python; LibCST 1.9 raises TypeError (LibCST issue #1061)
    ```
    """

    code = "KRS002"
    name = "unparsable-file"
    summary = "Python accepts the file but LibCST cannot parse it; it was skipped"
    family = "Files"
    examples = (
        Valid("import keras\nx = ((((1))))\n"),
        Invalid("import keras\nx = () if 0 else(lambda:())\n", message="LibCST cannot parse it", runnable=False),
    )

    def check(self, ctx):
        return ()
