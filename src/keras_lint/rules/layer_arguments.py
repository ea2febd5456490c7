"""Layer arguments that Keras 2 accepted and Keras 3 warns about or rejects (catalog 2.4):
`Embedding(input_length=)`, `LeakyReLU(alpha=)`, `InputLayer(input_shape=)`,
`batch_input_shape=`, `batch_size=`, `weights=`, RNN `time_major=` and `constants=`.
`input_shape=`/`input_dim=` on other layers belong to the shape rules (KRS6xx)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.diagnostics import Applicability, Edit, Finding
from keras_lint.rules._layer_support import (
    class_word,
    disjoint,
    keras3_class_name,
    keras3_keywords,
    layer_path,
    layer_references,
    remove_argument,
    remove_arguments,
)
from keras_lint.rules.base import Invalid, Raises, Rule, Valid, Warns, dedent
from keras_lint.semantic.model import BindingKind

# class -> (Keras 2 keyword, Keras 3 keyword or None to remove it, Keras 3's warning)
_DEPRECATED = {
    "keras.layers.Embedding": ("input_length", None, "Argument `input_length` is deprecated. Just remove it."),
    "keras.layers.LeakyReLU": ("alpha", "negative_slope", "Argument `alpha` is deprecated. Use `negative_slope` instead."),
    "keras.layers.InputLayer": ("input_shape", "shape", "Argument `input_shape` is deprecated. Use `shape` instead."),
}
_RECURRENT = ("keras.layers.RNN", "keras.layers.LSTM", "keras.layers.GRU", "keras.layers.SimpleRNN", "keras.layers.ConvLSTM1D",
              "keras.layers.ConvLSTM2D", "keras.layers.ConvLSTM3D", "keras.layers.Bidirectional")
_INPUT_CLASSES = ("keras.layers.InputLayer", "keras.layers.Input")


class DeprecatedLayerArgument(Rule):
    """## What it does
    Finds the Keras 2 layer arguments that Keras 3 still accepts with a deprecation warning and
    rewrites them: `Embedding(..., input_length=n)` (removed), `LeakyReLU(alpha=a)` →
    `LeakyReLU(negative_slope=a)`, `InputLayer(input_shape=s)` → `InputLayer(shape=s)`.

    ## Why is this bad?
    Keras 3 warns ("Argument `input_length` is deprecated. Just remove it.") and the names will
    go. `Embedding(input_length=)` is worse than deprecated: Keras 3 ignores it, so a
    Sequential that starts with such an Embedding is no longer built until its first `fit`
    (`model.summary()` shows no shapes, `model.output_shape` raises).

    ## Example
    ```python
    model.add(Embedding(20000, 128, input_length=80))
    model.add(LeakyReLU(alpha=0.2))
    ```

    ## Use instead
    ```python
    model.add(Embedding(20000, 128))  # start the Sequential with keras.Input((80,)) to build it
    model.add(LeakyReLU(negative_slope=0.2))
    ```

    ## Fix safety
    Safe: Keras 3 already ignores `input_length` and maps the other two to their new names.
    LeakyReLU's default slope is still 0.3 (only the `'leaky_relu'` activation string uses 0.2).
    Not reported with `target-keras = "2"`.
    """

    code = "KRS207"
    name = "deprecated-layer-argument"
    summary = "`Embedding(input_length=)`, `LeakyReLU(alpha=)`, `InputLayer(input_shape=)`: deprecated in Keras 3"
    family = "Keras 2 layers"
    fix = Applicability.SAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            from keras.layers import Embedding, InputLayer, LeakyReLU
            embedding = Embedding(1000, 64)
            act = LeakyReLU(negative_slope=0.2)
            inputs = InputLayer(shape=(4,))
            """)),
        Valid(dedent("""
            import tensorflow as tf
            act = tf.keras.layers.LeakyReLU(alpha=0.2)
            """), settings={"target-keras": "2"}),
        Invalid(
            dedent("""
                from keras.layers import Embedding, LeakyReLU
                embedding = Embedding(1000, 64, input_length=10)
                act = LeakyReLU(alpha=0.1)
                """),
            fixed=dedent("""
                from keras.layers import Embedding, LeakyReLU
                embedding = Embedding(1000, 64)
                act = LeakyReLU(negative_slope=0.1)
                """),
            count=2,
            message="deprecated",
            keras=Warns("Argument `input_length` is deprecated. Just remove it."),
            fixed_check="act.negative_slope == 0.1",
        ),
        Invalid(
            dedent("""
                import tensorflow as tf
                model = tf.keras.Sequential([tf.keras.layers.InputLayer(input_shape=(8,)), tf.keras.layers.Dense(1)])
                """),
            fixed=dedent("""
                import tensorflow as tf
                model = tf.keras.Sequential([tf.keras.layers.InputLayer(shape=(8,)), tf.keras.layers.Dense(1)])
                """),
            keras=Warns("Argument `input_shape` is deprecated. Use `shape` instead."),
            fixed_check="model.input_shape == (None, 8)",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.settings.target_keras == "2":
            return
        for call in ctx.keras_calls:
            path = layer_path(call)
            entry = _DEPRECATED.get(path)
            if entry is None or call.has_star_args:
                continue
            keyword, new, warning = entry
            arg = call.keyword(keyword)
            if arg is None:
                continue
            word = class_word(call)
            source = ctx.outer_source(arg.value)
            if new is None:
                message = (f"`{word}(..., {keyword}={source})`: Keras 3 warns \"{warning}\" and ignores it, so a Sequential starting "
                           f"with this layer is not built before its first fit; remove it (start the model with `keras.Input(({source},))` to build it)")
                fix = self.make_fix(f"Remove `{keyword}={source}`", [remove_argument(ctx, call.node, arg)], Applicability.SAFE)
            elif call.keyword(new) is not None:
                message = f"`{word}(..., {keyword}={source})`: Keras 3 warns \"{warning}\"; `{new}` is passed too: remove `{keyword}`"
                fix = self.make_fix(f"Remove `{keyword}`", [], Applicability.DISPLAY_ONLY)
            else:
                message = f"`{word}(..., {keyword}={source})`: Keras 3 warns \"{warning}\" Write `{new}={source}`"
                fix = self.make_fix(f"Rename `{keyword}` to `{new}`", [ctx.replace(arg.keyword, new)], Applicability.SAFE)
            yield self.finding(ctx, call.node, message, fix)


class UnsupportedLayerArgument(Rule):
    """## What it does
    Finds layer arguments Keras 2 accepted and Keras 3 rejects: `batch_input_shape=` and
    `batch_size=` on a layer (not on `InputLayer`), `weights=` (except on `Embedding`), and
    `time_major=` / `constants=` on recurrent layers. On the first layer of a `Sequential`
    (the first element of `Sequential([...])`, or the first `model.add(...)` of a
    `model = Sequential()`), `batch_input_shape=(b, ...)` becomes an
    `Input(batch_shape=(b, ...))` before it (also from `batch_size=` + `input_shape=`);
    `time_major=False` (the default) is removed.

    ## Why is this bad?
    Keras 3 fails when the layer is created:
    `ValueError: Unrecognized keyword arguments passed to LSTM: {'batch_input_shape': (32, 10, 8)}`.

    ## Example
    ```python
    model = Sequential()
    model.add(LSTM(32, stateful=True, batch_input_shape=(16, 10, 8)))
    ```

    ## Use instead
    ```python
    model = Sequential()
    model.add(Input(batch_shape=(16, 10, 8)))
    model.add(LSTM(32, stateful=True))
    ```

    ## Fix safety
    The `Input` gives the model exactly the batch shape Keras 2 gave it: safe. Where the layer
    is not provably the first of a Sequential, Keras 2 ignored the argument too, but the rule
    cannot be sure, so it explains instead. `weights=` (set them with `layer.set_weights(...)`
    once the layer is built), `time_major=True` (transpose the input instead) and `constants=`
    are explained only. Not reported with `target-keras = "2"`.
    """

    code = "KRS208"
    name = "unsupported-layer-argument"
    summary = "`batch_input_shape=`, `batch_size=`, `weights=`, `time_major=`, `constants=` on a layer: rejected by Keras 3"
    family = "Keras 2 layers"
    fix = Applicability.SAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(16, 10, 8)), keras.layers.LSTM(4, stateful=True)])
            embedding = keras.layers.Embedding(3, 2, weights=[keras.ops.zeros((3, 2))])
            inputs = keras.layers.InputLayer(batch_input_shape=(None, 4))
            both_ways = keras.layers.Bidirectional(keras.layers.LSTM(2), weights=None)
            """), note="Embedding and Bidirectional take `weights`; InputLayer maps `batch_input_shape` itself"),
        Valid(dedent("""
            import tensorflow as tf
            layer = tf.keras.layers.Dense(4, batch_input_shape=(None, 8))
            """), settings={"target-keras": "2"}, runnable=False),
        Invalid(
            dedent("""
                from keras.models import Sequential
                from keras.layers import LSTM, Dense
                model = Sequential()
                model.add(LSTM(4, stateful=True, batch_input_shape=(16, 10, 8)))
                model.add(Dense(1))
                """),
            fixed=dedent("""
                from keras.models import Sequential
                from keras.layers import LSTM, Dense, Input
                model = Sequential()
                model.add(Input(batch_shape=(16, 10, 8)))
                model.add(LSTM(4, stateful=True))
                model.add(Dense(1))
                """),
            message="Input(batch_shape=(16, 10, 8))",
            keras=Raises("Unrecognized keyword arguments passed to LSTM"),
            fixed_check="model.input_shape == (16, 10, 8) and model.output_shape == (16, 1)",
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.layers.Dense(4, input_shape=(8,), batch_size=32), keras.layers.Dense(1)])
                rnn = keras.layers.GRU(4, time_major=False)
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.layers.Input(batch_shape=(32, 8)), keras.layers.Dense(4), keras.layers.Dense(1)])
                rnn = keras.layers.GRU(4)
                """),
            count=2,
            keras=Raises("Unrecognized keyword arguments passed to Dense: {'batch_size': 32}"),
            fixed_check="model.input_shape == (32, 8)",
        ),
        Invalid(
            dedent("""
                import numpy as np
                from keras.layers import Dense
                layer = Dense(2, weights=[np.ones((3, 2)), np.zeros(2)])
                """),
            fixed=None,
            message="set_weights",
            keras=Raises("Unrecognized keyword arguments passed to Dense"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.settings.target_keras == "2":
            return
        for call in ctx.keras_calls:
            path = layer_path(call)
            if path is None or path in _INPUT_CLASSES or call.name.api is None or call.has_star_args:
                continue
            accepted = keras3_keywords(path)  # Bidirectional takes `weights`, for one
            finding = self._batch_shape(ctx, call, accepted)
            if finding is not None:
                yield finding
            weights = call.keyword("weights")
            if weights is not None and "weights" not in accepted:
                yield self._weights(ctx, call, weights)
            if path in _RECURRENT:
                for keyword in ("time_major", "constants"):
                    arg = call.keyword(keyword)
                    if arg is not None and keyword not in accepted:
                        yield self._recurrent(ctx, call, arg)

    def _error(self, ctx: Context, call: Call, args: list[cst.Arg]) -> str:
        shown = ", ".join(f"'{a.keyword.value}': {ctx.outer_source(a.value)}" for a in args)
        return f"Keras 3 fails with `ValueError: Unrecognized keyword arguments passed to {keras3_class_name(call)}: {{{shown}}}`"

    def _batch_shape(self, ctx: Context, call: Call, accepted: frozenset[str]) -> Finding | None:
        batch_shape_arg = call.keyword("batch_input_shape") if "batch_input_shape" not in accepted else None
        batch_size_arg = call.keyword("batch_size") if "batch_size" not in accepted else None
        if batch_shape_arg is None and batch_size_arg is None:
            return None
        word = class_word(call)
        involved = [a for a in (batch_shape_arg, batch_size_arg) if a is not None]
        error = self._error(ctx, call, involved)
        shape_arg = call.keyword("input_shape")
        if batch_shape_arg is not None:
            batch_shape = ctx.outer_source(batch_shape_arg.value)
            removed = [batch_shape_arg] + ([batch_size_arg] if batch_size_arg is not None else [])
        elif shape_arg is not None:
            shape = ctx.constants.value(shape_arg.value, call.scope)
            if not isinstance(shape, (tuple, list)):
                batch_shape = None
            else:
                batch_shape = "(" + ", ".join([ctx.outer_source(batch_size_arg.value), *(repr(d) for d in shape)]) + ("," if not shape else "") + ")"
            removed = [batch_size_arg, shape_arg]
        else:
            batch_shape = None
            removed = []
        if batch_shape is None:
            message = f"`{word}(..., batch_size=...)`: {error}. Give the model its batch size with `keras.Input(batch_shape=(batch_size, ...))` as its first layer"
            return self.finding(ctx, call.node, message, self.make_fix("Use keras.Input(batch_shape=...)", [], Applicability.DISPLAY_ONLY))
        insertion = self._insert_input(ctx, call, batch_shape)
        advice = f"make `Input(batch_shape={batch_shape})` the model's first layer instead"
        if insertion is None:
            message = f"`{word}(..., {', '.join(f'{a.keyword.value}=...' for a in involved)})`: {error}. Keras 2 used it only on a model's first layer: {advice}"
            return self.finding(ctx, call.node, message, self.make_fix(advice, [], Applicability.DISPLAY_ONLY))
        edits = disjoint([*insertion, *remove_arguments(ctx, call.node, removed)])
        message = f"`{word}(..., {', '.join(f'{a.keyword.value}=...' for a in involved)})`: {error}. As the first layer of this Sequential, write `Input(batch_shape={batch_shape})` before it"
        if edits is None:
            return self.finding(ctx, call.node, message, self.make_fix(advice, [], Applicability.DISPLAY_ONLY))
        return self.finding(ctx, call.node, message, self.make_fix(f"Insert Input(batch_shape={batch_shape})", edits, Applicability.SAFE))

    def _insert_input(self, ctx: Context, call: Call, batch_shape: str) -> list[Edit] | None:
        """Edits that put `Input(batch_shape=...)` before the layer when it is provably the
        first layer of a Sequential."""
        place = _first_layer_position(ctx, call)
        if place is None:
            return None
        reference = layer_references(ctx, call.node.func, call.scope, ["Input"], keep_old=True)
        if reference is None:
            return None
        (input_name,), import_edits = reference
        layer = f"{input_name}(batch_shape={batch_shape})"
        kind, node = place
        if kind == "element":
            start = ctx.outer_span(call.node)[0]
            return [Edit(start, start, f"{layer}, "), *import_edits]
        add_call: Call = node
        start = ctx.span(add_call.node)[0]
        line_start = ctx.text.rfind("\n", 0, start) + 1
        indent = ctx.text[line_start:start]
        if indent.strip():
            return None
        receiver = ctx.source_of(add_call.node.func.value)
        return [Edit(line_start, line_start, f"{indent}{receiver}.add({layer}){ctx.newline}"), *import_edits]

    def _weights(self, ctx: Context, call: Call, arg: cst.Arg) -> Finding:
        word = class_word(call)
        message = (f"`{word}(..., weights=...)`: {self._error(ctx, call, [arg])}. Keras 3 takes initial weights only on Embedding: "
                   "build the layer (call it on an input, or build the model), then `layer.set_weights(...)`")
        return self.finding(ctx, call.node, message, self.make_fix("Call layer.set_weights(...) after building it", [], Applicability.DISPLAY_ONLY))

    def _recurrent(self, ctx: Context, call: Call, arg: cst.Arg) -> Finding:
        word = class_word(call)
        keyword = arg.keyword.value
        error = self._error(ctx, call, [arg])
        value = ctx.constants.value(arg.value, call.scope, default=...)
        if keyword == "time_major" and value is False:
            message = f"`{word}(..., time_major=False)`: {error}. False is how Keras 3 always reads sequences: remove it"
            return self.finding(ctx, call.node, message, self.make_fix("Remove `time_major=False`", [remove_argument(ctx, call.node, arg)], Applicability.SAFE))
        if keyword == "time_major":
            detail = "Keras 3 reads sequences batch-major, (batch, time, features): transpose the input with `keras.layers.Permute((2, 1))` or `keras.ops.transpose` first"
        else:
            detail = "Keras 3's RNN layers take no constants: compute them inside a custom cell's `call`, or concatenate them to every time step of the input"
        message = f"`{word}(..., {keyword}=...)`: {error}. {detail}"
        return self.finding(ctx, call.node, message, self.make_fix(detail, [], Applicability.DISPLAY_ONLY))


def _first_layer_position(ctx: Context, call: Call) -> tuple[str, object] | None:
    """("element", None) when the call is the first element of `Sequential([...])`;
    ("add", add_call) when it is the argument of the first `m.add(...)` of an `m = Sequential()`."""
    for sequential in ctx.calls_to("keras.Sequential", "keras.models.Sequential"):
        layers_arg = sequential.argument("layers", 0)
        if layers_arg is not None and isinstance(layers_arg.value, (cst.List, cst.Tuple)):
            elements = layers_arg.value.elements
            if elements and elements[0].value is call.node:
                return "element", None
    for add in ctx.method_calls("add"):
        first = add.positional_arg(0)
        if first is None or first.value is not call.node or len(add.node.args) != 1:
            continue
        receiver = add.node.func.value
        if not isinstance(receiver, cst.Name):
            return None
        bindings = ctx.semantic.lookup(receiver.value, add.scope)
        if not bindings or len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN:
            return None
        value = bindings[0].value
        if not isinstance(value, cst.Call) or value.args:
            return None
        made = ctx.keras_name(value.func, bindings[0].scope)
        if made is None or not made.is_("keras.Sequential", "keras.models.Sequential"):
            return None
        adds = [other for other in ctx.method_calls("add")
                if isinstance(other.node.func.value, cst.Name) and other.node.func.value.value == receiver.value
                and ctx.semantic.lookup(receiver.value, other.scope) == bindings]
        earliest = min(adds, key=lambda other: ctx.span(other.node)[0])
        if earliest is not add or add.scope is not bindings[0].scope:
            return None
        return "add", add
    return None
