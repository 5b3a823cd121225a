"""Small, dependency-light statistics for comparing prompt/budget configurations.

Everything here is pure and deterministic (the bootstrap takes a seed). Only
numpy, the standard library and the Wilson interval of tasks.predictions are used.

Empty-input policy (per function):

* ``wilson_interval(0, 0)`` -> ``(0.0, 1.0)``; ``proportion([])`` -> ``mean=nan``,
  interval ``(0.0, 1.0)``.
* ``mcnemar_exact([], [])`` -> ``b=c=0, p_value=1.0`` (no discordant pairs).
* ``auroc`` -> ``None`` whenever a class is missing (including empty input).
* ``pareto_front([])`` -> ``[]``; ``knee_point`` -> ``None`` for < 3 front points.
* Every other function raises ``ValueError`` on empty input.

Mismatched lengths, NaN/inf values, confidences outside [0, 1] and non-0/1
"boolean" values raise ``ValueError``.

Modules: ``comparisons`` (proportions, paired tests, token summaries, trade-offs),
``calibration`` (calibration and discrimination) and ``inputs`` (the input checks).
"""

from __future__ import annotations

from .calibration import (
    ReliabilityBin,
    aurc,
    auroc,
    brier_score,
    expected_calibration_error,
    reliability_bins,
    risk_coverage_curve,
)
from .comparisons import (
    BootstrapResult,
    McNemarResult,
    Proportion,
    TokenSummary,
    cheapest_within_margin,
    knee_point,
    mcnemar_exact,
    min_samples_warning,
    paired_bootstrap_diff,
    pareto_front,
    proportion,
    token_summary,
    wilson_interval,
)

__all__ = [
    "BootstrapResult",
    "McNemarResult",
    "Proportion",
    "ReliabilityBin",
    "TokenSummary",
    "aurc",
    "auroc",
    "brier_score",
    "cheapest_within_margin",
    "expected_calibration_error",
    "knee_point",
    "mcnemar_exact",
    "min_samples_warning",
    "paired_bootstrap_diff",
    "pareto_front",
    "proportion",
    "reliability_bins",
    "risk_coverage_curve",
    "token_summary",
    "wilson_interval",
]
