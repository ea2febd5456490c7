"""What a worker does with one unit: run its slice and check what it built. Imports TensorFlow.

Only `keras_lint.verify.worker` imports this module, inside a worker process.

For each Keras model the unit returns (or binds): it must build; its loss and metric identifiers
must resolve the way `fit` will resolve them (`keras.losses.get`, `keras.metrics.get`, with
Keras' own `"accuracy"`/`"crossentropy"` conveniences); when its input shape is fully known, one
training step on random data of that shape must run (one forward pass when it is not
compiled); and the layers a silent-meaning fix expects must have the expected config.
"""

from __future__ import annotations

import functools
import gc
import linecache
import math
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings

import keras
import numpy as np

_MESSAGE_LIMIT = 2000


class SoftTimeout(BaseException):
    """Raised in the worker when a unit runs past its time: the worker survives and reports."""


class CheckFailure(Exception):
    def __init__(self, stage: str, message: str, row: int | None = None, kind: str = "CheckFailed"):
        super().__init__(message)
        self.stage = stage
        self.row = row
        self.kind = kind


# -- where things were created ----------------------------------------------------------------


class Tracker:
    """Records the line of the unit's code that created each layer and compiled each model."""

    def __init__(self):
        self.filename: str | None = None
        self.layers: list[tuple[int, object]] = []
        self.compile_rows: dict[int, int] = {}
        self._installed = False

    def install(self) -> None:
        if self._installed:
            return
        tracker = self
        layer_init = keras.layers.Layer.__init__

        @functools.wraps(layer_init)
        def __init__(self, *args, **kwargs):
            layer_init(self, *args, **kwargs)
            row = tracker.user_row()
            if row is not None:
                tracker.layers.append((row, self))

        keras.layers.Layer.__init__ = __init__
        compile_method = keras.Model.compile

        @functools.wraps(compile_method)
        def compile(self, *args, **kwargs):
            row = tracker.user_row()
            if row is not None:
                tracker.compile_rows[id(self)] = row
            return compile_method(self, *args, **kwargs)

        keras.Model.compile = compile
        self._installed = True

    def user_row(self) -> int | None:
        if self.filename is None:
            return None
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename == self.filename:
                return frame.f_lineno
            frame = frame.f_back
        return None

    def begin(self, filename: str) -> None:
        self.filename = filename
        self.layers = []
        self.compile_rows = {}

    def end(self) -> None:
        self.filename = None
        self.layers = []
        self.compile_rows = {}


# -- the I/O guard ------------------------------------------------------------------------------


