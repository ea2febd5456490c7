"""What the Keras 1 layer rules share: which converter a layer call belongs to, whether a call
or a file is provably Keras 1 code, whether a value is provably an int, the Keras 3 error a
call will raise, and the edits that rename a Keras 1 class alias or add a sibling layer name.

Not a rule module (the registry skips modules starting with an underscore)."""

from __future__ import annotations

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.diagnostics import Applicability, Edit
from keras_lint.knowledge import keras3
from keras_lint.knowledge.legacy_layers import Converter, converter_for, removed_layers
from keras_lint.rewrite import Reference, bound_name, insert_lines_after, reference_to, remove_alias, remove_statement
from keras_lint.semantic.model import BindingKind, Scope, dotted_name, iter_children
from keras_lint.semantic.names import keras_name

# Keras 1 spellings that Keras 3 still accepts as aliases, with the Keras 2+ name that
# Keras 2's converters printed ("Update your `Conv2D` call to the Keras 2 API").
KERAS1_ALIASES = {
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "SeparableConvolution2D": "SeparableConv2D",
}
# Keyword names that mark Keras 1 code on any layer, whatever the class.
KERAS1_MARKERS = frozenset({
    "border_mode", "subsample", "subsample_length", "dim_ordering", "nb_filter", "nb_row", "nb_col",
    "filter_length", "kernel_dim1", "kernel_dim2", "kernel_dim3", "init", "inner_init",
    "inner_activation", "W_regularizer", "b_regularizer", "U_regularizer", "W_constraint",
    "b_constraint", "dropout_W", "dropout_U", "consume_less", "forget_bias_init", "atrous_rate",
    "beta_init", "gamma_init", "pool_length", "input_dtype",
})


def layer_path(call: Call) -> str | None:
    """The canonical path of the layer class a call builds (keras.layers.Conv2D for
    Convolution2D; the legacy path for a class Keras 3 removed), or None when it is not a
    Keras layer class or `keras.Input`."""
    name = call.name
    if name is None:
        return None
    if name.is_("keras.Input", "keras.layers.Input"):
        return "keras.layers.Input"
    if name.module != "keras.layers" or not name.name[:1].isupper():
        return None
    return name.api or name.path


def converter_of(call: Call) -> Converter | None:
    return converter_for(layer_path(call))


def class_word(call: Call) -> str:
    """The class as the code spelled it: `Convolution2D`."""
    return call.name.name if call.name is not None else "layer"


def keras3_class_name(call: Call) -> str:
    """The class Keras 3 builds for the call (`Conv2D` for Convolution2D)."""
    api = call.name.api if call.name is not None else None
    return (api or call.name.path).rsplit(".", 1)[-1]


def keras3_keywords(path: str) -> frozenset[str]:
    signature = keras3.signature(path)
    names = set(signature.keyword_names()) if signature is not None else set()
    if path.startswith("keras.layers."):
        names |= keras3.layer_base_kwargs()
    return frozenset(names)


def keras1_keywords(call: Call, converter: Converter | None) -> list[str]:
    """Keywords of the call that only Keras 1 had (for this class)."""
    path = layer_path(call)
    valid = keras3_keywords(path) if path else frozenset()
    found = []
    for keyword in call.keywords:
        if keyword in valid:
            continue
        if keyword in KERAS1_MARKERS or (converter is not None and keyword in converter.renames):
            found.append(keyword)
    return found


def is_keras1_call(call: Call) -> bool:
    """Provably Keras 1 code: a Keras 1 class spelling or a Keras 1 keyword."""
    name = call.name
    if name is None:
        return False
    if name.name in KERAS1_ALIASES or name.name in removed_layers():
        return True
    return bool(keras1_keywords(call, converter_of(call)))


def file_is_keras1(ctx: Context) -> bool:
    """Whether the file shows Keras 1 code somewhere (a Keras 1 keyword or class name on a
    layer call)."""
    return ctx.memo("layer_support.file_is_keras1", lambda c: any(is_keras1_call(call) for call in c.keras_calls if layer_path(call)))


# -- values ---------------------------------------------------------------------------------------


