"""Units and slices, found statically (no TensorFlow): what verification would run, and what it
never runs."""

from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
import textwrap

import pytest

from keras_lint.settings import Settings
from keras_lint.verify.report import ProgressBar
from keras_lint.verify.slicing import UnitFinder
from keras_lint.verify.tracking import RowMap, tracked_fix

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def kept_lines(program: str) -> list[str]:
    return [line.strip() for line in program.splitlines() if line.strip()]


def test_function_unit_is_called_with_defaults_and_keeps_the_files_line_numbers():
    source = open(os.path.join(ROOT, "fixtures", "seed", "unet.py")).read()
    finder = UnitFinder(source)
    assert finder.unit_functions() == {"unet"}
    unit = finder.function_unit("unet")
    assert unit.problem is None
    assert unit.call == "unet" and unit.row == 9
    original = source.splitlines()
    for row, line in enumerate(unit.program.splitlines(), start=1):
        assert line == "" or line == original[row - 1] or line.strip() == "pass", row
    kept = kept_lines(unit.program)
    assert "from keras.layers import *" in kept
    assert any(line.startswith("model.compile(") for line in kept), "compile is part of building the model"
    assert kept[-1] == "return model"


def test_training_io_printing_and_main_are_never_in_the_slice():
    finder = UnitFinder(code("""
        import os
        import shutil
        import numpy as np
        import matplotlib.pyplot as plt
        import keras
        from keras import layers
        from keras.utils import plot_model

        os.remove("precious.txt")
        shutil.rmtree("data")
        x_train = np.load("x.npy")
        EPOCHS = 3

        def build(units=4):
            model = keras.Sequential([keras.Input((8,)), layers.Dense(units)])
            model.compile(optimizer="adam", loss="mse")
            model.summary()
            print("built")
            plot_model(model, to_file="model.png")
            model.fit(x_train, x_train, epochs=EPOCHS)
            model.save_weights("w.weights.h5")
            with open("log.txt", "w") as log:
                log.write("done")
            model.layers[0].trainable = False
            return model

        def main():
            model = build()
            model.fit(x_train, x_train)

        if __name__ == "__main__":
            main()
        """))
    assert finder.unit_functions() == {"build"}, "main() is never a unit"
    unit = finder.function_unit("build")
    assert unit.problem is None
    kept = kept_lines(unit.program)
    assert kept == [
        "import keras",
        "from keras import layers",
        "def build(units=4):",
        "model = keras.Sequential([keras.Input((8,)), layers.Dense(units)])",
        'model.compile(optimizer="adam", loss="mse")',
        "model.layers[0].trainable = False",
        "return model",
    ]
    ast.parse(unit.program)


def test_a_required_argument_makes_a_function_unverifiable_unless_a_caller_supplies_it():
    finder = UnitFinder(code("""
        import keras
        from keras import layers

        def block(x, filters):
            return layers.Dense(filters)(x)

        def build():
            inputs = keras.Input((4,))
            return keras.Model(inputs, block(inputs, 2))

        def orphan(x):
            return layers.Dense(3)(x)
        """))
    assert "needs argument `x`" in finder.function_unit("orphan").problem
    assert "needs arguments `x`, `filters`" in finder.function_unit("block").problem
    # A change inside `block` is verified through `build`, which calls it.
    assert [u.key for u in finder.units_for_rows({5})] == [("function", "build")]
    # A change inside `orphan` can only be reported against `orphan` itself.
    assert [u.key for u in finder.units_for_rows({12})] == [("function", "orphan")]


def test_module_constants_imports_and_helpers_reach_the_units_that_use_them():
    source = code("""
        import keras
        from keras.layers import Dense, Input

        FEATURES = (16)
        UNUSED = (3)

        def activation():
            print("choosing")
            return "relu"

        def build_dense():
            model = keras.Sequential([Input(FEATURES), Dense(8, activation=activation())])
            return model

        def build_other():
            return keras.Sequential([Input((4,)), Dense(1)])
        """)
    finder = UnitFinder(source)
    unit = finder.function_unit("build_dense")
    kept = kept_lines(unit.program)
    assert "FEATURES = (16)" in kept and "UNUSED = (3)" not in kept
    assert 'print("choosing")' not in kept and 'return "relu"' in kept, "helpers are sliced by what they return"
    assert [u.key for u in finder.units_for_rows({4})] == [("function", "build_dense")]
    assert {u.key for u in finder.units_for_rows({2})} == {("function", "build_dense"), ("function", "build_other")}
    assert finder.units_for_rows({5}) == [], "a constant no model uses is in no unit"


