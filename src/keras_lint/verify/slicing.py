"""Model-building units and their slices, found statically.

A **unit** is what verification builds:

* a module-level function that returns Keras objects (a model, a tensor, a layer), called with
  its default arguments: `def unet(pretrained_weights=None, input_size=(256, 256, 1))` is
  called as `unet()`; a function with a required parameter cannot be called and is reported
  as unverifiable (unless a callable unit calls it);
* a module-level model: a name bound at module level to `Model(...)`/`Sequential(...)` or to
  a call of a unit function (or, for a fix at module level that no model depends on, whatever
  Keras object the fixed statement builds).

A unit's **slice** is a backward slice over statements: starting from the function's `return`
statements (or from the model's name at the end of the module), keep the statements that bind
a name the kept code reads, the calls that mutate an object the kept code uses
(`model.add(...)`, `model.compile(...)`, `layer.trainable = False`), Keras configuration calls
(`K.set_image_data_format(...)`), and the imports they need, transitively, through the helper
functions and classes the kept code uses (each helper function is itself sliced by its
`return`s). Everything else is left out: training, evaluation, prediction, saving and loading,
printing and plotting calls on the model are never part of the slice, nor is anything after
the model is built that it does not depend on, nor `if __name__ == "__main__":` blocks, nor
`main()`. A kept statement that would read or write files, use the network, train, plot or
run programs makes the unit unverifiable instead (verify never runs it).

The slice is emitted as a program with the file's own line numbers (left-out lines are blank),
so TensorFlow's errors point at the user's lines.

A model representation of the file (the `models` package) will give a sharper picture of which
statements build which model; `UnitFinder.keras_built` is the seam where it plugs in.
"""

from __future__ import annotations

import ast
import builtins
import functools
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import libcst as cst

from keras_lint.diagnostics import Edit, apply_edits
from keras_lint.semantic.model import (
    BindingKind,
    Scope,
    SemanticModel,
    iter_children,
)
from keras_lint.semantic.names import keras_name, star_exports
from keras_lint.source import LineIndex
from keras_lint.spans import SpanIndex

_BUILTINS = frozenset(dir(builtins))
_NEWLINE_SPLIT = re.compile(r"(?<=\r\n)|(?<=\r)(?!\n)|(?<=\n)")

# Keras calls that configure how later layers are built: kept wherever they appear.
_CONFIGURATION_CALLS = frozenset(
    {
        "set_image_data_format", "set_image_dim_ordering", "set_floatx", "set_epsilon",
        "set_global_policy", "set_dtype_policy",
    }
)
_CONFIGURATION_MODULES = ("keras.backend", "keras.config", "keras.mixed_precision")

# Method calls on a model that are not part of building it: a statement that only does this
# is never in a slice.
_NOT_CONSTRUCTION_METHODS = frozenset(
    {
        "fit", "fit_generator", "train_on_batch", "test_on_batch", "evaluate", "evaluate_generator",
        "predict", "predict_generator", "predict_on_batch", "predict_classes", "predict_proba",
        "save", "save_weights", "load_weights", "summary", "plot", "to_json", "to_yaml",
        "count_params", "get_weights", "get_config", "export", "show", "savefig",
    }
)

# What verification never runs. A kept statement that calls one of these makes the unit
# unverifiable, with the reason.
_TRAINS = "trains, evaluates or predicts with a model"
_FILES = "reads or writes files"
_NETWORK = "uses the network"
_PROGRAMS = "runs other programs"
_PLOTS = "plots"
_DYNAMIC = "runs dynamic code or asks for input"
_DATA = "loads a dataset"

