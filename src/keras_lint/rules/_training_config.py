"""What the training-configuration rules (KRS7xx) read from a file: for each `compile` of a
model, its outputs (`models.heads`), the loss and metrics given for each output, and the labels
the model is fitted on.

Losses and metrics are read from the source as written: strings (with compile's own
`"crossentropy"`/`"accuracy"` specials and Keras' aliases), functions
(`keras.losses.binary_crossentropy`), classes and their arguments
(`keras.losses.CategoricalCrossentropy(from_logits=True)`), directly or through a name bound
once; per output as a list or a dict keyed by output name. Anything else is unknown, and the
rules say nothing about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from keras_lint.context import Context
from keras_lint.knowledge import keras3
from keras_lint.models import Array, Const, MethodCall, Model, OneHot, extraction
from keras_lint.models.heads import OutputHead, output_heads
from keras_lint.models.values import OPAQUE, Mapping, Ref, Seq
from keras_lint.semantic.model import BindingKind, Scope
from keras_lint.semantic.names import keras_name
from keras_lint.shapes import UNKNOWN

FAMILY = "Training configuration"

# Losses by the name Keras 3's `keras.losses.get` accepts (functions, aliases and classes): what
# they expect of the output. "binary", "categorical" and "sparse" crossentropies compare
# probabilities (or logits with from_logits=True); "regression" losses compare values.
_LOSS_FAMILIES = {
    "binary_crossentropy": "binary",
    "bce": "binary",
    "BCE": "binary",
    "BinaryCrossentropy": "binary",
    "binary_focal_crossentropy": "binary",
    "BinaryFocalCrossentropy": "binary",
    "categorical_crossentropy": "categorical",
    "CategoricalCrossentropy": "categorical",
    "categorical_focal_crossentropy": "categorical",
    "CategoricalFocalCrossentropy": "categorical",
    "sparse_categorical_crossentropy": "sparse",
    "SparseCategoricalCrossentropy": "sparse",
    "mean_squared_error": "regression",
    "mse": "regression",
    "MSE": "regression",
    "MeanSquaredError": "regression",
    "mean_absolute_error": "regression",
    "mae": "regression",
    "MAE": "regression",
    "MeanAbsoluteError": "regression",
    "mean_absolute_percentage_error": "regression",
    "mape": "regression",
    "MAPE": "regression",
    "MeanAbsolutePercentageError": "regression",
    "mean_squared_logarithmic_error": "regression",
    "msle": "regression",
    "MSLE": "regression",
    "MeanSquaredLogarithmicError": "regression",
    "huber": "regression",
    "Huber": "regression",
    "log_cosh": "regression",
    "LogCosh": "regression",
}
# The function name Keras' messages use for each spelling.
_LOSS_NAMES = {
    "bce": "binary_crossentropy",
    "BCE": "binary_crossentropy",
    "BinaryCrossentropy": "binary_crossentropy",
    "BinaryFocalCrossentropy": "binary_focal_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "CategoricalFocalCrossentropy": "categorical_focal_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
    "mse": "mean_squared_error",
    "MSE": "mean_squared_error",
    "MeanSquaredError": "mean_squared_error",
    "mae": "mean_absolute_error",
    "MAE": "mean_absolute_error",
    "MeanAbsoluteError": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "MAPE": "mean_absolute_percentage_error",
    "MeanAbsolutePercentageError": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "MSLE": "mean_squared_logarithmic_error",
    "MeanSquaredLogarithmicError": "mean_squared_logarithmic_error",
    "Huber": "huber",
    "LogCosh": "log_cosh",
}
CROSSENTROPY_FAMILIES = ("binary", "categorical", "sparse", "auto")
PROBABILITY_ACTIVATIONS = ("softmax", "sigmoid")
_FIT_METHODS = ("fit", "train_on_batch", "evaluate", "test_on_batch")
_MAX_FOLLOW = 4


def loss_spellings() -> dict[str, str]:
    """Every loss name this module knows, with its family (tests check them against Keras)."""
    return dict(_LOSS_FAMILIES)


@dataclass(eq=False)
class LossUse:
    """One loss as the compile call gives it."""

    family: str  # "binary" | "categorical" | "sparse" | "auto" (compile's "crossentropy") | "regression"
    name: str  # the function name: "categorical_crossentropy", "crossentropy"
    form: str  # "string" | "function" | "object"
    site: cst.BaseExpression  # the expression in the compile call (where findings point)
    expr: cst.BaseExpression  # what it evaluates to (the site, or what a name was bound to)
    scope: Scope  # the scope of `expr`
    from_logits: bool | None = False  # None: not known
    from_logits_arg: cst.Arg | None = None
    focal: bool = False

    @property
    def in_call(self) -> bool:
        """Whether the loss is written in the compile call itself (fixes only edit it there)."""
        return self.site is self.expr

    @property
    def call(self) -> cst.Call | None:
        return self.expr if self.form == "object" and isinstance(self.expr, cst.Call) else None

    @property
    def crossentropy(self) -> bool:
        return self.family in CROSSENTROPY_FAMILIES


@dataclass(eq=False)
class MetricUse:
    kind: str  # "accuracy" (compile's auto accuracy) | "exact_accuracy" (keras.metrics.Accuracy) | "other"
    site: cst.BaseExpression
    expr: cst.BaseExpression
    scope: Scope

    @property
    def in_call(self) -> bool:
        return self.site is self.expr


@dataclass(eq=False)
class Labels:
    """What the labels given to fit/evaluate are, when the source proves it."""

    encoding: str  # "one_hot" | "class_ids"
    classes: int | None  # one-hot: the length of a row; class ids: max + 1 when the values are written out
    site: cst.BaseExpression  # the `y` argument
    made_by: cst.CSTNode | None = None  # the call that made them (`to_categorical(y, 10)`, `np.array(...)`)
    classes_node: cst.CSTNode | None = None  # how to_categorical's num_classes was written


@dataclass(eq=False)
class Training:
    """One `compile` of one model instance, with what it is fitted on."""

    model: Model
    compile: MethodCall
    heads: list[OutputHead]
    losses: dict[int, LossUse] = field(default_factory=dict)  # by output index; unknown ones left out
    metrics: dict[int, list[MetricUse]] = field(default_factory=dict)
    labels: list[Labels] = field(default_factory=list)  # of single-output models only
    # Whether every fit/evaluate call with labels has labels keras-lint can read.
    labels_complete: bool = True

    def label_encoding(self) -> str | None:
        """"one_hot" or "class_ids" when every call with labels agrees; None otherwise."""
        encodings = {labels.encoding for labels in self.labels}
        if len(encodings) != 1 or not self.labels_complete:
            return None
        return encodings.pop()


# -- following names ------------------------------------------------------------------------------


def source_constant(ctx: Context, expr: cst.BaseExpression, scope: Scope):
    """The constant an expression is, unless it comes from a parameter's default value (a
    function may be called with another value: the interpreter's value says which)."""
    constant = ctx.constant(expr, scope)
    return None if constant is None or constant.from_default else constant


