"""What the import-path rules share: the root an import is written under, the legacy module a
path goes through, every attribute chain of the file, and the edits that turn
`from keras.utils import np_utils` + `np_utils.to_categorical(y)` into
`from keras.utils import to_categorical` + `to_categorical(y)`.

Not a rule module (the registry skips modules starting with an underscore)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from keras_lint.context import Context
from keras_lint.diagnostics import Edit
from keras_lint.knowledge import keras3
from keras_lint.knowledge.legacy_layers import LegacyModule, legacy_modules
from keras_lint.rewrite import insert_lines_after, line_indent, remove_alias, remove_statement
from keras_lint.semantic.model import Binding, BindingKind, Scope, iter_children
from keras_lint.semantic.names import keras_name

# Longest first: how an import path starts, and the Keras namespace its names live in.
ROOTS = (
    ("tensorflow.compat.v1.keras", "tf.keras"),
    ("tensorflow.compat.v2.keras", "tf.keras"),
    ("tensorflow.python.keras", "frozen"),
    ("tensorflow.keras", "tf.keras"),
    ("tf_keras", "tf_keras"),
    ("keras", "keras"),
)


@dataclass(frozen=True)
class SplitPath:
    root: str  # as written: "tensorflow.keras"
    namespace: str  # keras | tf.keras | tf_keras | frozen
    canonical: str  # "keras.layers.core.Dense"

    def written(self, canonical: str) -> str:
        """A canonical `keras.x.y` path under this root: tensorflow.keras.x.y."""
        return self.root + canonical[len("keras"):]


def split(path: str | None) -> SplitPath | None:
    if not path:
        return None
    if path == "keras.src" or path.startswith("keras.src.") or path.startswith("keras._tf_keras"):
        return None
    for root, namespace in ROOTS:
        if path == root or path.startswith(root + "."):
            return SplitPath(root, namespace, "keras" + path[len(root):])
    return None


def legacy_module_of(canonical: str) -> tuple[LegacyModule, list[str]] | None:
    """The longest legacy module `canonical` is or goes through, and the parts after it."""
    parts = canonical.split(".")
    modules = legacy_modules()
    for cut in range(len(parts), 1, -1):
        module = ".".join(parts[:cut])
        if module in modules:
            return modules[module], parts[cut:]
    return None


def exists(canonical: str, namespace: str) -> bool:
    """Whether Keras 3 has this public name or module (in the tf.keras shim for tf.keras)."""
    space = "tf.keras" if namespace == "tf.keras" else "keras"
    return keras3.lookup(canonical, space) is not None or keras3.is_module(canonical, space)


def valid_in_keras2(split_path: SplitPath, module: LegacyModule) -> bool:
    return split_path.root in module.keras2_roots or (split_path.root.startswith("tensorflow.compat") and "tensorflow.keras" in module.keras2_roots)


# -- the file's attribute chains ------------------------------------------------------------------


@dataclass(frozen=True)
class Chain:
    node: cst.Attribute  # the outermost attribute of a dotted chain: a.b.c
    base: cst.Name
    scope: Scope


@dataclass
class AttributeIndex:
    chains: list[Chain]
    parent: dict[int, cst.Attribute]  # id(Name) -> the Attribute `name.x` it is the base of


def attribute_index(ctx: Context) -> AttributeIndex:
    """The file's dotted attribute chains; empty when no chain can go through a legacy path
    (the walk costs as much as the semantic model, so it is skipped when the text has no
    `.<segment>` of one)."""
    if not _chain_pattern().search(ctx.text):
        return AttributeIndex([], {})
    return ctx.memo("imports.attribute_index", _build_attribute_index)


def attribute_parents(ctx: Context) -> dict[int, cst.Attribute]:
    """id(Name) -> the Attribute `name.x` it is the base of, for the whole file."""
    return ctx.memo("imports.attribute_index", _build_attribute_index).parent


@functools.cache
def _chain_pattern() -> re.Pattern:
    segments = {module.rsplit(".", 1)[1] for module in legacy_modules()}
    segments |= {"preprocessing", "multi_gpu_model", "tensorflow_backend", "scikit_learn", "initializations"}
    return re.compile(r"\.(?:" + "|".join(sorted(map(re.escape, segments))) + r")\b")


def _build_attribute_index(ctx: Context) -> AttributeIndex:
    scope_of_read = {id(node): scope for reads in ctx.semantic.name_reads.values() for node, scope in reads}
    chains: list[Chain] = []
    parent: dict[int, cst.Attribute] = {}
    stack: list[cst.CSTNode] = [ctx.module]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            continue
        if isinstance(node, cst.Attribute):
            inner = node
            while isinstance(inner.value, cst.Attribute):
                inner = inner.value
            if isinstance(inner.value, cst.Name):
                parent[id(inner.value)] = inner
                scope = scope_of_read.get(id(inner.value))
                if scope is not None:
                    chains.append(Chain(node, inner.value, scope))
                continue
            stack.append(inner.value)
            continue
        stack.extend(iter_children(node))
    return AttributeIndex(chains, parent)


# -- rewriting a module binding -----------------------------------------------------------------------


def binding_of(scope: Scope, name: str, statement: cst.CSTNode) -> Binding | None:
    return next((b for b in scope.bindings.get(name, []) if b.node is statement), None)


def names_rewrite(ctx: Context, binding: Binding, statement: cst.CSTNode, alias: cst.ImportAlias | None, split_path: SplitPath,
                  destination: Callable[[str], str | None]) -> tuple[list[Edit], list[str]] | None:
    """Rewrite a module bound to a name (`np_utils`) whose every use is `np_utils.X` into
    imports of the names themselves: edits, and the `from ... import ...` lines written.
    `destination(X)` is the canonical path X now has (None: not rewritable). None when a use
    is not an attribute, a name is unknown, or a new name would clash."""
    reads = ctx.semantic.reads_of(binding)
    if not reads:
        return None
    parents = attribute_parents(ctx)
    groups: dict[str, list[str]] = {}
    edits: list[Edit] = []
    for read in reads:
        attribute = parents.get(id(read))
        if attribute is None:
            return None
        name = attribute.attr.value
        target = destination(name)
        if target is None or not exists(target, split_path.namespace):
            return None
        module = target.rsplit(".", 1)[0]
        scope = _scope_of(ctx, read)
        if scope is None:
            return None
        state = ctx.name_refers_to(name, scope, target)
        if state is False:
            return None
        if state is None and name not in groups.get(module, []):
            groups.setdefault(module, []).append(name)
        edits.append(Edit(*ctx.span(attribute), name))
    lines = [f"from {split_path.written(module)} import {', '.join(names)}" for module, names in groups.items()]
    edits.extend(replace_import(ctx, statement, alias, lines))
    return edits, lines


def replace_import(ctx: Context, statement: cst.CSTNode, alias: cst.ImportAlias | None, lines: list[str]) -> list[Edit]:
    """Edits that remove one alias of an import (the whole statement when alias is None or the
    last one) and put `lines` in its place."""
    whole = alias is None or (isinstance(statement, (cst.ImportFrom, cst.Import)) and len(statement.names) == 1)
    start, end = ctx.span(statement)
    if whole:
        if lines:
            indent = line_indent(ctx, start)
            return [Edit(start, end, (ctx.newline + indent).join(lines))]
        return [remove_statement(ctx, statement)]
    if isinstance(statement, cst.Import):
        remaining = [a for a in statement.names if a is not alias]
        remaining[-1] = remaining[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        removal = ctx.replace(statement, ctx.code(statement.with_changes(names=remaining)))
    else:
        removal = remove_alias(ctx, statement, alias)
    if not lines:
        return [removal]
    return [removal, insert_lines_after(ctx, statement, lines)]


def _scope_of(ctx: Context, read: cst.Name) -> Scope | None:
    for node, scope in ctx.semantic.name_reads.get(read.value, ()):
        if node is read:
            return scope
    return None




def module_state(ctx: Context, binding: Binding, name: str, module_path: str) -> bool | None:
    """Whether `name` already refers to the module `module_path` (canonical) in every scope
    the binding is read in (True), to something else somewhere (False), or nowhere (None)."""
    states = set()
    for read in ctx.semantic.reads_of(binding):
        scope = _scope_of(ctx, read)
        if scope is None:
            return False
        bindings = ctx.semantic.lookup(name, scope)
        if bindings is None:
            states.add(None)
            continue
        paths = {ctx.semantic.binding_path(b) for b in bindings if b.kind is BindingKind.IMPORT}
        found = keras_name(next(iter(paths))) if len(paths) == 1 and len(bindings) == 1 else None
        states.add(True if found is not None and found.path == module_path and found.legacy_module is None else False)
    if False in states or len(states) > 1:
        return False
    return states.pop() if states else None
