"""String identifiers that Keras looks up by name: metrics, losses, optimizers, activations,
initializers, regularizers, constraints, padding and data_format values.

The valid sets come from the installed Keras 3 (knowledge/keras3.json, generated); the legacy
names Keras 3 rejects come from knowledge/legacy.toml.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.diagnostics import Applicability, Edit, Finding
from keras_lint.knowledge import keras3, legacy
from keras_lint.rules.base import Invalid, Option, Raises, Rule, Valid, dedent
from keras_lint.semantic.model import Scope
from keras_lint.semantic.names import keras_name

_KIND_WORDS = {
    "metrics": "metric",
    "losses": "loss",
    "optimizers": "optimizer",
    "activations": "activation",
    "initializers": "initializer",
    "regularizers": "regularizer",
    "constraints": "constraint",
    "padding": "padding mode",
    "data_format": "data format",
    "merge_mode": "merge mode",
    "reduction": "loss reduction",
}
_GET_FUNCTIONS = {f"keras.{kind}.get": kind for kind in ("metrics", "losses", "optimizers", "activations", "initializers", "regularizers", "constraints")}
_COMPILE_KEYWORDS = frozenset({"optimizer", "loss", "metrics", "weighted_metrics", "loss_weights"})
# A file that registers its own objects may use names we cannot know. Keras 3 consults registered
# custom objects only for initializer and optimizer strings (keras/src/<kind>/__init__.py get():
# the others look the string up in ALL_OBJECTS_DICT alone); Keras 2 consulted them everywhere.
_CUSTOM_OBJECT_MARKERS = ("custom_object", "register_keras_serializable", "get_custom_objects")
_CUSTOMISABLE_IN_KERAS3 = frozenset({"initializers", "optimizers"})
_BUILTIN_ONLY_IN_KERAS3 = frozenset({"metrics", "losses", "activations", "regularizers", "constraints"})


@dataclass(frozen=True)
class IdentifierSite:
    expr: cst.BaseExpression  # what the code passes (a literal, or a name bound to one)
    literal: cst.SimpleString | None  # the literal to edit
    value: str
    kind: str
    context: str  # "compile", "get" or "layer"
    callee: str  # the canonical name of the call, e.g. keras.layers.Conv2D, or "compile"


# -- finding the strings ---------------------------------------------------------------------


def identifier_sites(ctx: Context) -> list[IdentifierSite]:
    return ctx.memo("identifier_sites", _collect_sites)


def _collect_sites(ctx: Context) -> list[IdentifierSite]:
    sites: list[IdentifierSite] = []
    for call in ctx.calls:
        if call.name is not None:
            sites.extend(_keras_call_sites(ctx, call))
        elif _is_keras_compile(ctx, call):
            sites.extend(_compile_sites(ctx, call))
    return sites


def _is_keras_compile(ctx: Context, call: Call) -> bool:
    func = call.node.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "compile"):
        return False
    receiver = ctx.qualified_name(func.value, call.scope)
    if receiver is not None and keras_name(receiver) is None:
        return False  # re.compile, tf.function's compile, ...
    if not (_COMPILE_KEYWORDS & call.keywords.keys()):
        return False
    return ctx.imports_keras


def _compile_sites(ctx: Context, call: Call) -> Iterator[IdentifierSite]:
    for keyword, position, kind in (("optimizer", 0, "optimizers"), ("loss", 1, "losses"), ("metrics", None, "metrics"), ("weighted_metrics", None, "metrics")):
        arg = call.argument(keyword, position)
        if arg is not None:
            yield from _strings(ctx, arg.value, call.scope, kind, "compile", "compile", depth=0)


def _keras_call_sites(ctx: Context, call: Call) -> Iterator[IdentifierSite]:
    name = call.name
    path = name.api or name.path
    for get_path, kind in _GET_FUNCTIONS.items():
        if name.is_(get_path):
            arg = call.argument("identifier", 0)
            if arg is not None:
                yield from _strings(ctx, arg.value, call.scope, kind, "get", get_path, depth=2)
            return
    if name.module == "keras.losses" and name.name[:1].isupper():
        arg = call.keyword("reduction")
        if arg is not None:
            yield from _strings(ctx, arg.value, call.scope, "reduction", "layer", path, depth=2)
        return
    if name.module != "keras.layers" or not name.name[:1].isupper():
        return
    if name.is_("keras.layers.Activation"):
        arg = call.argument("activation", 0)
        if arg is not None:
            yield from _strings(ctx, arg.value, call.scope, "activations", "layer", path, depth=2)
    for keyword, arg in call.keywords.items():
        if keyword in ("activation", "recurrent_activation") and not name.is_("keras.layers.Activation"):
            kind = "activations"
        elif keyword.endswith("_initializer"):
            kind = "initializers"
        elif keyword.endswith("_regularizer"):
            kind = "regularizers"
        elif keyword.endswith("_constraint"):
            kind = "constraints"
        elif keyword == "padding":
            kind = "padding"
        elif keyword == "data_format":
            kind = "data_format"
        elif keyword == "merge_mode" and name.is_("keras.layers.Bidirectional"):
            kind = "merge_mode"
        else:
            continue
        yield from _strings(ctx, arg.value, call.scope, kind, "layer", path, depth=2)


def _strings(ctx: Context, expr: cst.BaseExpression, scope: Scope, kind: str, context: str, callee: str, depth: int) -> Iterator[IdentifierSite]:
    """Every string a compile/layer argument holds: a literal, a list/tuple/dict of them (for
    metrics and losses), through names bound to literals."""
    if depth < 2 and isinstance(expr, (cst.List, cst.Tuple)):
        for element in expr.elements:
            if not isinstance(element, cst.StarredElement):
                yield from _strings(ctx, element.value, scope, kind, context, callee, depth + 1)
        return
    if depth < 2 and isinstance(expr, cst.Dict):
        for element in expr.elements:
            if isinstance(element, cst.DictElement):
                yield from _strings(ctx, element.value, scope, kind, context, callee, depth + 1)
        return
    constant = ctx.constant(expr, scope)
    if constant is None:
        return
    if isinstance(constant.value, str):
        literal = constant.node if isinstance(constant.node, cst.SimpleString) else None
        yield IdentifierSite(expr, literal, constant.value, kind, context, callee)
    elif isinstance(constant.value, (list, tuple, dict)) and constant.binding is not None and depth < 2:
        # METRICS = ["accurcy"]; compile(metrics=METRICS): look inside the bound literal.
        yield from _strings(ctx, constant.node, constant.binding.scope, kind, context, callee, depth)


# -- deciding what is valid -----------------------------------------------------------------------


def _layer_enum(kind: str, callee: str) -> tuple[frozenset[str], bool] | None:
    """(accepted values, whether matched case-insensitively) of a layer argument, as probed
    from the installed Keras; None when that layer was not probed."""
    table = keras3.enum_values(kind)
    table = table.get("by_layer", table)
    entry = table.get(callee)
    if entry is None:
        return None
    return frozenset(v for v in entry["accepted"] if v is not None), bool(entry.get("case_insensitive"))


def _padding_rule(callee: str) -> tuple[frozenset[str], bool] | None:
    return _layer_enum("padding", callee)


def valid_names(kind: str, context: str, callee: str) -> tuple[frozenset[str], bool] | None:
    """The accepted strings, and whether matching ignores case. None: we do not know."""
    if kind in ("metrics", "losses", "activations", "initializers", "regularizers", "constraints", "optimizers"):
        return keras3.identifiers(kind), keras3.identifier_case_insensitive(kind)
    if kind in ("padding", "data_format", "merge_mode"):
        return _layer_enum(kind, callee)
    if kind == "reduction":
        # Every loss class takes `reduction` through keras.losses.Loss; the generator probes a
        # sample of them, which all agree.
        known = _layer_enum(kind, callee)
        if known is None:
            table = keras3.enum_values(kind)
            first = next(iter(sorted(table)), None)
            known = _layer_enum(kind, first) if first else None
        return known
    return None


def is_valid(site: IdentifierSite) -> bool | None:
    known = valid_names(site.kind, site.context, site.callee)
    if known is None:
        return None
    names, case_insensitive = known
    value = site.value
    if site.context == "compile":
        extras = keras3.compile_extras()
        if site.kind == "metrics" and value.lower() in extras["metrics_case_insensitive"]:
            return True
        if site.kind == "losses" and value.lower() in extras["losses_case_insensitive"]:
            return True
    if case_insensitive:
        return value.lower() in {name.lower() for name in names}
    return value in names


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions)."""
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def close_matches(value: str, names: frozenset[str]) -> list[str]:
    """Valid names a typo of `value` could have meant, best first, one per spelling that
    differs only in case (the lowercase spelling is preferred)."""
    lowered = value.lower()
    limit = 1 if len(value) <= 4 else 2 if len(value) <= 10 else 3
    groups: dict[str, tuple[int, str]] = {}
    for name in names:
        distance = _distance(lowered, name.lower())
        if distance > limit:
            continue
        key = name.lower()
        preferred = groups.get(key)
        if preferred is None or (name == key and preferred[1] != key):
            groups[key] = (distance, name)
    ranked = sorted(groups.values())
    return [name for _, name in ranked]