def test_statements_a_model_needs_that_verify_never_runs_make_it_unverifiable():
    finder = UnitFinder(code("""
        import numpy as np
        import keras
        from keras.datasets import mnist

        def build():
            (x_train, _), _ = mnist.load_data()
            inputs = keras.Input(x_train.shape[1:])
            return keras.Model(inputs, keras.layers.Flatten()(inputs))

        def build_weights():
            weights = np.load("w.npy")
            return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, weights=[weights])])
        """))
    problem = finder.function_unit("build").problem
    assert "line 6" in problem and "mnist.load_data(...)` loads a dataset" in problem
    assert "np.load(...)` reads or writes files" in finder.function_unit("build_weights").problem


def test_module_level_models_conditionals_loops_and_configuration():
    source = code("""
        import keras
        from keras import layers
        from keras import backend as K

        K.set_image_data_format("channels_last")
        DEPTH = 3
        if K.image_data_format() == "channels_first":
            shape = (1, 28, 28)
        else:
            shape = (28, 28, 1)
        model = keras.Sequential()
        model.add(keras.Input(shape))
        for i in range(DEPTH):
            model.add(layers.Conv2D(8, 3, padding="same"))
            print(i)
        model.add(layers.Flatten())
        model.compile(optimizer="sgd", loss="mse")
        model.fit([[0]], [[0]])
        """)
    finder = UnitFinder(source)
    assert finder.model_names() == ["model"]
    unit = finder.module_unit("model")
    assert unit.problem is None and unit.results == ("model",) and unit.row == 11
    kept = kept_lines(unit.program)
    assert 'K.set_image_data_format("channels_last")' in kept
    assert "print(i)" not in kept and "model.fit([[0]], [[0]])" not in kept
    assert "for i in range(DEPTH):" in kept and "DEPTH = 3" in kept and "else:" in kept
    ast.parse(unit.program)


def test_star_imports_are_kept_only_when_a_name_needs_them():
    with_star = UnitFinder(code("""
        from keras.layers import *
        from keras.models import *
        import os

        def build():
            inputs = Input((3,))
            return Model(inputs, Dense(1)(inputs))
        """))
    kept = kept_lines(with_star.function_unit("build").program)
    assert kept[:2] == ["from keras.layers import *", "from keras.models import *"]
    assert "import os" not in kept


def test_partial_lines_and_emptied_blocks_still_parse():
    finder = UnitFinder(code("""
        import keras

        def build(verbose=False):
            model = keras.Sequential([keras.Input((2,))]); print(model)
            if verbose:
                print("verbose")
            try:
                model.add(keras.layers.Dense(1))
            except ValueError:
                print("no")
            return model
        """))
    program = finder.function_unit("build").program
    ast.parse(program)
    assert "print" not in program
    assert "except ValueError:" in program and "pass" in program


def test_row_map_follows_unchanged_and_changed_regions():
    before = "a\nb\nc\nd\n"
    after = "a\nB\nnew\nc\nd\n"
    mapping = RowMap(before, after)
    assert mapping.row(1) == 1
    assert mapping.rows([2]) == {2, 3}
    assert mapping.row(3) == 4 and mapping.row(4) == 5
    assert RowMap(after, before).row(4) == 3


def test_tracked_fixes_know_their_rows_in_the_original_and_the_fixed_text_and_can_be_left_out():
    from keras_lint.engine import enabled_rules

    source = code("""
        from keras.layers import Input, merge
        a = Input((4))
        b = Input((4,))
        c = merge([a, b], mode='concat', concat_axis=1)
        """)
    settings = Settings()
    tracked = tracked_fix(source, "example.py", settings, enabled_rules(settings))
    codes = sorted((fix.finding.code, fix.original_row) for fix in tracked.applied)
    assert codes == [("KRS101", 2), ("KRS201", 4)]
    merge_fix = next(fix for fix in tracked.applied if fix.finding.code == "KRS201")
    assert merge_fix.fixed_rows == {1, 4}, "the call and the import it rewrites"
    without = tracked_fix(source, "example.py", settings, enabled_rules(settings), excluded={("KRS201", 4)})
    assert "merge([a, b]" in without.text and "Input((4,))" in without.text
    left = [f for f in without.outcome.remaining.findings if f.code == "KRS201"]
    assert left and left[0].fix is None, "a left-out fix is still reported, without its fix"


def test_progress_bar_draws_only_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    plain = io.StringIO()
    bar = ProgressBar(plain)
    bar(1, 2)
    bar.finish()
    assert plain.getvalue() == ""
    terminal = Terminal()
    bar = ProgressBar(terminal)
    bar(1, 2)
    assert "1/2 builds" in terminal.getvalue()


@pytest.mark.parametrize("command", [["check"], ["fix", "--diff"]])
def test_check_and_fix_without_verify_never_import_tensorflow(tmp_path, command):
    target = tmp_path / "model.py"
    target.write_text("import keras\nmodel = keras.Sequential([keras.layers.Dense(2, input_shape=(3))])\n")
    script = (
        "import sys\n"
        "from keras_lint.cli import main\n"
        f"main({[*command, str(target)]!r})\n"
        "assert 'tensorflow' not in sys.modules and 'keras_lint.verify.session' not in sys.modules, 'imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
