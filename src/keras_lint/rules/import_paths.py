"""Import paths (catalog 1.4, 2.1, 2.5): Keras 1/2 modules Keras 3 no longer has
(`keras.layers.core`, `keras.utils.np_utils`, `keras.engine.topology`, `keras.objectives`,
`keras.layers.experimental.preprocessing`, ...), TensorFlow's frozen `tensorflow.python.keras`,
names with no Keras 3 equivalent at their old path (`ImageDataGenerator` under plain `keras`,
`keras.preprocessing.text`, `keras.wrappers.scikit_learn`, ...), and the preprocessing
utilities whose Keras 3 home is `keras.utils`.

Which module moved where is data: knowledge/legacy.toml ([modules.*]) and
knowledge/legacy_imports.toml."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Context
from keras_lint.diagnostics import Applicability, Edit, Finding
from keras_lint.knowledge.legacy_layers import LegacyModule, legacy_modules, preferred_paths, removed_layers, shim_only_names
from keras_lint.rewrite import bound_name, insert_lines_after
from keras_lint.rules._imports import (
    SplitPath,
    attribute_index,
    attribute_parents,
    binding_of,
    exists,
    legacy_module_of,
    module_state,
    names_rewrite,
    replace_import,
    split,
    valid_in_keras2,
)
from keras_lint.rules.base import Invalid, Raises, Rule, Valid, dedent
from keras_lint.semantic.model import dotted_name


def _is_name_of_parent(module_path: str) -> bool:
    """`keras.layers.merge` is both a Keras 2 module and Keras 1's `merge` function in
    `keras.layers`; imported from its parent or used as `keras.layers.merge(...)`, it is the
    function."""
    module = legacy_modules().get(module_path)
    return module is not None and module.name_in_parent


def _explained_elsewhere(canonical: str) -> bool:
    """Names other rules explain when they are missing (removed layers: KRS206, merge: KRS201)."""
    module, _, name = canonical.rpartition(".")
    if module == "keras.backend":
        return True  # the session functions of keras.backend.tensorflow_backend: KRS303
    return module == "keras.layers" and (name in removed_layers() or name in ("merge", "Merge"))


def _reported(split_path: SplitPath, module: LegacyModule, ctx: Context) -> bool:
    if split_path.namespace in ("frozen", "tf_keras") and not module.removed_in.startswith("2"):
        return False  # a Keras 2 package: the module is there (KRS302 reports the frozen copy)
    if module.calls_changed:
        return False  # KRS303 explains these
    if ctx.settings.target_keras == "2" and valid_in_keras2(split_path, module):
        return False
    return True


def _what_fails(module_path: str, imported_as_name: bool) -> str:
    if imported_as_name:
        parent, _, name = module_path.rpartition(".")
        return f"`ImportError: cannot import name '{name}' from '{parent}'`"
    return f"`ModuleNotFoundError: No module named '{module_path}'`"


class LegacyModulePath(Rule):
    """## What it does
    Finds imports from Keras 1/2 modules that Keras 3 removed and rewrites them to the module
    that holds the names now, keeping the file's Keras spelling (`keras`, `tensorflow.keras`):
    `from keras.layers.core import Dense, Dropout` → `from keras.layers import Dense, Dropout`,
    `from keras.engine.topology import Layer` → `from keras.layers import Layer`,
    `from keras.utils import np_utils` + `np_utils.to_categorical(y)` →
    `from keras.utils import to_categorical` + `to_categorical(y)`,
    `from keras import objectives` + `objectives.binary_crossentropy` →
    `from keras import losses` + `losses.binary_crossentropy`,
    `from tensorflow.keras.layers.experimental import preprocessing` +
    `preprocessing.Normalization()` → `layers.Normalization()` (when `layers` is imported),
    and dotted uses such as `keras.utils.np_utils.to_categorical(y)`.

    ## Why is this bad?
    The import fails before anything runs: `ModuleNotFoundError: No module named
    'keras.layers.core'` (or `ImportError: cannot import name 'np_utils' from
    'keras.utils'`). The modules were Keras 2 implementation files; Keras 3 exports every public
    name from the package itself (`keras.layers`, `keras.utils`, `keras.losses`).

    ## Example
    ```python
    from keras.layers.core import Dense, Dropout
    from keras.utils import np_utils
    Y = np_utils.to_categorical(y, 10)
    ```

    ## Use instead
    ```python
    from keras.layers import Dense, Dropout
    from keras.utils import to_categorical
    Y = to_categorical(y, 10)
    ```

    ## Fix safety
    The names are the same objects in their new module: safe. A name the new module does not
    have is reported without a fix (removed layers are KRS206's, `merge` is KRS201's).
    `keras.initializations` and `keras.wrappers.scikit_learn` changed their API, not only their
    path: KRS303 explains them. With `target-keras = "2"`, paths that Keras 2 could still import
    are not reported: the `keras` 2.x package kept `keras.layers.core` and its siblings, but
    `tensorflow.keras.layers.core` never existed, and `keras.engine.topology`,
    `keras.objectives` and `keras.utils.visualize_util` were gone from every Keras 2 that ships
    with TensorFlow.
    """

    code = "KRS301"
    name = "legacy-module-path"
    summary = "An import from a Keras 1/2 module Keras 3 removed (`keras.layers.core`, `keras.utils.np_utils`, ...)"
    family = "Import paths"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            from keras.layers import Dense, Dropout
            from keras.utils import to_categorical
            from tensorflow.keras import layers
            """)),
        Valid(dedent("""
            from keras.layers.core import Dense
            """), settings={"target-keras": "2"}, note="the keras 2.x package still had keras.layers.core", runnable=False),
        Invalid(
            dedent("""
                from keras.layers.core import Dense, Dropout  # the classic Keras 1 import
                from keras.layers.convolutional import Convolution2D
                layer = Dense(4)
                conv = Convolution2D(8, (3, 3))
                """),
            fixed=dedent("""
                from keras.layers import Dense, Dropout  # the classic Keras 1 import
                from keras.layers import Convolution2D
                layer = Dense(4)
                conv = Convolution2D(8, (3, 3))
                """),
            count=2,
            message="Keras 3 does not have",
            keras=Raises("No module named 'keras.layers.core'"),
        ),
        Invalid(
            dedent("""
                import numpy as np
                from keras.utils import np_utils
                labels = np_utils.to_categorical(np.array([0, 2, 1]), 3)
                """),
            fixed=dedent("""
                import numpy as np
                from keras.utils import to_categorical
                labels = to_categorical(np.array([0, 2, 1]), 3)
                """),
            message="cannot import name 'np_utils'",
            keras=Raises("cannot import name 'np_utils'"),
            fixed_check="labels.shape == (3, 3)",
        ),
        Invalid(
            dedent("""
                import tensorflow as tf
                from tensorflow.keras import layers
                from tensorflow.keras.layers.experimental import preprocessing
                norm = preprocessing.Normalization(axis=-1)
                flip = tf.keras.layers.experimental.preprocessing.RandomFlip('horizontal')
                """),
            fixed=dedent("""
                import tensorflow as tf
                from tensorflow.keras import layers
                norm = layers.Normalization(axis=-1)
                flip = tf.keras.layers.RandomFlip('horizontal')
                """),
            count=2,
            keras=Raises("No module named 'tensorflow.keras.layers.experimental'"),
            fixed_check="norm.axis == (-1,)",
        ),
        Invalid(
            dedent("""
                import keras
                from keras import objectives
                from keras.engine.topology import Layer
                loss = objectives.binary_crossentropy
                class Identity(Layer):
                    def call(self, x):
                        return x
                """),
            fixed=dedent("""
                import keras
                from keras import losses
                from keras.layers import Layer
                loss = losses.binary_crossentropy
                class Identity(Layer):
                    def call(self, x):
                        return x
                """),
            count=2,
            keras=Raises("cannot import name 'objectives'"),
            fixed_check="loss is keras.losses.binary_crossentropy",
        ),
        Invalid(
            dedent("""
                from keras.layers.core import *
                from keras.engine.topology import *
                layer = Dense(4)
                """),
            fixed=dedent("""
                from keras.layers import *
                from keras.engine.topology import *
                layer = Dense(4)
                """),
            count=2,
            note="a star import: `keras.engine.topology` also held Model and Container, so it is explained",
            runnable=False,
        ),
        Invalid(
            dedent("""
                import keras.utils.np_utils
                y = keras.utils.np_utils.to_categorical([0, 1], 2)
                """),
            fixed=dedent("""
                import keras.utils
                y = keras.utils.to_categorical([0, 1], 2)
                """),
            count=2,
            keras=Raises("No module named 'keras.utils.np_utils'"),
            fixed_check="y.shape == (2, 2)",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        handled_bindings: set[int] = set()
        for statement, scope in ctx.semantic.imports:
            if isinstance(statement, cst.ImportFrom):
                yield from self._import_from(ctx, statement, scope, handled_bindings)
            else:
                yield from self._import(ctx, statement, scope)
        yield from self._chains(ctx)

    # -- from M import a, b ------------------------------------------------------------------------

    def _import_from(self, ctx: Context, statement: cst.ImportFrom, scope, handled: set[int]) -> Iterator[Finding]:
        if statement.relative or statement.module is None:
            return
        module_text = dotted_name(statement.module)
        where = split(module_text)
        if where is None:
            return
        found = legacy_module_of(where.canonical)
        if isinstance(statement.names, cst.ImportStar):
            if found is not None and not found[1] and _reported(where, found[0], ctx):
                yield self._star_import(ctx, statement, where, found[0])
            return
        if found is not None and not found[1]:
            yield from self._from_legacy_module(ctx, statement, scope, where, found[0])
            return
        # `from keras.utils import np_utils`: the imported name is a legacy module.
        for alias in statement.names:
            if not isinstance(alias.name, cst.Name):
                continue
            module = legacy_modules().get(f"{where.canonical}.{alias.name.value}")
            if module is None or not _reported(where, module, ctx) or _is_name_of_parent(module.path):
                continue
            yield self._module_binding(ctx, statement, alias, scope, where, module)

    def _from_legacy_module(self, ctx: Context, statement: cst.ImportFrom, scope, where: SplitPath, module: LegacyModule) -> Iterator[Finding]:
        if not _reported(where, module, ctx):
            return
        groups: dict[str, list[cst.ImportAlias]] = {}
        missing: list[str] = []
        submodules: list[cst.ImportAlias] = []
        for alias in statement.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else None
            if name is None:
                return
            if f"{module.path}.{name}" in legacy_modules():
                submodules.append(alias)
                continue
            target = module.destination(name)
            if not exists(target, where.namespace) and not _explained_elsewhere(target):
                missing.append(name)
            groups.setdefault(target.rsplit(".", 1)[0], []).append(alias)
        if submodules:
            # `from tensorflow.keras.layers.experimental import preprocessing`
            for alias in submodules:
                inner = legacy_modules()[f"{module.path}.{alias.name.value}"]
                yield self._module_binding(ctx, statement, alias, scope, where, inner)
            if not groups:
                return
        written = where.written(module.path)
        error = _what_fails(written, False)
        destinations = ", ".join(f"`{where.written(m)}`" for m in groups)
        message = f"`{written}` is a module of older Keras that Keras 3 does not have: the import fails with {error}"
        if missing:
            message += f". Keras 3 has no {', '.join(f'`{n}`' for n in missing)} anywhere: rewrite that code by hand"
            yield self.finding(ctx, statement, message, self.make_fix("Rewrite by hand", [], Applicability.DISPLAY_ONLY))
            return
        message += f"; import from {destinations}"
        if submodules:
            yield self.finding(ctx, statement, message, self.make_fix(f"Import from {destinations}", [], Applicability.DISPLAY_ONLY))
            return
        renamed = {id(a): module.destination(a.name.value).rsplit(".", 1)[1] for a in statement.names
                   if a not in submodules and module.destination(a.name.value).rsplit(".", 1)[1] != a.name.value}
        if len(groups) == 1 and not renamed:
            (destination,) = groups
            edit = ctx.replace(statement.module, where.written(destination))
            yield self.finding(ctx, statement, message, self.make_fix(f"Import from {destinations}", [edit], Applicability.SAFE))
            return
        lines = []
        for destination, aliases in groups.items():
            lines.append(f"from {where.written(destination)} import {', '.join(_alias_text(ctx, a, renamed.get(id(a))) for a in aliases)}")
        edits = replace_import(ctx, statement, None, lines)
        yield self.finding(ctx, statement, message, self.make_fix(f"Import from {destinations}", edits, Applicability.SAFE))

    def _star_import(self, ctx: Context, statement: cst.ImportFrom, where: SplitPath, module: LegacyModule) -> Finding:
        written = where.written(module.path)
        new_module = where.written(module.moved_to)
        message = f"`{written}` is a module of older Keras that Keras 3 does not have: `from {written} import *` fails with {_what_fails(written, False)}"
        elsewhere = {name: target for name, target in module.names.items() if target.rsplit(".", 1)[0] != module.moved_to}
        if elsewhere:
            moved = ", ".join(f"`{name}` to `{where.written(target)}`" for name, target in sorted(elsewhere.items()))
            message += f"; its names moved to `{new_module}`, except {moved}: import the names you use"
            return self.finding(ctx, statement, message, self.make_fix("Import the names you use", [], Applicability.DISPLAY_ONLY))
        message += f"; its names are in `{new_module}` (whose `*` also brings the other layers)"
        return self.finding(ctx, statement, message + f": import from `{new_module}`",
                            self.make_fix(f"Import from `{new_module}`", [ctx.replace(statement.module, new_module)], Applicability.SAFE))

    def _module_binding(self, ctx: Context, statement: cst.CSTNode, alias: cst.ImportAlias, scope, where: SplitPath, module: LegacyModule) -> Finding:
        """A legacy module bound to a name: `from keras.utils import np_utils`,
        `import keras.utils.np_utils as np_utils`."""
        name = bound_name(alias)
        written = where.written(module.path)
        imported_as_name = isinstance(statement, cst.ImportFrom)
        message = f"`{written}` is a module of older Keras that Keras 3 does not have: the import fails with {_what_fails(written, imported_as_name)}"
        binding = binding_of(scope, name, statement) if name else None
        if binding is None:
            return self.finding(ctx, alias, message, self.make_fix("Rewrite the import by hand", [], Applicability.DISPLAY_ONLY))
        if module.style == "names":
            rewrite = names_rewrite(ctx, binding, statement, alias, where, module.destination)
            if rewrite is not None:
                edits, lines = rewrite
                used = sorted({attribute.attr.value for attribute in _attributes_of(ctx, binding)})
                shown = "; ".join(f"`{line}`" for line in lines) or f"{', '.join(f'`{u}`' for u in used)}, already imported"
                return self.finding(ctx, alias, f"{message}. Use {shown}", self.make_fix(f"Use {shown}", edits, Applicability.SAFE))
        destination = module.moved_to
        parent, _, last = destination.rpartition(".")
        new_module = where.written(destination)
        if isinstance(statement, cst.Import):
            # `import keras.objectives as objectives` -> `import keras.losses as objectives`.
            edit = ctx.replace(alias.name, new_module)
            return self.finding(ctx, alias, f"{message}. Use `{new_module}`", self.make_fix(f"Import {new_module}", [edit], Applicability.SAFE))
        same_module = where.written(parent) == dotted_name(statement.module)
        reads = ctx.semantic.reads_of(binding)
        if alias.asname is not None or last == name:
            # Keep the name the code uses: `from keras import losses as objectives`.
            if same_module:
                edits = [ctx.replace(alias.name, last)]
            else:
                line = f"from {where.written(parent)} import {last}" + (f" as {name}" if name != last else "")
                edits = replace_import(ctx, statement, alias, [line])
            shown = f"`{new_module}`"
        else:
            state = module_state(ctx, binding, last, destination)
            if state is True:
                edits = replace_import(ctx, statement, alias, []) + [ctx.replace(read, last) for read in reads]
            elif state is None:
                if same_module:
                    edits = [ctx.replace(alias.name, last)]
                else:
                    edits = replace_import(ctx, statement, alias, [f"from {where.written(parent)} import {last}"])
                edits += [ctx.replace(read, last) for read in reads]
            else:
                edits = replace_import(ctx, statement, alias, [f"from {where.written(parent)} import {last} as {name}"])
            shown = f"`{new_module}` (as `{last}`)" if state is not False else f"`{new_module}` (as `{name}`)"
        fix = self.make_fix(f"Use {shown}", _disjoint_or_empty(edits), Applicability.SAFE)
        return self.finding(ctx, alias, f"{message}. Use {shown}", fix)

    # -- import M / import M as b --------------------------------------------------------------------

    def _import(self, ctx: Context, statement: cst.Import, scope) -> Iterator[Finding]:
        for alias in statement.names:
            path = dotted_name(alias.name)
            where = split(path)
            if where is None:
                continue
            found = legacy_module_of(where.canonical)
            if found is None or found[1]:
                continue
            module = found[0]
            if not _reported(where, module, ctx):
                continue
            if alias.asname is not None:
                yield self._module_binding(ctx, statement, alias, scope, where, module)
                continue
            written = where.written(module.path)
            message = f"`import {written}`: Keras 3 has no such module, the import fails with {_what_fails(written, False)}; its names are in `{where.written(module.moved_to)}`"
            edit = ctx.replace(alias.name, where.written(module.moved_to))
            yield self.finding(ctx, alias, message, self.make_fix(f"Import {where.written(module.moved_to)}", [edit], Applicability.SAFE))

    # -- keras.utils.np_utils.to_categorical(...) ---------------------------------------------------------

    def _chains(self, ctx: Context) -> Iterator[Finding]:
        for chain in attribute_index(ctx).chains:
            base_path = ctx.qualified_name(chain.base, chain.scope)
            if base_path is None:
                continue
            full = ctx.qualified_name(chain.node, chain.scope)
            where = split(full)
            if where is None:
                continue
            found = legacy_module_of(where.canonical)
            if found is None:
                continue
            module, rest = found
            if len(base_path) >= len(where.written(module.path)) or not _reported(where, module, ctx):
                continue  # the base is the module itself (`np_utils.x`): its import is reported
            if not rest and _is_name_of_parent(module.path):
                continue  # `keras.layers.merge(...)` is Keras 1's merge function (KRS201)
            if rest:
                target = module.destination(rest[0]) + "".join(f".{part}" for part in rest[1:])
            else:
                target = module.moved_to
            new_full = where.written(target)
            if not new_full.startswith(base_path + "."):
                continue
            if not exists(target, where.namespace) and not _explained_elsewhere(target):
                continue
            text = ctx.source_of(chain.base) + new_full[len(base_path):]
            old_text = ctx.source_of(chain.node)
            written = where.written(module.path)
            message = f"`{old_text}`: Keras 3 has no module `{written}` (AttributeError); write `{text}`"
            yield self.finding(ctx, chain.node, message, self.make_fix(f"Write `{text}`", [ctx.replace(chain.node, text)], Applicability.SAFE))


def _attributes_of(ctx: Context, binding) -> list[cst.Attribute]:
    parents = attribute_parents(ctx)
    return [parents[id(read)] for read in ctx.semantic.reads_of(binding) if id(read) in parents]


def _alias_text(ctx: Context, alias: cst.ImportAlias, new_name: str | None) -> str:
    """`plot` imported under its Keras 3 name: `plot_model as plot`."""
    if new_name is None:
        return ctx.code(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
    bound = bound_name(alias)
    return f"{new_name} as {bound}"


def _disjoint_or_empty(edits: list[Edit]) -> list[Edit]:
    ordered = sorted(edits)
    for previous, edit in zip(ordered, ordered[1:]):
        if edit.start < previous.end:
            return []
    return ordered


class FrozenTensorflowKeras(Rule):
    """## What it does
    Finds imports from `tensorflow.python.keras`, TensorFlow's private, frozen copy of Keras 2,
    and rewrites them to the public `tensorflow.keras`.

    ## Why is this bad?
    Since TF 2.6 this package is not the Keras that `tf.keras` gives you: it is an old copy
    kept for TensorFlow's internals. In TF 2.16+ `tensorflow.python.keras.layers.Dense` is not
    `keras.layers.Dense`; its layers cannot be used in a Keras 3 model, its optimizers do not
    work with Keras 3 models, and it is not updated.

    ## Example
    ```python
    from tensorflow.python.keras.layers import Dense
    ```

    ## Use instead
    ```python
    from tensorflow.keras.layers import Dense
    ```

    ## Fix safety
    Unsafe: the code then runs on Keras 3 (with `target-keras = "2"`, on your tf.keras 2), whose
    API differs in the ways the other KRS rules report. Reported with both targets: the frozen
    copy was never the tf.keras of TF 2.6+ either.
    """

    code = "KRS302"
    name = "tensorflow-python-keras"
    summary = "An import from `tensorflow.python.keras`, TensorFlow's frozen private copy of Keras 2"
    family = "Import paths"
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            from tensorflow.keras.layers import Dense
            import tensorflow.python.framework.ops as ops
            """), runnable=False),
        Invalid(
            dedent("""
                import tensorflow as tf
                from tensorflow.python.keras.layers import Dense
                from tensorflow.python.keras import backend
                model = tf.keras.Sequential([tf.keras.Input((4,)), Dense(2)])
                """),
            fixed=dedent("""
                import tensorflow as tf
                from tensorflow.keras.layers import Dense
                from tensorflow.keras import backend
                model = tf.keras.Sequential([tf.keras.Input((4,)), Dense(2)])
                """),
            count=2,
            message="frozen copy of Keras 2",
            keras=Raises("Only instances of `keras.Layer` can be added to a Sequential model"),
            fixed_check="model.output_shape == (None, 2)",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        prefix = "tensorflow.python.keras"
        for statement, _scope in ctx.semantic.imports:
            if isinstance(statement, cst.ImportFrom):
                if statement.relative or statement.module is None:
                    continue
                path = dotted_name(statement.module)
                if path == prefix or (path and path.startswith(prefix + ".")):
                    yield self._finding(ctx, statement, statement.module, path)
            else:
                for alias in statement.names:
                    path = dotted_name(alias.name)
                    if path and (path == prefix or path.startswith(prefix + ".")) and alias.asname is not None:
                        yield self._finding(ctx, alias, alias.name, path)

    def _finding(self, ctx: Context, node: cst.CSTNode, module_node: cst.BaseExpression, path: str) -> Finding:
        new = "tensorflow.keras" + path[len("tensorflow.python.keras"):]
        message = (f"`{path}` is TensorFlow's private, frozen copy of Keras 2, not the Keras of `tf.keras`: its classes are not "
                   f"Keras 3's (a Keras 3 model rejects its layers). Import from `{new}`")
        return self.finding(ctx, node, message, self.make_fix(f"Import from `{new}`", [ctx.replace(module_node, new)], Applicability.UNSAFE))


class RemovedKerasApi(Rule):
    """## What it does
    Finds imports and uses of Keras 1/2 modules and names that have no Keras 3 equivalent at
    their path, and explains what to use instead: `ImageDataGenerator` and its iterators,
    `keras.preprocessing.text` (`Tokenizer`, ...) and `TimeseriesGenerator` under plain
    `keras`, `keras.wrappers.scikit_learn` (`KerasClassifier`, `KerasRegressor`),
    `keras.utils.multi_gpu_model`, `keras.initializations`, the session functions of
    `keras.backend.tensorflow_backend`. The names that TensorFlow's tf.keras still provides
    (`ImageDataGenerator`, `Tokenizer`, `TimeseriesGenerator`, ...) are re-imported from
    `tensorflow.keras.preprocessing.*`: `from keras.preprocessing.image import
    ImageDataGenerator` → `from tensorflow.keras.preprocessing.image import ImageDataGenerator`.

    ## Why is this bad?
    The import fails (`ImportError: cannot import name 'ImageDataGenerator' from
    'keras.preprocessing.image'`, `ModuleNotFoundError: No module named
    'keras.preprocessing.text'`), and no rename within Keras 3 fixes it: the replacement works
    differently.

    ## Example
    ```python
    from keras.preprocessing.image import ImageDataGenerator
    from keras.wrappers.scikit_learn import KerasClassifier
    ```

    ## Use instead
    ```python
    from tensorflow.keras.preprocessing.image import ImageDataGenerator  # deprecated, TensorFlow only
    from keras.utils import image_dataset_from_directory  # the Keras 3 way, + keras.layers.Random* augmentation
    from keras.wrappers import SKLearnClassifier  # model=..., fit_kwargs=...
    ```

    ## Fix safety
    The `tensorflow.keras.preprocessing` import is unsafe: it is the same Keras 2 class (in
    TF 2.21, `keras.src.legacy.preprocessing`), and its iterators are `PyDataset`s that Keras 3's
    `fit`/`evaluate`/`predict` accept, but it is deprecated, it needs TensorFlow installed
    (tf.keras is TensorFlow's entry point to Keras 3, meant for the TensorFlow backend), and,
    as in Keras 2, its shear/zoom/rotation transforms need scipy and `flow_from_directory`
    needs Pillow. The message still says how to move to `image_dataset_from_directory` and the
    preprocessing layers. A use through an attribute chain (`keras.preprocessing.image.
    ImageDataGenerator(...)`) is explained only. Everything else has no automatic fix: each
    replacement has another API (`SKLearnClassifier` takes the model builder as `model=` and
    one-hot encodes its targets; `TextVectorization` numbers words differently from
    `Tokenizer`; Keras 1's `initializations.normal(shape, scale=...)` made a variable,
    `keras.initializers.RandomNormal(stddev=...)` is an object). Names imported through
    `tensorflow.keras` are not reported; with `target-keras = "2"` nothing Keras 2 had is.
    """

    code = "KRS303"
    name = "removed-keras-api"
    summary = "A Keras 1/2 module or name with no Keras 3 equivalent at its path (`ImageDataGenerator`, `keras.wrappers.scikit_learn`, ...)"
    family = "Import paths"
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            from tensorflow.keras.preprocessing.image import ImageDataGenerator
            from keras.utils import image_dataset_from_directory
            """), note="the tf.keras shim of TF 2.16+ still has ImageDataGenerator"),
        Valid(dedent("""
            from keras.preprocessing.image import ImageDataGenerator
            """), settings={"target-keras": "2"}, runnable=False),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras.preprocessing.image import ImageDataGenerator
                datagen = ImageDataGenerator(rescale=1. / 255, horizontal_flip=True)
                model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer="adam", loss="binary_crossentropy")
                history = model.fit(datagen.flow(np.zeros((4, 8, 8, 3)), np.zeros(4), batch_size=2), epochs=1, verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                from tensorflow.keras.preprocessing.image import ImageDataGenerator
                datagen = ImageDataGenerator(rescale=1. / 255, horizontal_flip=True)
                model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer="adam", loss="binary_crossentropy")
                history = model.fit(datagen.flow(np.zeros((4, 8, 8, 3)), np.zeros(4), batch_size=2), epochs=1, verbose=0)
                """),
            message="image_dataset_from_directory",
            applicability=Applicability.UNSAFE,
            keras=Raises("cannot import name 'ImageDataGenerator'"),
            fixed_check="len(history.history['loss']) == 1",
        ),
        Invalid(
            dedent("""
                import numpy as np
                from keras.preprocessing.sequence import pad_sequences, TimeseriesGenerator
                from keras.preprocessing.text import Tokenizer
                tokenizer = Tokenizer(num_words=10)
                tokenizer.fit_on_texts(["the cat sat", "the dog"])
                windows = TimeseriesGenerator(np.arange(10.0), np.arange(10.0), length=3, batch_size=2)
                """),
            fixed=dedent("""
                import numpy as np
                from keras.preprocessing.sequence import pad_sequences
                from tensorflow.keras.preprocessing.sequence import TimeseriesGenerator
                from tensorflow.keras.preprocessing.text import Tokenizer
                tokenizer = Tokenizer(num_words=10)
                tokenizer.fit_on_texts(["the cat sat", "the dog"])
                windows = TimeseriesGenerator(np.arange(10.0), np.arange(10.0), length=3, batch_size=2)
                """),
            count=2,
            applicability=Applicability.UNSAFE,
            keras=Raises("cannot import name 'TimeseriesGenerator'"),
            fixed_check="tokenizer.word_index['the'] == 1 and len(windows) == 4",
        ),
        Invalid(
            dedent("""
                from keras.wrappers.scikit_learn import KerasClassifier
                from keras import initializations
                """),
            count=2,
            applicability=Applicability.DISPLAY_ONLY,
            keras=Raises("No module named 'keras.wrappers.scikit_learn'"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for statement, _scope in ctx.semantic.imports:
            if isinstance(statement, cst.ImportFrom):
                if statement.relative or statement.module is None or isinstance(statement.names, cst.ImportStar):
                    continue
                module = dotted_name(statement.module)
                for alias in statement.names:
                    if isinstance(alias.name, cst.Name):
                        finding = self._check_path(ctx, alias, f"{module}.{alias.name.value}", from_import=True)
                        if finding is not None:
                            yield finding
            else:
                for alias in statement.names:
                    finding = self._check_path(ctx, alias, dotted_name(alias.name), from_import=False)
                    if finding is not None:
                        yield finding
        for chain in attribute_index(ctx).chains:
            full = ctx.qualified_name(chain.node, chain.scope)
            base = ctx.qualified_name(chain.base, chain.scope)
            if full is None or base is None or full == base:
                continue
            finding = self._check_path(ctx, chain.node, full, from_import=False, chain_base=base)
            if finding is not None:
                yield finding

    def _check_path(self, ctx: Context, node: cst.CSTNode, path: str | None, *, from_import: bool, chain_base: str | None = None) -> Finding | None:
        where = split(path)
        if where is None or where.namespace == "frozen":
            return None
        canonical = where.canonical
        target2 = ctx.settings.target_keras == "2"
        # Names only the tf.keras shim still has.
        module, _, name = canonical.rpartition(".")
        shim = shim_only_names().get(module)
        if shim is not None and name in shim.names and where.namespace == "keras" and not target2:
            if chain_base is not None and len(chain_base) >= len(where.written(module)):
                return None
            how = f"`ImportError: cannot import name '{name}' from '{where.written(module)}'`" if from_import else "AttributeError"
            if module == "keras.preprocessing.text":
                how = "`ModuleNotFoundError: No module named 'keras.preprocessing.text'`"
            shim_module = "tensorflow.keras" + module[len("keras"):]
            edits = _shim_import_edits(ctx, node, shim_module) if from_import else None
            if edits is None:
                message = f"`{where.written(canonical)}` is not in Keras 3 ({how}): {shim.why}; {_SHIM_NOTE.format(module=shim_module)}"
                return self.finding(ctx, node, message, self.make_fix(shim.why, [], Applicability.DISPLAY_ONLY))
            message = (f"`{where.written(canonical)}` is not in Keras 3 ({how}). {_SHIM_NOTE.format(module=shim_module)[0].upper()}"
                       f"{_SHIM_NOTE.format(module=shim_module)[1:]}: import it from there. The Keras 3 way: {shim.why}")
            return self.finding(ctx, node, message, self.make_fix(f"Import from `{shim_module}` (deprecated, TensorFlow only)", edits, Applicability.UNSAFE))
        # Modules whose API changed with their path.
        found = legacy_module_of(canonical)
        if found is not None and found[0].calls_changed:
            legacy_module, rest = found
            if chain_base is not None and len(chain_base) >= len(where.written(legacy_module.path)):
                return None
            if target2 and valid_in_keras2(where, legacy_module):
                return None
            return self.finding(ctx, node, _changed_api_message(where, legacy_module, rest), self.make_fix("Rewrite by hand", [], Applicability.DISPLAY_ONLY))
        # Names removed from a module that still exists.
        if not target2 and canonical == "keras.utils.multi_gpu_model":
            message = ("`multi_gpu_model` was removed from Keras (tf.keras 2.4): replicate the model with a distribution strategy, "
                       "`with tf.distribute.MirroredStrategy().scope(): model = build_model()`, or keras.distribution for JAX")
            return self.finding(ctx, node, message, self.make_fix("Use tf.distribute.MirroredStrategy", [], Applicability.DISPLAY_ONLY))
        if found is not None and found[0].path == "keras.backend.tensorflow_backend" and found[1] and not exists(found[0].destination(found[1][0]), where.namespace):
            message = (f"`{where.written(canonical)}`: Keras 3 has no TensorFlow backend module and no `{found[1][0]}`: sessions are gone "
                       "with TF 1 (configure devices with tf.config, e.g. tf.config.experimental.set_memory_growth)")
            return self.finding(ctx, node, message, self.make_fix("Remove the session code", [], Applicability.DISPLAY_ONLY))
        return None


_SHIM_NOTE = ("TensorFlow 2.16+ still provides it, deprecated, as `{module}` (tf.keras, TensorFlow's Keras 3 entry point: it needs "
              "TensorFlow installed and is meant for the TensorFlow backend)")


def _shim_import_edits(ctx: Context, alias: cst.CSTNode, shim_module: str) -> list[Edit] | None:
    """Edits importing every name of `alias`'s `from keras.preprocessing.X import ...` statement
    that only the tf.keras shim has from `tensorflow.keras.preprocessing.X` instead: the module
    is rewritten when all the names move, else they move to a new line after the statement."""
    statement = next((s for s, _scope in ctx.semantic.imports if isinstance(s, cst.ImportFrom) and not isinstance(s.names, cst.ImportStar)
                      and any(a is alias for a in s.names)), None)
    if statement is None or statement.module is None:
        return None
    where = split(dotted_name(statement.module))
    if where is None or where.namespace != "keras":
        return None
    shim = shim_only_names().get(where.canonical)
    if shim is None:
        return None
    moving = [a for a in statement.names if isinstance(a.name, cst.Name) and a.name.value in shim.names]
    if len(moving) == len(statement.names):
        return [ctx.replace(statement.module, shim_module)]
    staying = [a for a in statement.names if a not in moving]
    if statement.rpar is None:
        staying[-1] = staying[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    line = f"from {shim_module} import {', '.join(ctx.code(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for a in moving)}"
    return [ctx.replace(statement, ctx.code(statement.with_changes(names=staying))), insert_lines_after(ctx, statement, [line])]


def _changed_api_message(where: SplitPath, module: LegacyModule, rest: list[str]) -> str:
    written = where.written(module.path)
    if module.path == "keras.initializations":
        return (f"`{written}` (Keras 1) is gone: its functions made a variable from a shape, `normal(shape, scale=0.05)`; Keras 2+ "
                "initializers are objects that the layer calls, `keras.initializers.RandomNormal(stddev=0.05)`, passed as "
                "`kernel_initializer=` (a custom function must take `(shape, dtype=None)`)")
    if module.path == "keras.wrappers.scikit_learn":
        return (f"`{written}` is gone from Keras 3 (tf.keras removed it in 2.13): use `keras.wrappers.SKLearnClassifier` / "
                "`SKLearnRegressor` (Keras 3.8+), which take the builder as `model=` and fit arguments as `fit_kwargs=` and "
                "one-hot encode classification targets, or the scikeras package (`scikeras.wrappers.KerasClassifier(model=...)`)")
    return f"`{written}` is gone from Keras 3"


class PreprocessingUtilityPath(Rule):
    """## What it does
    Finds `load_img`, `img_to_array`, `array_to_img`, `save_img`, `smart_resize`,
    `pad_sequences`, `image_dataset_from_directory`, `text_dataset_from_directory` and
    `timeseries_dataset_from_array` imported from `keras.preprocessing` and rewrites them to
    `keras.utils`, where Keras 3 documents them.

    ## Why is this bad?
    It works today: Keras 3 keeps `keras.preprocessing` as a thin alias of the same functions
    for old code. But `keras.preprocessing` is the Keras 2 API that Keras deprecated (its
    `ImageDataGenerator` and `text` parts are already gone), and the seed tutorial's imports
    are the ones that break next. This is the one finding of the family that is a preference.

    ## Example
    ```python
    from keras.preprocessing.image import load_img, img_to_array
    from keras.preprocessing import sequence
    X = sequence.pad_sequences(X, maxlen=80)
    ```

    ## Use instead
    ```python
    from keras.utils import load_img, img_to_array
    from keras.utils import pad_sequences
    X = pad_sequences(X, maxlen=80)
    ```

    ## Fix safety
    Safe: the same function objects. Not reported with `target-keras = "2"`: `keras.utils`
    gained these functions only in tf.keras 2.9.
    """

    code = "KRS304"
    name = "preprocessing-utility-path"
    summary = "`keras.preprocessing.image.load_img` and co.: Keras 3 documents them in `keras.utils`"
    family = "Import paths"
    fix = Applicability.SAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            from keras.utils import load_img, img_to_array, pad_sequences
            """)),
        Valid(dedent("""
            from keras.preprocessing.image import load_img
            """), settings={"target-keras": "2"}),
        Invalid(
            dedent("""
                from keras.preprocessing.image import load_img, img_to_array
                from keras.preprocessing import sequence
                padded = sequence.pad_sequences([[1, 2], [3]], maxlen=4)
                """),
            fixed=dedent("""
                from keras.utils import load_img, img_to_array
                from keras.utils import pad_sequences
                padded = pad_sequences([[1, 2], [3]], maxlen=4)
                """),
            count=2,
            fixed_check="padded.shape == (2, 4)",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.settings.target_keras == "2":
            return
        paths = preferred_paths()
        for statement, scope in ctx.semantic.imports:
            if isinstance(statement, cst.ImportFrom):
                if statement.relative or statement.module is None or isinstance(statement.names, cst.ImportStar):
                    continue
                where = split(dotted_name(statement.module))
                if where is None or where.namespace in ("frozen", "tf_keras"):
                    continue
                if where.canonical in paths:
                    yield from self._from_import(ctx, statement, where, *paths[where.canonical])
                for alias in statement.names:
                    if not isinstance(alias.name, cst.Name):
                        continue
                    full = f"{where.canonical}.{alias.name.value}"
                    if full in paths and full != "keras.preprocessing":
                        finding = self._module_binding(ctx, statement, alias, scope, where, full, *paths[full])
                        if finding is not None:
                            yield finding
        for chain in attribute_index(ctx).chains:
            full = ctx.qualified_name(chain.node, chain.scope)
            base = ctx.qualified_name(chain.base, chain.scope)
            where = split(full)
            if where is None or base is None or where.namespace in ("frozen", "tf_keras"):
                continue
            module, _, name = where.canonical.rpartition(".")
            if module not in paths or name not in paths[module][1] or len(base) >= len(where.written(module)):
                continue
            new_full = where.written(f"{paths[module][0]}.{name}")
            if not new_full.startswith(base + "."):
                continue
            text = ctx.source_of(chain.base) + new_full[len(base):]
            message = f"`{ctx.source_of(chain.node)}` is kept by Keras 3 for old code; its home is `{new_full}`"
            yield self.finding(ctx, chain.node, message, self.make_fix(f"Write `{text}`", [ctx.replace(chain.node, text)], Applicability.SAFE))

    def _from_import(self, ctx: Context, statement: cst.ImportFrom, where: SplitPath, moved_to: str, names: frozenset[str]) -> Iterator[Finding]:
        moving = [a for a in statement.names if isinstance(a.name, cst.Name) and a.name.value in names]
        if not moving:
            return
        staying = [a for a in statement.names if a not in moving]
        new_module = where.written(moved_to)
        shown = ", ".join(a.name.value for a in moving)
        message = f"`{shown}` from `{where.written(where.canonical)}` is kept by Keras 3 for old code; import from `{new_module}`"
        if not staying:
            edits = [ctx.replace(statement.module, new_module)]
        else:
            remaining = [a for a in statement.names if a in staying]
            if statement.rpar is None:
                remaining[-1] = remaining[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            line = f"from {new_module} import {', '.join(ctx.code(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for a in moving)}"
            edits = [ctx.replace(statement, ctx.code(statement.with_changes(names=remaining))), insert_lines_after(ctx, statement, [line])]
        yield self.finding(ctx, statement, message, self.make_fix(f"Import from `{new_module}`", edits, Applicability.SAFE))

    def _module_binding(self, ctx: Context, statement, alias, scope, where: SplitPath, module_path: str, moved_to: str, names: frozenset[str]) -> Finding | None:
        name = bound_name(alias)
        binding = binding_of(scope, name, statement) if name else None
        if binding is None:
            return None
        rewrite = names_rewrite(ctx, binding, statement, alias, where, lambda n: f"{moved_to}.{n}" if n in names else None)
        if rewrite is None:
            return None
        edits, lines = rewrite
        parents = attribute_parents(ctx)
        used = sorted({parents[id(read)].attr.value for read in ctx.semantic.reads_of(binding) if id(read) in parents})
        message = f"`{name}.{'/'.join(used)}` from `{where.written(module_path)}` is kept by Keras 3 for old code; import from `{where.written(moved_to)}`"
        return self.finding(ctx, alias, message, self.make_fix("; ".join(lines) or "Use keras.utils", edits, Applicability.SAFE))

