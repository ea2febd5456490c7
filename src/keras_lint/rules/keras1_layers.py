"""Keras 1 layer arguments: the renames Keras 2's converters did silently (catalog 1.2), the
kernel arguments of convolutions (catalog 1.3), the arguments Keras 2 dropped, and
`input_dim`/`input_length` on sequence layers.

All the data (which class renames which keyword, value maps, kernel forms) is in
knowledge/legacy_layers.toml."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.diagnostics import Applicability, Edit, Finding
from keras_lint.knowledge import keras3
from keras_lint.knowledge.legacy_layers import Converter, removed_layers, value_maps
from keras_lint.rules._kernel import kernel_form
from keras_lint.rules._layer_support import (
    class_word,
    converter_of,
    disjoint,
    keras3_class_name,
    keras3_error,
    keras3_keywords,
    layer_path,
    layer_references,
    modern_callee,
    remove_argument,
    weakest,
)
from keras_lint.rules.base import Invalid, Raises, Rule, Silent, Valid, dedent
from keras_lint.semantic.model import BindingKind

_HARD_SIGMOID_NOTE = (
    "Keras 3's 'hard_sigmoid' is relu6(x + 3) / 6, not Keras 1's clip(0.2 * x + 0.5, 0, 1): "
    "the gates saturate later and have slope 1/6 instead of 0.2, so weights trained in Keras 1 give other outputs"
)


@dataclass
class _Change:
    """One Keras 1 argument and what to do with it."""

    shown: str  # how the message names it: "border_mode='same'"
    becomes: str | None  # how Keras 2+ writes it: "padding='same'"; None: no rewrite
    edits: list[Edit] = field(default_factory=list)
    applicability: Applicability = Applicability.SAFE
    note: str = ""


def _literal_of(ctx: Context, arg: cst.Arg, call: Call) -> tuple[bool, object]:
    """(whether the value is a literal written in the call, its value)."""
    constant = ctx.constant(arg.value, call.scope)
    if constant is None:
        return False, None
    return constant.node is arg.value and constant.binding is None, constant.value


def _value_text(value: object, like: cst.BaseExpression | None = None) -> str:
    if isinstance(value, str) and isinstance(like, cst.SimpleString):
        return f"{like.prefix}{like.quote}{value}{like.quote}"
    return repr(value)


def _user_function_without_dtype(ctx: Context, arg: cst.Arg, call: Call) -> str | None:
    """The name of a user function passed as an initializer that cannot take `dtype=`."""
    if not isinstance(arg.value, cst.Name):
        return None
    bindings = ctx.semantic.lookup(arg.value.value, call.scope)
    if not bindings or len(bindings) != 1 or bindings[0].kind is not BindingKind.FUNCTION:
        return None
    params = bindings[0].node.params
    names = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    if "dtype" in names or isinstance(params.star_kwarg, cst.Param):
        return None
    return arg.value.value


class Keras1LayerArgument(Rule):
    """## What it does
    Finds Keras 1 keyword arguments on layers and rewrites them to the Keras 2+ names, as
    Keras 2's converters did with a warning: `Dense(output_dim=64, init='he_normal',
    W_regularizer=l2(0.01), bias=False)`, `Dropout(p=0.5)`, `GaussianNoise(sigma=0.1)`,
    `Convolution2D(..., border_mode='same', subsample=(2, 2), dim_ordering='tf')`,
    `MaxPooling1D(pool_length=2, stride=2)`, `LSTM(..., inner_activation=..., dropout_W=...,
    dropout_U=..., consume_less='gpu')`, `BatchNormalization(beta_init=..., gamma_init=...)`,
    `Embedding(init=..., W_regularizer=...)`, `PReLU(init=...)`, `UpSampling1D(length=2)`,
    `InputLayer(input_dtype=...)`, `ZeroPadding2D(padding={'top_pad': ...})`,
    `SeparableConv2D(init=...)` (both initializers), `LSTM(forget_bias_init='one')`, ... (every
    converter of Keras 2, listed in knowledge/legacy_layers.toml). Values are mapped too:
    `dim_ordering='th'` → `data_format='channels_first'`, `consume_less='gpu'` →
    `implementation=2`. A Keras 1 class alias on the same call (`Convolution2D`) becomes the
    Keras 2+ name (`Conv2D`).

    ## Why is this bad?
    Keras 3 has no converters: it fails when the layer is created, with
    `ValueError: Unrecognized keyword arguments passed to Dense: {'init': 'he_normal'}`, or for a
    renamed first argument with the puzzling
    `TypeError: Dense.__init__() missing 1 required positional argument: 'units'`. Keras 3's
    InputLayer even ignores `input_dtype` without a word, and the input stays float32.

    ## Example
    ```python
    model.add(Dense(128, init="he_normal", W_regularizer=l2(0.01)))
    model.add(Convolution2D(64, (3, 3), border_mode="same", subsample=(2, 2)))
    ```

    ## Use instead
    ```python
    model.add(Dense(128, kernel_initializer="he_normal", kernel_regularizer=l2(0.01)))
    model.add(Conv2D(64, (3, 3), padding="same", strides=(2, 2)))
    ```

    ## Fix safety
    A rename computes what Keras 1 computed: safe. Two are unsafe:
    `inner_activation='hard_sigmoid'`, because Keras 3's `hard_sigmoid` is a different function
    (relu6(x + 3) / 6 instead of clip(0.2x + 0.5, 0, 1)), and `init=` on SeparableConv2D when its
    value is an expression that would be evaluated twice. A value that cannot be mapped
    (`dim_ordering=K.image_dim_ordering()`, `forget_bias_init='uniform'`) is explained, not
    rewritten. Recurrent layers also get a note: Keras 1's default gate activation was
    hard_sigmoid (Keras 3: sigmoid), and Keras 1's GRU computed `reset_after=False`; neither
    default is changed by the fix.
    """

    code = "KRS202"
    name = "keras1-layer-argument"
    summary = "A Keras 1 keyword argument on a layer (`init=`, `border_mode=`, `output_dim=`, `p=`, ...)"
    family = "Keras 1 layers"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            from keras.layers import Dense, Dropout
            dense = Dense(128, kernel_initializer="he_normal", use_bias=False)
            drop = Dropout(0.5)
            """)),
        Valid(dedent("""
            from keras.layers import Embedding
            embedding = Embedding(input_dim=1000, output_dim=64)
            """), note="`output_dim` is still Embedding's own argument"),
        Valid(dedent("""
            def Dense(units, init=None):
                return units
            layer = Dense(4, init="uniform")
            """), note="a user's own Dense is not Keras"),
        Invalid(
            dedent("""
                from keras.layers import Dense
                from keras.regularizers import l2
                layer = Dense(128, init='he_normal', W_regularizer=l2(0.01), bias=False)
                """),
            fixed=dedent("""
                from keras.layers import Dense
                from keras.regularizers import l2
                layer = Dense(128, kernel_initializer='he_normal', kernel_regularizer=l2(0.01), use_bias=False)
                """),
            message="Unrecognized keyword arguments passed to Dense",
            keras=Raises("Unrecognized keyword arguments passed to Dense"),
            fixed_check="layer.use_bias is False and layer.kernel_regularizer.l2 == 0.01",
        ),
        Invalid(
            dedent("""
                from keras.layers import Dense, Dropout, GaussianNoise
                dense = Dense(output_dim=32)
                drop = Dropout(p=0.5)
                noise = GaussianNoise(sigma=0.1)
                """),
            fixed=dedent("""
                from keras.layers import Dense, Dropout, GaussianNoise
                dense = Dense(units=32)
                drop = Dropout(rate=0.5)
                noise = GaussianNoise(stddev=0.1)
                """),
            count=3,
            message="missing 1 required positional argument",
            keras=Raises("missing 1 required positional argument: 'units'"),
            fixed_check="dense.units == 32 and drop.rate == 0.5 and noise.stddev == 0.1",
        ),
        Invalid(
            dedent("""
                from keras.models import Sequential
                from keras.layers import Convolution2D, MaxPooling2D
                model = Sequential()
                model.add(Convolution2D(8, (3, 3), border_mode='same', subsample=(2, 2), dim_ordering='tf', input_shape=(28, 28, 1)))
                model.add(MaxPooling2D((2, 2), border_mode='valid', dim_ordering='default'))
                """),
            fixed=dedent("""
                from keras.models import Sequential
                from keras.layers import Conv2D, MaxPooling2D
                model = Sequential()
                model.add(Conv2D(8, (3, 3), padding='same', strides=(2, 2), data_format='channels_last', input_shape=(28, 28, 1)))
                model.add(MaxPooling2D((2, 2), padding='valid'))
                """),
            count=2,
            keras=Raises("Unrecognized keyword arguments passed to Conv2D"),
            fixed_check="model.output_shape == (None, 7, 7, 8)",
        ),
        Invalid(
            dedent("""
                import keras
                rnn = keras.layers.LSTM(16, inner_init='orthogonal', inner_activation='sigmoid', dropout_W=0.2, dropout_U=0.1, consume_less='gpu', forget_bias_init='zero')
                """),
            fixed=dedent("""
                import keras
                rnn = keras.layers.LSTM(16, recurrent_initializer='orthogonal', recurrent_activation='sigmoid', dropout=0.2, recurrent_dropout=0.1, implementation=2, unit_forget_bias=False)
                """),
            message="dropout_W",
            keras=Raises("Unrecognized keyword arguments passed to LSTM"),
            fixed_check="rnn.dropout == 0.2 and rnn.recurrent_dropout == 0.1 and rnn.cell.unit_forget_bias is False",
        ),
        Invalid(
            dedent("""
                from keras.layers import GRU
                rnn = GRU(32, inner_activation='hard_sigmoid')
                """),
            fixed=dedent("""
                from keras.layers import GRU
                rnn = GRU(32, recurrent_activation='hard_sigmoid')
                """),
            message="relu6(x + 3) / 6",
            applicability=Applicability.UNSAFE,
            keras=Raises("Unrecognized keyword arguments passed to GRU"),
        ),
        Invalid(
            dedent("""
                from keras.layers import ZeroPadding2D, SeparableConv2D
                pad = ZeroPadding2D(padding={'top_pad': 1, 'bottom_pad': 0, 'left_pad': 2, 'right_pad': 0})
                conv = SeparableConv2D(8, (3, 3), init='he_normal')
                """),
            fixed=dedent("""
                from keras.layers import ZeroPadding2D, SeparableConv2D
                pad = ZeroPadding2D(padding=((1, 0), (2, 0)))
                conv = SeparableConv2D(8, (3, 3), depthwise_initializer='he_normal', pointwise_initializer='he_normal')
                """),
            count=2,
            keras=Raises("`padding` should have two elements"),
            fixed_check="pad.padding == ((1, 0), (2, 0)) and conv.get_config()['pointwise_initializer']['class_name'] == 'HeNormal'",
        ),
        Invalid(
            dedent("""
                from keras.layers import InputLayer
                inputs = InputLayer(shape=(4,), input_dtype='int32')
                """),
            fixed=dedent("""
                from keras.layers import InputLayer
                inputs = InputLayer(shape=(4,), dtype='int32')
                """),
            message="ignores it without a word",
            keras=Silent("inputs.output.dtype == 'float32'"),
            fixed_check="inputs.output.dtype == 'int32'",
        ),
        Invalid(
            dedent("""
                import tensorflow as tf
                layer = tf.keras.layers.Dense(4, init='uniform')
                """),
            fixed=dedent("""
                import tensorflow as tf
                layer = tf.keras.layers.Dense(4, kernel_initializer='uniform')
                """),
            settings={"target-keras": "2"},
            keras=Raises("Unrecognized keyword arguments passed to Dense"),
            note="Keras 1 code is reported with `target-keras = \"2\"` too: tf.keras 2 rejected it as well",
        ),
        Invalid(
            dedent("""
                from keras import backend as K
                from keras.layers import Conv2D
                conv = Conv2D(8, (3, 3), dim_ordering=K.image_data_format())
                """),
            fixed=None,
            message="cannot be mapped",
            runnable=False,
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for call in ctx.keras_calls:
            converter = converter_of(call)
            if converter is None or call.has_star_args:
                continue
            finding = self._check_call(ctx, call, converter)
            if finding is not None:
                yield finding

    def _check_call(self, ctx: Context, call: Call, converter: Converter) -> Finding | None:
        path = layer_path(call)
        removed = removed_layers().get(call.name.name) if call.name.api is None else None
        target = path if removed is None else (removed.replacement or path)
        valid = keras3_keywords(target)
        positional_names = keras3.signature(target).positional_names() if keras3.signature(target) else ()
        if converter.kernel is not None and converter.positional is not None:
            # Keras 1's positional kernel sizes (`Convolution2D(64, 3, 3)`) fill no Keras 2 parameter
            # beyond kernel_size: KRS203 rewrites them.
            positional_names = converter.positional
        supplied = set(call.keywords) | set(positional_names[: len(call.positional)])
        changes: list[_Change] = []
        unknown: list[str] = []
        for keyword, arg in call.keywords.items():
            if keyword in valid and not (keyword == "padding" and converter.padding_dict):
                continue
            change = None
            if keyword == "init" and converter.init_to:
                change = self._init_to_several(ctx, call, arg, converter.init_to, supplied)
            elif keyword == "forget_bias_init" and converter.recurrent:
                change = self._forget_bias(ctx, call, arg, supplied)
            elif keyword == "padding" and converter.padding_dict:
                change = self._padding_dict(ctx, call, arg, converter.padding_dict)
            elif keyword in converter.renames:
                change = self._rename(ctx, call, arg, converter.renames[keyword], supplied)
            if change is not None:
                changes.append(change)
                if keyword != "padding":
                    unknown.append(keyword)
        if not converter.keras1_positional and converter.padding_dict and call.keyword("padding") is None:
            first = call.positional_arg(0)
            if first is not None and isinstance(ctx.constants.value(first.value, call.scope), dict):
                change = self._padding_dict(ctx, call, first, converter.padding_dict)
                if change is not None:
                    changes.append(change)
        if not changes:
            return None
        notes = [c.note for c in changes if c.note]
        notes.extend(self._recurrent_notes(ctx, call, converter))
        word = class_word(call)
        listed = ", ".join(f"`{c.shown}`" for c in changes)
        plural = "argument" if len(changes) == 1 else "arguments"
        if unknown:
            says = "Keras 3 fails" if removed is None else f"Keras 3's `{target.rsplit('.', 1)[-1]}` fails"
            error = keras3_error(call, unknown, ctx) if removed is None else "`ValueError: Unrecognized keyword arguments`"
            if error.startswith("Keras 3's InputLayer"):
                consequence = f"{error}: the input stays float32"
            else:
                consequence = f"{says} with {error}"
        else:
            consequence = "Keras 3 rejects the Keras 1 form of its value: `ValueError: `padding` should have two elements`"
        renamed = [c for c in changes if c.becomes is not None]
        message = f"Keras 1 {plural} {listed} on `{word}`: {consequence}"
        if renamed:
            message += ". Keras 2+ spells " + ("it" if len(renamed) == 1 else "them") + " " + ", ".join(f"`{c.becomes}`" for c in renamed)
        if notes:
            message += ". " + ". ".join(note[0].upper() + note[1:] for note in notes)
        edits = [edit for c in renamed for edit in c.edits]
        applicability = weakest(*(c.applicability for c in renamed)) if renamed else Applicability.DISPLAY_ONLY
        kernel = kernel_form(ctx, call, converter.kernel) if converter.kernel is not None and edits else None
        if kernel is not None and (kernel.parts or kernel.edits):
            # Renaming `subsample`/`border_mode` alone would leave `Conv2D(64, 3, 3, strides=...)`,
            # which no longer looks like Keras 1 code: the kernel is rewritten in the same fix.
            if not kernel.edits:
                edits = []
                message += ". Rewrite the Keras 1 kernel size first (KRS203)"
            else:
                edits.extend(kernel.edits)
                applicability = weakest(applicability, kernel.applicability)
                if kernel.kernel_text:
                    message += f"; the Keras 1 kernel sizes {', '.join(kernel.texts)} become `{kernel.kernel_text}` in the same fix"
                message += "".join(f" ({note})" for note in kernel.notes)
        if edits:
            modern = modern_callee(ctx, call)
            if modern is not None:
                edits.extend(modern[1])
        ordered = disjoint(edits) if edits else None
        if ordered:
            title = "Rename " + ", ".join(f"`{c.shown}` → `{c.becomes}`" for c in renamed)
            fix = self.make_fix(title, ordered, applicability)
        else:
            fix = self.make_fix("Rewrite the Keras 1 arguments by hand", [], Applicability.DISPLAY_ONLY)
        return self.finding(ctx, call.node, message, fix)

    # -- one argument ---------------------------------------------------------------------------

    def _rename(self, ctx: Context, call: Call, arg: cst.Arg, new: str, supplied: set[str]) -> _Change:
        old = arg.keyword.value
        source = ctx.outer_source(arg.value)
        shown = f"{old}={source}"
        if new in supplied:
            return _Change(shown, None, note=f"`{new}` is passed as well: remove one of them (Keras 2 refused both)")
        value_map = value_maps().get(old)
        edits = [ctx.replace(arg.keyword, new)]
        applicability = Applicability.SAFE
        note = ""
        if value_map is not None:
            is_literal, value = _literal_of(ctx, arg, call)
            if isinstance(value, str) and value in value_map.remove and is_literal:
                return _Change(shown, f"no {new} (its default)", [remove_argument(ctx, call.node, arg)])
            if not is_literal or value not in value_map.mapping:
                if old == "border_mode" and not (is_literal and value == "full"):
                    return _Change(shown, f"{new}={source}", edits)
                known = ", ".join(f"{k!r}" for k in [*value_map.mapping, *value_map.remove])
                return _Change(shown, None, note=f"`{shown}` cannot be mapped to `{new}`: Keras 1 accepted {known} here, and this value is {'not one of them' if is_literal else 'not known statically'}")
            new_value = value_map.mapping[value]
            if new_value != value:
                edits.append(Edit(*ctx.outer_span(arg.value), _value_text(new_value, arg.value)))
            return _Change(shown, f"{new}={_value_text(new_value, arg.value)}", edits)
        if old == "inner_activation":
            value = ctx.constants.value(arg.value, call.scope)
            if value == "hard_sigmoid":
                applicability = Applicability.UNSAFE
                note = _HARD_SIGMOID_NOTE
        if old == "init":
            function = _user_function_without_dtype(ctx, arg, call)
            if function is not None:
                note = f"Keras 3 calls an initializer as `{function}(shape, dtype=...)`: give `{function}` a `dtype` parameter (or use a keras.initializers class)"
        return _Change(shown, f"{new}={source}", edits, applicability, note)

    def _init_to_several(self, ctx: Context, call: Call, arg: cst.Arg, targets: tuple[str, ...], supplied: set[str]) -> _Change:
        source = ctx.outer_source(arg.value)
        shown = f"init={source}"
        if any(t in supplied for t in targets):
            return _Change(shown, None, note="an initializer is passed under its Keras 2 name as well: remove `init`")
        text = ", ".join(f"{t}={source}" for t in targets)
        simple = isinstance(arg.value, (cst.SimpleString, cst.Name, cst.Attribute, cst.Integer, cst.Float))
        edit = Edit(ctx.span(arg)[0], ctx.span(arg)[1], text)
        return _Change(shown, text, [edit], Applicability.SAFE if simple else Applicability.UNSAFE,
                       "" if simple else f"`{source}` is written twice, so it is evaluated twice")

    def _forget_bias(self, ctx: Context, call: Call, arg: cst.Arg, supplied: set[str]) -> _Change:
        source = ctx.outer_source(arg.value)
        shown = f"forget_bias_init={source}"
        is_literal, value = _literal_of(ctx, arg, call)
        mapping = {"one": True, "zero": False}
        if "unit_forget_bias" in supplied or not is_literal or value not in mapping:
            return _Change(shown, None, note=f"`{shown}` has no Keras 2+ equivalent (only 'one' and 'zero' map to `unit_forget_bias`); Keras 2 ignored it with a warning: initialise the forget gate bias by hand, or remove it")
        text = f"unit_forget_bias={mapping[value]}"
        return _Change(shown, text, [Edit(ctx.span(arg)[0], ctx.span(arg)[1], text)])

    def _padding_dict(self, ctx: Context, call: Call, arg: cst.Arg, keys: tuple[str, ...]) -> _Change | None:
        if not isinstance(arg.value, cst.Dict):
            return None
        value = ctx.constants.value(arg.value, call.scope)
        if not isinstance(value, dict):
            return None
        shown = f"padding={ctx.outer_source(arg.value)}" if arg.keyword is not None else ctx.outer_source(arg.value)
        if set(value) - set(keys) or not all(isinstance(v, int) for v in value.values()):
            return _Change(shown, None, note=f"a Keras 1 padding dict takes only the keys {', '.join(keys)}")
        top, bottom, left, right = (value.get(k, 0) for k in keys)
        text = f"(({top}, {bottom}), ({left}, {right}))"
        return _Change(shown, f"padding={text}" if arg.keyword is not None else text, [Edit(*ctx.outer_span(arg.value), text)])

    def _recurrent_notes(self, ctx: Context, call: Call, converter: Converter) -> list[str]:
        if not converter.recurrent:
            return []
        notes = []
        if call.keyword("inner_activation") is None and call.keyword("recurrent_activation") is None:
            notes.append("Keras 1's default gate activation was hard_sigmoid, clip(0.2 * x + 0.5, 0, 1); Keras 3's is sigmoid, so Keras 1 weights give other outputs (pass a function computing the Keras 1 hard_sigmoid as `recurrent_activation` to keep it)")
        if keras3_class_name(call) == "GRU" and call.keyword("reset_after") is None:
            notes.append("Keras 1's GRU applied the reset gate before the recurrent kernel, which is `reset_after=False` in Keras 3 (default True)")
        return notes


class Keras1KernelArguments(Rule):
    """## What it does
    Finds convolutions whose kernel size is written the Keras 1 way and rewrites it as one
    `kernel_size` tuple: `Convolution2D(64, 3, 3)` → `Conv2D(64, (3, 3))`,
    `Conv2D(32, 3, nb_col=3)`, `Conv2D(nb_filter=64, nb_row=3, nb_col=3)`,
    `ConvLSTM2D(40, nb_row=3, nb_col=3)`, `SeparableConvolution2D(64, 3, 3)`,
    `Convolution3D(16, 3, 3, 3)` and `Convolution3D(kernel_dim1=1, kernel_dim2=3,
    kernel_dim3=3)` → `Conv3D(..., (1, 3, 3))`.

    ## Why is this bad?
    This is the most dangerous Keras 1 leftover, because Keras 3 does not fail:
    `Conv2D(filters, kernel_size, strides, padding, ...)` reads `Convolution2D(64, 3, 3)` as a
    3x3 kernel with strides 3. The model builds and trains, on feature maps about three times
    smaller in each direction (a 28x28 input becomes 9x9 instead of 26x26), and only the
    accuracy tells. `Conv3D(16, 3, 3, 3)` fails with the cryptic
    `AttributeError: 'int' object has no attribute 'lower'` (the fourth argument is
    `padding`); the `nb_row`/`nb_col`/`kernel_dim` keywords fail with "Unrecognized keyword
    arguments".

    ## Example
    ```python
    model.add(Convolution2D(32, 3, 3, input_shape=(28, 28, 1)))
    ```

    ## Use instead
    ```python
    model.add(Conv2D(32, (3, 3), input_shape=(28, 28, 1)))
    ```

    ## Fix safety
    The positional form is reported only when the code is provably Keras 1: the class is spelled
    the Keras 1 way (`Convolution2D`), the call has Keras 1 keywords, or the file has other
    Keras 1 calls (then the fix is unsafe: the intent is inferred). `Conv2D(64, 3, 2)` in a
    file without Keras 1 code means kernel 3, strides 2 and is left alone, as is any call with
    `padding=`, `strides=` or `data_format=` (Keras 2 refused the Keras 1 form with those) or
    with a tuple third argument. The rewrite is safe when the kernel sizes are provably ints
    (literals or names bound once to literals): Keras 2 converted only ints. Otherwise (a
    function parameter, `kernel_size[0]`) it is unsafe.
    """

    code = "KRS203"
    relies_on_other_code = True  # Keras 1 code elsewhere in the file
    name = "keras1-kernel-arguments"
    summary = "A Keras 1 kernel size (`Convolution2D(64, 3, 3)`, `nb_row=`, `kernel_dim1=`): Keras 3 reads strides"
    family = "Keras 1 layers"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import keras
            conv = keras.layers.Conv2D(64, 3, 2, activation="relu")
            """), note="no Keras 1 code in the file: kernel 3 with strides 2 is meant"),
        Valid(dedent("""
            from keras.layers import Conv2D
            conv = Conv2D(64, 3, 3, padding="same")
            """), note="Keras 2 refused the Keras 1 form together with `padding=`"),
        Valid(dedent("""
            from keras.layers import Convolution2D
            conv = Convolution2D(64, 3, (2, 2))
            """), note="a tuple third argument is strides, for Keras 2 too"),
        Invalid(
            dedent("""
                from keras.models import Sequential
                from keras.layers import Convolution2D, Dense, TimeDistributed
                model = Sequential()
                model.add(TimeDistributed(Convolution2D(64, 3, 3), input_shape=(10, 3, 299, 299)))
                layer = model.layers[0].layer
                """),
            fixed=dedent("""
                from keras.models import Sequential
                from keras.layers import Conv2D, Dense, TimeDistributed
                model = Sequential()
                model.add(TimeDistributed(Conv2D(64, (3, 3)), input_shape=(10, 3, 299, 299)))
                layer = model.layers[0].layer
                """),
            message="its 3x299 input becomes 1x99 instead of 1x297",
            keras=Silent("layer.kernel_size == (3, 3) and layer.strides == (3, 3)"),
            fixed_check="layer.kernel_size == (3, 3) and layer.strides == (1, 1)",
            note="the seed's example: a Keras 1 3x3 kernel that Keras 3 reads as strides 3",
        ),
        Invalid(
            dedent("""
                from keras.models import Sequential
                from keras.layers import Convolution2D
                model = Sequential()
                model.add(Convolution2D(32, 3, 3, border_mode='valid', input_shape=(28, 28, 1)))
                """),
            fixed=dedent("""
                from keras.models import Sequential
                from keras.layers import Conv2D
                model = Sequential()
                model.add(Conv2D(32, (3, 3), border_mode='valid', input_shape=(28, 28, 1)))
                """),
            message="its 28x28 input becomes 9x9 instead of 26x26",
            runnable=False,
            note="`border_mode` is KRS202's; this rule fixes the kernel",
        ),
        Invalid(
            dedent("""
                from keras.layers import Conv2D, Dropout, Input
                inputs = Input((28, 28, 1))
                conv = Conv2D(16, 5, 5, activation='relu')
                outputs = conv(inputs)
                def legacy_head():
                    return Dropout(p=0.5)
                """),
            fixed=dedent("""
                from keras.layers import Conv2D, Dropout, Input
                inputs = Input((28, 28, 1))
                conv = Conv2D(16, (5, 5), activation='relu')
                outputs = conv(inputs)
                def legacy_head():
                    return Dropout(p=0.5)
                """),
            applicability=Applicability.UNSAFE,
            message="other calls in this file",
            keras=Silent("conv.strides == (5, 5) and tuple(outputs.shape) == (None, 5, 5, 16)"),
            fixed_check="conv.kernel_size == (5, 5) and conv.strides == (1, 1) and tuple(outputs.shape) == (None, 24, 24, 16)",
            note="the Keras 1 `Dropout(p=)` elsewhere in the file is the only evidence",
        ),
        Invalid(
            dedent("""
                from keras.layers import Convolution3D, ConvLSTM2D
                conv = Convolution3D(16, 3, 3, 3, activation='relu')
                point = Convolution3D(1, kernel_dim1=1, kernel_dim2=3, kernel_dim3=3)
                lstm = ConvLSTM2D(40, nb_row=3, nb_col=3, return_sequences=True)
                """),
            fixed=dedent("""
                from keras.layers import ConvLSTM2D, Conv3D
                conv = Conv3D(16, (3, 3, 3), activation='relu')
                point = Conv3D(1, kernel_size=(1, 3, 3))
                lstm = ConvLSTM2D(40, kernel_size=(3, 3), return_sequences=True)
                """),
            count=3,
            keras=Raises("'int' object has no attribute 'lower'"),
        ),
        Invalid(
            dedent("""
                from keras.layers import Convolution2D
                def block(kernel_size=(3, 3)):
                    return Convolution2D(32, kernel_size[0], kernel_size[1])
                conv = block()
                """),
            fixed=dedent("""
                from keras.layers import Conv2D
                def block(kernel_size=(3, 3)):
                    return Conv2D(32, (kernel_size[0], kernel_size[1]))
                conv = block()
                """),
            applicability=Applicability.UNSAFE,
            message="not provably ints",
            keras=Silent("conv.strides == (3, 3)"),
            fixed_check="conv.kernel_size == (3, 3) and conv.strides == (1, 1)",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for call in ctx.keras_calls:
            converter = converter_of(call)
            if converter is None or converter.kernel is None or call.name.api is None:
                continue  # removed classes (Deconvolution2D, ...) are rewritten whole by KRS206
            form = kernel_form(ctx, call, converter.kernel)
            if form is None or not form.parts:
                continue
            word = class_word(call)
            written = ", ".join(form.texts)
            cls = keras3_class_name(call)
            filters = call.positional_arg(0)
            filters_text = ctx.outer_source(filters.value) if filters is not None else "..."
            if form.silent:
                problem = f"`{word}({filters_text}, {written})` is Keras 1's {'x'.join(form.texts)} kernel, but {form.keras3_reading}"
            else:
                problem = f"`{word}` with Keras 1 kernel dimensions {written}: {form.keras3_reading}"
            if not form.complete:
                message = f"{problem}; write the kernel as one `kernel_size` tuple"
                yield self.finding(ctx, call.node, message, self.make_fix("Write kernel_size as a tuple", [], Applicability.DISPLAY_ONLY))
                continue
            message = f"{problem}. Write `{cls}({filters_text}, {form.kernel_text})`" if filters is not None else f"{problem}. Write `kernel_size={form.kernel_text}`"
            if form.notes:
                message += " (" + "; ".join(form.notes) + ")"
            if not form.edits:
                yield self.finding(ctx, call.node, message, self.make_fix("Rewrite the kernel size by hand", [], Applicability.DISPLAY_ONLY))
                continue
            edits = list(form.edits)
            modern = modern_callee(ctx, call)
            if modern is not None:
                edits.extend(modern[1])
            ordered = disjoint(edits)
            if ordered is None:
                ordered = disjoint(list(form.edits)) or []
            fix = self.make_fix(f"Write the kernel size as `{form.kernel_text}`", ordered, form.applicability)
            yield self.finding(ctx, call.node, message, fix)


class Keras1DroppedArgument(Rule):
    """## What it does
    Finds the two Keras 1 layer arguments that Keras 2 removed instead of renaming:
    `BatchNormalization(mode=...)` and `Embedding(dropout=...)`. `mode=0` (the only mode
    Keras 2 kept) is removed; `mode=2` is removed with a warning that inference changes;
    `Embedding(..., dropout=p)` becomes the `SpatialDropout1D(p)` layer right after the
    embedding, as Keras 2's converter recommended.

    ## Why is this bad?
    Keras 3 fails when the layer is created:
    `ValueError: Unrecognized keyword arguments passed to BatchNormalization: {'mode': 0}`.

    ## Example
    ```python
    model.add(Embedding(20000, 128, dropout=0.2))
    model.add(BatchNormalization(mode=0))
    ```

    ## Use instead
    ```python
    model.add(Embedding(20000, 128))
    model.add(SpatialDropout1D(0.2))
    model.add(BatchNormalization())
    ```

    ## Fix safety
    Removing `mode=0` (Keras 1's default, feature-wise normalisation) is safe. `mode=2` normalised
    with the statistics of the batch in inference too; Keras 3's BatchNormalization uses its
    moving averages there, so removing it is unsafe. `mode=1` (sample-wise) is explained
    only (LayerNormalization is close but not equal). `Embedding(dropout=p)` dropped whole
    rows of the embedding matrix (word types) for a batch; SpatialDropout1D drops embedding
    channels for every time step instead: unsafe. The dropout layer is inserted after a
    `model.add(...)` statement, into a `Sequential([...])` list, or around a functional call;
    elsewhere the finding is explained only.
    """

    code = "KRS204"
    name = "keras1-dropped-argument"
    summary = "`BatchNormalization(mode=)` or `Embedding(dropout=)`: Keras 1 arguments Keras 2 removed"
    family = "Keras 1 layers"
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            from keras.layers import BatchNormalization, Embedding
            norm = BatchNormalization(momentum=0.9)
            embedding = Embedding(1000, 64)
            """)),
        Invalid(
            dedent("""
                from keras.layers import BatchNormalization
                norm = BatchNormalization(mode=0, axis=-1)
                """),
            fixed=dedent("""
                from keras.layers import BatchNormalization
                norm = BatchNormalization(axis=-1)
                """),
            applicability=Applicability.SAFE,
            keras=Raises("Unrecognized keyword arguments passed to BatchNormalization: {'mode': 0}"),
        ),
        Invalid(
            dedent("""
                from keras.models import Sequential
                from keras.layers import Dense, Embedding, LSTM
                model = Sequential()
                model.add(Embedding(1000, 16, dropout=0.2))
                model.add(LSTM(8))
                """),
            fixed=dedent("""
                from keras.models import Sequential
                from keras.layers import Dense, Embedding, LSTM, SpatialDropout1D
                model = Sequential()
                model.add(Embedding(1000, 16))
                model.add(SpatialDropout1D(0.2))
                model.add(LSTM(8))
                """),
            message="SpatialDropout1D",
            applicability=Applicability.UNSAFE,
            keras=Raises("Unrecognized keyword arguments passed to Embedding"),
            fixed_check="type(model.layers[1]).__name__ == 'SpatialDropout1D' and model.layers[1].rate == 0.2",
        ),
        Invalid(
            dedent("""
                import keras
                words = keras.Input((10,), dtype='int32')
                x = keras.layers.Embedding(1000, 16, dropout=0.2)(words)
                x = keras.layers.BatchNormalization(mode=2)(x)
                """),
            fixed=dedent("""
                import keras
                words = keras.Input((10,), dtype='int32')
                x = keras.layers.SpatialDropout1D(0.2)(keras.layers.Embedding(1000, 16)(words))
                x = keras.layers.BatchNormalization()(x)
                """),
            count=2,
            applicability=Applicability.UNSAFE,
            keras=Raises("Unrecognized keyword arguments passed to Embedding"),
            fixed_check="tuple(x.shape) == (None, 10, 16)",
        ),
        Invalid(
            dedent("""
                from keras.layers import BatchNormalization
                norm = BatchNormalization(mode=1)
                """),
            fixed=None,
            message="LayerNormalization",
            keras=Raises("Unrecognized keyword arguments passed to BatchNormalization"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        callee_of = {id(call.node.func): call for call in ctx.calls}
        for call in ctx.keras_calls:
            path = layer_path(call)
            if path == "keras.layers.BatchNormalization":
                arg = call.keyword("mode")
                if arg is not None:
                    yield self._batchnorm_mode(ctx, call, arg)
            elif path == "keras.layers.Embedding":
                arg = call.keyword("dropout")
                if arg is not None:
                    yield self._embedding_dropout(ctx, call, arg, callee_of.get(id(call.node)))

    def _batchnorm_mode(self, ctx: Context, call: Call, arg: cst.Arg) -> Finding:
        is_literal, value = _literal_of(ctx, arg, call)
        source = ctx.outer_source(arg.value)
        error = f"Keras 3 fails with `ValueError: Unrecognized keyword arguments passed to BatchNormalization: {{'mode': {source}}}`"
        removal = [remove_argument(ctx, call.node, arg)]
        if value == 0 and is_literal:
            message = f"`BatchNormalization(mode={source})`: Keras 2 removed `mode`; {error}. Mode 0 (feature-wise) is what BatchNormalization always does now: remove it"
            return self.finding(ctx, call.node, message, self.make_fix("Remove `mode=0`", removal, Applicability.SAFE))
        if value == 2 and is_literal:
            message = (f"`BatchNormalization(mode={source})`: Keras 2 removed `mode`; {error}. Mode 2 normalised with the statistics "
                       "of each batch in inference too, while Keras 3's BatchNormalization uses its moving averages there: removing "
                       "`mode` changes predictions (to keep mode 2, subclass BatchNormalization and call it with training=True)")
            return self.finding(ctx, call.node, message, self.make_fix("Remove `mode=2` (inference then uses the moving averages)", removal, Applicability.UNSAFE))
        if value == 1 and is_literal:
            detail = ("mode 1 normalised each sample over its features, (x - mean) / (std + epsilon); the closest Keras 3 layer is "
                      "LayerNormalization(axis=-1), which divides by sqrt(variance + epsilon)")
        else:
            detail = "Keras 1 accepted modes 0, 1 and 2 only, and this value is not known statically"
        message = f"`BatchNormalization(mode={source})`: Keras 2 removed `mode`; {error}. {detail[0].upper() + detail[1:]}"
        return self.finding(ctx, call.node, message, self.make_fix(detail, [], Applicability.DISPLAY_ONLY))

    def _embedding_dropout(self, ctx: Context, call: Call, arg: cst.Arg, outer: Call | None) -> Finding:
        is_literal, value = _literal_of(ctx, arg, call)
        source = ctx.outer_source(arg.value)
        error = f"Keras 3 fails with `ValueError: Unrecognized keyword arguments passed to Embedding: {{'dropout': {source}}}`"
        removal = remove_argument(ctx, call.node, arg)
        if is_literal and value == 0:
            message = f"`Embedding(..., dropout={source})`: Keras 2 removed `dropout`; {error}. A rate of 0 did nothing: remove it"
            return self.finding(ctx, call.node, message, self.make_fix("Remove `dropout=0`", [removal], Applicability.SAFE))
        meaning = ("Keras 1 dropped whole rows of the embedding matrix (word types) for a batch; the replacement Keras 2 recommended, "
                   "SpatialDropout1D after the embedding, drops embedding channels for all time steps instead")
        message = f"`Embedding(..., dropout={source})`: Keras 2 removed `dropout`; {error}. {meaning}"
        edits = self._insert_dropout(ctx, call, source, outer)
        if edits is None:
            message += ": add `SpatialDropout1D(...)` after the layer"
            return self.finding(ctx, call.node, message, self.make_fix("Add SpatialDropout1D after the Embedding", [], Applicability.DISPLAY_ONLY))
        ordered = disjoint([removal, *edits])
        if ordered is None:
            return self.finding(ctx, call.node, message, self.make_fix("Add SpatialDropout1D after the Embedding", [], Applicability.DISPLAY_ONLY))
        return self.finding(ctx, call.node, message + f": the fix adds `SpatialDropout1D({source})` after it",
                            self.make_fix(f"Move the dropout into SpatialDropout1D({source}) after the Embedding", ordered, Applicability.UNSAFE))

    def _insert_dropout(self, ctx: Context, call: Call, rate: str, outer: Call | None) -> list[Edit] | None:
        reference = layer_references(ctx, call.node.func, call.scope, ["SpatialDropout1D"], keep_old=True)
        if reference is None:
            return None
        (name,), import_edits = reference
        layer = f"{name}({rate})"
        if outer is not None:
            # Functional: Embedding(...)(x) -> SpatialDropout1D(p)(Embedding(...)(x)).
            start, end = ctx.outer_span(outer.node)
            return [Edit(start, start, f"{layer}("), Edit(end, end, ")"), *import_edits]
        for sequential in ctx.calls_to("keras.Sequential", "keras.models.Sequential"):
            layers_arg = sequential.argument("layers", 0)
            if layers_arg is not None and isinstance(layers_arg.value, (cst.List, cst.Tuple)):
                for element in layers_arg.value.elements:
                    if element.value is call.node:
                        end = ctx.outer_span(call.node)[1]
                        return [Edit(end, end, f", {layer}"), *import_edits]
        for add in ctx.method_calls("add"):
            first = add.positional_arg(0)
            if first is None or first.value is not call.node or len(add.node.args) != 1:
                continue
            statement_end = ctx.outer_span(add.node)[1]
            line_start = ctx.text.rfind("\n", 0, ctx.span(add.node)[0]) + 1
            indent = ctx.text[line_start:ctx.span(add.node)[0]]
            rest_of_line = ctx.text[statement_end:ctx.text.find("\n", statement_end) if "\n" in ctx.text[statement_end:] else len(ctx.text)]
            if indent.strip() or rest_of_line.strip():
                return None  # not a statement of its own line
            receiver = ctx.source_of(add.node.func.value)
            line_end = ctx.text.find("\n", statement_end)
            if line_end == -1:
                return [Edit(len(ctx.text), len(ctx.text), f"{ctx.newline}{indent}{receiver}.add({layer})"), *import_edits]
            return [Edit(line_end + 1, line_end + 1, f"{indent}{receiver}.add({layer}){ctx.newline}"), *import_edits]
        return None


class Keras1InputDim(Rule):
    """## What it does
    Finds `input_dim=` and `input_length=` on recurrent layers (`LSTM`, `GRU`, `SimpleRNN`,
    `ConvLSTM2D` excluded) and on `Conv1D`, and writes the shape Keras 1 and 2 built from them:
    `GRU(128, input_dim=57, input_length=40)` → `GRU(128, input_shape=(40, 57))`,
    `LSTM(32, input_dim=10)` → `LSTM(32, input_shape=(None, 10))`.

    ## Why is this bad?
    Keras 1 (and tf.keras 2 for recurrent layers) read `input_dim=d` on a sequence layer as
    "sequences of d-dimensional vectors", shape `(input_length, d)`. Keras 3 reads it the way it
    reads it on any layer, as the shape `(d,)`: the model then fails to build with
    "expected ndim=3, found ndim=2"; `input_length=` fails with
    `ValueError: Unrecognized keyword arguments`.

    ## Example
    ```python
    model.add(GRU(128, input_dim=57, input_length=40))
    ```

    ## Use instead
    ```python
    model.add(GRU(128, input_shape=(40, 57)))
    ```

    ## Fix safety
    The shape is exactly the one Keras 1 built: safe. Keras 3 honours `input_shape` only on the
    first layer of a Sequential (with a warning recommending an `Input`), as Keras 1 did.
    With `target-keras = "2"`, recurrent layers are not reported (tf.keras 2 still converted
    their `input_dim`); Conv1D is (tf.keras 2 read it as `(d,)` already).
    """

    code = "KRS205"
    name = "keras1-sequence-input-dim"
    summary = "`input_dim=`/`input_length=` on a recurrent layer or Conv1D: Keras 3 reads the shape `(input_dim,)`"
    family = "Keras 1 layers"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((40, 57)), keras.layers.GRU(128)])
            """)),
        Valid(dedent("""
            import tensorflow as tf
            layer = tf.keras.layers.LSTM(32, input_dim=10)
            """), settings={"target-keras": "2"}, note="tf.keras 2 converted input_dim on recurrent layers", runnable=False),
        Valid(dedent("""
            from keras.layers import Embedding
            embedding = Embedding(input_dim=1000, output_dim=8)
            """), note="Embedding's own input_dim"),
        Invalid(
            dedent("""
                from keras.models import Sequential
                from keras.layers import GRU, LSTM
                model = Sequential()
                model.add(GRU(16, input_dim=57, input_length=40))
                """),
            fixed=dedent("""
                from keras.models import Sequential
                from keras.layers import GRU, LSTM
                model = Sequential()
                model.add(GRU(16, input_shape=(40, 57)))
                """),
            message="input_shape=(40, 57)",
            keras=Raises("Unrecognized keyword arguments passed to GRU: {'input_length': 40}"),
            fixed_check="model.input_shape == (None, 40, 57) and model.output_shape == (None, 16)",
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.layers.LSTM(8, input_dim=10), keras.layers.Dense(1)])
                model.compile(loss='mse', optimizer='sgd')
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.layers.LSTM(8, input_shape=(None, 10)), keras.layers.Dense(1)])
                model.compile(loss='mse', optimizer='sgd')
                """),
            message="expected ndim=3, found ndim=2",
            keras=Raises("expected ndim=3, found ndim=2"),
            fixed_check="model.input_shape == (None, None, 10)",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for call in ctx.keras_calls:
            converter = converter_of(call)
            if converter is None or not converter.input_dim_to_shape or call.name.api is None or call.has_star_args:
                continue
            dim = call.keyword("input_dim")
            length = call.keyword("input_length")
            if dim is None and length is None:
                continue
            if ctx.settings.target_keras == "2" and converter.recurrent:
                continue
            if call.keyword("input_shape") is not None or call.keyword("batch_input_shape") is not None:
                continue
            cls = keras3_class_name(call)
            if length is not None:
                says = f"Keras 3 fails with `ValueError: Unrecognized keyword arguments passed to {cls}: {{'input_length': {ctx.outer_source(length.value)}}}`"
            else:
                says = (f"Keras 3 reads `input_dim={ctx.outer_source(dim.value)}` as the shape ({ctx.outer_source(dim.value)},), "
                        "so the model fails to build with \"expected ndim=3, found ndim=2\"")
            if dim is None:
                message = f"`input_length=` without `input_dim=` on `{class_word(call)}`: {says}. Write `input_shape=(length, features)`"
                yield self.finding(ctx, call.node, message, self.make_fix("Write input_shape", [], Applicability.DISPLAY_ONLY))
                continue
            shape = f"({ctx.outer_source(length.value) if length is not None else 'None'}, {ctx.outer_source(dim.value)})"
            first, second = sorted((a for a in (dim, length) if a is not None), key=lambda a: ctx.span(a)[0]) + [None] * (2 - sum(a is not None for a in (dim, length)))
            edits = [Edit(ctx.span(first)[0], ctx.span(first)[1], f"input_shape={shape}")]
            if second is not None:
                edits.append(remove_argument(ctx, call.node, second))
            message = (f"`{class_word(call)}(..., input_dim=...)` meant sequences of {ctx.outer_source(dim.value)}-dimensional vectors in Keras 1: "
                       f"{says}. Write `input_shape={shape}`")
            ordered = disjoint(edits)
            fix = self.make_fix(f"Write `input_shape={shape}`", ordered, Applicability.SAFE) if ordered else None
            yield self.finding(ctx, call.node, message, fix)


