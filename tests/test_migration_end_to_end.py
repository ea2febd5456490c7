"""The migration issue's end-to-end criterion, on a copy of fixtures/migration:

one `keras-lint fix --unsafe-fixes` (the real command, in a subprocess) over the whole folder
leaves no migration finding in the programs keras-lint can migrate by itself
(fixtures/migration/*.py), and in the programs that need a human (fixtures/migration/manual/)
only the display-only findings listed below, each explained in the command's output; fixing
again changes nothing; and in TensorFlow 2.21 every fixed program imports, and every model its
builders return (called with their defaults) builds, compiles and fits one batch.

The Keras 3 half of the criterion (Keras' own code gets no migration finding) is
`test_keras3_applications_get_no_migration_finding`, with every migration rule at once.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import shutil
import sys
import warnings
from pathlib import Path

import pytest
from cli_helpers import run_process
from conftest import ROOT

from keras_lint.engine import lint_text
from keras_lint.rules import all_rules
from keras_lint.settings import Settings

FIXTURES = Path(ROOT) / "fixtures" / "migration"

# What one fix leaves, per file: only display-only findings, each one a construct that needs a
# human. Everything in fixtures/migration/*.py is migrated completely.
EXPECTED_REMAINING = {
    "manual/highway_maxout.py": ["KRS206", "KRS206"],  # Highway, MaxoutDense: no Keras 3 layer
    "manual/keras1_initializations.py": ["KRS303"],  # keras.initializations: initializers are objects now
    "manual/sequential_merge.py": ["KRS201", "KRS201"],  # a Sequential starting with a Merge of models
    "manual/sklearn_wrapper.py": ["KRS303", "KRS512"],  # KerasClassifier; set_session
    "manual/vae_closure_loss.py": ["KRS415"],  # a compile() loss closing over z_mean / z_log_var
}

# The model-building functions of each program that keras-lint migrates completely. Their
# parameters all have defaults; the U-Net's input size is its own parameter, and a 256x256
# step takes ~20 s on 2 CPU cores, so it is fitted at 32x32.
BUILDERS = {
    "gan_merge.py": ["build_generator", "build_discriminator", "build_gan", "build_siamese"],
    "image_pipeline.py": ["build_model"],
    "lstm_text_classifier.py": ["build_model"],
    "mnist_cnn_keras1.py": ["build_model"],
    "tabular_tfkeras2.py": ["build_and_compile_model", "build_classifier"],
    "text_cnn_keras1.py": ["build_cnn", "build_rnn", "build_char_rnn"],
    "unet_seed.py": ["unet"],
    "vae_backend_loss.py": ["build_vae"],
    "video_conv3d_keras1.py": ["build_c3d", "build_next_frame_model", "build_frame_classifier"],
}
SHRUNK = {("unet_seed.py", "unet"): {"input_size": (32, 32, 1)}}

MIGRATION_FAMILIES = ("KRS2", "KRS3", "KRS4", "KRS5")


def _program_names() -> list[str]:
    return sorted(p.name for p in FIXTURES.glob("*.py"))


def _manual_names() -> list[str]:
    return sorted(f"manual/{p.name}" for p in (FIXTURES / "manual").glob("*.py"))


def _findings(folder: Path) -> list[dict]:
    run = run_process(["check", "--no-cache", "--output-format", "json", "."], cwd=str(folder))
    assert run.returncode in (0, 1), run.stderr.decode()
    return json.loads(run.stdout.decode())


def _texts(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.py"))}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """The copy of fixtures/migration (programs and manual/, not the references) after one
    `keras-lint fix --unsafe-fixes --no-cache`, with the command's output and what remains."""
    folder = tmp_path_factory.mktemp("migration")
    for path in FIXTURES.glob("*.py"):
        shutil.copy(path, folder / path.name)
    shutil.copytree(FIXTURES / "manual", folder / "manual")
    original = _texts(folder)
    run = run_process(["fix", "--unsafe-fixes", "--no-cache", "."], cwd=str(folder))
    assert run.returncode in (0, 1), run.stderr.decode()
    return {"folder": folder, "original": original, "fixed": _texts(folder), "output": run.stdout.decode(), "remaining": _findings(folder)}


def test_the_corpus_is_what_this_test_lists():
    assert _program_names() == sorted(BUILDERS)
    assert _manual_names() == sorted(EXPECTED_REMAINING)
    for name in BUILDERS:
        tree = ast.parse((FIXTURES / name).read_text(encoding="utf-8"))
        functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        # nothing that builds a model is left out of the TensorFlow check below
        assert {n for n in functions if n.startswith("build") or n == "unet"} == set(BUILDERS[name]), name
        for builder in BUILDERS[name]:
            args = functions[builder].args
            assert len(args.defaults) == len(args.args), f"{name}: {builder} has parameters without defaults"


def test_one_fix_leaves_only_the_listed_display_only_findings(migrated):
    remaining: dict[str, list[str]] = {}
    for finding in migrated["remaining"]:
        remaining.setdefault(finding["filename"].replace("\\", "/"), []).append(finding["code"])
        # display-only: nothing left that a fix could still apply
        assert finding["fix"] is not None and finding["fix"]["applicability"] == "display-only", finding
        assert finding["fix"]["edits"] == [], finding
    assert {name: sorted(codes) for name, codes in remaining.items()} == EXPECTED_REMAINING
    # The programs keras-lint migrates by itself have no migration finding left at all.
    for name in BUILDERS:
        assert not any(f["code"].startswith(MIGRATION_FAMILIES) for f in migrated["remaining"] if f["filename"] == name)
    # ...and the fix changed every one of them; every file still parses.
    for name, text in migrated["fixed"].items():
        ast.parse(text)
        assert name not in BUILDERS or text != migrated["original"][name], f"{name}: nothing was fixed"


