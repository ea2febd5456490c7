"""The layer and import-path half of the Keras 1/2 -> 3 migration (rules KRS202-KRS299 and
KRS301-KRS399) on whole programs:

* one `keras-lint fix --unsafe-fixes` with these rules leaves no finding of theirs in the
  migration fixtures except the display-only ones, which explain themselves, and the fixed
  code agrees with the hand-migrated references wherever those touch these families;
* the seed's `TimeDistributed(Convolution2D(64, 3, 3), ...)` becomes `Conv2D(64, (3, 3))`, and
  in TensorFlow the fixed layer has a 3x3 kernel and strides 1;
* the builders these rules alone migrate build, compile and train one batch in TF 2.21;
* Keras 3's own code (keras/src/applications, and all of keras/src for the import-path rules)
  gets no finding.

The combined end-to-end test with the model/optimizer/backend rules belongs to the lead.
"""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import pytest
from conftest import ROOT

from keras_lint.diagnostics import Applicability
from keras_lint.engine import lint_text
from keras_lint.fixer import fix_text
from keras_lint.rules import all_rules
from keras_lint.settings import Settings

FIXTURES = Path(ROOT) / "fixtures" / "migration"
REFERENCES = FIXTURES / "keras3"
SEED = Path(ROOT) / "fixtures" / "seed"


def _family(code: str) -> bool:
    number = int(code[3:])
    return 202 <= number <= 299 or 301 <= number <= 399


OUR_RULES = [rule for rule in all_rules() if _family(rule.code)]
IMPORT_RULES = [rule for rule in OUR_RULES if rule.code.startswith("KRS3")]

# What stays after the fix: findings that have no mechanical rewrite, with their reason.
EXPECTED_DISPLAY_ONLY = {
    "manual/highway_maxout.py": ["KRS206", "KRS206"],  # Highway and MaxoutDense: no Keras 3 layer
    "manual/keras1_initializations.py": ["KRS303"],  # keras.initializations.normal(shape, scale=...)
    "manual/sklearn_wrapper.py": ["KRS303"],  # KerasClassifier: SKLearnClassifier has another API
}
# The programs keras-lint migrates by itself, and those that need a human (manual/).
FIXTURE_NAMES = sorted([p.name for p in FIXTURES.glob("*.py")] + [f"manual/{p.name}" for p in (FIXTURES / "manual").glob("*.py")])

# Code the fix must produce that the hand-migrated reference also contains (whitespace
# ignored): where both touch these families, they agree.
AGREES_WITH_REFERENCE = {
    "mnist_cnn_keras1.py": [
        "Conv2D(32, (3, 3), padding='valid'",
        "Conv2D(nb_filters, (kernel_size[0], kernel_size[1]))",
        "Dense(128, kernel_initializer='he_normal', kernel_regularizer=l2(0.01))",
        "from keras.utils import to_categorical",
        "Y_train = to_categorical(y_train, nb_classes)",
    ],
    "lstm_text_classifier.py": [
        "model.add(Embedding(max_features, 128))",
        "SpatialDropout1D(0.2)",
        "LSTM(128, dropout=0.2, recurrent_dropout=0.2",
        "X_train = pad_sequences(X_train, maxlen=maxlen)",
        "model.add(Input(shape=(maxlen,)))",
    ],
    "gan_merge.py": [
        "Dense(latent_size, kernel_initializer='glorot_normal')",
        "Conv2DTranspose(64, (5, 5), strides=(2, 2), padding='same')",
        "Conv2DTranspose(1, (5, 5), strides=(2, 2), padding='same')",
        "Conv2D(64, (5, 5), strides=(2, 2), padding='same'",
        "Conv2D(128, (5, 5), strides=(2, 2), padding='same')",
        "Conv2D(32, (3, 3), strides=(2, 2), padding='same'",
        "LeakyReLU(negative_slope=0.2)",
        "from keras.utils import to_categorical",
    ],
    "image_pipeline.py": ["PReLU(alpha_initializer='zero')"],
    "tabular_tfkeras2.py": ["norm = layers.Normalization(axis=-1)", "InputLayer(shape=(n_features,))",
                            "normalizer = layers.Normalization(axis=-1)"],
    "text_cnn_keras1.py": [
        "embeddings_initializer='uniform', embeddings_regularizer=l2(1e-5)",
        "Conv1D(filters=nb_filter, kernel_size=filter_length, padding='valid', activation='relu', strides=1)",
        "MaxPooling1D(pool_size=2, strides=2)",
        "Conv1D(64, 3, dilation_rate=2, padding='same', activation='relu')",
        "Conv1D(64, 3, padding='same', activation='relu')",
        "TimeDistributed(Dense(64, activation='tanh'))",
        "dropout=0.1, recurrent_dropout=0.1",
    ],
    "manual/vae_closure_loss.py": ["from keras import losses", "losses.binary_crossentropy(x, x_decoded_mean)"],
    "vae_backend_loss.py": ["from keras.layers import Layer"],
    "video_conv3d_keras1.py": [
        "Conv3D(16, (3, 3, 3), padding='same', activation='relu'",
        "Conv3D(32, (3, 3, 3), activation='relu')",
        "MaxPooling3D(pool_size=(2, 2, 2), data_format='channels_last')",
        "padding='valid', data_format='channels_last'",
        "TimeDistributed(Conv2D(32, (3, 3), activation='relu'))",
        "Conv2D(32, (3, 3), dilation_rate=(2, 2), padding='same', activation='relu')",
        "SeparableConv2D(64, (3, 3), padding='same', depthwise_initializer='he_normal', pointwise_initializer='he_normal', activation='relu')",
        "ZeroPadding2D(padding=((1, 0), (1, 0)), data_format='channels_last')",
        "GlobalAveragePooling2D(data_format='channels_last')",
        "dropout=0.2, recurrent_dropout=0.2",
    ],
}
# Where the fix deliberately differs from the reference (see docs/migration-layers.md).
FIX_ONLY = {
    "mnist_cnn_keras1.py": ["from keras.layers import Dense, Dropout, Activation, Flatten"],
    "gan_merge.py": ["x = BatchNormalization()(x)"],  # mode=2 dropped (unsafe); the reference subclasses
    "text_cnn_keras1.py": ["SpatialDropout1D(rate=0.2)", "GaussianNoise(stddev=0.05)", "GRU(units=64", "from keras.layers import Layer"],
    "video_conv3d_keras1.py": ["ConvLSTM2D(filters=40, kernel_size=(3, 3)", "from keras.utils import plot_model as plot",
                               "Conv3D(filters=1, kernel_size=(1, 3, 3)"],
}


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _fix(text: str, name: str, rules=OUR_RULES):
    return fix_text(text, name, Settings(), unsafe=True, rules=[rule() for rule in rules])