def _follow(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> tuple[cst.BaseExpression, Scope]:
    """What a name bound once by a plain assignment stands for (a few levels deep)."""
    for _ in range(_MAX_FOLLOW):
        if not isinstance(expr, cst.Name):
            break
        bindings = ctx.semantic.lookup(expr.value, scope)
        if not bindings or len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN or bindings[0].value is None:
            break
        if expr.value in bindings[0].scope.mutated_names:
            break
        expr, scope = bindings[0].value, bindings[0].scope
    return expr, scope


# TensorFlow 2 exports Keras' losses and metrics as `tf.losses` and `tf.metrics` too.
_TF_ALIASES = {"tensorflow.losses.": "keras.losses.", "tensorflow.metrics.": "keras.metrics."}


def _keras_object(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> str | None:
    name = ctx.keras_name(expr, scope)
    if name is None:
        path = ctx.qualified_name(expr, scope) or ""
        alias = next((prefix for prefix in _TF_ALIASES if path.startswith(prefix)), None)
        name = keras_name(_TF_ALIASES[alias] + path[len(alias) :]) if alias else None
    if name is None:
        return None
    return name.api or name.path


# -- one value per output -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Given:
    """What compile was given for one output: where it is written (`site`, in the scope
    `scope`), and the interpreter's value for this model instance (`value`)."""

    site: cst.BaseExpression
    scope: Scope
    value: object


def _items(value) -> list | None:
    if isinstance(value, Seq):
        return list(value.items)
    if isinstance(value, Const) and isinstance(value.value, (list, tuple)):
        return [Const(v) for v in value.value]
    return None


def _entry(value, key) -> object:
    if isinstance(value, Mapping):
        return value.items.get(key, OPAQUE)
    if isinstance(value, Const) and isinstance(value.value, dict) and key in value.value:
        return Const(value.value[key])
    return OPAQUE


def _per_output(ctx: Context, site: cst.BaseExpression, scope: Scope, value, heads: list[OutputHead]) -> dict[int, _Given] | None:
    """What is given for each output: one thing for all, a list in output order, or a dict
    keyed by output name. None when it cannot be matched to the outputs."""
    expr, expr_scope = _follow(ctx, site, scope)
    items = _items(value)
    if isinstance(expr, (cst.List, cst.Tuple)) or (items is not None and not isinstance(expr, cst.Dict)):
        elements = expr.elements if isinstance(expr, (cst.List, cst.Tuple)) else None
        if elements is not None and (any(isinstance(e, cst.StarredElement) for e in elements) or len(elements) != len(heads)):
            return None
        if items is not None and len(items) != len(heads):
            return None
        result = {}
        for position, head in enumerate(heads):
            item_site = elements[position].value if elements is not None else site
            item_value = items[position] if items is not None else OPAQUE
            result[head.index] = _Given(item_site, expr_scope if elements is not None else scope, item_value)
        return result
    if isinstance(expr, cst.Dict) or isinstance(value, Mapping) or (isinstance(value, Const) and isinstance(value.value, dict)):
        names = {head.name: head.index for head in heads if head.name is not None}
        result = {}
        if isinstance(expr, cst.Dict):
            for element in expr.elements:
                if not isinstance(element, cst.DictElement):
                    return None
                key = source_constant(ctx, element.key, expr_scope)
                if key is None or key.value not in names:
                    continue
                result[names[key.value]] = _Given(element.value, expr_scope, _entry(value, key.value))
        else:
            for name, index in names.items():
                entry = _entry(value, name)
                if entry is not OPAQUE:
                    result[index] = _Given(site, scope, entry)
        return result
    return {head.index: _Given(site, scope, value) for head in heads}


# -- losses -------------------------------------------------------------------------------------------


def _string_loss(value: str, site: cst.BaseExpression, expr: cst.BaseExpression, scope: Scope) -> LossUse | None:
    if value.lower() in keras3.compile_extras()["losses_case_insensitive"]:
        return LossUse("auto", "crossentropy", "string", site, expr, scope)
    family = _LOSS_FAMILIES.get(value)
    if family is None:
        return None
    return LossUse(family, _LOSS_NAMES.get(value, value), "string", site, expr, scope, focal="focal" in value.lower())


def _reference_loss(path: str, site: cst.BaseExpression, expr: cst.BaseExpression, scope: Scope) -> LossUse | None:
    """A loss function or class given by reference (`keras.losses.binary_crossentropy`)."""
    module, _, last = path.rpartition(".")
    if module not in ("keras.losses", "keras.metrics"):
        return None
    family = _LOSS_FAMILIES.get(last)
    if family is None or (module == "keras.metrics" and last[:1].isupper()):
        return None
    form = "object" if last[:1].isupper() else "function"
    return LossUse(family, _LOSS_NAMES.get(last, last), form, site, expr, scope, focal="focal" in last.lower())


def read_loss(ctx: Context, given: _Given) -> LossUse | None:
    """The loss given for one output, or None when it is not one keras-lint knows."""
    site, scope, value = given.site, given.scope, given.value
    expr, expr_scope = _follow(ctx, site, scope)
    if isinstance(value, Const):
        if not isinstance(value.value, str):
            return None
        literal = expr if isinstance(expr, cst.SimpleString) else site
        return _string_loss(value.value, site, literal, expr_scope)
    if isinstance(value, Ref):
        path = (value.keras.api or value.keras.path) if value.keras is not None else None
        return _reference_loss(path, site, expr, expr_scope) if path else None
    # An object (`CategoricalCrossentropy(from_logits=True)`), which the interpreter does not
    # model: read it from the source.
    constant = source_constant(ctx, expr, expr_scope)
    if constant is not None:
        return _string_loss(constant.value, site, expr, expr_scope) if isinstance(constant.value, str) else None
    if isinstance(expr, cst.Call):
        path = _keras_object(ctx, expr.func, expr_scope)
        if path is None or not path.startswith("keras.losses."):
            return None
        class_name = path.rsplit(".", 1)[-1]
        family = _LOSS_FAMILIES.get(class_name)
        if family is None or not class_name[:1].isupper():
            return None
        loss = LossUse(family, _LOSS_NAMES.get(class_name, class_name), "object", site, expr, expr_scope, focal="Focal" in class_name)
        if family in CROSSENTROPY_FAMILIES:
            loss.from_logits, loss.from_logits_arg = _from_logits(ctx, expr, expr_scope, path)
        return loss
    path = _keras_object(ctx, expr, expr_scope)
    return _reference_loss(path, site, expr, expr_scope) if path else None


def _from_logits(ctx: Context, call: cst.Call, scope: Scope, path: str) -> tuple[bool | None, cst.Arg | None]:
    if any(arg.star for arg in call.args):
        return None, None
    signature = keras3.signature(path)
    positional = [a for a in call.args if a.keyword is None]
    arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == "from_logits"), None)
    if arg is None and signature is not None:
        names = signature.positional_names()
        if "from_logits" in names and names.index("from_logits") < len(positional):
            arg = positional[names.index("from_logits")]
    if arg is None:
        return False, None
    constant = source_constant(ctx, arg.value, scope)
    if constant is None or not isinstance(constant.value, bool):
        return None, arg
    return constant.value, arg