def _quote_like(literal: cst.SimpleString, value: str) -> str:
    prefix = literal.prefix
    quote = literal.quote
    return f"{prefix}{quote}{value}{quote}"


def _keras_says(site: IdentifierSite) -> str:
    value = site.value
    if site.kind in ("metrics", "losses") and site.context == "compile":
        word = "metric" if site.kind == "metrics" else "loss"
        return f"Keras 3 accepts it in compile() and only fails at the first fit() or evaluate() with \"Could not interpret {word} identifier: {value}\""
    if site.kind == "optimizers":
        return f"Keras 3 fails in compile() with \"Could not interpret optimizer identifier: {value}\""
    if site.kind == "activations":
        return f"Keras 3 fails when the layer is created, with \"Could not interpret activation function identifier: {value}\""
    if site.kind in ("initializers", "regularizers", "constraints", "metrics", "losses"):
        return f"Keras 3 fails with \"Could not interpret {_KIND_WORDS[site.kind]} identifier: {value}\""
    if site.kind == "padding":
        rule = _padding_rule(site.callee)
        if rule is not None and not rule[1]:
            return f"Keras 3 fails when the layer is first called, with \"Argument `padding` must be either 'valid' or 'same'. Received: padding={value}\""
        return f"Keras 3 fails when the layer is created, with \"The `padding` argument must be a list/tuple or one of ... Received: {value}\""
    if site.kind == "data_format":
        return f"Keras 3 fails when the layer is created, with \"The `data_format` argument must be one of {{'channels_first', 'channels_last'}}. Received: data_format={value}\""
    return "Keras 3 rejects it"