@pytest.fixture(scope="module")
def fixed_fixtures() -> dict[str, str]:
    result = {}
    for name in FIXTURE_NAMES:
        outcome = _fix((FIXTURES / name).read_text(encoding="utf-8"), name)
        assert outcome.error is None, f"{name}: {outcome.error}"
        result[name] = outcome.text
    return result


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_one_fix_leaves_only_explained_findings(name, fixed_fixtures):
    original = (FIXTURES / name).read_text(encoding="utf-8")
    fixed = fixed_fixtures[name]
    ast.parse(fixed)
    before = [f for f in lint_text(original, name, Settings(), rules=[r() for r in OUR_RULES]).findings]
    after = lint_text(fixed, name, Settings(), rules=[r() for r in OUR_RULES]).findings
    # The seed's U-Net only needs merge() (KRS201) and the model/optimizer rules.
    assert bool(before) == (name != "unet_seed.py"), [f.message for f in before]
    for finding in after:
        assert finding.fix is not None and finding.fix.applicability is Applicability.DISPLAY_ONLY and not finding.fix.edits, finding.message
        assert len(finding.message) > 100 and ":" in finding.message, f"a remaining finding must explain itself: {finding.message}"
    assert sorted(f.code for f in after) == EXPECTED_DISPLAY_ONLY.get(name, [])
    assert _fix(fixed, name).text == fixed, "fixing twice changed the code again"
    for comment in re.findall(r"#[^\n]*", original):
        assert comment in fixed, f"the fix lost the comment {comment!r}"


@pytest.mark.parametrize("name", sorted(AGREES_WITH_REFERENCE))
def test_fix_agrees_with_the_hand_migrated_reference(name, fixed_fixtures):
    fixed = _squeeze(fixed_fixtures[name])
    reference = _squeeze((REFERENCES / name).read_text(encoding="utf-8"))
    for snippet in AGREES_WITH_REFERENCE[name]:
        assert _squeeze(snippet) in fixed, f"{name}: the fix does not write {snippet!r}"
        assert _squeeze(snippet) in reference, f"{name}: the reference does not write {snippet!r}"
    for snippet in FIX_ONLY.get(name, []):
        assert _squeeze(snippet) in fixed, f"{name}: the fix does not write {snippet!r}"


def test_seed_time_distributed_convolution_is_found_and_fixed():
    path = SEED / "time_distributed.py"
    text = path.read_text(encoding="utf-8")
    findings = [f for f in lint_text(text, path.name, Settings(), rules=[r() for r in OUR_RULES]).findings if f.code == "KRS203"]
    assert len(findings) == 1
    assert "strides" in findings[0].message and "1x99 instead of 1x297" in findings[0].message
    fixed = _fix(text, path.name).text
    assert "model.add(TimeDistributed(Conv2D(64, (3, 3)), input_shape=(10, 3, 299, 299)))" in fixed
    assert "from keras.layers import Conv2D, Dense, TimeDistributed" in fixed
    assert "TimeDistributed(Convolution2D" not in fixed


# -- in TensorFlow --------------------------------------------------------------------------------


