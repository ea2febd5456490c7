"""Edits that replace a reference to one Keras object by a reference to another, and keep the
imports right: the new name is imported the way the old one was, and an import that is no
longer used is removed. Never leaves a missing or unused import; when it cannot be sure, it
says so (returns None) and the rule offers no automatic fix.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from keras_lint.context import Context
from keras_lint.diagnostics import Edit
from keras_lint.semantic.model import BindingKind, Scope, dotted_name
from keras_lint.semantic.names import keras_name


@dataclass(frozen=True)
class Reference:
    text: str  # what to write where the old reference was
    edits: tuple[Edit, ...]  # import edits that go with it


def reference_to(ctx: Context, old: cst.BaseExpression, scope: Scope, new_path: str) -> Reference | None:
    """How to refer to the Keras object `new_path` (e.g. keras.layers.concatenate) in place of
    `old`, an expression referring to another Keras object."""
    new_module, new_name = new_path.rsplit(".", 1)
    if isinstance(old, cst.Attribute):
        # layers.merge -> layers.concatenate: the same namespace object holds the new name.
        base = ctx.qualified_name(old.value, scope)
        base_name = keras_name(base)
        if base_name is None or base_name.path != new_module:
            return None
        return Reference(f"{ctx.source_of(old.value)}.{new_name}", ())
    if not isinstance(old, cst.Name):
        return None

    existing = ctx.name_refers_to(new_name, scope, new_path)
    if existing is False:
        return None  # the new name means something else here
    bindings = ctx.semantic.lookup(old.value, scope)
    if bindings is None:
        # From a star import: fine if the same star import provides the new name.
        if existing is True:
            return Reference(new_name, ())
        star_path = ctx.semantic.star_import_path(old.value)
        if star_path is None:
            return None
        star_module = star_path.rsplit(".", 1)[0]
        provided = ctx.semantic.star_import_path(new_name)
        if provided is not None and keras_name(provided) is not None and keras_name(provided).is_(new_path):
            return Reference(new_name, ())
        if keras_name(star_module) is not None and keras_name(star_module).path == new_module:
            return None  # the module does not export it
        return None
    if len(bindings) != 1 or bindings[0].kind is not BindingKind.IMPORT:
        return None
    binding = bindings[0]
    statement = binding.node
    if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
        return None
    other_reads = [read for read in ctx.semantic.reads_of(binding) if read is not old]
    old_alias = next(
        (a for a in statement.names if bound_name(a) == old.value),
        None,
    )
    if old_alias is None:
        return None
    module_path = dotted_name(statement.module) if statement.module is not None else None
    import_module = _module_for(module_path, new_module)
    if existing is True:
        # Already imported: just drop the old name if this was its last use.
        if other_reads:
            return Reference(new_name, ())
        return Reference(new_name, (remove_alias(ctx, statement, old_alias),))
    if import_module == module_path:
        new_names = []
        for alias in statement.names:
            if alias is old_alias and not other_reads:
                new_names.append(alias.with_changes(name=cst.Name(new_name), asname=None))
            else:
                new_names.append(alias)
        if other_reads:
            last = new_names[-1]
            new_names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            # The new alias takes over the old last one's comma (a trailing comma in parentheses).
            new_names.append(cst.ImportAlias(name=cst.Name(new_name), comma=last.comma))
        new_statement = statement.with_changes(names=new_names)
        return Reference(new_name, (ctx.replace(statement, ctx.code(new_statement)),))
    # The old module does not hold the new name (e.g. keras.engine.topology): add an import.
    edits = [insert_lines_after(ctx, statement, [f"from {import_module} import {new_name}"])]
    if not other_reads:
        edits.append(remove_alias(ctx, statement, old_alias))
        if len(statement.names) == 1:
            # The whole statement goes; put the new import in its place instead.
            return Reference(new_name, (ctx.replace(statement, f"from {import_module} import {new_name}"),))
    return Reference(new_name, tuple(edits))


def bound_name(alias: cst.ImportAlias) -> str | None:
    """The name an import alias binds (`b` for `import a as b`, `a` for `from m import a`)."""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return alias.name.value if isinstance(alias.name, cst.Name) else None


def _module_for(module_path: str | None, new_module: str) -> str:
    """Where to import the new name from: the old name's module when it is the public module
    that holds the new name, else that public module under the root the file uses."""
    if module_path is None:
        return new_module
    name = keras_name(module_path)
    if name is not None and name.path == new_module and name.legacy_module is None:
        return module_path
    return _same_root(module_path, new_module)


def _same_root(written: str, canonical_module: str) -> str:
    """keras.layers under the root the file used (tensorflow.keras, tf_keras, keras)."""
    for root in ("tensorflow.keras", "tensorflow.python.keras", "tf_keras", "keras"):
        if written == root or written.startswith(root + "."):
            return root + canonical_module[len("keras"):]
    return canonical_module


def remove_alias(ctx: Context, statement: cst.ImportFrom, alias: cst.ImportAlias) -> Edit:
    """Remove one imported name; the whole statement (and its line) when it was the only one."""
    remaining = [a for a in statement.names if a is not alias]
    if not remaining:
        return remove_statement(ctx, statement)
    last = remaining[-1]
    if statement.rpar is None:
        remaining[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return ctx.replace(statement, ctx.code(statement.with_changes(names=remaining)))


def remove_statement(ctx: Context, statement: cst.CSTNode) -> Edit:
    """Remove a small statement; its whole line when it is alone on it."""
    start, end = ctx.span(statement)
    line_start = ctx.text.rfind("\n", 0, start) + 1
    cursor = end
    while cursor < len(ctx.text) and ctx.text[cursor] in " \t":
        cursor += 1
    if ctx.text[line_start:start].strip() == "" and cursor < len(ctx.text) and ctx.text[cursor] in "\r\n":
        line_end = cursor + (2 if ctx.text.startswith("\r\n", cursor) else 1)
        return Edit(line_start, line_end, "")
    if ctx.text[line_start:start].strip() == "" and cursor >= len(ctx.text):
        return Edit(line_start, len(ctx.text), "")
    # Shares its line with another statement (`import a; import b`): replace by `pass`-free
    # removal of the statement and its semicolon.
    if cursor < len(ctx.text) and ctx.text[cursor] == ";":
        cursor += 1
        while cursor < len(ctx.text) and ctx.text[cursor] in " \t":
            cursor += 1
        return Edit(start, cursor, "")
    return Edit(start, end, "pass")


def insert_lines_after(ctx: Context, statement: cst.CSTNode, lines: list[str]) -> Edit:
    """Put `lines` on the lines after `statement`, at its indentation."""
    start, end = ctx.span(statement)
    indent = line_indent(ctx, start)
    line_end = ctx.text.find("\n", end)
    text = "".join(f"{indent}{line}{ctx.newline}" for line in lines)
    if line_end == -1:
        return Edit(len(ctx.text), len(ctx.text), ctx.newline + text.rstrip("\r\n"))
    return Edit(line_end + 1, line_end + 1, text)


def line_indent(ctx: Context, start: int) -> str:
    """The indentation before `start` when only whitespace precedes it on its line, else ""."""
    line_start = ctx.text.rfind("\n", 0, start) + 1
    indent = ctx.text[line_start:start]
    return indent if indent.strip() == "" else ""


def imports_left_unused(original: str, fixed: str) -> list[Edit]:
    """Edits of `fixed` that remove Keras imports the fixes left unused: a name read in
    `original` and read no more in `fixed` (several fixes in one pass each saw the others'
    uses and kept it)."""
    used_before = _keras_imports(original, used=True)
    if not used_before:
        return []
    ctx = _context_for(fixed)
    if ctx is None:
        return []
    edits: list[Edit] = []
    for statement, scope in ctx.semantic.imports:
        names = statement.names
        if isinstance(names, cst.ImportStar):
            continue
        unused = []
        for alias in names:
            key = _alias_key(statement, alias)
            if key is None or key not in used_before:
                continue
            binding = next((b for b in scope.bindings.get(key[0], []) if b.node is statement), None)
            if binding is not None and not ctx.semantic.reads_of(binding):
                unused.append(alias)
        if not unused:
            continue
        remaining = [alias for alias in names if alias not in unused]
        if not remaining:
            edits.append(remove_statement(ctx, statement))
            continue
        if getattr(statement, "rpar", None) is None:
            remaining[-1] = remaining[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        edits.append(ctx.replace(statement, ctx.code(statement.with_changes(names=remaining))))
    return edits


def _alias_key(statement: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> tuple[str, str] | None:
    """(bound name, canonical Keras path) of one imported Keras name."""
    full = dotted_name(alias.name)
    if full is None:
        return None
    if isinstance(statement, cst.ImportFrom):
        if statement.relative or statement.module is None:
            return None
        path = f"{dotted_name(statement.module)}.{full}"
        bound = alias.asname.name.value if alias.asname is not None else full
    else:
        path = full
        bound = alias.asname.name.value if alias.asname is not None else full.split(".", 1)[0]
        if alias.asname is None and "." in full:
            return None  # `import keras.layers` binds `keras`: shared with other imports
    name = keras_name(path)
    if name is None:
        return None
    # Canonical, so that a name whose import a fix moved (keras.layers.convolutional ->
    # keras.layers) is still the name the original read.
    return bound, name.path


def _keras_imports(text: str, used: bool) -> set[tuple[str, str]]:
    ctx = _context_for(text)
    if ctx is None:
        return set()
    result = set()
    for statement, scope in ctx.semantic.imports:
        if isinstance(statement.names, cst.ImportStar):
            continue
        for alias in statement.names:
            key = _alias_key(statement, alias)
            if key is None:
                continue
            binding = next((b for b in scope.bindings.get(key[0], []) if b.node is statement), None)
            if binding is not None and (not used or ctx.semantic.reads_of(binding)):
                result.add(key)
    return result


def _context_for(text: str) -> Context | None:
    from keras_lint.semantic.model import SemanticModel
    from keras_lint.semantic.names import star_exports
    from keras_lint.settings import Settings

    try:
        module = cst.parse_module(text)
        semantic = SemanticModel(module, star_exports)
    except Exception:
        return None
    return Context(text, "", module, semantic, Settings())
