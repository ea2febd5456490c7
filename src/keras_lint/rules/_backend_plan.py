"""The per-file plan of the backend rules (KRS510-KRS513): every `K.*` use, its Keras 3
rewrite, and when the `import keras.backend as K` (or `from keras.backend import mean`) can go.

The rules share one plan (`ctx.memo`) because their fixes depend on each other: the last fix
that stops using `K` must also remove its import, and no fix may remove it while another
use stays. A use counts as rewritten only when its rule runs on the file, is not silenced by
`# noqa`, and offers an applicable fix. The import removal is part of every fix of the least
safe applicability among those uses (so it happens exactly when all of them are applied);
the fixer applies the identical removal edit once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.diagnostics import Applicability, Edit
from keras_lint.imports import module_spelling
from keras_lint.knowledge import backend_map, keras3
from keras_lint.knowledge.backend_map import BackendFunction
from keras_lint.noqa import NoqaIndex
from keras_lint.rewrite import remove_alias, remove_statement
from keras_lint.rules._targets import keras3_applies
from keras_lint.semantic.model import Binding, BindingKind, Scope
from keras_lint.semantic.names import KerasName, keras_name

MOVED = "KRS510"
ORDER = "KRS511"
GONE = "KRS512"
DIM_ORDERING = "KRS513"

_MODULE_PLACEHOLDERS = {
    "ops": "keras.ops",
    "random": "keras.random",
    "config": "keras.config",
    "losses": "keras.losses",
    "activations": "keras.activations",
}
# Keras 3's own internal backend, and TF's frozen Keras 2 copy (whose backend still has every
# Keras 2 function): not the Keras 2 public backend these rules migrate.
_OTHER_BACKENDS = frozenset({"keras.src", "tensorflow.python.keras"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_ATOMS = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float, cst.SimpleString, cst.List, cst.Tuple, cst.Dict)


@dataclass
class BackendImport:
    """An import that binds a backend module (`K`) or one backend function (`mean`)."""

    binding: Binding
    statement: cst.Import | cst.ImportFrom
    alias: cst.ImportAlias
    function: str | None  # None for a module alias


@dataclass
class Site:
    code: str
    node: cst.CSTNode  # what the finding points at
    scope: Scope
    name: KerasName
    message: str
    fix_message: str
    edits: tuple[Edit, ...] = ()  # the rewrite of the use itself (empty: display-only)
    import_edits: tuple[Edit, ...] = ()
    applicability: Applicability = Applicability.DISPLAY_ONLY
    backend_import: BackendImport | None = None  # the import whose use this site removes
    read: cst.Name | None = None  # that use


@dataclass
class Plan:
    sites: list[Site] = field(default_factory=list)
    # id(BackendImport.binding) -> (removal edit, the applicability whose fixes carry it)
    removals: dict[int, tuple[Edit, Applicability]] = field(default_factory=dict)

    def fix_edits(self, site: Site) -> tuple[Edit, ...]:
        edits = list(site.edits) + list(site.import_edits)
        if site.backend_import is not None and site.edits:
            removal = self.removals.get(id(site.backend_import.binding))
            if removal is not None and removal[1] is site.applicability:
                edits.append(removal[0])
        return tuple(sorted(set(edits)))


def plan_for(ctx: Context) -> Plan:
    return ctx.memo("backend_plan", _build_plan)


# -- finding the uses ------------------------------------------------------------------------------


def _backend_name(name: KerasName | None) -> str | None:
    """The function name for keras.backend.<function> (any flavour but Keras 3's own internal
    `keras.src.backend`, which is a different module), else None."""
    if name is None or name.flavour in _OTHER_BACKENDS or not name.path.startswith("keras.backend."):
        return None
    rest = name.path[len("keras.backend."):]
    return rest if "." not in rest else None


def backend_imports(ctx: Context) -> list[BackendImport]:
    result = []
    for statement, scope in ctx.semantic.imports:
        if isinstance(statement.names, cst.ImportStar):
            continue
        for alias in statement.names:
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
            elif isinstance(statement, cst.ImportFrom) and isinstance(alias.name, cst.Name):
                bound = alias.name.value
            else:
                continue  # `import keras.backend` binds `keras`, which has other uses
            binding = next((b for b in scope.bindings.get(bound, ()) if b.node is statement and b.kind is BindingKind.IMPORT), None)
            name = keras_name(binding.path) if binding is not None else None
            if name is None or name.flavour in _OTHER_BACKENDS:
                continue
            if name.path == "keras.backend":
                result.append(BackendImport(binding, statement, alias, None))
            elif _backend_name(name) is not None:
                result.append(BackendImport(binding, statement, alias, _backend_name(name)))
    return result


def _import_of_callee(ctx: Context, func: cst.BaseExpression, scope: Scope, imports: list[BackendImport]) -> tuple[BackendImport | None, cst.Name | None]:
    read = func.value if isinstance(func, cst.Attribute) else func
    if not isinstance(read, cst.Name):
        return None, None
    bindings = ctx.semantic.lookup(read.value, scope)
    if not bindings or len(bindings) != 1:
        return None, None
    for item in imports:
        if item.binding is bindings[0]:
            if (item.function is None) == isinstance(func, cst.Attribute):
                return item, read
    return None, None


# -- the plan ------------------------------------------------------------------------------------------


def _build_plan(ctx: Context) -> Plan:
    plan = Plan()
    imports = backend_imports(ctx)
    target2 = ctx.settings.target_keras == "2"
    call_func_reads: set[int] = set()
    for call in ctx.keras_calls:
        function_name = _backend_name(call.name)
        if function_name is None:
            continue
        func = call.node.func
        call_func_reads.add(id(func.value) if isinstance(func, cst.Attribute) else id(func))
        if function_name in ("image_dim_ordering", "set_image_dim_ordering"):
            site = _dim_ordering_site(ctx, call, function_name)
        else:
            info = backend_map.function(function_name)
            if info is None or info.status == "native":
                continue
            if info.status == "gone":
                site = _gone_site(ctx, call, info, target2)
            elif function_name in backend_map.crossentropy_names() and len(call.positional) >= 2:
                site = _order_site(ctx, call, info, target2)
            elif target2 or not keras3_applies(ctx):
                continue  # tf.keras 2.x (and TF's frozen Keras 2 copy) still has it
            else:
                site = _moved_site(ctx, call, info)
        if site is None:
            continue
        if site.edits and site.code in (MOVED, ORDER) and not (site.code == ORDER and target2):
            site.backend_import, site.read = _import_of_callee(ctx, func, call.scope, imports)
        plan.sites.append(site)
    if not target2:
        plan.sites.extend(_reference_sites(ctx, imports, call_func_reads))
    _plan_removals(ctx, plan, imports)
    return plan


def _plan_removals(ctx: Context, plan: Plan, imports: list[BackendImport]) -> None:
    noqa = NoqaIndex(ctx.text) if "noqa" in ctx.text.lower() else None
    active = ctx.active_codes
    for item in imports:
        reads = ctx.semantic.reads_of(item.binding)
        if not reads:
            continue
        covering: dict[int, Site] = {}
        for site in plan.sites:
            if site.backend_import is item and site.read is not None and site.edits:
                if active is not None and site.code not in active:
                    continue
                if noqa is not None and noqa.suppresses(site.code, ctx.lines.position(ctx.span(site.node)[0])[0]):
                    continue
                covering[id(site.read)] = site
        if any(id(read) not in covering for read in reads):
            continue
        sites = list(covering.values())
        if _conflict(sites):
            continue  # two fixes overlap: one waits for the next pass, so must the import
        weakest = max((site.applicability for site in sites), key=lambda a: a.rank)
        plan.removals[id(item.binding)] = (_removal_edit(ctx, item), weakest)


def _conflict(sites: list[Site]) -> bool:
    """Whether the fixer could not apply all these fixes in one pass: two of their edits
    overlap as the fixer judges it (touching insertions too, such as two different imports
    added at one place), unless they are identical (a shared import is applied once)."""
    chosen: set[Edit] = set()
    for site in sites:
        own = [edit for edit in (*site.edits, *site.import_edits) if edit not in chosen]
        if any(edit.overlaps(other) for edit in own for other in chosen):
            return True
        chosen.update(own)
    return False


def _removal_edit(ctx: Context, item: BackendImport) -> Edit:
    statement = item.statement
    if isinstance(statement, cst.ImportFrom):
        return remove_alias(ctx, statement, item.alias)
    remaining = [a for a in statement.names if a is not item.alias]
    if not remaining:
        return remove_statement(ctx, statement)
    remaining[-1] = remaining[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return ctx.replace(statement, ctx.code(statement.with_changes(names=remaining)))


# -- KRS510: functions that moved to keras.ops / keras.random / ... -----------------------------------


def _written(ctx: Context, call: Call) -> str:
    return ctx.source_of(call.node.func)


def _where_it_fails(name: KerasName, function_name: str) -> str:
    if name.flavour in ("tf.keras", "tensorflow.python.keras"):
        return (f"`tf.keras.backend.{function_name}` survives only in the deprecated tf.keras shim of Keras 3 "
                "(TensorFlow backend only; called on a symbolic KerasTensor outside a Lambda it fails)")
    return (f"Keras 3's `keras.backend` kept 14 functions, so this fails with "
            f"\"AttributeError: module 'keras.backend' has no attribute '{function_name}'\"")


def _moved_site(ctx: Context, call: Call, info: BackendFunction) -> Site:
    written = _written(ctx, call)
    failure = _where_it_fails(call.name, info.name)
    rewrite = rewrite_call(ctx, call, info)
    if isinstance(rewrite, str):
        # Why the call is not rewritten, then the note unless the reason already carries it.
        parts = [part for part in (rewrite, info.note) if part]
        if len(parts) == 2 and parts[1] in parts[0]:
            parts.pop()
        detail = "; ".join(parts) or "rewrite it by hand"
        message = f"`{written}(...)`: {failure}; {detail}"
        return Site(MOVED, call.node, call.scope, call.name, message, detail)
    edits, import_edits, applicability, shown = rewrite
    message = f"`{written}(...)`: {failure}. Use `{shown}`"
    if info.note:
        message += f" ({info.note})"
    return Site(MOVED, call.node, call.scope, call.name, message, f"Rewrite as `{shown}`", edits, import_edits, applicability)


def _reference_sites(ctx: Context, imports: list[BackendImport], call_func_reads: set[int]) -> list[Site]:
    """`K.mean` used without being called (passed as a function): explained, not rewritten."""
    sites = []
    for item in imports:
        for read in ctx.semantic.reads_of(item.binding):
            if id(read) in call_func_reads:
                continue
            if item.function is not None:
                function_name = item.function
            else:
                end = ctx.span(read)[1]
                match = re.match(r"\s*\.\s*([A-Za-z_]\w*)", ctx.text[end:end + 80])
                if match is None:
                    continue
                function_name = match.group(1)
            info = backend_map.function(function_name)
            if info is None or info.status != "shim":
                continue
            target = (info.targets[0] if info.targets else None)
            suggestion = f"`{target}`" if target else (info.note or "a keras.ops function")
            message = (f"`{function_name}` from keras.backend is used as a value here: "
                       f"{_where_it_fails(keras_name('keras.backend.' + function_name), function_name)}. Use {suggestion}"
                       + (f" ({info.note})" if target and info.note else ""))
            name = keras_name(f"keras.backend.{function_name}")
            sites.append(Site(MOVED, read, item.binding.scope, name, message, f"Use {suggestion}"))
    return sites


def rewrite_call(ctx: Context, call: Call, info: BackendFunction) -> tuple[tuple[Edit, ...], tuple[Edit, ...], Applicability, str] | str:
    """The edits that turn a K.<name>(...) call into its Keras 3 replacement: (edits, import
    edits, applicability, the replacement as shown to the user), or why there is none."""
    if info.fix == "display-only" or (not info.targets and info.template is None):
        return info.note
    signature = backend_map.keras2_signature(info.name)
    if signature is None:
        return "keras-lint does not know its Keras 2 signature"
    bound = _bind(call, signature)
    if isinstance(bound, str):
        return bound
    passed_unsupported = sorted(set(bound) & info.unsupported)
    if passed_unsupported:
        return f"its {', '.join(passed_unsupported)} argument has no Keras 3 equivalent here; {info.note}".rstrip("; ")
    applicability = Applicability(info.fix)
    if set(bound) & info.unsafe_if:
        applicability = Applicability.UNSAFE
    for name in info.int_args:
        if name in bound:
            value = ctx.constants.value(bound[name].value, call.scope, default=...)
            if not isinstance(value, int) or isinstance(value, bool):
                applicability = Applicability.UNSAFE
    if info.subscript_safe and not _indexed_by_int(ctx, call.node):
        applicability = Applicability.UNSAFE
    if info.template is not None:
        return _template_rewrite(ctx, call, info, signature, bound, applicability)
    reasons = []
    for target in info.targets:
        result = _call_rewrite(ctx, call, info, signature, bound, target, applicability)
        if not isinstance(result, str):
            return result
        reasons.append(result)
    return reasons[0] if reasons else info.note


def _bind(call: Call, signature: keras3.Signature) -> dict[str, cst.Arg] | str:
    positional_names = [p.name for p in signature.params if p.kind != "keyword_only"]
    keyword_names = signature.keyword_names()
    bound: dict[str, cst.Arg] = {}
    for index, arg in enumerate(call.node.args):
        if arg.star:
            return "it passes *args or **kwargs"
        if arg.keyword is None:
            if index >= len(positional_names):
                return "it passes more positional arguments than Keras 2 took"
            bound[positional_names[index]] = arg
        else:
            keyword = arg.keyword.value
            if keyword not in keyword_names or keyword in bound:
                return f"`{keyword}=` is not an argument of the Keras 2 function"
            bound[keyword] = arg
    return bound


def _indexed_by_int(ctx: Context, node: cst.Call) -> bool:
    end = ctx.outer_span(node)[1]
    return re.match(r"\s*\[\s*-?\d+\s*\]", ctx.text[end:end + 40]) is not None


def _module_text(ctx: Context, call: Call, module: str) -> tuple[str, tuple[Edit, ...]] | None:
    spelling = module_spelling(ctx, call.scope, module)
    if spelling is None:
        return None
    return spelling.text, spelling.edits


def _fill_modules(ctx: Context, call: Call, text: str, import_edits: list[Edit]) -> str | None:
    def replace(match):
        key = match.group(1)
        if key not in _MODULE_PLACEHOLDERS:
            return match.group(0)
        spelled = _module_text(ctx, call, _MODULE_PLACEHOLDERS[key])
        if spelled is None:
            raise LookupError(key)
        import_edits.extend(spelled[1])
        return spelled[0]

    try:
        return _PLACEHOLDER.sub(replace, text)
    except LookupError:
        return None


def _source(ctx: Context, expr: cst.BaseExpression) -> str:
    return ctx.outer_source(expr)


def _operand(ctx: Context, expr: cst.BaseExpression) -> str:
    text = _source(ctx, expr)
    if isinstance(expr, _ATOMS) or getattr(expr, "lpar", None):
        return text
    return f"({text})"


def _template_rewrite(ctx, call, info, signature, bound, applicability):
    import_edits: list[Edit] = []
    text = _fill_modules(ctx, call, info.template, import_edits)
    if text is None:
        return "keras-lint cannot import keras.ops here (the name is taken)"
    params = {p.name: p for p in signature.params}
    for name in info.atomic:
        if name in bound and not isinstance(bound[name].value, (cst.Name, cst.Attribute)):
            shape = _PLACEHOLDER.sub(lambda match: match.group(1), text)
            hint = f"assign its `{name}` argument to a name first (the rewrite, `{shape}`, would evaluate that expression twice)"
            return f"{hint}; {info.note}" if info.note else hint

    def argument(match):
        key = match.group(1)
        if key in bound:
            return _operand(ctx, bound[key].value)
        if key in info.defaults:
            return info.defaults[key]
        param = params.get(key)
        if param is None or param.required or param.default is keras3.NON_LITERAL:
            raise LookupError(key)
        return repr(param.default)

    try:
        text = _PLACEHOLDER.sub(argument, text)
    except LookupError:
        return "a required argument is missing"
    edit = Edit(*ctx.outer_span(call.node), text)
    return (edit,), tuple(sorted(set(import_edits))), applicability, text


def _param_map(info: BackendFunction, old: keras3.Signature, new: keras3.Signature) -> dict[str, str]:
    new_names = [p.name for p in new.params]
    mapping = {k: v for k, v in info.args.items() if v in new_names}
    for param in old.params:
        if param.name not in mapping and param.name in new_names and param.name not in mapping.values():
            mapping[param.name] = param.name
    old_positions = {p.name: i for i, p in enumerate(old.params) if p.kind != "keyword_only"}
    new_positions = {p.name: i for i, p in enumerate(new.params) if p.kind != "keyword_only"}
    free_new = {new_positions[n]: n for n in new_positions if n not in mapping.values() and n not in info.add}
    for name, index in old_positions.items():
        if name in mapping or name in info.unsupported:
            continue
        if index in free_new:
            mapping[name] = free_new.pop(index)
    return mapping


def _default_text(value) -> str:
    return repr(value)


def _call_rewrite(ctx, call, info, old, bound, target, applicability):
    new = keras3.signature(target) or old
    mapping = _param_map(info, old, new)
    unmapped = [name for name in bound if name not in mapping]
    if unmapped:
        return f"`{target}` has no argument for {', '.join(unmapped)}"
    import_edits: list[Edit] = []
    module, function = target.rsplit(".", 1)
    spelled = _module_text(ctx, call, module)
    if spelled is None:
        return f"keras-lint cannot refer to `{module}` here (the name is taken)"
    import_edits.extend(spelled[1])
    callee = f"{spelled[0]}.{function}"
    reverse = {v: k for k, v in mapping.items()}
    old_params = {p.name: p for p in old.params}
    arguments: list[tuple[str, str, cst.Arg | None]] = []  # (new parameter, source text, original argument)
    for param in new.params:
        old_name = reverse.get(param.name)
        if old_name is not None and old_name in bound:
            arguments.append((param.name, _source(ctx, bound[old_name].value), bound[old_name]))
            continue
        if param.name in info.add:
            text = _fill_modules(ctx, call, info.add[param.name], import_edits)
            if text is None:
                return "keras-lint cannot import keras here"
            arguments.append((param.name, text, None))
            continue
        if old_name is not None:
            old_param = old_params[old_name]
            if old_name in info.defaults:
                text = _fill_modules(ctx, call, info.defaults[old_name], import_edits)
                if text is None:
                    return "keras-lint cannot import keras here"
                arguments.append((param.name, text, None))
                continue
            if old_param.required:
                return f"the call lacks Keras 2's required `{old_name}`"
            if old_name in info.same_defaults or old_param.default is keras3.NON_LITERAL:
                continue
            if param.required or param.default is keras3.NON_LITERAL or param.default != old_param.default or type(param.default) is not type(old_param.default):
                arguments.append((param.name, _default_text(old_param.default), None))
            continue
        if param.required:
            return f"`{target}` needs `{param.name}`, which Keras 2 did not take"
    edits = [Edit(*ctx.span(call.node.func), callee)]
    positional_new = [p.name for p in new.params if p.kind != "keyword_only"]
    original_positional = [a for a in call.node.args if a.keyword is None]
    in_place = all(
        index < len(positional_new) and any(name == positional_new[index] and original is arg for name, _, original in arguments)
        for index, arg in enumerate(original_positional)
    )
    if in_place:
        for name, _text, original in arguments:
            if original is not None and original.keyword is not None and original.keyword.value != name:
                edits.append(ctx.replace(original.keyword, name))
        added = [f"{name}={text}" for name, text, original in arguments if original is None]
        if added:
            edits.append(_append_arguments(ctx, call.node, added))
    else:
        pieces: list[str] = []
        keyword_mode = False
        for name, text, original in arguments:
            position = len(pieces)
            if not keyword_mode and original is not None and position < len(positional_new) and positional_new[position] == name:
                pieces.append(text)
            else:
                keyword_mode = True
                pieces.append(f"{name}={text}")
        first, last = call.node.args[0], call.node.args[-1]
        edits.append(Edit(ctx.span(first)[0], ctx.outer_span(last.value)[1], ", ".join(pieces)))
    added = [f"{name}={text}" for name, text, original in arguments if original is None]
    if in_place:
        shown = f"{target}(..., {', '.join(added)})" if added else target
    else:
        shown = f"{target}({', '.join(pieces)})"
    return tuple(sorted(edits)), tuple(sorted(set(import_edits))), applicability, shown


def _append_arguments(ctx: Context, node: cst.Call, added: list[str]) -> Edit:
    text = ", ".join(added)
    if node.args:
        end = ctx.outer_span(node.args[-1].value)[1]
        return Edit(end, end, f", {text}")
    func_end = ctx.outer_span(node.func)[1]
    paren = ctx.text.index("(", func_end)
    return Edit(paren + 1, paren + 1, text)


# -- KRS511: positional crossentropy ------------------------------------------------------------------

_PRED_WORDS = ("pred", "output", "logit", "prob", "decoded", "recon", "y_hat", "yhat", "fake", "score")
_TRUE_WORDS = ("true", "target", "label", "truth", "gt", "real")


def _role(ctx: Context, expr: cst.BaseExpression) -> str | None:
    text = ctx.source_of(expr).lower() if isinstance(expr, (cst.Name, cst.Attribute, cst.Subscript)) else ""
    word = re.sub(r"[^a-z0-9_]", "_", text)
    is_pred = any(w in word for w in _PRED_WORDS)
    is_true = any(re.search(rf"(^|_){w}($|_)", word) for w in _TRUE_WORDS) or word in ("y", "y_", "labels")
    if is_pred and not is_true:
        return "output"
    if is_true and not is_pred:
        return "target"
    return None


def _loss_parameters(ctx: Context, scope: Scope) -> tuple[str, str] | None:
    """(y_true, y_pred) parameter names of the loss or metric function the call is in: a
    function with two leading positional parameters that the file passes to compile()."""
    current = scope
    while current is not None and not isinstance(current.node, cst.FunctionDef):
        current = current.parent
    if current is None:
        return None
    function = current.node
    params = [p.name.value for p in function.params.params]
    if len(params) < 2:
        return None
    used_in_compile = any(
        isinstance(c.node.func, cst.Attribute) and c.node.func.attr.value == "compile"
        and re.search(rf"\b{re.escape(function.name.value)}\b", ctx.source_of(c.node))
        for c in ctx.calls
    )
    return (params[0], params[1]) if used_in_compile else None


def crossentropy_order(ctx: Context, call: Call) -> tuple[str, str]:
    """("old" | "new" | "unknown", why)."""
    first, second = call.positional[0].value, call.positional[1].value
    roles = (_role(ctx, first), _role(ctx, second))
    if roles[0] == "output" or roles[1] == "target":
        if roles[0] != "target" and roles[1] != "output":
            return "old", f"`{ctx.source_of(first)}` looks like the prediction and `{ctx.source_of(second)}` like the labels"
    if roles[0] == "target" or roles[1] == "output":
        if roles[0] != "output" and roles[1] != "target":
            return "new", f"`{ctx.source_of(first)}` looks like the labels and `{ctx.source_of(second)}` like the prediction"
    loss_params = _loss_parameters(ctx, call.scope)
    if loss_params is not None:
        names = tuple(ctx.source_of(e) if isinstance(e, cst.Name) else None for e in (first, second))
        y_true, y_pred = loss_params
        if names[0] == y_pred or names[1] == y_true:
            return "old", f"the loss function's prediction `{y_pred}` is passed first"
        if names[0] == y_true or names[1] == y_pred:
            return "new", f"the loss function's labels `{y_true}` are passed first"
    return "unknown", "nothing in the code says which order was meant; keras-lint assumed the Keras >= 2.0.7 order (target, output), the one this code runs with on tf.keras 2"


def _order_site(ctx: Context, call: Call, info: BackendFunction, target2: bool) -> Site | None:
    order, why = crossentropy_order(ctx, call)
    if target2 and order != "old":
        return None  # valid tf.keras 2 code as far as anyone can tell
    first, second = call.positional[0], call.positional[1]
    target_arg, output_arg = (second, first) if order == "old" else (first, second)
    written = _written(ctx, call)
    signature = backend_map.keras2_signature(info.name)
    positional_names = [p.name for p in signature.params if p.kind != "keyword_only"] if signature else ["target", "output"]
    pieces = [f"target={_source(ctx, target_arg.value)}", f"output={_source(ctx, output_arg.value)}"]
    for index, arg in enumerate(call.positional[2:], start=2):
        if index >= len(positional_names):
            return None
        pieces.append(f"{positional_names[index]}={_source(ctx, arg.value)}")
    unsupported = [a.keyword.value for a in call.node.args if a.keyword is not None and a.keyword.value == "ignore_class"]
    edits = [Edit(ctx.span(call.positional[0])[0], ctx.outer_span(call.positional[-1].value)[1], ", ".join(pieces))]
    import_edits: tuple[Edit, ...] = ()
    callee_text = written
    if not target2:
        spelled = _module_text(ctx, call, "keras.ops")
        if spelled is None or unsupported or call.has_star_args:
            spelled = None
        if spelled is not None:
            callee_text = f"{spelled[0]}.{info.name}"
            edits.append(Edit(*ctx.span(call.node.func), callee_text))
            import_edits = spelled[1]
        else:
            edits = []
    new_call = f"{callee_text}({', '.join(pieces[:2])}{', ...' if len(pieces) > 2 else ''})"
    meaning = {"old": "(output, target), the Keras <= 2.0.6 order", "new": "(target, output)", "unknown": "(target, output)"}[order]
    message = (f"`{written}({ctx.source_of(first.value)}, {ctx.source_of(second.value)})` passes target and output by position, "
               f"and their order flipped in Keras 2.0.7: Keras <= 2.0.6 read (output, target), Keras >= 2.0.7, tf.keras and Keras 3 read "
               f"(target, output), and the wrong order computes a different loss without any error. Read here as {meaning}: {why}. Use `{new_call}`")
    if not target2:
        message += f" (Keras 3's `keras.backend` has no `{info.name}`)"
    if not edits:
        return Site(ORDER, call.node, call.scope, call.name, message, "Pass target= and output= by keyword")
    return Site(ORDER, call.node, call.scope, call.name, message, f"Rewrite as `{new_call}` (check the order)", tuple(sorted(edits)),
                tuple(sorted(set(import_edits))), Applicability.UNSAFE)


# -- KRS512: gone everywhere ------------------------------------------------------------------------


def _gone_site(ctx: Context, call: Call, info: BackendFunction, target2: bool) -> Site | None:
    if target2 and not (info.removed_from_tf_keras2 and ".compat.v1." not in f".{call.name.written}."):
        return None
    written = _written(ctx, call)
    where = "TensorFlow 2's tf.keras" if info.removed_from_tf_keras2 and target2 else "Keras 3 (not even the tf.keras.backend shim)"
    message = f"`{written}(...)` no longer exists in {where}: it fails with AttributeError. {info.note[:1].upper()}{info.note[1:]}"
    return Site(GONE, call.node, call.scope, call.name, message, info.note)


# -- KRS513: image_dim_ordering -------------------------------------------------------------------------

_ORDERING_VALUES = {"tf": "channels_last", "th": "channels_first"}


def comparisons_with(ctx: Context) -> dict[int, cst.Comparison]:
    """id(operand call) -> the Comparison it is an operand of (memoised walk)."""
    def build(c: Context) -> dict[int, cst.Comparison]:
        from keras_lint.semantic.model import iter_children

        found: dict[int, cst.Comparison] = {}
        stack: list[cst.CSTNode] = [c.module]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Comparison):
                operands = [node.left, *(t.comparator for t in node.comparisons)]
                for operand in operands:
                    if isinstance(operand, cst.Call):
                        found[id(operand)] = node
            stack.extend(iter_children(node))
        return found

    return ctx.memo("comparisons_with_calls", build)


def _dim_ordering_site(ctx: Context, call: Call, function_name: str) -> Site | None:
    written = _written(ctx, call)
    new_name = "image_data_format" if function_name == "image_dim_ordering" else "set_image_data_format"
    func = call.node.func
    head = f"`{written}()` is the Keras 1 name; Keras 2 renamed it `{new_name}` (with the values 'tf' -> 'channels_last', 'th' -> 'channels_first') and Keras 3 has only that (AttributeError)"
    if isinstance(func, cst.Attribute):
        callee_edits = [ctx.replace(func.attr, new_name)]
    else:
        from keras_lint.rewrite import reference_to

        reference = reference_to(ctx, func, call.scope, f"keras.backend.{new_name}")
        if reference is None:
            return Site(DIM_ORDERING, call.node, call.scope, call.name, head, f"Use `{new_name}`")
        callee_edits = [ctx.replace(func, reference.text), *reference.edits]
    if function_name == "set_image_dim_ordering":
        arg = call.argument("dim_ordering", 0)
        constant = ctx.constant(arg.value, call.scope) if arg is not None else None
        value = constant.value if constant is not None else None
        if value not in _ORDERING_VALUES or not isinstance(constant.node, cst.SimpleString):
            return Site(DIM_ORDERING, call.node, call.scope, call.name, f"{head}; map the value by hand", f"Use `{new_name}`")
        new_value = _ORDERING_VALUES[value]
        literal = constant.node
        edits = [*callee_edits, ctx.replace(literal, f"{literal.prefix}{literal.quote}{new_value}{literal.quote}")]
        shown = f"{new_name}('{new_value}')"
    else:
        comparison = comparisons_with(ctx).get(id(call.node))
        literals = []
        if comparison is not None:
            operands = [comparison.left, *(t.comparator for t in comparison.comparisons)]
            operators = [t.operator for t in comparison.comparisons]
            if all(isinstance(op, (cst.Equal, cst.NotEqual)) for op in operators) and len(operands) == 2:
                other = operands[1] if operands[0] is call.node else operands[0]
                if isinstance(other, cst.SimpleString) and ctx.constants.value(other, call.scope) in _ORDERING_VALUES:
                    literals.append(other)
        if not literals:
            return Site(DIM_ORDERING, call.node, call.scope, call.name,
                        f"{head}; its result is used here in a way keras-lint cannot map: compare `{new_name}()` with 'channels_last' / 'channels_first' instead",
                        f"Use `{new_name}()` and its values")
        literal = literals[0]
        new_value = _ORDERING_VALUES[ctx.constants.value(literal, call.scope)]
        edits = [*callee_edits, ctx.replace(literal, f"{literal.prefix}{literal.quote}{new_value}{literal.quote}")]
        shown = f"{new_name}() == '{new_value}'"
    return Site(DIM_ORDERING, call.node, call.scope, call.name, f"{head}. Use `{shown}`", f"Rewrite as `{shown}`",
                tuple(sorted(set(edits))), (), Applicability.SAFE)