def test_each_remaining_finding_is_explained_in_the_fix_output(migrated):
    output = migrated["output"]
    assert f"{len(migrated['remaining'])} remaining" in output
    for finding in migrated["remaining"]:
        location = f"{finding['filename']}:{finding['location']['row']}:{finding['location']['column']}: {finding['code']} "
        assert location + finding["message"] in output, f"the fix output does not show {location}"
        # an explanation: what Keras 3 does and what to write instead
        assert len(finding["message"]) > 150 and "`" in finding["message"], finding["message"]


def test_fixing_again_changes_nothing(migrated, tmp_path):
    again = tmp_path / "again"
    shutil.copytree(migrated["folder"], again)
    run = run_process(["fix", "--unsafe-fixes", "--no-cache", "."], cwd=str(again))
    assert run.returncode in (0, 1), run.stderr.decode()
    assert _texts(again) == migrated["fixed"]


def test_the_comments_survive(migrated):
    import io
    import tokenize

    for name, text in migrated["original"].items():
        comments = [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]
        for comment in comments:
            assert comment in migrated["fixed"][name], f"{name}: the fix lost {comment!r}"


# -- in TensorFlow ------------------------------------------------------------------------------


def _labels_for(model, tensor, loss, rng, batch: int):
    """A batch of labels that the loss accepts, shaped from the output tensor."""
    import numpy as np

    shape = (batch,) + tuple(3 if d is None else d for d in tensor.shape[1:])
    name = loss if isinstance(loss, str) else getattr(loss, "__name__", type(loss).__name__)
    name = name.lower()
    if "sparse" in name:
        return rng.integers(0, shape[-1], shape[:-1])
    if "categorical" in name or "kl" in name:
        return np.eye(shape[-1], dtype="float32")[rng.integers(0, shape[-1], shape[:-1])]
    if "binary" in name:
        return rng.integers(0, 2, shape).astype("float32")
    return rng.random(shape).astype("float32")  # regression losses, and the VAE's Bernoulli nll


def _fit_one_batch(model, rng) -> float:
    import numpy as np

    batch = 2
    inputs = []
    for tensor in model.inputs:
        shape = (batch,) + tuple(3 if d is None else d for d in tensor.shape[1:])
        inputs.append(np.zeros(shape, dtype=str(tensor.dtype)) if "int" in str(tensor.dtype) else rng.random(shape).astype("float32"))
    losses = model.loss if isinstance(model.loss, (list, tuple)) else [model.loss] * len(model.outputs)
    labels = [_labels_for(model, tensor, loss, rng, batch) for tensor, loss in zip(model.outputs, losses)]
    unwrap = lambda xs: xs[0] if len(xs) == 1 else xs  # noqa: E731
    # Eagerly: tracing these models as tf.functions costs several times the whole test.
    model.run_eagerly = True
    history = model.fit(unwrap(inputs), unwrap(labels), batch_size=batch, epochs=1, verbose=0)
    return history.history["loss"][0]


@pytest.mark.tf
def test_every_fixed_program_imports_and_its_models_build_compile_and_fit(migrated):
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    checked = []
    for name, builders in BUILDERS.items():
        path = migrated["folder"] / name
        spec = importlib.util.spec_from_file_location(f"migrated_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec.loader.exec_module(module)  # imports: the fixed program's import lines all work
            for builder in builders:
                keras.backend.clear_session()
                result = getattr(module, builder)(**SHRUNK.get((name, builder), {}))
                models = list(result) if isinstance(result, (tuple, list)) else [result]
                for model in models:
                    assert isinstance(model, keras.Model), f"{name}: {builder} returned {model!r}"
                    assert model.built and model.outputs, f"{name}: {builder}: {model.name} is not built"
                    if not model.compiled:
                        assert (name, builder) in {("gan_merge.py", "build_generator"), ("vae_backend_loss.py", "build_vae")}, (name, builder)
                        continue
                    loss = _fit_one_batch(model, rng)
                    assert math.isfinite(loss), f"{name}: {builder}: loss {loss}"
                    checked.append(f"{name}:{builder}:{model.name}")
        sys.modules.pop(spec.name, None)
    # every builder contributed a fitted model, except the GAN generator (compiled only
    # inside the combined model, as in the original)
    assert {c.rsplit(":", 1)[0] for c in checked} == {f"{n}:{b}" for n, bs in BUILDERS.items() for b in bs} - {"gan_merge.py:build_generator"}


# -- Keras 3's own code ---------------------------------------------------------------------------


def test_keras3_applications_get_no_migration_finding():
    """Every migration rule (KRS2xx-KRS5xx) together, as `keras-lint fix` runs them, on the
    model code of the installed Keras 3: no finding, and no fix that would change it."""
    keras_spec = importlib.util.find_spec("keras")
    assert keras_spec is not None and keras_spec.submodule_search_locations
    folder = Path(next(iter(keras_spec.submodule_search_locations))) / "src" / "applications"
    paths = sorted(folder.glob("*.py"))
    assert len(paths) > 15
    rules = [rule() for rule in all_rules() if rule.code.startswith(MIGRATION_FAMILIES)]
    assert len(rules) > 30
    problems = []
    for path in paths:
        result = lint_text(path.read_text(encoding="utf-8"), str(path), Settings(), rules=rules)
        problems += [f"{path.name}:{f.row}: {f.code} {f.message}" for f in result.findings]
        problems += result.internal_errors
    assert problems == []