def _losses(ctx: Context, compile_call: MethodCall, heads: list[OutputHead]) -> dict[int, LossUse]:
    arg = compile_call.argument("loss")
    if arg is None or arg.star or not heads:
        return {}
    per_output = _per_output(ctx, arg.value, compile_call.call.scope, compile_call.value("loss"), heads)
    if per_output is None:
        return {}
    result = {}
    for index, given in per_output.items():
        loss = read_loss(ctx, given)
        if loss is not None:
            result[index] = loss
    return result


# -- metrics ------------------------------------------------------------------------------------------


def read_metric(ctx: Context, given: _Given) -> MetricUse:
    site, scope, value = given.site, given.scope, given.value
    expr, expr_scope = _follow(ctx, site, scope)
    if isinstance(value, Const):
        text = value.value
        if isinstance(text, str) and text.lower() in keras3.compile_extras()["metrics_case_insensitive"]:
            return MetricUse("accuracy", site, expr, expr_scope)
        return MetricUse("other", site, expr, expr_scope)
    if source_constant(ctx, expr, expr_scope) is not None:
        return MetricUse("other", site, expr, expr_scope)
    target = expr.func if isinstance(expr, cst.Call) else expr
    if _keras_object(ctx, target, expr_scope) == "keras.metrics.Accuracy":
        return MetricUse("exact_accuracy", site, expr, expr_scope)
    return MetricUse("other", site, expr, expr_scope)


