"""Differential test of static shape inference against TensorFlow 2.21 (Keras 3).

Hypothesis writes random model-building programs (tests/shapes_programs.py), valid and
invalid; keras-lint reads each statically, TensorFlow runs it, and tests/shapes_differential.py
compares every shape, parameter count and shape error keras-lint states. Zero disagreements
are allowed.

CI runs a few hundred examples (about two minutes on two cores). For thousands:

    KERAS_LINT_SHAPES_EXAMPLES=5000 python -m pytest tests/test_shapes_differential.py -s -n 0

`KERAS_LINT_SHAPES_SEED` picks another fixed seed; `KERAS_LINT_SHAPES_REPORT=path.json` writes
the statistics, coverage included (how often keras-lint knows the model's full output shape).
"""

from __future__ import annotations

import json
import os
import sys
import time

import pytest
from hypothesis import HealthCheck, given, seed, settings
from shapes_differential import compare
from shapes_programs import programs

pytestmark = [pytest.mark.tf, pytest.mark.slow]

# keras-lint's engine raises the limit on first use; raising it first keeps Hypothesis quiet.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))

EXAMPLES = int(os.environ.get("KERAS_LINT_SHAPES_EXAMPLES", "300"))
SEED = int(os.environ.get("KERAS_LINT_SHAPES_SEED", "20260401"))


class Statistics:
    def __init__(self):
        self.programs = 0
        self.built = 0  # TensorFlow built the model
        self.rejected = 0  # TensorFlow raised
        self.output_known = 0  # of the built ones, keras-lint knew every output shape
        self.params_known = 0
        self.errors_found = 0  # of the rejected ones, keras-lint reported the shape error
        self.layers_compared = 0

    def add(self, outcome) -> None:
        self.programs += 1
        self.layers_compared += outcome.layers_compared
        if not outcome.tf_errors:
            self.built += 1
            self.output_known += outcome.output_known
            self.params_known += outcome.params_known
        else:
            self.rejected += 1
            self.errors_found += bool(outcome.static_error_lines)

    def as_dict(self, seconds: float) -> dict:
        def percent(part, whole):
            return round(100.0 * part / whole, 1) if whole else 0.0

        return {
            "programs": self.programs,
            "built_by_tensorflow": self.built,
            "rejected_by_tensorflow": self.rejected,
            "output_shape_known_percent": percent(self.output_known, self.built),
            "parameter_count_known_percent": percent(self.params_known, self.built),
            "shape_errors_reported_percent": percent(self.errors_found, self.rejected),
            "layers_compared": self.layers_compared,
            "seconds": round(seconds, 1),
            "seed": SEED,
        }


def test_static_shapes_agree_with_tensorflow():
    statistics = Statistics()

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(programs)
    def check(program):
        outcome = compare(program.lines, program.whole)
        statistics.add(outcome)
        assert not outcome.disagreements, "\n".join([program.source, *outcome.disagreements])

    start = time.monotonic()
    check()
    report = statistics.as_dict(time.monotonic() - start)
    print("\nstatic shape inference vs TensorFlow:", json.dumps(report))
    path = os.environ.get("KERAS_LINT_SHAPES_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2)
    assert statistics.built and statistics.rejected, "the generator must produce valid and invalid programs"
