"""Shapes written as literals: the int-instead-of-tuple mistake."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.diagnostics import Applicability, Edit, Finding
from keras_lint.rules.base import Invalid, Raises, Rule, Valid, dedent

# Keyword arguments that take a shape on every Keras layer (through Layer.__init__).
_LAYER_SHAPE_KEYWORDS = ("input_shape", "batch_input_shape", "batch_shape")

# Callee -> the shape parameters it takes, as (keyword, position or None).
_SHAPE_PARAMETERS: dict[str, tuple[tuple[str, int | None], ...]] = {
    "keras.layers.Input": (("shape", 0), ("batch_shape", None)),
    "keras.Input": (("shape", 0), ("batch_shape", None)),
    "keras.layers.InputLayer": (("shape", 0), ("input_shape", None), ("batch_shape", None), ("batch_input_shape", None)),
    "keras.layers.Reshape": (("target_shape", 0),),
}


class IntShape(Rule):
    """## What it does
    Finds shapes written as a plain int where Keras expects a tuple: `input_shape=(12)`,
    `input_shape=12`, `Input((784))`, `shape=(784)`, `batch_shape=...`, `Reshape((12))`,
    `target_shape=...`, also when the int comes through a name (`shape = (12)`) or a default
    parameter value (`def build(input_size=(256))`).

    ## Why is this bad?
    Parentheses alone do not make a tuple: `(12)` is the int 12. A one-dimensional shape needs
    a trailing comma, `(12,)`. Keras 3 rejects the int with the unhelpful
    `ValueError: Cannot convert '12' to a shape.` (`Reshape` fails with
    `TypeError: 'int' object is not iterable`), and `(None)` is just `None`, which Keras reads as
    "no shape given".

    ## Example
    ```python
    model = keras.Sequential([layers.Reshape((3, 4), input_shape=(12))])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([layers.Reshape((3, 4), input_shape=(12,))])
    ```

    ## Fix safety
    Adding the comma is safe: it builds exactly the tuple the code meant. When the int comes
    through a name that is also used for something other than a Keras shape (say
    `range(n)`), the fix changes that use too, so it is unsafe. `(None)` becomes `(None,)` (a
    variable-length vector), which is likely but not certain to be what was meant: unsafe.
    """

    code = "KRS101"
    name = "int-shape"
    summary = "A shape written as an int instead of a tuple: `(12)` is not `(12,)`"
    family = "Arguments"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import keras
            from keras import layers
            model = keras.Sequential([layers.Input((12,)), layers.Reshape((3, 4))])
            """)),
        Valid(dedent("""
            import numpy as np
            import keras
            x = np.zeros((12))  # NumPy accepts an int shape: not Keras
            inputs = keras.Input(shape=(12,))
            """)),
        Valid(dedent("""
            import keras
            def build(input_size=(256, 256, 1)):
                return keras.Input(input_size)
            """)),
        Invalid(
            dedent("""
                import keras
                from keras.layers import Dense, Reshape
                model = keras.Sequential([Reshape((3, 4), input_shape=(12))])
                """),
            fixed=dedent("""
                import keras
                from keras.layers import Dense, Reshape
                model = keras.Sequential([Reshape((3, 4), input_shape=(12,))])
                """),
            message="`input_shape=(12)` is the int 12, not a tuple",
            keras=Raises("Cannot convert '12' to a shape"),
            fixed_check="model.output_shape == (None, 3, 4)",
        ),
        Invalid(
            dedent("""
                import tensorflow as tf
                inputs = tf.keras.Input(shape=784)
                """),
            fixed=dedent("""
                import tensorflow as tf
                inputs = tf.keras.Input(shape=(784,))
                """),
            message="`shape=784` is the int 784, not a tuple",
            keras=Raises("Cannot convert '784' to a shape"),
            fixed_check="tuple(inputs.shape) == (None, 784)",
        ),
        Invalid(
            dedent("""
                from keras import layers
                reshape = layers.Reshape((12))
                """),
            fixed=dedent("""
                from keras import layers
                reshape = layers.Reshape((12,))
                """),
            keras=Raises("'int' object is not iterable"),
        ),
        Invalid(
            dedent("""
                import keras
                shape = (12)
                inputs = keras.Input(shape)
                """),
            fixed=dedent("""
                import keras
                shape = (12,)
                inputs = keras.Input(shape)
                """),
            message="`shape` is the int 12",
            keras=Raises("Cannot convert '12' to a shape"),
        ),
        Invalid(
            dedent("""
                import keras
                def build(n_features=(16)):
                    inputs = keras.Input(n_features)
                    return keras.Model(inputs, keras.layers.Dense(1)(inputs))
                model = build()
                """),
            fixed=dedent("""
                import keras
                def build(n_features=(16,)):
                    inputs = keras.Input(n_features)
                    return keras.Model(inputs, keras.layers.Dense(1)(inputs))
                model = build()
                """),
            message="defaults to the int 16",
            keras=Raises("Cannot convert '16' to a shape"),
            fixed_check="model.output_shape == (None, 1)",
        ),
        Invalid(
            dedent("""
                import keras
                n = (8)
                inputs = keras.Input(n)
                units = list(range(n))
                """),
            fixed=dedent("""
                import keras
                n = (8,)
                inputs = keras.Input(n)
                units = list(range(n))
                """),
            message="also used for something else",
            applicability=Applicability.UNSAFE,
            note="the name is also used as an int: only --unsafe-fixes applies it, and it would break range(n)",
            runnable=False,
        ),
        Invalid(
            dedent("""
                import keras
                inputs = keras.Input(shape=(None))
                """),
            fixed=dedent("""
                import keras
                inputs = keras.Input(shape=(None,))
                """),
            message="`shape=(None)` is just None",
            keras=Raises("You must pass a `shape` argument"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        candidates = list(self._shape_arguments(ctx))
        shape_argument_nodes = {id(arg.value) for _call, _keyword, arg in candidates}
        for call, keyword, arg in candidates:
            finding = self._check_argument(ctx, call, keyword, arg, shape_argument_nodes)
            if finding is not None:
                yield finding

    def _shape_arguments(self, ctx: Context) -> Iterator[tuple[Call, str, cst.Arg]]:
        for call in ctx.keras_calls:
            name = call.name
            parameters = next((params for path, params in _SHAPE_PARAMETERS.items() if name.is_(path)), None)
            seen: set[str] = set()
            if parameters is not None:
                for keyword, position in parameters:
                    arg = call.argument(keyword, position)
                    if arg is not None:
                        seen.add(keyword)
                        yield call, keyword, arg
            if name.module == "keras.layers" and name.name[:1].isupper():
                for keyword in _LAYER_SHAPE_KEYWORDS:
                    arg = call.keyword(keyword)
                    if arg is not None and keyword not in seen:
                        yield call, keyword, arg

    def _check_argument(self, ctx: Context, call: Call, keyword: str, arg: cst.Arg, shape_argument_nodes: set[int]) -> Finding | None:
        value = arg.value
        constant = ctx.constant(value, call.scope)
        if constant is None:
            return None
        literal = constant.node
        is_none_in_parens = constant.value is None and isinstance(literal, cst.Name) and literal.value == "None" and bool(literal.lpar)
        is_int = isinstance(constant.value, int) and not isinstance(constant.value, bool)
        if not (is_int or is_none_in_parens):
            return None
        written = f"`{keyword}={ctx.outer_source(value)}`" if arg.keyword is not None else f"`{ctx.outer_source(value)}`"
        if is_none_in_parens:
            what = f"{written} is just None, not a tuple: Keras 3 fails with \"You must pass a `shape` argument\""
        elif keyword == "target_shape":
            what = f"{written} is the int {constant.value}, not a tuple: Keras 3 fails with \"TypeError: 'int' object is not iterable\" when the layer is created"
        else:
            what = f"{written} is the int {constant.value}, not a tuple: Keras 3 fails with \"Cannot convert '{constant.value}' to a shape\""
        if constant.binding is not None:
            where = ctx.lines.position(ctx.span(literal)[0])[0]
            origin = f"{constant.binding.name}={ctx.outer_source(literal)}" if constant.from_default else f"{constant.binding.name} = {ctx.outer_source(literal)}"
            verb = "defaults to" if constant.from_default else "is"
            value_words = "just None" if is_none_in_parens else f"the int {constant.value}"
            what = (
                f"`{constant.binding.name}` {verb} {value_words} (`{origin}` on line {where}), not a tuple; "
                f"Keras 3 cannot use it as `{keyword}`"
            )
        fixed_literal = _as_tuple(ctx.outer_source(literal), literal)
        applicability = Applicability.UNSAFE if is_none_in_parens else Applicability.SAFE
        if constant.binding is not None:
            other_uses = [read for read in ctx.semantic.reads_of(constant.binding) if id(read) not in shape_argument_nodes]
            if other_uses:
                line = ctx.lines.position(ctx.span(other_uses[0])[0])[0]
                what += f"; `{constant.binding.name}` is also used for something else (line {line}), so making it a tuple changes that use too"
                applicability = Applicability.UNSAFE
        message = f"{what}. Write `{fixed_literal}`"
        fix = self.make_fix(f"Write `{fixed_literal}`", [Edit(*ctx.outer_span(literal), fixed_literal)], applicability)
        return self.finding(ctx, value, message, fix)


def _as_tuple(text: str, node: cst.BaseExpression) -> str:
    """`(12)` -> `(12,)`, `12` -> `(12,)`, `n * 2` -> `(n * 2,)`."""
    if getattr(node, "lpar", None) and text.startswith("(") and text.endswith(")"):
        return text[:-1].rstrip() + ",)"
    return f"({text},)"