_FORBIDDEN_METHODS: dict[str, str] = {
    **dict.fromkeys(
        ("fit", "fit_generator", "train_on_batch", "test_on_batch", "evaluate", "evaluate_generator",
         "predict", "predict_generator", "predict_on_batch", "predict_classes", "predict_proba"),
        _TRAINS,
    ),
    **dict.fromkeys(
        ("save", "save_weights", "load_weights", "to_csv", "to_pickle", "to_hdf", "to_parquet",
         "write_text", "write_bytes", "read_text", "read_bytes", "unlink", "rmdir", "mkdir", "touch",
         "flow_from_directory", "flow_from_dataframe"),
        _FILES,
    ),
    "load_data": _DATA,
    **dict.fromkeys(("download", "urlretrieve", "urlopen"), _NETWORK),
    **dict.fromkeys(("savefig", "show"), _PLOTS),
}
_FORBIDDEN_BUILTINS: dict[str, str] = {
    "open": _FILES,
    "input": _DYNAMIC,
    "exec": _DYNAMIC,
    "eval": _DYNAMIC,
    "compile": _DYNAMIC,
    "__import__": _DYNAMIC,
    "breakpoint": _DYNAMIC,
}
# Dotted-path prefixes (after resolving imports) and what calling them does.
_FORBIDDEN_PREFIXES: tuple[tuple[str, str], ...] = (
    ("os.path.", ""),  # path arithmetic and stat calls: harmless
    ("os.environ", ""),
    ("os.getenv", ""),
    ("os.cpu_count", ""),
    ("os.system", _PROGRAMS),
    ("os.popen", _PROGRAMS),
    ("os.exec", _PROGRAMS),
    ("os.spawn", _PROGRAMS),
    ("os.fork", _PROGRAMS),
    ("os.kill", _PROGRAMS),
    ("os.", _FILES),
    ("shutil.", _FILES),
    ("glob.", _FILES),
    ("tempfile.", _FILES),
    ("subprocess.", _PROGRAMS),
    ("multiprocessing.", _PROGRAMS),
    ("socket.", _NETWORK),
    ("requests.", _NETWORK),
    ("urllib.", _NETWORK),
    ("http.", _NETWORK),
    ("ftplib.", _NETWORK),
    ("smtplib.", _NETWORK),
    ("webbrowser.", _NETWORK),
    ("wget.", _NETWORK),
    ("pickle.load", _FILES),
    ("pickle.dump", _FILES),
    ("joblib.", _FILES),
    ("json.load", _FILES),
    ("json.dump", _FILES),
    ("csv.", _FILES),
    ("h5py.", _FILES),
    ("numpy.load", _FILES),
    ("numpy.save", _FILES),
    ("numpy.loadtxt", _FILES),
    ("numpy.savetxt", _FILES),
    ("numpy.genfromtxt", _FILES),
    ("numpy.fromfile", _FILES),
    ("numpy.memmap", _FILES),
    ("pandas.read_", _FILES),
    ("PIL.Image.open", _FILES),
    ("cv2.imread", _FILES),
    ("cv2.imwrite", _FILES),
    ("cv2.VideoCapture", _FILES),
    ("imageio.", _FILES),
    ("scipy.io.", _FILES),
    ("skimage.io.", _FILES),
    ("torch.load", _FILES),
    ("torch.save", _FILES),
    ("tensorflow.io.", _FILES),
    ("tensorflow.saved_model.", _FILES),
    ("tensorflow.data.TFRecordDataset", _FILES),
    ("tensorflow.data.TextLineDataset", _FILES),
    ("tensorflow.data.experimental.", _FILES),
    ("tensorflow_datasets.", _DATA),
    ("matplotlib.", _PLOTS),
    ("seaborn.", _PLOTS),
    ("plotly.", _PLOTS),
)
# Keras names (canonical, after folding tf.keras and legacy paths) and what they do.
_FORBIDDEN_KERAS_PREFIXES: tuple[tuple[str, str], ...] = (
    ("keras.datasets.", _DATA),
    ("keras.utils.get_file", _NETWORK),
    ("keras.models.load_model", _FILES),
    ("keras.saving.load_model", _FILES),
    ("keras.models.save_model", _FILES),
    ("keras.saving.save_model", _FILES),
    ("keras.utils.plot_model", _PLOTS),
    ("keras.utils.model_to_dot", _PLOTS),
    ("keras.utils.image_dataset_from_directory", _FILES),
    ("keras.utils.text_dataset_from_directory", _FILES),
    ("keras.utils.audio_dataset_from_directory", _FILES),
    ("keras.utils.load_img", _FILES),
    ("keras.utils.save_img", _FILES),
    ("keras.preprocessing.image.load_img", _FILES),
    ("keras.preprocessing.image.save_img", _FILES),
    ("keras.preprocessing.image_dataset_from_directory", _FILES),
    ("keras.preprocessing.text_dataset_from_directory", _FILES),
)


@dataclass(frozen=True)
class Problem:
    """Why a unit cannot be built: something its construction needs that verify never runs."""

    reason: str
    row: int

    def describe(self) -> str:
        return f"line {self.row}: {self.reason}"


@dataclass(frozen=True)
class Unit:
    kind: str  # "function" or "module"
    name: str  # the function's name, or the module-level name the model is bound to
    row: int  # the `def` line, or the line of the statement that binds the model
    program: str  # the slice, with the file's line numbers
    call: str | None  # the function to call with its default arguments
    results: tuple[str, ...]  # module-level names to collect after running the program
    kept_rows: frozenset[int]
    problem: str | None = None  # why this unit cannot be verified

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)

    @property
    def label(self) -> str:
        return f"{self.name}()" if self.kind == "function" else self.name


@dataclass
class _Slice:
    kept: dict[int, str] = field(default_factory=dict)  # id(node) -> how it is kept
    outer: set = field(default_factory=set)  # (name, Scope) read from an enclosing scope
    problems: list[Problem] = field(default_factory=list)
    needs_star: bool = False  # reads a name only a star import can supply

    def merge(self, other: _Slice) -> None:
        self.kept.update(other.kept)
        for problem in other.problems:
            if problem not in self.problems:
                self.problems.append(problem)
        self.needs_star = self.needs_star or other.needs_star