class Guard:
    """An audit hook (PEP 578) that, while a unit runs, refuses what verification must never do:
    writing, deleting or renaming files outside the unit's temporary directory, reading files
    outside Python's own installation, starting programs, opening network connections. The
    slice already leaves such statements out; this is the second line of defence."""

    _WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    _BLOCKED = {
        "subprocess.Popen": "start a program",
        "os.system": "start a program",
        "os.exec": "start a program",
        "os.posix_spawn": "start a program",
        "os.spawn": "start a program",
        "os.fork": "fork the process",
        "os.forkpty": "fork the process",
        "os.kill": "send a signal",
        "os.killpg": "send a signal",
        "os.chdir": "change the working directory",
        "socket.connect": "open a network connection",
        "socket.bind": "open a network socket",
        "socket.sendto": "send network data",
        "socket.getaddrinfo": "look up a network address",
        "socket.gethostbyname": "look up a network address",
        "urllib.Request": "open a URL",
        "webbrowser.open": "open a web browser",
    }
    _PATH_EVENTS = {
        "os.remove": "delete", "os.rmdir": "delete", "shutil.rmtree": "delete", "os.rename": "rename",
        "os.mkdir": "create a folder", "os.chmod": "change permissions of", "os.chown": "change the owner of",
        "os.truncate": "truncate", "os.link": "link", "os.symlink": "link", "os.utime": "touch",
        "shutil.copyfile": "copy to", "shutil.copymode": "copy to", "shutil.copystat": "copy to",
        "shutil.move": "move",
    }
    _LISTING_EVENTS = ("os.listdir", "os.scandir", "glob.glob")

    def __init__(self, root: str):
        self.root = os.path.realpath(root)
        self.active = False
        self.unit_dir = self.root
        roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, "/usr", "/lib", "/lib64", "/etc", "/proc", "/sys", "/dev", self.root}
        for entry in sys.path:
            if entry and os.path.isdir(entry):
                roots.add(entry)
        self.read_roots = tuple(sorted({os.path.realpath(r) for r in roots if r}))
        sys.addaudithook(self._hook)

    @staticmethod
    def _inside(path: str, root: str) -> bool:
        return path == root or path.startswith(root.rstrip("/") + "/")

    def _resolve(self, path) -> str | None:
        if isinstance(path, int) or path is None:
            return None
        try:
            path = os.fsdecode(path)
        except TypeError:
            return None
        if not os.path.isabs(path):
            path = os.path.join(self.unit_dir, path)
        return os.path.normpath(path)

    def _hook(self, event: str, args: tuple) -> None:
        if not self.active:
            return
        if event == "open":
            path = self._resolve(args[0])
            if path is None or path == os.devnull:
                return
            mode = args[1] if len(args) > 1 else None
            flags = args[2] if len(args) > 2 else 0
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (isinstance(flags, int) and flags & self._WRITE_FLAGS)
            if self._inside(path, self.root):
                return
            if writing:
                self._refuse(f"write {args[0]!r}")
            if not any(self._inside(path, root) for root in self.read_roots):
                self._refuse(f"read {args[0]!r}")
            return
        for prefix, what in self._BLOCKED.items():
            if event == prefix or (event.startswith(prefix) and prefix in ("os.exec", "os.spawn")):
                self._refuse(what)
        what = self._PATH_EVENTS.get(event)
        if what is not None:
            paths = [self._resolve(a) for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
            if event not in ("os.rename", "os.link", "os.symlink", "shutil.copyfile", "shutil.move"):
                paths = paths[:1]
            for path in paths:
                if path is not None and not self._inside(path, self.root):
                    self._refuse(f"{what} {path!r}")
            return
        if event in self._LISTING_EVENTS and args:
            path = self._resolve(args[0]) if not event.startswith("glob") else None
            if path is not None and not any(self._inside(path, root) for root in self.read_roots):
                self._refuse(f"list {args[0]!r}")

    def _refuse(self, what: str) -> None:
        raise PermissionError(f"keras-lint verify does not let a unit {what}")


# -- running one unit ---------------------------------------------------------------------------


class Runner:
    def __init__(self, root: str):
        self.root = root
        self.tracker = Tracker()
        self.tracker.install()
        self.guard = Guard(root)
        self._config = _config_snapshot()

    def run(self, job: dict) -> dict:
        started = time.monotonic()
        result: dict = {"id": job.get("id"), "ok": False, "values": [], "error": None, "notes": []}
        filename = job["filename"]
        program = job["program"]
        unit_dir = tempfile.mkdtemp(prefix="unit-", dir=self.root)
        saved = (dict(os.environ), list(sys.path), list(warnings.filters))
        linecache.cache[filename] = (len(program), None, program.splitlines(True), filename)
        timeout = float(job.get("timeout") or 0)
        previous_handler = signal.signal(signal.SIGALRM, _raise_soft_timeout)
        stage = ["run"]
        try:
            os.chdir(unit_dir)
            keras.utils.set_random_seed(0)
            self.tracker.begin(filename)
            self.guard.unit_dir = os.path.realpath(unit_dir)
            if timeout > 0:
                signal.setitimer(signal.ITIMER_REAL, timeout)
            self.guard.active = True
            self._run(job, result, stage)
            result["ok"] = result["error"] is None
        except SoftTimeout:
            result["error"] = {"stage": stage[0], "type": "Timeout", "message": f"the unit ran for more than {timeout:g} s (--verify-timeout)", "row": None}
        except BaseException as exc:  # the user's code may raise anything, SystemExit included
            result["error"] = _error(exc, stage[0], filename)
        finally:
            self.guard.active = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
            self.tracker.end()
            os.environ.clear()
            os.environ.update(saved[0])
            sys.path[:] = saved[1]
            warnings.filters[:] = saved[2]
            _config_restore(self._config)
            os.chdir(self.root)
            shutil.rmtree(unit_dir, ignore_errors=True)
            linecache.cache.pop(filename, None)
            keras.backend.clear_session()
            gc.collect()
        result["seconds"] = round(time.monotonic() - started, 3)
        return result

    def _run(self, job: dict, result: dict, stage: list[str]) -> None:
        filename = job["filename"]
        namespace: dict = {"__name__": "__keras_lint_verify__", "__file__": filename, "__builtins__": __builtins__}
        code = compile(job["program"], filename, "exec")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stage[0] = "run"
            exec(code, namespace)
            if job.get("call"):
                stage[0] = "call"
                value = namespace[job["call"]]()
                label = f"{job['call']}()"
            else:
                stage[0] = "result"
                names = job.get("results") or []
                missing = [n for n in names if n not in namespace]
                if missing:
                    raise CheckFailure("result", f"the slice did not bind {', '.join(missing)}", None, "NameError")
                value = namespace[names[0]] if len(names) == 1 else tuple(namespace[n] for n in names)
                label = names[0] if len(names) == 1 else ", ".join(names)
            stage[0] = "check"
            items = _flatten(value, label)
            keras_items = [(name, obj) for name, obj in items if _is_keras(obj)]
            if not keras_items:
                raise CheckFailure("result", f"`{label}` gave {_short_type(value)}, not a Keras object", None, "NoModel")
            for name, obj in keras_items:
                result["values"].append(self._check(name, obj, stage, filename))
            stage[0] = "config"
            self._check_expectations(job.get("expect") or [], result)

    def _check(self, name: str, obj, stage: list[str], filename: str) -> dict:
        info: dict = {"name": name, "class": type(obj).__name__}
        if isinstance(obj, keras.Model):
            info["kind"] = "model"
            self._check_model(obj, info, stage, filename)
        elif isinstance(obj, keras.KerasTensor):
            info["kind"] = "tensor"
            info["shape"] = _shape(obj.shape)
        elif isinstance(obj, keras.layers.Layer):
            info["kind"] = "layer"
        else:
            info["kind"] = "object"
        return info

    def _check_model(self, model, info: dict, stage: list[str], filename: str) -> None:
        inputs = _model_tensors(model, "inputs")
        outputs = _model_tensors(model, "outputs")
        info["inputs"] = [_shape(t.shape) for t in inputs] if inputs is not None else None
        info["outputs"] = [_shape(t.shape) for t in outputs] if outputs is not None else None
        try:
            info["output_shape"] = _shape(model.output_shape)
        except Exception:
            info["output_shape"] = info["outputs"][0] if info["outputs"] and len(info["outputs"]) == 1 else info["outputs"]
        try:
            info["params"] = int(model.count_params())
        except Exception:
            info["params"] = None
        compiled = bool(getattr(model, "compiled", False))
        info["compiled"] = compiled
        compile_row = self.tracker.compile_rows.get(id(model))
        if compiled:
            stage[0] = "identifiers"
            _check_identifiers(model, compile_row)
        if inputs is None or outputs is None or not inputs:
            info["note"] = "its input shape is not known (no Input and not built): no training step"
            return
        x = _random_inputs(inputs)
        if x is None:
            info["note"] = "its input shape is not fully known: no training step"
            return
        info["data_shapes"] = [list(a.shape) for a in x]
        feed = x[0] if len(x) == 1 else x
        if compiled:
            y = _random_targets(model, outputs)
            if y is None:
                info["note"] = "its output shape is not fully known: no training step"
                return
            stage[0] = "train"
            try:
                logs = model.train_on_batch(feed, y[0] if len(y) == 1 else y, return_dict=True)
            except Exception as exc:
                raise _Located(exc, compile_row) from exc
            info["trained"] = {k: _number(v) for k, v in (logs or {}).items()}
        else:
            stage[0] = "forward"
            out = model(feed, training=False)
            info["forward"] = [_shape(t.shape) for t in keras.tree.flatten(out)]

    def _check_expectations(self, expectations: list[dict], result: dict) -> None:
        checks = []
        for expectation in expectations:
            row = expectation["row"]
            wanted_class = expectation.get("layer")
            layers = [layer for r, layer in self.tracker_layers_snapshot if r == row]
            if wanted_class:
                layers = [layer for layer in layers if type(layer).__name__ == wanted_class]
            entry = {"row": row, "ref": expectation.get("ref"), "ok": True, "detail": ""}
            if not layers:
                entry.update(ok=False, detail=f"no {wanted_class or 'layer'} was created at line {row}")
            for layer in layers:
                config = layer.get_config()
                for key, expected in expectation.get("config", {}).items():
                    actual = _normal(config.get(key))
                    if actual != _normal(expected):
                        entry.update(ok=False, detail=f"line {row}: {type(layer).__name__} has {key}={actual!r}, the fix means {key}={_normal(expected)!r}")
                        break
                if not entry["ok"]:
                    break
            if entry["ok"]:
                entry["detail"] = f"line {row}: " + ", ".join(f"{k}={_normal(v)!r}" for k, v in expectation.get("config", {}).items())
            checks.append(entry)
        result["config_checks"] = checks
        failed = [c for c in checks if not c["ok"]]
        if failed:
            raise CheckFailure("config", failed[0]["detail"], failed[0]["row"], "ConfigMismatch")

    @property
    def tracker_layers_snapshot(self) -> list[tuple[int, object]]:
        return list(self.tracker.layers)


class _Located(Exception):
    """An exception from a stage that has no line of its own, with the line to blame."""

    def __init__(self, exc: BaseException, row: int | None):
        super().__init__(str(exc))
        self.original = exc
        self.row = row


def _raise_soft_timeout(signum, frame):
    raise SoftTimeout()


# -- checks -------------------------------------------------------------------------------------


def _check_identifiers(model, row: int | None) -> None:
    """Keras resolves loss and metric strings only at the first `fit`: resolve them now."""
    for identifier in _strings(getattr(model, "loss", None)):
        if identifier.lower() in ("crossentropy", "ce"):
            continue
        try:
            keras.losses.get(identifier)
        except Exception as exc:
            raise CheckFailure("identifiers", f"loss {identifier!r} does not resolve: {exc}", row, type(exc).__name__) from None
    metrics = getattr(model, "_compile_metrics", None)
    for attribute in ("_user_metrics", "_user_weighted_metrics"):
        for identifier in _strings(getattr(metrics, attribute, None)):
            if identifier.lower() in ("accuracy", "acc"):
                continue
            try:
                keras.metrics.get(identifier)
            except Exception as exc:
                raise CheckFailure("identifiers", f"metric {identifier!r} does not resolve: {exc}", row, type(exc).__name__) from None


def _strings(structure) -> list[str]:
    if structure is None:
        return []
    if isinstance(structure, str):
        return [structure]
    if isinstance(structure, dict):
        return [s for value in structure.values() for s in _strings(value)]
    if isinstance(structure, (list, tuple)):
        return [s for value in structure for s in _strings(value)]
    return []


def _model_tensors(model, attribute: str):
    try:
        tensors = getattr(model, attribute)
    except Exception:
        return None
    if tensors is None:
        return None
    return list(keras.tree.flatten(tensors))


def _random_inputs(inputs) -> list | None:
    rng = np.random.default_rng(0)
    arrays = []
    for tensor in inputs:
        dims = tuple(tensor.shape)[1:]
        if any(d is None for d in dims):
            return None
        shape = (1, *dims)
        dtype = str(tensor.dtype)
        if "int" in dtype or "bool" in dtype:
            arrays.append(np.zeros(shape, dtype=dtype))
        else:
            arrays.append(rng.random(shape).astype("float32"))
    return arrays


def _random_targets(model, outputs) -> list | None:
    rng = np.random.default_rng(1)
    losses = _losses_per_output(model, len(outputs))
    targets = []
    for tensor, loss in zip(outputs, losses):
        dims = tuple(tensor.shape)[1:]
        if any(d is None for d in dims):
            return None
        if _is_sparse(loss) and dims:
            classes = dims[-1] or 1
            targets.append(rng.integers(0, max(1, classes), size=(1, *dims[:-1])).astype("int32"))
        else:
            targets.append(rng.random((1, *dims)).astype("float32"))
    return targets


def _losses_per_output(model, count: int) -> list:
    loss = getattr(model, "loss", None)
    if isinstance(loss, dict):
        names = list(getattr(model, "output_names", []) or [])
        return [loss.get(name) for name in names] if len(names) == count else [None] * count
    if isinstance(loss, (list, tuple)) and len(loss) == count:
        return list(loss)
    return [loss] * count


def _is_sparse(loss) -> bool:
    if loss is None:
        return False
    if isinstance(loss, str):
        return "sparse" in loss.lower()
    name = getattr(loss, "__name__", None) or type(loss).__name__
    return "sparse" in str(name).lower()


# -- values -------------------------------------------------------------------------------------


def _flatten(value, label: str) -> list[tuple[str, object]]:
    if isinstance(value, (list, tuple)):
        return [(f"{label}[{i}]", item) for i, item in enumerate(value)]
    if isinstance(value, dict):
        return [(f"{label}[{key!r}]", item) for key, item in value.items()]
    return [(label, value)]


def _is_keras(obj) -> bool:
    module = type(obj).__module__ or ""
    return module.startswith(("keras", "tf_keras", "tensorflow")) and not isinstance(obj, np.ndarray)


def _short_type(value) -> str:
    return "None" if value is None else f"a {type(value).__name__}"


def _shape(shape):
    if shape is None:
        return None
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [_shape(s) for s in shape]
    try:
        return [None if d is None else int(d) for d in shape]
    except TypeError:
        return None


def _number(value):
    try:
        number = float(np.asarray(value).mean())
    except Exception:
        return None
    return number if math.isfinite(number) else str(number)


def _normal(value):
    if isinstance(value, (list, tuple)):
        return tuple(_normal(v) for v in value)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value


def _error(exc: BaseException, stage: str, filename: str) -> dict:
    row = None
    if isinstance(exc, _Located):
        row = exc.row
        exc = exc.original
    user_row = _user_row(exc, filename)
    if user_row is not None:
        row = user_row
    if isinstance(exc, CheckFailure):
        return {"stage": exc.stage, "type": exc.kind, "message": str(exc)[:_MESSAGE_LIMIT], "row": exc.row if exc.row is not None else row}
    message = str(exc)
    if isinstance(exc, KeyError) and exc.args:
        message = repr(exc.args[0])
    return {"stage": stage, "type": type(exc).__name__, "message": message[:_MESSAGE_LIMIT], "row": row}


def _user_row(exc: BaseException, filename: str) -> int | None:
    """The innermost line of the unit's own code in the exception's traceback (following the
    exceptions it was raised from)."""
    seen = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = [f for f in traceback.extract_tb(current.__traceback__) if f.filename == filename]
        if frames:
            return frames[-1].lineno
        current = current.__cause__ or current.__context__
    return None


def _config_snapshot() -> dict:
    return {
        "image_data_format": keras.config.image_data_format(),
        "floatx": keras.config.floatx(),
        "epsilon": keras.config.epsilon(),
        "dtype_policy": keras.config.dtype_policy().name,
    }


def _config_restore(snapshot: dict) -> None:
    keras.config.set_image_data_format(snapshot["image_data_format"])
    keras.config.set_floatx(snapshot["floatx"])
    keras.config.set_epsilon(snapshot["epsilon"])
    keras.config.set_dtype_policy(snapshot["dtype_policy"])