def _custom_objects_possible(ctx: Context, kind: str) -> bool:
    if ctx.settings.target_keras == "3" and kind not in _CUSTOMISABLE_IN_KERAS3:
        return False
    return any(marker in ctx.text for marker in _CUSTOM_OBJECT_MARKERS)


# -- the rules -------------------------------------------------------------------------------------


class UnknownIdentifier(Rule):
    """## What it does
    Finds strings that Keras looks up by name and that are not a name Keras knows, when they
    are a likely typo of one: `metrics=['accurcy']`, `loss='categorical_crossentopy'`,
    `optimizer='adamm'`, `activation='Relu'`, `kernel_initializer='glorot_unifrom'`,
    `padding='SAME'` on a pooling layer, `data_format='channel_last'`. The valid names are
    the ones the installed Keras 3 accepts (generated from it), including what `compile()`
    accepts beyond them (`'acc'`/`'accuracy'` in any case, `'crossentropy'` as a loss).

    ## Why is this bad?
    Keras only resolves metric and loss strings at the first `fit()` or `evaluate()`, after
    your data has been loaded and maybe after a long preprocessing run: the typo costs a run.
    Other strings fail when the layer is created or called, with a message that does not say
    what the right name is.

    ## Example
    ```python
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accurcy"])
    ```

    ## Use instead
    ```python
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    ```

    Keras 3 looks metric, loss, activation, regularizer and constraint strings up among its
    built-in names only (registered custom objects are consulted for initializers and
    optimizers alone), so such a string that is close to no valid name is reported too, with
    no fix: pass the object itself.

    ## Fix safety
    When exactly one valid name is close to the typo, replacing it is safe. When several are
    (`'adamm'` could be `'adam'` or `'adamw'`), the closest is suggested as an unsafe fix.
    Initializer and optimizer strings in a file that registers custom objects are not checked,
    nor are any strings with `target-keras = "2"` in such a file (Keras 2 resolved them all
    through custom objects).
    """

    code = "KRS102"
    name = "unknown-identifier"
    summary = "A misspelled Keras string identifier (metric, loss, optimizer, activation, ...)"
    family = "Arguments"
    fix = Applicability.SAFE
    options = (
        Option(
            "allowed-names",
            [],
            "Identifier strings never reported: the names of custom objects that another module "
            "registers (`keras.saving.register_keras_serializable`), which keras-lint cannot see.",
        ),
    )
    examples = (
        Valid(
            dedent("""
                import keras
                # "lecun_normal2" is a custom initializer that another module registers.
                layer = keras.layers.Dense(4, kernel_initializer="lecun_normal2")
                """),
            note="a name listed in the `allowed-names` option",
            settings={"options": {"KRS102": {"allowed-names": ["lecun_normal2"]}}},
            runnable=False,
        ),
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="Adam", loss="binary_crossentropy", metrics=["ACC", "auc"])
            """)),
        Valid(dedent("""
            import re
            import keras
            pattern = re.compile("accurcy")
            """), note="re.compile is not Keras"),
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
            model.compile(loss="crossentropy", metrics=["accuracy"], optimizer="rmsprop")
            """)),
        Valid(dedent("""
            import keras
            class Zeros2(keras.initializers.Initializer):
                def __call__(self, shape, dtype=None):
                    return keras.ops.zeros(shape, dtype=dtype)
            keras.saving.get_custom_objects()["zeros2"] = Zeros2
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, kernel_initializer="zeros2")])
            """), note="a registered custom initializer: Keras 3 looks initializer strings up among custom objects"),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accurcy"])
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
                """),
            message="Did you mean 'accuracy'?",
            keras=Raises("Could not interpret metric identifier: accurcy", stage="fit"),
        ),
        Invalid(
            dedent("""
                from keras.layers import Activation, Dense
                relu = Dense(10, activation='Relu')
                out = Activation('softmx')
                """),
            fixed=dedent("""
                from keras.layers import Activation, Dense
                relu = Dense(10, activation='relu')
                out = Activation('softmax')
                """),
            count=2,
            keras=Raises("Could not interpret activation function identifier"),
        ),
        Invalid(
            dedent("""
                import tensorflow as tf
                layer = tf.keras.layers.Dense(10, kernel_initializer="glorot_unifrom")
                """),
            fixed=dedent("""
                import tensorflow as tf
                layer = tf.keras.layers.Dense(10, kernel_initializer="glorot_uniform")
                """),
            keras=Raises("Could not interpret initializer identifier: glorot_unifrom"),
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.MaxPooling2D(padding="SAME")])
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.MaxPooling2D(padding="same")])
                """),
            keras=Raises("must be either 'valid' or 'same'", stage="build"),
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="adamm", loss="mse")
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="adam", loss="mse")
                """),
            applicability=Applicability.UNSAFE,
            message="'adam'",
            keras=Raises("Could not interpret optimizer identifier: adamm", stage="compile"),
        ),
        Invalid(
            dedent("""
                import keras
                def dice(y_true, y_pred):
                    return keras.ops.mean(y_true * y_pred)
                keras.saving.get_custom_objects()["dice_coef"] = dice
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["dice_coef"])
                """),
            fixed=None,
            message="does not look metric strings up among registered custom objects",
            keras=Raises("Could not interpret metric identifier: dice_coef", stage="fit"),
        ),
        Invalid(
            dedent("""
                import keras
                LOSS = "categorical_crossentopy"
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="sgd", loss=LOSS)
                """),
            fixed=dedent("""
                import keras
                LOSS = "categorical_crossentropy"
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="sgd", loss=LOSS)
                """),
            keras=Raises("Could not interpret loss identifier: categorical_crossentopy", stage="fit"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        allowed = self.option(ctx, "allowed-names")
        for site in identifier_sites(ctx):
            if is_valid(site) is not False or _custom_objects_possible(ctx, site.kind):
                continue
            if site.value in allowed:
                continue
            if legacy.legacy_identifier(site.kind, site.value) is not None:
                continue  # KRS103 explains it
            known = valid_names(site.kind, site.context, site.callee)
            if known is None:
                continue
            names = known[0]
            if site.context == "compile" and site.kind == "metrics":
                names = names | {"accuracy"}
            matches = close_matches(site.value, names)
            word = _KIND_WORDS[site.kind]
            if not matches:
                # Close to nothing: only certain when Keras 3 cannot resolve it as a custom
                # object either, and then there is nothing to suggest.
                if ctx.settings.target_keras == "3" and site.kind in _BUILTIN_ONLY_IN_KERAS3:
                    message = (f"'{site.value}' is not a Keras {word} name, and Keras 3 does not look {word} strings up "
                               f"among registered custom objects: {_keras_says(site)}. Pass the object itself instead of its name")
                    yield self.finding(ctx, site.expr, message, self.make_fix("Pass the object itself", [], Applicability.DISPLAY_ONLY))
                continue
            best = matches[0]
            message = f"'{site.value}' is not a Keras {word} name: {_keras_says(site)}. Did you mean '{best}'?"
            if len(matches) > 1:
                message = message[:-1] + f" (or {', '.join(repr(m) for m in matches[1:3])})?"
            fix = None
            if site.literal is not None:
                applicability = Applicability.SAFE if len(matches) == 1 else Applicability.UNSAFE
                fix = self.make_fix(f"Replace '{site.value}' with '{best}'", [Edit(*ctx.span(site.literal), _quote_like(site.literal, best))], applicability)
            yield self.finding(ctx, site.expr, message, fix)


class LegacyIdentifier(Rule):
    """## What it does
    Finds string identifiers from Keras 1 or 2 that Keras 3 no longer accepts:
    `metrics=['fmeasure']`, `'cosine_proximity'`, `loss='kullback_leibler_divergence'`,
    `kernel_constraint='maxnorm'`, `kernel_regularizer='l1_l2'`, `data_format='th'`,
    `metrics=['crossentropy']`, ... and names the Keras 3 spelling.

    ## Why is this bad?
    These names worked in tutorials and old repositories. Keras 3 rejects them, for metrics and
    losses only at the first `fit()`, with "Could not interpret ... identifier", which does not
    tell you the new name.

    ## Example
    ```python
    model.compile(loss="kullback_leibler_divergence", optimizer="adam", metrics=["cosine_proximity"])
    ```

    ## Use instead
    ```python
    model.compile(loss="kl_divergence", optimizer="adam", metrics=["cosine_similarity"])
    ```

    ## Fix safety
    A pure rename (`'kullback_leibler_divergence'` → `'kl_divergence'`, `'maxnorm'` →
    `'max_norm'`, `'th'` → `'channels_first'`) is safe. `'fmeasure'` → `'f1_score'` is unsafe:
    Keras 3's F1Score is computed over the epoch, not per batch, and expects one-hot labels.
    Names with no Keras 3 string (`'matthews_correlation'`, `'crossentropy'` as a metric)
    are explained, not rewritten. With `target-keras = "2"`, names that Keras 2 still accepts
    are not reported.
    """

    code = "KRS103"
    name = "legacy-identifier"
    summary = "A Keras 1/2 string identifier that Keras 3 rejects ('fmeasure', 'maxnorm', 'th', ...)"
    family = "Arguments"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
            model.compile(loss="kl_divergence", optimizer="adam", metrics=["cosine_similarity"])
            """)),
        Valid(
            dedent("""
                import tensorflow as tf
                model = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="softmax")])
                model.compile(loss="kullback_leibler_divergence", optimizer="adam")
                """),
            settings={"target-keras": "2"},
            note="tf.keras 2.x still knows the name",
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(loss="kullback_leibler_divergence", optimizer="adam", metrics=["cosine_proximity"])
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(loss="kl_divergence", optimizer="adam", metrics=["cosine_similarity"])
                """),
            count=2,
            keras=Raises("Could not interpret", stage="fit"),
        ),
        Invalid(
            dedent("""
                from keras.layers import Conv2D, Dense
                conv = Conv2D(8, (3, 3), data_format="tf")
                dense = Dense(4, kernel_constraint="maxnorm", kernel_regularizer="l1_l2")
                """),
            fixed=dedent("""
                from keras.layers import Conv2D, Dense
                conv = Conv2D(8, (3, 3), data_format="channels_last")
                dense = Dense(4, kernel_constraint="max_norm", kernel_regularizer="l1l2")
                """),
            count=3,
            keras=Raises("data_format"),
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["fmeasure"])
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["f1_score"])
                """),
            applicability=Applicability.UNSAFE,
            message="'f1_score'",
            keras=Raises("Could not interpret metric identifier: fmeasure", stage="fit"),
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["crossentropy"])
                """),
            fixed=None,
            message="only as a loss",
            keras=Raises("Could not interpret metric identifier: crossentropy", stage="fit"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for site in identifier_sites(ctx):
            entry = legacy.legacy_identifier(site.kind, site.value)
            if entry is None or is_valid(site) is not False:
                continue
            if ctx.settings.target_keras == "2" and entry.removed_in.startswith("3"):
                continue
            version = {"2.0": "Keras 2.0", "2.2": "Keras 2.2", "3.0": "Keras 3"}.get(entry.removed_in, f"Keras {entry.removed_in}")
            word = _KIND_WORDS[site.kind]
            message = f"'{site.value}' is a {word} name that {version} no longer accepts ({entry.why}): {_keras_says(site)}"
            fix = None
            if entry.replacement is not None:
                message += f". Use '{entry.replacement}'"
                if site.literal is not None:
                    applicability = Applicability(entry.fix)
                    fix = self.make_fix(f"Replace '{site.value}' with '{entry.replacement}'", [Edit(*ctx.span(site.literal), _quote_like(site.literal, entry.replacement))], applicability)
            else:
                fix = self.make_fix(entry.why, [], Applicability.DISPLAY_ONLY)
            yield self.finding(ctx, site.expr, message, fix)