@dataclass
class _Block:
    scope: Scope  # the scope the block's statements bind names in
    slice: _Slice
    conditional: bool  # inside a branch or loop: a binding does not kill earlier ones
    in_function: bool


class SliceError(Exception):
    """The file cannot be sliced (it does not parse)."""


class UnitFinder:
    """The units of one file and their slices."""

    def __init__(self, text: str):
        self.text = text
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(text)
            self.module = cst.parse_module(text)
            self.semantic = SemanticModel(self.module, star_exports)
        except Exception as exc:  # SyntaxError, ParserSyntaxError, RecursionError, ...
            raise SliceError(f"{type(exc).__name__}: {exc}") from None
        self.lines = LineIndex(text)
        self.spans = SpanIndex(self.module)
        self._read_scope: dict[int, Scope] = {}
        for reads in self.semantic.name_reads.values():
            for node, scope in reads:
                self._read_scope[id(node)] = scope
        self._call_scope = {id(site.node): site.scope for site in self.semantic.calls}
        self._keras_call_ids = set()
        for site in self.semantic.calls:
            if keras_name(self.semantic.qualified_name(site.node.func, site.scope)) is not None:
                self._keras_call_ids.add(id(site.node))
        self.functions: dict[str, cst.FunctionDef] = {}
        for statement in self.module.body:
            if isinstance(statement, cst.FunctionDef):
                self.functions[statement.name.value] = statement
        self._function_slices: dict[int, _Slice] = {}
        self._unit_cache: dict[tuple[str, str], Unit | None] = {}
        self._unit_functions: set[str] | None = None
        self._statement_index: list[tuple[int, int, cst.CSTNode]] | None = None

    # -- positions ---------------------------------------------------------------------------

    def rows(self, node: cst.CSTNode) -> tuple[int, int]:
        """First and last line of a statement (from its first decorator), without the comments
        and blank lines before it. Spans are syntactic: they start at the keyword."""
        start, end = self.spans.span(node)
        first = self.lines.position(start)[0]
        decorators = getattr(node, "decorators", ())
        if decorators:
            first = min(first, self.lines.position(self.spans.span(decorators[0])[0])[0])
        last = self.lines.position(max(start, end - 1))[0]
        return first, max(first, last)

    def row_of(self, node: cst.CSTNode) -> int:
        return self.lines.position(self.spans.span(node)[0])[0]

    def statement_rows(self, row: int) -> tuple[int, int]:
        """The rows of the innermost statement at `row` (a compound statement's header rows
        when the row is its header)."""
        if self._statement_index is None:
            index = []
            for node in _all_statements(self.module.body):
                first, last = self.rows(node)
                if not isinstance(node, cst.SimpleStatementLine):
                    blocks = [stmts for stmts, _ in _blocks(node)]
                    body_rows = [self.rows(s)[0] for stmts in blocks for s in stmts]
                    if body_rows:
                        last = max(first, min(body_rows) - 1)
                index.append((first, last, node))
            self._statement_index = index
        best = None
        for first, last, _node in self._statement_index:
            if first <= row <= last and (best is None or last - first < best[1] - best[0]):
                best = (first, last)
        return best or (row, row)

    @functools.cached_property
    def import_rows(self) -> frozenset[int]:
        """Rows of statements that only import."""
        rows: set[int] = set()
        for node in _all_statements(self.module.body):
            if isinstance(node, cst.SimpleStatementLine) and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in node.body):
                first, last = self.rows(node)
                rows.update(range(first, last + 1))
        return frozenset(rows)

    def statement_text(self, row: int) -> str:
        first, last = self.statement_rows(row)
        return "".join(self._line(r) for r in range(first, last + 1))

    def function_at(self, row: int) -> str | None:
        for name, node in self.functions.items():
            first, last = self.rows(node)
            if first <= row <= last:
                return name
        return None

    def class_at(self, row: int) -> bool:
        for statement in self.module.body:
            if isinstance(statement, cst.ClassDef):
                first, last = self.rows(statement)
                if first <= row <= last:
                    return True
        return False

    # -- which code builds Keras objects ------------------------------------------------------

    def keras_built(self, expr: cst.BaseExpression, scope: Scope, units: set[str] | None = None, _seen: frozenset = frozenset()) -> bool:
        """Whether an expression is, provably from the source, an object Keras built (a model,
        a layer, a tensor). `units` are the functions known to return such objects (default:
        all of them). The seam for the model representation of the `models` package."""
        if id(expr) in _seen or len(_seen) > 40:
            return False
        if units is None:
            units = self.unit_functions()
        seen = _seen | {id(expr)}
        if isinstance(expr, cst.Call):
            if id(expr) in self._keras_call_ids:
                return True
            func = expr.func
            if isinstance(func, cst.Call):
                return self.keras_built(func, scope, units, seen)
            if isinstance(func, cst.Name):
                for binding in self.semantic.lookup(func.value, scope) or ():
                    if binding.kind is BindingKind.FUNCTION and func.value in units:
                        return True
                    if binding.kind is BindingKind.ASSIGN and binding.value is not None:
                        if self.keras_built(binding.value, binding.scope, units, seen):
                            return True
            return False
        if isinstance(expr, cst.Name):
            for binding in self.semantic.lookup(expr.value, scope) or ():
                if binding.kind is BindingKind.ASSIGN and binding.value is not None:
                    if self.keras_built(binding.value, binding.scope, units, seen):
                        return True
            return False
        if isinstance(expr, (cst.Tuple, cst.List)):
            return any(self.keras_built(element.value, scope, units, seen) for element in expr.elements)
        if isinstance(expr, (cst.Attribute, cst.Subscript)):
            return self.keras_built(expr.value, scope, units, seen)
        return False

    def unit_functions(self) -> set[str]:
        """Module-level functions that return Keras objects (never `main`)."""
        if self._unit_functions is None:
            found: set[str] = set()
            changed = True
            while changed:  # a function returning another unit's result is a unit too
                changed = False
                for name, node in self.functions.items():
                    if name == "main" or name in found:
                        continue
                    info = self.semantic.function_of.get(node)
                    if info is not None and any(
                        ret.value is not None and self.keras_built(ret.value, info.body_scope, found) for ret in info.returns
                    ):
                        found.add(name)
                        changed = True
            self._unit_functions = found
        return self._unit_functions

    def model_names(self) -> list[str]:
        """Module-level names bound (outside `if __name__ == "__main__":`) to a Keras model or to
        a call of a unit function."""
        names = []
        guards = [self.rows(s) for s in self.module.body if _is_main_guard(s)]
        for name, bindings in self.semantic.module_scope.bindings.items():
            for binding in bindings:
                if binding.kind is not BindingKind.ASSIGN or not isinstance(binding.value, cst.Call):
                    continue
                row = self.row_of(binding.node)
                if any(first <= row <= last for first, last in guards):
                    continue
                if self._builds_model(binding.value, binding.scope):
                    names.append(name)
                    break
        return names

    def _builds_model(self, call: cst.Call, scope: Scope) -> bool:
        name = keras_name(self.semantic.qualified_name(call.func, scope))
        if name is not None:
            return name.is_("keras.Model", "keras.Sequential", "keras.models.Model", "keras.models.Sequential")
        return isinstance(call.func, cst.Name) and call.func.value in self.unit_functions()

    # -- units ---------------------------------------------------------------------------------

    def function_unit(self, name: str) -> Unit | None:
        key = ("function", name)
        if key not in self._unit_cache:
            self._unit_cache[key] = self._make_function_unit(name)
        return self._unit_cache[key]

    def module_unit(self, name: str) -> Unit | None:
        key = ("module", name)
        if key not in self._unit_cache:
            self._unit_cache[key] = self._make_module_unit(name)
        return self._unit_cache[key]

    def unit(self, key: tuple[str, str]) -> Unit | None:
        kind, name = key
        if kind == "function":
            return self.function_unit(name) if name in self.functions else None
        return self.module_unit(name)

    def all_units(self) -> list[Unit]:
        units = [self.function_unit(name) for name in sorted(self.unit_functions(), key=lambda n: self.row_of(self.functions[n]))]
        units.extend(self.module_unit(name) for name in self.model_names())
        return [unit for unit in units if unit is not None]

    def units_for_rows(self, rows: Iterable[int]) -> list[Unit]:
        """The units a change on these rows can affect (see the module docstring)."""
        found: dict[tuple[str, str], Unit] = {}
        everything: list[Unit] | None = None
        for row in sorted(set(rows)):
            function = self.function_at(row)
            if function is not None and function in self.unit_functions():
                unit = self.function_unit(function)
                if unit is not None and not unit.problem:
                    found.setdefault(unit.key, unit)
                    continue
            if everything is None:
                everything = self.all_units()
            candidates = [unit for unit in everything if row in unit.kept_rows and unit.kind == "function" and not _needs_arguments(unit)]
            candidates += [unit for unit in everything if row in unit.kept_rows and unit.kind == "module"]
            if candidates:
                for unit in candidates:
                    found.setdefault(unit.key, unit)
                continue
            if function is not None:
                if function in self.unit_functions():
                    unit = self.function_unit(function)
                    if unit is not None:
                        found.setdefault(unit.key, unit)
                continue
            statement_unit = self._statement_unit(row)
            if statement_unit is not None:
                found.setdefault(statement_unit.key, statement_unit)
        return list(found.values())

    def _statement_unit(self, row: int) -> Unit | None:
        """For a change at module level that no model depends on: the Keras object the changed
        statement builds."""
        for statement in self.module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            first, last = self.rows(statement)
            if not first <= row <= last:
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and self.keras_built(small.value, self.semantic.module_scope):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            return self.module_unit(target.target.value)
        return None

    def _make_function_unit(self, name: str) -> Unit | None:
        node = self.functions.get(name)
        if node is None:
            return None
        module_slice = self._module_slice({name})
        program, kept_rows = self._program(module_slice)
        required = [p.name.value for p in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params) if p.default is None]
        problem = None
        if required:
            listed = ", ".join(f"`{p}`" for p in required)
            problem = f"`{name}()` needs argument{'s' if len(required) > 1 else ''} {listed} (no default): verify calls a model-building function with its default arguments"
        elif module_slice.problems:
            problem = _describe_problems(module_slice.problems)
        else:
            problem = _compile_problem(program)
        return Unit("function", name, self.row_of(node.name), program, name, (), frozenset(kept_rows), problem)

    def _make_module_unit(self, name: str) -> Unit | None:
        bindings = self.semantic.module_scope.bindings.get(name)
        if not bindings:
            return None
        module_slice = self._module_slice({name})
        program, kept_rows = self._program(module_slice)
        row = self.row_of(bindings[-1].node)
        problem = _describe_problems(module_slice.problems) if module_slice.problems else _compile_problem(program)
        return Unit("module", name, row, program, None, (name,), frozenset(kept_rows), problem)

    # -- slicing -------------------------------------------------------------------------------

    def _module_slice(self, criterion: set[str]) -> _Slice:
        result = _Slice()
        block = _Block(self.semantic.module_scope, result, conditional=False, in_function=False)
        self._block(self.module.body, set(criterion), block)
        for statement in self.module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and (
                    _is_future_import(small) or (result.needs_star and isinstance(small.names, cst.ImportStar))
                ):
                    result.kept[id(small)] = "small"
                    result.kept.setdefault(id(statement), "partial")
        for statement in self.module.body:
            if isinstance(statement, cst.SimpleStatementLine) and result.kept.get(id(statement)) == "partial":
                if all(id(small) in result.kept for small in statement.body):
                    result.kept[id(statement)] = "line"
        return result

    def function_slice(self, node: cst.FunctionDef) -> _Slice:
        cached = self._function_slices.get(id(node))
        if cached is not None:
            return cached
        result = _Slice()
        self._function_slices[id(node)] = result  # recursion guard
        info = self.semantic.function_of.get(node)
        if info is None:
            return result
        block = _Block(info.body_scope, result, conditional=False, in_function=True)
        params = node.params
        needed = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                needed.add(star.name.value)
        if isinstance(node.body, cst.SimpleStatementSuite) or _is_generator(node):
            # `def f(x): return x * 2` on one line, or a generator: kept whole.
            for small in _smalls_of(node.body):
                result.kept[id(small)] = "small"
            result.kept[id(node)] = "whole"
            self._add_reads(node.body, needed, block)
            self._scan(node.body, block)
            return result
        self._block(node.body.body, needed, block)
        return result

    def _block(self, statements: Iterable[cst.CSTNode], needed: set[str], block: _Block) -> set[str]:
        for statement in reversed(list(statements)):
            needed = self._statement(statement, needed, block)
        return needed

    def _statement(self, statement: cst.CSTNode, needed: set[str], block: _Block) -> set[str]:
        if isinstance(statement, cst.SimpleStatementLine):
            return self._simple_line(statement, needed, block)
        if isinstance(statement, cst.FunctionDef):
            return self._function_def(statement, needed, block)
        if isinstance(statement, cst.ClassDef):
            return self._class_def(statement, needed, block)
        if not block.in_function and _is_main_guard(statement):
            return needed  # never run: `if __name__ == "__main__":`
        return self._compound(statement, needed, block)

    def _simple_line(self, line: cst.SimpleStatementLine, needed: set[str], block: _Block) -> set[str]:
        kept = block.slice.kept
        marked = 0
        for small in reversed(line.body):
            relevant, kills = self._relevant(small, needed, block)
            if not relevant:
                continue
            marked += 1
            kept[id(small)] = "small"
            if not block.conditional:
                needed = needed - kills
            self._add_reads(small, needed, block)
            self._scan(small, block)
        if marked:
            kept[id(line)] = "line" if marked == len(line.body) else "partial"
        return needed

    def _relevant(self, small: cst.BaseSmallStatement, needed: set[str], block: _Block) -> tuple[bool, set[str]]:
        """Whether a small statement belongs to the slice, and the names it rebinds for good."""
        if isinstance(small, cst.Return):
            return block.in_function, set()
        if isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
            if isinstance(small, cst.AnnAssign) and small.value is None:
                return False, set()
            bound: set[str] = set()
            kills: set[str] = set()
            mutates = False
            for target in targets:
                if isinstance(target, cst.Name):
                    bound.add(target.value)
                    if not isinstance(small, cst.AugAssign):
                        kills.add(target.value)
                elif isinstance(target, (cst.Tuple, cst.List)):
                    bound.update(_target_names(target))
                else:
                    root = _root_name(target)
                    if root is not None and root.value in needed and self._is_local_object(root, block):
                        mutates = True
            return bool(bound & needed) or mutates, kills
        if isinstance(small, cst.Import):
            return bool(_import_names(small) & needed), set()
        if isinstance(small, cst.ImportFrom):
            if _is_future_import(small):
                return True, set()
            if isinstance(small.names, cst.ImportStar):
                return False, set()  # decided once the whole slice is known
            return bool(_import_names(small) & needed), set()
        if isinstance(small, (cst.Global, cst.Nonlocal)):
            return block.in_function, set()
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            return self._relevant_call(small.value, needed, block), set()
        return False, set()

    def _relevant_call(self, call: cst.Call, needed: set[str], block: _Block) -> bool:
        func = call.func
        if isinstance(func, cst.Attribute):
            root = _root_name(func.value)
            if root is not None and root.value in needed and self._is_local_object(root, block):
                return func.attr.value not in _NOT_CONSTRUCTION_METHODS
        scope = self._call_scope.get(id(call), block.scope)
        name = keras_name(self.semantic.qualified_name(func, scope))
        if name is not None and name.name in _CONFIGURATION_CALLS and name.module in _CONFIGURATION_MODULES:
            return True
        if isinstance(func, cst.Name):
            bindings = self.semantic.lookup(func.value, scope) or []
            if any(b.kind is BindingKind.FUNCTION for b in bindings):
                # A helper of this file that may build on an object we keep: `add_block(model)`.
                for arg in call.args:
                    root = _root_name(arg.value)
                    if root is not None and root.value in needed:
                        return True
        return False

    def _is_local_object(self, root: cst.Name, block: _Block) -> bool:
        """A name bound by this code (not an imported module or function): calling a method on
        it or assigning to its attributes changes an object the slice builds."""
        scope = self._read_scope.get(id(root), block.scope)
        bindings = self.semantic.lookup(root.value, scope)
        return bool(bindings) and all(b.kind not in (BindingKind.IMPORT, BindingKind.FUNCTION, BindingKind.CLASS) for b in bindings)

    def _function_def(self, node: cst.FunctionDef, needed: set[str], block: _Block) -> set[str]:
        name = node.name.value
        if name not in needed:
            return needed
        inner = self.function_slice(node)
        block.slice.merge(inner)
        block.slice.kept[id(node)] = block.slice.kept.get(id(node), "header")
        needed = set(needed)
        if not block.conditional:
            needed.discard(name)
        for read, owner in inner.outer:
            if owner is block.scope:
                needed.add(read)
            elif _encloses(owner, block.scope):
                block.slice.outer.add((read, owner))
        for decorator in node.decorators:
            self._add_reads(decorator.decorator, needed, block)
            self._scan(decorator.decorator, block)
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                self._add_reads(param.default, needed, block)
                self._scan(param.default, block)
        return needed

    def _class_def(self, node: cst.ClassDef, needed: set[str], block: _Block) -> set[str]:
        name = node.name.value
        if name not in needed:
            return needed
        block.slice.kept[id(node)] = "whole"
        needed = set(needed)
        if not block.conditional:
            needed.discard(name)
        self._add_reads(node, needed, block)
        self._scan(node, block)
        return needed

    def _compound(self, statement: cst.CSTNode, needed: set[str], block: _Block) -> set[str]:
        kept = block.slice.kept
        blocks = _blocks(statement)
        if blocks is None:
            # A one-line body (`if x: y = 1`) or a statement we do not take apart: all or nothing.
            smalls = list(_smalls_in(statement))
            relevant = any(self._relevant(small, needed, block)[0] for small in smalls)
            if not relevant:
                return needed
            kept[id(statement)] = "whole"
            needed = set(needed)
            self._add_reads(statement, needed, block)
            self._scan(statement, block)
            return needed
        inner = _Block(block.scope, block.slice, conditional=True, in_function=block.in_function)
        header_bound = _header_bound_names(statement)
        result = set(needed)
        if isinstance(statement, (cst.For, cst.While)):
            current = set(needed)
            for _ in range(50):  # the needs of a loop body feed its next iteration
                grown = set(current)
                for statements, _pass in blocks:
                    grown |= self._block(statements, set(current), inner)
                if grown == current:
                    break
                current = grown
            result = current
        else:
            for statements, _pass in blocks:
                result |= self._block(statements, set(needed), inner)
        body_kept = any(id(s) in kept for statements, _ in blocks for s in statements)
        if not body_kept and not (header_bound & result):
            return needed
        kept[id(statement)] = "header"
        for part in _header_parts(statement):
            self._add_reads(part, result, block)
            self._scan(part, block)
        return result

    # -- reads and problems ----------------------------------------------------------------

    def _add_reads(self, node: cst.CSTNode, needed: set[str], block: _Block) -> None:
        for name_node in _walk(node):
            if not isinstance(name_node, cst.Name):
                continue
            scope = self._read_scope.get(id(name_node))
            if scope is None:
                continue  # a binding, an attribute or a keyword, not a read
            bindings = self.semantic.lookup(name_node.value, scope)
            if bindings is None:
                if name_node.value not in _BUILTINS:
                    block.slice.needs_star = True
                continue
            owner = bindings[0].scope
            if owner is block.scope:
                needed.add(name_node.value)
            elif _encloses(owner, block.scope):
                block.slice.outer.add((name_node.value, owner))

    def _scan(self, node: cst.CSTNode, block: _Block) -> None:
        for call in _walk(node):
            if isinstance(call, cst.Call):
                reason = self.forbidden(call)
                if reason:
                    problem = Problem(reason, self.row_of(call))
                    if problem not in block.slice.problems:
                        block.slice.problems.append(problem)

    def forbidden(self, call: cst.Call) -> str | None:
        """What a call does that verification never runs, or None."""
        func = call.func
        scope = self._call_scope.get(id(call))
        written = self.module.code_for_node(func).strip()
        if scope is not None:
            path = self.semantic.qualified_name(func, scope)
            if path is not None:
                name = keras_name(path)
                canonical = name.api or name.path if name is not None else None
                if canonical is not None:
                    for prefix, reason in _FORBIDDEN_KERAS_PREFIXES:
                        if canonical.startswith(prefix) or (name.path.startswith(prefix)):
                            return f"`{written}(...)` {reason}"
                for prefix, reason in _FORBIDDEN_PREFIXES:
                    if path.startswith(prefix) or path == prefix.rstrip("."):
                        return f"`{written}(...)` {reason}" if reason else None
            elif isinstance(func, cst.Name) and self.semantic.lookup(func.value, scope) is None:
                reason = _FORBIDDEN_BUILTINS.get(func.value)
                if reason:
                    return f"`{written}(...)` {reason}"
        if isinstance(func, cst.Attribute):
            reason = _FORBIDDEN_METHODS.get(func.attr.value)
            if reason:
                return f"`{written}(...)` {reason}"
        return None

    # -- the program ---------------------------------------------------------------------------

    def _program(self, module_slice: _Slice) -> tuple[str, set[int]]:
        kept = module_slice.kept
        keep_rows: set[int] = set()
        pass_rows: dict[int, str] = {}
        replacements: list[Edit] = []

        def emit(statement: cst.CSTNode) -> None:
            mode = kept.get(id(statement))
            if mode is None:
                return
            first, last = self.rows(statement)
            if mode in ("whole", "line"):
                keep_rows.update(range(first, last + 1))
                return
            if mode == "partial":
                keep_rows.update(range(first, last + 1))
                for small in statement.body:
                    if id(small) not in kept:
                        start, end = self.spans.span(small)
                        # Keep the line count: a left-out statement spanning lines becomes
                        # `pass` continued over the same lines.
                        replacements.append(Edit(start, end, "pass" + " \\\n" * self.text.count("\n", start, end)))
                return
            own = set(range(first, last + 1))
            blocks = _blocks(statement) or []
            for statements, _pass in blocks:
                for child in statements:
                    child_first, child_last = self.rows(child)
                    own -= set(range(child_first, child_last + 1))
            keep_rows.update(own)
            for statements, needs_pass in blocks:
                if any(id(child) in kept for child in statements):
                    for child in statements:
                        emit(child)
                elif needs_pass and statements:
                    row = self.rows(statements[0])[0]
                    pass_rows[row] = _indent_of(self._line(row))

        for statement in self.module.body:
            emit(statement)
        text = apply_edits(self.text, replacements) if replacements else self.text
        out = []
        for row, line in enumerate(_split_lines(text), start=1):
            body = line.rstrip("\r\n")
            ending = line[len(body):]
            if row in pass_rows:
                out.append(pass_rows[row] + "pass" + (ending or "\n"))
            elif row in keep_rows:
                out.append(line)
            else:
                out.append(ending)
        return "".join(out), keep_rows | set(pass_rows)

    def _line(self, row: int) -> str:
        start, end = self.lines.line_span(row)
        return self.text[start:end]