def _metrics(ctx: Context, compile_call: MethodCall, heads: list[OutputHead]) -> dict[int, list[MetricUse]]:
    arg = compile_call.argument("metrics")
    if arg is None or arg.star or not heads:
        return {}
    scope = compile_call.call.scope
    value = compile_call.value("metrics")
    expr, _ = _follow(ctx, arg.value, scope)
    if isinstance(expr, cst.Dict) or isinstance(value, Mapping) or (isinstance(value, Const) and isinstance(value.value, dict)):
        by_output = _per_output(ctx, arg.value, scope, value, heads) or {}
    elif len(heads) == 1:
        by_output = {heads[0].index: _Given(arg.value, scope, value)}
    else:
        return {}  # how a flat list spreads over several outputs depends on its shape
    result: dict[int, list[MetricUse]] = {}
    for index, given in by_output.items():
        listed, listed_scope = _follow(ctx, given.site, given.scope)
        items = _items(given.value)
        elements = [e.value for e in listed.elements if not isinstance(e, cst.StarredElement)] if isinstance(listed, (cst.List, cst.Tuple)) else None
        if elements is not None and items is not None and len(elements) != len(items):
            elements = None
        if elements is None and items is None:
            result[index] = [read_metric(ctx, given)]
            continue
        count = len(elements) if elements is not None else len(items)
        result[index] = [
            read_metric(ctx, _Given(elements[i] if elements is not None else given.site, listed_scope if elements is not None else given.scope,
                                    items[i] if items is not None else OPAQUE))
            for i in range(count)
        ]
    return result


# -- labels -------------------------------------------------------------------------------------------


def _literal(ctx: Context, array: Array) -> object:
    """The nested list an `np.array([...])` was written as, or None."""
    node = array.node
    if array.origin != "np.array" or not isinstance(node, cst.Call) or not node.args:
        return None
    call = _calls_by_node(ctx).get(id(node))
    if call is None:
        return None
    constant = source_constant(ctx, node.args[0].value, call.scope)
    return constant.value if constant is not None else None