def _execute(source: str, filename: str) -> tuple[dict, list[str]]:
    """Run a fixed program's top-level statements; an import that still fails (a display-only
    finding, or another family's) is recorded and skipped."""
    namespace: dict = {"__name__": "fixed_fixture", "__file__": filename}
    failures = []
    for statement in ast.parse(source).body:
        code = compile(ast.Module([statement], type_ignores=[]), filename, "exec")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(code, namespace)
        except Exception as exc:  # noqa: BLE001 - asserted on below
            if not isinstance(statement, (ast.Import, ast.ImportFrom, ast.Expr)):
                raise
            failures.append(f"{ast.get_source_segment(source, statement)}: {type(exc).__name__}")
    return namespace, failures


# Builders that only these rule families had to migrate (the others also need the model,
# optimizer or backend rules, or define their model with a display-only layer).
OWN_BUILDERS = [
    ("lstm_text_classifier.py", "build_model", {}, (None, 1)),
    ("image_pipeline.py", "build_model", {"img_width": 32, "img_height": 32}, (None, 1)),
    ("video_conv3d_keras1.py", "build_next_frame_model", {"input_shape": (None, 8, 8, 1)}, (None, None, 8, 8, 1)),
]


@pytest.mark.tf
@pytest.mark.parametrize(("name", "builder", "kwargs", "output_shape"), OWN_BUILDERS, ids=[f"{n}:{b}" for n, b, _, _ in OWN_BUILDERS])
def test_fixed_builder_trains_one_batch(name, builder, kwargs, output_shape, fixed_fixtures):
    from tf_harness import exercise, keras

    keras().backend.clear_session()
    namespace, failures = _execute(fixed_fixtures[name], str(FIXTURES / name))
    assert all("ImageDataGenerator" in f or "set_image_dim_ordering" in f or "initializations" in f for f in failures), failures
    model = namespace[builder](**kwargs)
    assert model.output_shape == output_shape
    exercise({"model": model})
    assert model.optimizer.iterations.numpy() == 1


@pytest.mark.tf
def test_seed_fix_builds_a_3x3_kernel_with_stride_1():
    from tf_harness import keras

    keras().backend.clear_session()
    path = SEED / "time_distributed.py"
    namespace, failures = _execute(_fix(path.read_text(encoding="utf-8"), path.name).text, str(path))
    assert failures == []
    model = namespace["build_video_model"]()
    conv = model.layers[0].layer
    assert conv.kernel_size == (3, 3) and conv.strides == (1, 1)
    # Keras 3 reads (3, 299, 299) as channels-last (KRS6xx reports it): 3 rows, 299 columns.
    assert model.output_shape == (None, 10, 1, 297, 64)


# -- Keras 3's own code ---------------------------------------------------------------------------


def _keras_source() -> Path:
    keras = pytest.importorskip("keras")
    return Path(keras.__file__).parent / "src"


def test_keras3_applications_get_no_finding():
    folder = _keras_source() / "applications"
    files = sorted(folder.glob("*.py"))
    assert len(files) > 10
    findings = []
    for path in files:
        result = lint_text(path.read_text(encoding="utf-8"), str(path), Settings(), rules=[r() for r in OUR_RULES])
        assert not result.internal_errors, result.internal_errors
        findings += result.findings
    assert findings == [], [f"{f.filename}:{f.row}: {f.code} {f.message}" for f in findings]


# A path through a Keras 1/2 module needs an import of a public Keras root; keras/src imports
# itself as `keras.src`, so only its files that also import keras, tensorflow or tf_keras can
# have a finding of the import-path rules (the rest is not even parsed, to keep the suite fast).
_ROOT_IMPORT = re.compile(r"^[^#\n]*\b(?:import|from)\b[^\n]*\b(?:tensorflow|tf_keras|keras(?!\.src\b|\._tf_keras\b))\b", re.M)


@pytest.mark.slow
def test_keras3_source_gets_no_import_path_finding():
    files = sorted(_keras_source().rglob("*.py"))
    assert len(files) > 500
    checked = 0
    findings = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if not _ROOT_IMPORT.search(text):
            continue
        checked += 1
        result = lint_text(text, str(path), Settings(), rules=[r() for r in IMPORT_RULES])
        assert not result.internal_errors, result.internal_errors
        findings += result.findings
    assert checked > 50
    assert findings == [], [f"{f.filename}:{f.row}: {f.code} {f.message}" for f in findings]


def test_a_renamed_class_whose_import_moved_leaves_no_unused_import():
    code = (
        "from keras.models import Sequential\n"
        "from keras.layers.convolutional import Convolution2D, ZeroPadding2D\n"
        "model = Sequential()\n"
        "model.add(ZeroPadding2D((1, 1), input_shape=(64, 64, 3)))\n"
        "model.add(Convolution2D(64, 3, 3, activation='relu'))\n"
    )
    fixed = fix_text(code, "vgg.py", Settings(), unsafe=True).text
    assert "Conv2D(64, (3, 3), activation='relu')" in fixed
    assert "Convolution2D" not in fixed, fixed
    assert "import ZeroPadding2D" in fixed or "ZeroPadding2D," in fixed or ", ZeroPadding2D" in fixed