# -- helpers ------------------------------------------------------------------------------------


def _split_lines(text: str) -> list[str]:
    return [line for line in _NEWLINE_SPLIT.split(text) if line]


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _describe_problems(problems: list[Problem]) -> str:
    first = problems[0]
    more = f" (and {len(problems) - 1} more such line{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    return f"building it needs line {first.row}, where {first.reason}{more}; verify never runs that"


def _compile_problem(program: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(program)
    except SyntaxError as exc:  # a bug in the slicer; say so rather than blame the fix
        return f"keras-lint could not extract this unit (its slice does not parse: {exc.msg}, line {exc.lineno}); please report this"
    return None


def _needs_arguments(unit: Unit) -> bool:
    return bool(unit.problem) and "needs argument" in unit.problem


def _is_main_guard(statement: cst.CSTNode) -> bool:
    if not isinstance(statement, cst.If):
        return False
    test = statement.test
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    sides = [test.left, test.comparisons[0].comparator]
    names = [s for s in sides if isinstance(s, cst.Name) and s.value == "__name__"]
    strings = [s for s in sides if isinstance(s, cst.SimpleString) and s.evaluated_value == "__main__"]
    return bool(names) and bool(strings)


def _is_future_import(node: cst.ImportFrom) -> bool:
    module = node.module
    return isinstance(module, cst.Name) and module.value == "__future__" and not node.relative


def _import_names(node: cst.Import | cst.ImportFrom) -> set[str]:
    names: set[str] = set()
    if isinstance(node.names, cst.ImportStar):
        return names
    for alias in node.names:
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            names.add(alias.asname.name.value)
        elif isinstance(alias.name, cst.Name):
            names.add(alias.name.value)
        elif isinstance(alias.name, cst.Attribute):
            root = _root_name(alias.name)
            if root is not None:
                names.add(root.value)
    return names


def _target_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        result: set[str] = set()
        for element in target.elements:
            result |= _target_names(element.value)
        return result
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()


def _root_name(expr: cst.BaseExpression) -> cst.Name | None:
    while isinstance(expr, (cst.Attribute, cst.Subscript, cst.Call)):
        expr = expr.func if isinstance(expr, cst.Call) else expr.value
    return expr if isinstance(expr, cst.Name) else None


def _encloses(outer: Scope, inner: Scope) -> bool:
    scope = inner.parent
    while scope is not None:
        if scope is outer:
            return True
        scope = scope.parent
    return False


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(iter_children(current))


def _is_generator(node: cst.FunctionDef) -> bool:
    stack = list(iter_children(node.body))
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.Yield,)):
            return True
        if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(iter_children(current))
    return False