def _calls_by_node(ctx: Context) -> dict:
    return ctx.memo("keras_lint.training_config.calls", lambda c: {id(call.node): call for call in c.calls})


def _one_hot_rows(values: object) -> int | None:
    """The row length when `values` is a list of one-hot rows."""
    if not isinstance(values, (list, tuple)) or not values:
        return None
    width = None
    for row in values:
        if not isinstance(row, (list, tuple)) or not row:
            return None
        if width is None:
            width = len(row)
        if len(row) != width or any(v not in (0, 1) or isinstance(v, bool) for v in row) or sum(row) != 1:
            return None
    return width if width and width > 1 else None


def _class_ids(values: object) -> int | None:
    """max + 1 when `values` is a flat list (or a column) of non-negative integer class ids."""
    if not isinstance(values, (list, tuple)) or not values:
        return None
    flat = []
    for value in values:
        if isinstance(value, (list, tuple)):
            if len(value) != 1:
                return None
            value = value[0]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return None
        flat.append(value)
    return max(flat) + 1


def read_labels(ctx: Context, value, site: cst.BaseExpression) -> Labels | None:
    if isinstance(value, OneHot):
        classes = value.classes if isinstance(value.classes, int) else None
        return Labels("one_hot", classes, site, value.node, value.classes_node)
    if isinstance(value, Array):
        literal = _literal(ctx, value)
        if literal is not None:
            width = _one_hot_rows(literal)
            if width is not None:
                return Labels("one_hot", width, site, value.node)
            classes = _class_ids(literal)
            if classes is not None:
                return Labels("class_ids", classes, site, value.node)
            return None
        shape = value.shape
        if value.dtype == "int" and isinstance(shape, tuple) and (len(shape) == 1 or (len(shape) == 2 and shape[-1] == 1)):
            return Labels("class_ids", None, site, value.node)
        return None
    if isinstance(value, (Const, Seq)):
        literal = value.value if isinstance(value, Const) else None
        width = _one_hot_rows(literal)
        if width is not None:
            return Labels("one_hot", width, site, None)
        classes = _class_ids(literal)
        if classes is not None:
            return Labels("class_ids", classes, site, None)
    return None


def _labels_of(ctx: Context, instance: Model) -> tuple[list[Labels], bool]:
    found: list[Labels] = []
    complete = True
    for method_call in extraction(ctx).method_calls:
        if method_call.model is not instance or method_call.method not in _FIT_METHODS:
            continue
        pairs = []
        y_arg = method_call.argument("y")
        if y_arg is not None:
            pairs.append((method_call.value("y"), y_arg.value))
        elif method_call.argument("x") is not None:
            complete = False  # a dataset or generator: its labels are not known
        validation = method_call.value("validation_data")
        validation_arg = method_call.argument("validation_data")
        if validation_arg is not None:
            items = validation.items if isinstance(validation, Seq) else None
            element = validation_arg.value
            if items is not None and len(items) in (2, 3) and isinstance(element, (cst.Tuple, cst.List)) and len(element.elements) == len(items):
                pairs.append((items[1], element.elements[1].value))
            else:
                complete = False
        for value, site in pairs:
            labels = read_labels(ctx, value, site)
            if labels is None:
                complete = False
            else:
                found.append(labels)
    return found, complete


# -- putting it together ------------------------------------------------------------------------------


def trainings(ctx: Context) -> list[Training]:
    """Every compile of every model the file builds (shared between the rules)."""
    return ctx.memo("keras_lint.training_config", _trainings)


def _trainings(ctx: Context) -> list[Training]:
    # Every model instance the interpreter built (a function called with other arguments builds
    # another one), each compile with the values it was really given.
    result: list[Training] = []
    for compile_call in extraction(ctx).method_calls:
        instance = compile_call.model
        if compile_call.method != "compile" or instance is None:
            continue
        heads = output_heads(ctx, instance)
        training = Training(instance, compile_call, heads)
        training.losses = _losses(ctx, compile_call, heads)
        training.metrics = _metrics(ctx, compile_call, heads)
        if len(heads) == 1:
            training.labels, training.labels_complete = _labels_of(ctx, instance)
        result.append(training)
    return result


def with_quotes(ctx: Context, literal: cst.BaseExpression, value: str) -> str:
    if isinstance(literal, cst.SimpleString):
        return f"{literal.prefix}{literal.quote}{value}{literal.quote}"
    q = ctx.quote()
    return f"{q}{value}{q}"


def unknown(value) -> bool:
    return value is UNKNOWN or value is None