def proven_int(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> int | None:
    """The int an expression provably is: a literal or arithmetic on names bound once to
    literals. A function parameter's default is not proof (a caller may pass anything)."""
    constant = ctx.constant(expr, scope)
    if constant is None or not isinstance(constant.value, int) or isinstance(constant.value, bool):
        return None
    if _depends_on_parameter(ctx, expr, scope, 0):
        return None
    return constant.value


def known_int(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> int | None:
    """The int the source says an expression is, a parameter default included."""
    constant = ctx.constant(expr, scope)
    if constant is None or not isinstance(constant.value, int) or isinstance(constant.value, bool):
        return None
    return constant.value


def provably_not_int(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> bool:
    constant = ctx.constant(expr, scope)
    return constant is not None and (not isinstance(constant.value, int) or isinstance(constant.value, bool))


def _depends_on_parameter(ctx: Context, expr: cst.BaseExpression, scope: Scope, depth: int) -> bool:
    if depth > 8:
        return True
    stack: list[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            bindings = ctx.semantic.lookup(node.value, scope)
            if bindings is None:
                continue
            for binding in bindings:
                if binding.kind is BindingKind.PARAM:
                    return True
                if binding.kind is BindingKind.ASSIGN and binding.value is not None:
                    if _depends_on_parameter(ctx, binding.value, binding.scope, depth + 1):
                        return True
            continue
        if isinstance(node, cst.Attribute):
            stack.append(node.value)
            continue
        stack.extend(iter_children(node))
    return False


# -- what Keras 3 says -------------------------------------------------------------------------------


def keras3_error(call: Call, unknown: list[str], ctx: Context) -> str:
    """The exception Keras 3 raises when the call is made with these Keras 1 keywords, as
    Python and Keras word it."""
    path = layer_path(call)
    cls = keras3_class_name(call)
    if path == "keras.layers.InputLayer":
        return "Keras 3's InputLayer ignores it without a word"
    if path == "keras.layers.Input":
        return f"`TypeError: Input() got an unexpected keyword argument '{unknown[0]}'`"
    signature = keras3.signature(path) if path else None
    if signature is None:
        return "Keras 3 rejects it"
    supplied = set(call.keywords)
    positional_names = signature.positional_names()
    supplied.update(positional_names[: len(call.positional)])
    missing = [p.name for p in signature.params if p.required and p.kind != "keyword_only" and p.name not in supplied]
    if signature.var_keyword is None:
        # Python reports an unexpected keyword before a missing argument.
        return f"`TypeError: {cls}.__init__() got an unexpected keyword argument '{unknown[0]}'`"
    if missing and not call.has_star_args:
        quoted = [f"'{m}'" for m in missing]
        listed = quoted[0] if len(quoted) == 1 else " and ".join(quoted) if len(quoted) == 2 else ", ".join(quoted[:-1]) + f", and {quoted[-1]}"
        plural = "argument" if len(missing) == 1 else "arguments"
        return f"`TypeError: {cls}.__init__() missing {len(missing)} required positional {plural}: {listed}`"
    shown = ", ".join(f"'{k}': {ctx.outer_source(call.keywords[k].value)}" for k in unknown if k in call.keywords)
    return f"`ValueError: Unrecognized keyword arguments passed to {cls}: {{{shown}}}`"


# -- edits ----------------------------------------------------------------------------------------


def rename_reference(ctx: Context, old: cst.BaseExpression, scope: Scope, new_path: str) -> Reference | None:
    """`rewrite.reference_to`, made safe for several fixes in one pass: when the old name stays
    imported because other uses remain, the fix also carries an empty edit at the import
    statement, so that two such fixes never go in the same pass (each would count on the
    other's use, and the last one would never remove the import)."""
    reference = reference_to(ctx, old, scope, new_path)
    if reference is None or reference.edits or not isinstance(old, cst.Name):
        return reference
    bindings = ctx.semantic.lookup(old.value, scope)
    if bindings and len(bindings) == 1 and bindings[0].kind is BindingKind.IMPORT:
        start = ctx.span(bindings[0].node)[0]
        return Reference(reference.text, (Edit(start, start, ""),))
    return reference


def modern_callee(ctx: Context, call: Call) -> tuple[str, tuple[Edit, ...]] | None:
    """For a callee spelled with a Keras 1 alias (Convolution2D), how to write the Keras 2+
    name instead (Conv2D) and the import edits; None when it is not an alias or the rename is
    not certain."""
    name = call.name
    if name is None or name.name not in KERAS1_ALIASES:
        return None
    reference = rename_reference(ctx, call.node.func, call.scope, f"keras.layers.{KERAS1_ALIASES[name.name]}")
    if reference is None:
        return None
    return reference.text, (ctx.replace(call.node.func, reference.text), *reference.edits)


def layer_references(ctx: Context, old: cst.BaseExpression, scope: Scope, new_names: list[str], *, keep_old: bool) -> tuple[list[str], tuple[Edit, ...]] | None:
    """How to write the Keras layers `keras.layers.<name>` for each of `new_names` where the code
    refers to another layer class as `old`, with the import edits: through the same namespace
    (`layers.X`), or names added to the same `from ... import` (a new import line when that
    module is a legacy one). `keep_old`: the old name stays in use (else its import goes when
    this was its last use). None when it cannot be done with certainty."""
    if isinstance(old, cst.Attribute):
        base = ctx.qualified_name(old.value, scope)
        base_name = keras_name(base)
        if base_name is None or base_name.path != "keras.layers" or base_name.legacy_module is not None:
            return None
        return [f"{ctx.source_of(old.value)}.{name}" for name in new_names], ()
    if not isinstance(old, cst.Name):
        return None
    needed: list[str] = []
    for name in new_names:
        state = ctx.name_refers_to(name, scope, f"keras.layers.{name}")
        if state is False:
            return None
        if state is None and name not in needed:
            needed.append(name)
    bindings = ctx.semantic.lookup(old.value, scope)
    if bindings is None:
        # A star import: fine when it provides every new name too.
        return (list(new_names), ()) if not needed else None
    if len(bindings) != 1 or bindings[0].kind is not BindingKind.IMPORT:
        return None
    binding = bindings[0]
    statement = binding.node
    if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar) or statement.module is None:
        return None
    alias = next((a for a in statement.names if bound_name(a) == old.value), None)
    if alias is None:
        return None
    drop_old = not keep_old and not [read for read in ctx.semantic.reads_of(binding) if read is not old]
    if not needed and not drop_old:
        # See rename_reference: an empty edit at the import keeps two such fixes apart.
        start = ctx.span(statement)[0]
        return list(new_names), (() if keep_old else (Edit(start, start, ""),))
    module = dotted_name(statement.module)
    module_name = keras_name(module)
    if module_name is None:
        return None
    if module_name.path == "keras.layers" and module_name.legacy_module is None:
        names: list[cst.ImportAlias] = []
        for existing in statement.names:
            if existing is alias and drop_old:
                names.extend(cst.ImportAlias(name=cst.Name(n), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for n in needed)
            else:
                names.append(existing)
        if not drop_old:
            names.extend(cst.ImportAlias(name=cst.Name(n), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for n in needed)
        if not names:
            return None
        # The last alias keeps the original trailing punctuation.
        names = [*names[:-1], names[-1].with_changes(comma=statement.names[-1].comma)]
        for index, item in enumerate(names[:-1]):
            if item.comma is cst.MaybeSentinel.DEFAULT:
                names[index] = item.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        return list(new_names), (ctx.replace(statement, ctx.code(statement.with_changes(names=names))),)
    line = f"from {_root_of(module)}.layers import {', '.join(needed)}" if needed else None
    if drop_old and len(statement.names) == 1:
        return list(new_names), (ctx.replace(statement, line or ""),) if line else (remove_statement(ctx, statement),)
    edits: list[Edit] = []
    if drop_old:
        edits.append(remove_alias(ctx, statement, alias))
    if line:
        edits.append(insert_lines_after(ctx, statement, [line]))
    return list(new_names), tuple(edits)


def _root_of(module: str) -> str:
    for root in ("tensorflow.keras", "tf_keras", "keras"):
        if module == root or module.startswith(root + "."):
            return root
    return "keras"


def weakest(*applicabilities: Applicability) -> Applicability:
    result = Applicability.SAFE
    for applicability in applicabilities:
        result = result.at_most(applicability)
    return result


def disjoint(edits: list[Edit]) -> list[Edit] | None:
    """The edits sorted, or None when two of them overlap (then no fix is offered)."""
    ordered = sorted(edits)
    for previous, edit in zip(ordered, ordered[1:]):
        if edit.start < previous.end or (edit.start == edit.end == previous.start == previous.end):
            return None
    return ordered


def remove_arguments(ctx: Context, call: cst.Call, remove: list[cst.Arg]) -> list[Edit]:
    """Edits deleting several arguments of one call, with their separators, keeping the
    layout: an argument that ends a line takes the separator before it with it, so the next
    line stays where it was. Runs of adjacent arguments go in one edit, so the edits never
    overlap each other."""
    args = list(call.args)
    doomed = {id(arg) for arg in remove}
    edits: list[Edit] = []
    index = 0
    while index < len(args):
        if id(args[index]) not in doomed:
            index += 1
            continue
        first = index
        while index + 1 < len(args) and id(args[index + 1]) in doomed:
            index += 1
        last = index
        start, end = ctx.span(args[first])[0], ctx.span(args[last])[1]
        if last + 1 < len(args):
            following = ctx.span(args[last + 1])[0]
            gap_after = ctx.text[end:following]
            gap_before = ctx.text[ctx.span(args[first - 1])[1]:start] if first > 0 else ""
            if first > 0 and "\n" in gap_after and "\n" not in gap_before:
                edits.append(Edit(ctx.span(args[first - 1])[1], end, ""))
            else:
                edits.append(Edit(start, following, ""))
        else:
            if first > 0:
                start = ctx.span(args[first - 1])[1]
            cursor = end
            while cursor < len(ctx.text) and ctx.text[cursor] in " \t":
                cursor += 1
            if cursor < len(ctx.text) and ctx.text[cursor] == ",":
                end = cursor + 1
            edits.append(Edit(start, end, ""))
        index += 1
    return edits


def remove_argument(ctx: Context, call: cst.Call, arg: cst.Arg) -> Edit:
    return remove_arguments(ctx, call, [arg])[0]