def _smalls_of(body: cst.BaseSuite) -> list[cst.BaseSmallStatement]:
    return list(body.body) if isinstance(body, cst.SimpleStatementSuite) else []


def _smalls_in(node: cst.CSTNode) -> Iterator[cst.BaseSmallStatement]:
    for child in _walk(node):
        if isinstance(child, cst.BaseSmallStatement):
            yield child


def _body_statements(suite: cst.BaseSuite) -> list[cst.CSTNode] | None:
    if isinstance(suite, cst.IndentedBlock):
        return list(suite.body)
    return None  # SimpleStatementSuite: a one-line body


def _blocks(statement: cst.CSTNode) -> list[tuple[list[cst.CSTNode], bool]] | None:
    """The statement lists inside a compound statement, each with whether it needs `pass` when
    all its statements are left out; None when a body is on the header's line."""
    suites: list[tuple[cst.BaseSuite, bool]] = []
    pseudo: list[tuple[list[cst.CSTNode], bool]] = []
    if isinstance(statement, cst.If):
        suites.append((statement.body, True))
        orelse = statement.orelse
        if isinstance(orelse, cst.If):
            pseudo.append(([orelse], False))  # elif: its own statement
        elif isinstance(orelse, cst.Else):
            suites.append((orelse.body, True))
    elif isinstance(statement, (cst.For, cst.While)):
        suites.append((statement.body, True))
        if statement.orelse is not None:
            suites.append((statement.orelse.body, True))
    elif isinstance(statement, cst.With):
        suites.append((statement.body, True))
    elif isinstance(statement, (cst.Try, cst.TryStar)):
        suites.append((statement.body, True))
        for handler in statement.handlers:
            suites.append((handler.body, True))
        if statement.orelse is not None:
            suites.append((statement.orelse.body, True))
        if statement.finalbody is not None:
            suites.append((statement.finalbody.body, True))
    elif isinstance(statement, cst.Match):
        for case in statement.cases:
            suites.append((case.body, True))
    elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        suites.append((statement.body, True))
    else:
        return None
    result: list[tuple[list[cst.CSTNode], bool]] = []
    for suite, needs_pass in suites:
        statements = _body_statements(suite)
        if statements is None:
            return None
        result.append((statements, needs_pass))
    return result + pseudo


def _header_parts(statement: cst.CSTNode) -> list[cst.CSTNode]:
    """The expressions a compound statement's header evaluates (what it reads)."""
    if isinstance(statement, (cst.If, cst.While)):
        return [statement.test]
    if isinstance(statement, cst.For):
        return [statement.iter, statement.target]
    if isinstance(statement, cst.With):
        return [item.item for item in statement.items]
    if isinstance(statement, (cst.Try, cst.TryStar)):
        return [handler.type for handler in statement.handlers if handler.type is not None]
    if isinstance(statement, cst.Match):
        parts: list[cst.CSTNode] = [statement.subject]
        for case in statement.cases:
            parts.append(case.pattern)
            if case.guard is not None:
                parts.append(case.guard)
        return parts
    return []


def _header_bound_names(statement: cst.CSTNode) -> set[str]:
    if isinstance(statement, cst.For):
        return _target_names(statement.target)
    if isinstance(statement, cst.With):
        names: set[str] = set()
        for item in statement.items:
            if item.asname is not None:
                names |= _target_names(item.asname.name)
        return names
    return set()


def _all_statements(statements: Iterable[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    for statement in statements:
        yield statement
        for inner, _ in _blocks(statement) or []:
            yield from _all_statements(inner)
