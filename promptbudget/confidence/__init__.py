"""Confidence under a thinking budget (issue 8).

One total thinking budget B is split between two stages: answer with B x r, then judge the
answer's correctness with B x (1 - r) and state a probability. Per (B, r) cell the command
reports accuracy, ECE (10 equal-width bins), Brier, AUROC, the risk-coverage curve and AURC,
the confidence parse-failure rate, tokens and cost.

Modules: `policy` (how a stage budget is enforced on an engine), `prompts` (the judge prompt
and the confidence parser), `metrics` (per-cell aggregation), `runner` (planning and
running), `cli`, `plots` and `report_section` (report pieces).
"""

from .metrics import BINNING_NOTE, ECE_BINS, ConfidenceItem, cell_curves, cell_metrics
from .policy import ENFORCEMENTS, StageSetting, split_budget, stage_setting, thinking_style
from .prompts import CONFIDENCE_SYSTEM, ParsedConfidence, confidence_prompt, parse_confidence

SCHEMA = "promptbudget.confidence_split/1"

__all__ = [
    "BINNING_NOTE", "CONFIDENCE_SYSTEM", "ECE_BINS", "ENFORCEMENTS", "ConfidenceItem", "ParsedConfidence", "SCHEMA",
    "StageSetting", "cell_curves", "cell_metrics", "confidence_prompt", "parse_confidence", "split_budget",
    "stage_setting", "thinking_style",
]
