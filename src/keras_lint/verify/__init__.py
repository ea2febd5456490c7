"""Verification: every applied fix confirmed by building the fixed model in real TensorFlow.

The pipeline, one module each:

* `slicing`: finds the model-building units of a file (a function that returns Keras objects,
  called with its default arguments, or a module-level model) and extracts each unit's slice:
  the imports and statements the model's construction depends on, as a program with the file's
  own line numbers. Static: LibCST and the semantic model, no TensorFlow.
* `tracking`: runs the fixer while recording which pass text each applied fix was made on, maps
  rows between the original, intermediate and fixed texts, and can leave chosen fixes out.
* `pool` / `worker` / `checks`: separate worker processes that import TensorFlow once, run a
  slice with a timeout, a memory limit, a temporary working directory and an I/O guard, and
  check the result (builds, compiles, identifiers resolve, one training step, layer configs).
* `session`: before/after jobs per unit, attribution of each result to each fix (verified,
  refuted, unverifiable), rounds that leave refuted fixes out.
* `report` and `cli`: human and JSON output, `keras-lint verify` and `keras-lint fix --verify`.

Nothing here is imported by the lint path: verification is opt-in.
"""

from __future__ import annotations

VERIFIED = "verified"
REFUTED = "refuted"
UNVERIFIABLE = "unverifiable"
STATUSES = (VERIFIED, REFUTED, UNVERIFIABLE)