class Keras1LambdaArguments(Rule):
    """## What it does
    Finds `Lambda(function, output_shape, {...})` with a dict as third positional argument and
    names it: `Lambda(function, output_shape, arguments={...})`.

    ## Why is this bad?
    Keras 1's signature was `Lambda(function, output_shape=None, arguments=None)`; Keras 2+
    inserted `mask` third. Keras 3 takes the dict as the mask and calls the function without
    its extra arguments: with a default value for them, the model builds and silently computes
    something else (`lambda x, scale=5: x * scale` multiplies by 5, not by the 2 the dict says).

    ## Example
    ```python
    scaled = Lambda(lambda x, scale=1.0: x * scale, (16,), {"scale": 2.0})(x)
    ```

    ## Use instead
    ```python
    scaled = Lambda(lambda x, scale=1.0: x * scale, (16,), arguments={"scale": 2.0})(x)
    ```

    ## Fix safety
    Safe: a dict is never a valid mask, and `arguments=` is what Keras 1 did with it. A third
    argument that is not provably a dict is left alone (in tf.keras code it is the mask).
    """

    code = "KRS210"
    name = "keras1-lambda-arguments"
    summary = "`Lambda(f, output_shape, {...})`: Keras 1's third argument was `arguments`; Keras 3 reads it as `mask`"
    family = "Keras 1 layers"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            from keras.layers import Lambda
            scale = Lambda(lambda x, factor=1.0: x * factor, (4,), arguments={"factor": 2.0})
            """)),
        Valid(dedent("""
            from keras.layers import Lambda
            masked = Lambda(lambda x: x, None, lambda inputs, mask=None: mask)
            """), note="a callable third argument is Keras 2+'s mask"),
        Invalid(
            dedent("""
                import numpy as np
                from keras.layers import Lambda
                scale = Lambda(lambda x, factor=5.0: x * factor, (3,), {'factor': 2.0})
                y = scale(np.ones((1, 3), 'float32'))
                """),
            fixed=dedent("""
                import numpy as np
                from keras.layers import Lambda
                scale = Lambda(lambda x, factor=5.0: x * factor, (3,), arguments={'factor': 2.0})
                y = scale(np.ones((1, 3), 'float32'))
                """),
            message="reads it as `mask`",
            keras=Silent("scale.arguments == {} and float(y[0, 0]) == 5.0"),
            fixed_check="float(y[0, 0]) == 2.0",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for call in ctx.calls_to("keras.layers.Lambda"):
            third = call.positional_arg(2)
            if third is None or call.keyword("arguments") is not None or call.keyword("mask") is not None or call.has_star_args:
                continue
            value = ctx.constants.value(third.value, call.scope, default=...)
            if not (isinstance(third.value, cst.Dict) or isinstance(value, dict)):
                continue
            source = ctx.outer_source(third.value)
            message = (f"`Lambda(function, output_shape, {source})`: the third argument was `arguments` in Keras 1, and Keras 3 reads it "
                       "as `mask`: the function is called without these arguments (their defaults apply, or the call fails). "
                       f"Write `arguments={source}`")
            if len(call.positional) > 3:
                yield self.finding(ctx, call.node, message, self.make_fix("Name the arguments", [], Applicability.DISPLAY_ONLY))
                continue
            yield self.finding(ctx, call.node, message, self.make_fix(f"Write `arguments={source}`", [ctx.insert_before(third, "arguments=")], Applicability.SAFE))


_MERGE_CLASSES = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot")


class MergeLayerGivenTensors(Rule):
    """## What it does
    Finds a merge layer class given the tensors to merge as its constructor argument,
    `Add([x, y])` or `Concatenate([a, b])`, and creates the layer first, then calls it:
    `Add()([x, y])`.

    ## Why is this bad?
    The classes take their settings when created and the tensors when called. Code ported
    from Keras 1's `Merge([a, b], mode='sum')` often keeps the list in the constructor.
    Keras 3 fails: `Add([x, y])` raises "TypeError: Merge.__init__() takes 1 positional
    argument but 2 were given"; `Concatenate([a, b])` takes the list as its `axis` and the next
    layer fails on a layer object ("Only input tensors may be passed as positional arguments");
    `Dot([a, b])` rejects the list as `axes`.

    ## Example
    ```python
    x = layers.Add([shortcut, residual])
    ```

    ## Use instead
    ```python
    x = layers.Add()([shortcut, residual])  # or layers.add([shortcut, residual])
    ```

    ## Fix safety
    Safe: the list moves to the call and the other arguments (`axis=`, `name=`) stay in the
    constructor. Only a list or tuple literal whose items are not all numbers is reported
    (`Dot((1, 1))` is a valid `axes`).
    """

    code = "KRS211"
    name = "merge-layer-given-tensors"
    summary = "`Add([x, y])`, `Concatenate([a, b])`: the tensors given to a merge layer's constructor instead of its call"
    family = "Keras 1 layers"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import keras
            from keras import layers
            a, b = keras.Input((4,)), keras.Input((4,))
            total = layers.Add()([a, b])
            joined = layers.concatenate([a, b])
            score = layers.Dot((1, 1))([a, b])
            """)),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                a, b = keras.Input((4,)), keras.Input((4,))
                total = layers.Add([a, b])
                """),
            fixed=dedent("""
                import keras
                from keras import layers
                a, b = keras.Input((4,)), keras.Input((4,))
                total = layers.Add()([a, b])
                """),
            message="`layers.Add()([a, b])`",
            keras=Raises("takes 1 positional argument but 2 were given"),
            fixed_check="tuple(total.shape) == (None, 4)",
        ),
        Invalid(
            dedent("""
                import keras
                from keras.layers import Concatenate, Dense
                a, b = keras.Input((4,)), keras.Input((3,))
                joined = Concatenate([a, b], axis=-1, name="joined")
                out = Dense(2)(joined)
                """),
            fixed=dedent("""
                import keras
                from keras.layers import Concatenate, Dense
                a, b = keras.Input((4,)), keras.Input((3,))
                joined = Concatenate(axis=-1, name="joined")([a, b])
                out = Dense(2)(joined)
                """),
            message="got multiple values for argument 'axis'",
            keras=Raises("got multiple values for argument 'axis'"),
            fixed_check="tuple(out.shape) == (None, 2) and tuple(joined.shape) == (None, 7)",
        ),
        Invalid(
            dedent("""
                import keras
                from keras import layers
                a, b = keras.Input((4,)), keras.Input((3,))
                out = layers.Dense(2)(layers.Concatenate([a, b]))
                """),
            fixed=dedent("""
                import keras
                from keras import layers
                a, b = keras.Input((4,)), keras.Input((3,))
                out = layers.Dense(2)(layers.Concatenate()([a, b]))
                """),
            message="takes the list as its `axis`",
            keras=Raises("Only input tensors may be passed as positional arguments"),
            fixed_check="tuple(out.shape) == (None, 2)",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for call in ctx.calls_to(*(f"keras.layers.{name}" for name in _MERGE_CLASSES)):
            first = call.positional_arg(0)
            if first is None or call.has_star_args or not isinstance(first.value, (cst.List, cst.Tuple)):
                continue
            items = first.value.elements
            if len(items) < 2 or any(isinstance(item, cst.StarredElement) for item in items):
                continue
            if all(isinstance(ctx.constants.value(item.value, call.scope, default=...), int) for item in items):
                continue  # Dot((1, 1)): axes
            class_name = call.name.name
            tensors = ctx.outer_source(first.value)
            rest = ", ".join(ctx.code(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for arg in call.node.args[1:])
            written = ctx.source_of(call.node.func)
            replacement = f"{written}({rest})({tensors})"
            setting = {"Concatenate": "axis", "Dot": "axes"}.get(class_name)
            if setting is not None and call.keyword(setting) is not None:
                keras_says = f"Keras 3 raises \"TypeError: {class_name}.__init__() got multiple values for argument '{setting}'\""
            elif class_name == "Concatenate":
                keras_says = "Keras 3 takes the list as its `axis`, and the next layer fails on a layer object instead of a tensor"
            elif class_name == "Dot":
                keras_says = "Keras 3 takes the list as its `axes` and rejects it"
            else:
                keras_says = "Keras 3 raises \"TypeError: Merge.__init__() takes 1 positional argument but 2 were given\""
            message = (f"`{ctx.source_of(call.node)}` gives the tensors to the layer's constructor: {keras_says}. "
                       f"Create the layer, then call it: `{replacement}`")
            yield self.finding(ctx, call.node, message, self.make_fix(f"Write `{replacement}`", [Edit(*ctx.outer_span(call.node), replacement)]))
