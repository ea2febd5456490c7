"""How to spell a Keras name that the file does not necessarily import yet, and the import
edits that go with it.

`rewrite.reference_to` replaces one imported name by another; the migration rules also need to
*introduce* names (`keras.ops`, `keras.optimizers.schedules.InverseTimeDecay`) where the old
code had a `K.` call or nothing at all. The rules here:

- a name already bound to the object is used as it is (`ops` after `from keras import ops`);
- else a bound parent module is used (`keras.ops.mean` after `import keras`,
  `tf.keras.optimizers.schedules.InverseTimeDecay` after `import tensorflow as tf`);
- else one `from <module> import <name>` is added after the file's leading imports. The edit is
  the same for every fix that needs it, so the fixer applies it once (`fixer._choose`).

When the short name is already bound to something else, there is no safe spelling: None.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from keras_lint.context import Context
from keras_lint.diagnostics import Edit
from keras_lint.semantic.model import Scope, dotted_name
from keras_lint.semantic.names import keras_name


@dataclass(frozen=True)
class Spelling:
    text: str  # what to write, e.g. "ops", "keras.ops", "InverseTimeDecay"
    edits: tuple[Edit, ...] = ()  # the import to add, if any

    @property
    def needs_import(self) -> bool:
        return bool(self.edits)


def _resolves_to(ctx: Context, name: str, scope: Scope, path: str) -> bool | None:
    """True: `name` refers to the Keras object `path` here; False: to something else; None:
    not bound."""
    bindings = ctx.semantic.lookup(name, scope)
    if bindings is None and ctx.semantic.star_import_path(name) is None:
        return None
    qualified = ctx.semantic.qualified_name(cst.Name(name), scope) if bindings is not None else ctx.semantic.star_import_path(name)
    if qualified is None:
        return False
    resolved = keras_name(qualified)
    return bool(resolved is not None and (resolved.path == path or resolved.is_(path)))


def _tensorflow_alias(ctx: Context, scope: Scope) -> str | None:
    """A name bound to the `tensorflow` package here (`tf`), if any."""
    for name in ("tf", "tensorflow"):
        bindings = ctx.semantic.lookup(name, scope)
        if bindings is not None and len(bindings) == 1 and bindings[0].path == "tensorflow":
            return name
    return None


def _module_prefix(ctx: Context, scope: Scope, module: str, *, allow_tf: bool = True) -> str | None:
    """An expression already valid here that names the Keras module `module` (e.g. keras.ops):
    the module itself, or a bound ancestor (`keras`, `tf.keras`)."""
    parts = module.split(".")
    for cut in range(len(parts), 0, -1):
        ancestor = ".".join(parts[:cut])
        last = parts[cut - 1]
        if _resolves_to(ctx, last, scope, ancestor) and _is_module_binding(ctx, last, scope, ancestor):
            return ".".join([last, *parts[cut:]])
    if allow_tf:
        tf = _tensorflow_alias(ctx, scope)
        if tf is not None:
            return ".".join([tf, *parts])  # tf.keras.<...>: the same objects in TF 2.16+
    return None


def _is_module_binding(ctx: Context, name: str, scope: Scope, module: str) -> bool:
    qualified = ctx.semantic.qualified_name(cst.Name(name), scope)
    resolved = keras_name(qualified)
    return resolved is not None and resolved.path == module


# Modules imported by their own name (`from keras import ops`); the others are written
# `keras.<module>` after `import keras`.
_SHORT_MODULES = frozenset({"ops"})


def module_spelling(ctx: Context, scope: Scope, module: str, *, root: str = "keras") -> Spelling | None:
    """How to write the Keras module `module` (e.g. "keras.ops") at `scope`."""
    if module == "keras":
        if _resolves_to(ctx, "keras", scope, "keras") and _is_module_binding(ctx, "keras", scope, "keras"):
            return Spelling("keras")
        if _resolves_to(ctx, "keras", scope, "keras") is None and _free_at_module_level(ctx, "keras"):
            return Spelling("keras", (import_edit(ctx, "import keras"),))
        return None
    prefix = _module_prefix(ctx, scope, module, allow_tf=False)
    if prefix is not None:
        return Spelling(prefix)
    parent, last = module.rsplit(".", 1)
    if last in _SHORT_MODULES and _resolves_to(ctx, last, scope, module) is None and _free_at_module_level(ctx, last):
        return Spelling(last, (import_edit(ctx, f"from {_rooted(parent, root)} import {last}"),))
    prefix = _module_prefix(ctx, scope, module)
    if prefix is not None:
        return Spelling(prefix)
    # `keras.random`, `keras.config`, ...: names too generic to import bare (`random`).
    keras_module = module_spelling(ctx, scope, "keras")
    if keras_module is None:
        return None
    return Spelling(f"{keras_module.text}{module[len('keras'):]}", keras_module.edits)


def object_spelling(ctx: Context, scope: Scope, path: str, *, root: str = "keras") -> Spelling | None:
    """How to write the Keras object `path` (e.g. keras.optimizers.schedules.InverseTimeDecay)
    at `scope`, in the flavour of `root` ("keras", "tensorflow.keras", "tf_keras")."""
    module, name = path.rsplit(".", 1)
    bound = _resolves_to(ctx, name, scope, path)
    if bound:
        return Spelling(name)
    prefix = _module_prefix(ctx, scope, module, allow_tf=root != "keras")
    if prefix is not None:
        return Spelling(f"{prefix}.{name}")
    if bound is False or not _free_at_module_level(ctx, name):
        return None
    extended = _extend_existing_import(ctx, _rooted(module, root), name)
    if extended is not None:
        return Spelling(name, (extended,))
    return Spelling(name, (import_edit(ctx, f"from {_rooted(module, root)} import {name}"),))


def _extend_existing_import(ctx: Context, module: str, name: str) -> Edit | None:
    """`from keras.optimizers import SGD` -> `..., Adadelta`: add the name to a module-level
    import of the same module, when there is one."""
    for statement, scope in ctx.semantic.imports:
        if scope is not ctx.semantic.module_scope or not isinstance(statement, cst.ImportFrom) or statement.relative:
            continue
        if isinstance(statement.names, cst.ImportStar) or statement.module is None or dotted_name(statement.module) != module:
            continue
        last = statement.names[-1]
        anchor = last.asname.name if last.asname is not None else last.name
        end = ctx.span(anchor)[1]
        return Edit(end, end, f", {name}")
    return None


def _rooted(module: str, root: str) -> str:
    return root + module[len("keras"):] if module.startswith("keras") else module


def _free_at_module_level(ctx: Context, name: str) -> bool:
    """A new module-level import of `name` would shadow nothing: no scope binds it, and the
    file reads no `name` that something else (a star import, a builtin) provides."""
    return ctx.memo(("free_name", name), lambda c: name not in c.semantic.name_reads and not _bound_anywhere(c, name))


def _bound_anywhere(ctx: Context, name: str) -> bool:
    seen = set()
    for scope in ctx.semantic.scope_of_node.values():
        if id(scope) in seen:
            continue
        seen.add(id(scope))
        if name in scope.bindings:
            return True
    return False


def file_root(ctx: Context) -> str:
    """The Keras package the file imports: "keras", "tensorflow.keras" or "tf_keras"."""
    roots = set()
    for node, _scope in ctx.semantic.imports:
        modules = [dotted_name(a.name) for a in node.names] if isinstance(node, cst.Import) else (
            [dotted_name(node.module)] if node.module is not None and not node.relative else [])
        for module in modules:
            if not module:
                continue
            if module == "keras" or module.startswith("keras."):
                roots.add("keras")
            elif module == "tf_keras" or module.startswith("tf_keras."):
                roots.add("tf_keras")
            elif module.startswith("tensorflow.keras") or module.startswith("tensorflow.python.keras"):
                roots.add("tensorflow.keras")
            elif module == "tensorflow" and isinstance(node, cst.Import):
                roots.add("tensorflow.keras")
            elif module == "tensorflow":
                roots.add("tensorflow.keras")  # from tensorflow import keras
    if "keras" in roots or not roots:
        return "keras"
    return "tf_keras" if "tf_keras" in roots else "tensorflow.keras"


# -- where a new import goes ------------------------------------------------------------------


def import_edit(ctx: Context, line: str) -> Edit:
    """Insert `line` after the file's leading block of imports (so before any module-level
    code that could use the name), or at the top after the docstring."""
    return ctx.memo(("import_edit", line), lambda c: _import_edit(c, line))


def _import_edit(ctx: Context, line: str) -> Edit:
    anchor = _leading_imports_end(ctx)
    newline = ctx.newline
    if anchor is None:
        return Edit(0, 0, line + newline)
    end = _line_end(ctx, anchor)
    if end >= len(ctx.text):
        return Edit(len(ctx.text), len(ctx.text), (newline if not ctx.text.endswith(("\n", "\r")) else "") + line + newline)
    return Edit(end, end, line + newline)


def _leading_imports_end(ctx: Context) -> int | None:
    """The end offset of the last statement of the leading import block, or of the module
    docstring / `from __future__` imports when there is no import."""
    last_end: int | None = None
    for index, statement in enumerate(ctx.module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        small = statement.body
        if all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in small):
            last_end = ctx.span(statement)[1]
            continue
        if index == 0 and len(small) == 1 and isinstance(small[0], cst.Expr) and isinstance(small[0].value, (cst.SimpleString, cst.ConcatenatedString)):
            last_end = ctx.span(statement)[1]
            continue
        break
    return last_end


def _line_end(ctx: Context, offset: int) -> int:
    """The offset just after the newline that ends the line containing `offset`."""
    cursor = ctx.text.find("\n", offset)
    return len(ctx.text) if cursor == -1 else cursor + 1
