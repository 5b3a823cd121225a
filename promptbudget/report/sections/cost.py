"""What each run spent, by role: answers, feedback (gradients), optimizer steps, judges."""

from __future__ import annotations

from typing import Any

from ...records.ledger import SavedLedger
from .. import charts
from ..load import LoadedResults
from ..options import ReportOptions

ROLES = ("answer", "feedback", "optimizer", "judge")
FIELDS = ("calls", "cached_calls", "input_tokens", "output_tokens", "thinking_tokens", "cost_usd", "billed_usd",
          "unpriced_calls")


Spend = dict[str, float]
"""One role's totals, by field of FIELDS."""


def _roles(ledger: SavedLedger) -> dict[str, Spend]:
    by_role = ledger.by_role
    roles = list(ROLES) + sorted(r for r in by_role if r not in ROLES)
    return {role: {f: (getattr(by_role[role], f) or 0) if role in by_role else 0 for f in FIELDS} for role in roles}


class CostSection:
    id = "cost"
    title = "Cost by role"
    template = "sections/cost.html.j2"

    def build(self, results: LoadedResults, options: ReportOptions) -> dict[str, Any] | None:
        runs = [run for run in results.runs if run.ledger.by_role]
        if not runs:
            return None
        per_run = [{"run": run, "roles": _roles(run.ledger)} for run in runs]
        roles = list(dict.fromkeys(role for entry in per_run for role in entry["roles"]))
        totals = {role: {f: sum(e["roles"].get(role, {}).get(f, 0) for e in per_run) for f in FIELDS} for role in roles}
        roles = [role for role in roles if totals[role]["calls"]]  # a role no run used (e.g. judge) gets no row
        totals = {role: totals[role] for role in roles}
        grand = {f: sum(t[f] for t in totals.values()) for f in FIELDS}
        priced = grand["cost_usd"] > 0
        metric, label, unit = (("cost_usd", "cost (USD)", "USD") if priced else
                               ("output_tokens", "billed output tokens", "tokens"))
        chart = charts.bar_chart(f"{label} by role and run", label, [e["run"].label for e in per_run],
                                 [{"name": role, "color": charts.ROLE_COLORS.get(role, charts.color(i + 4)),
                                   "values": [e["roles"][role][metric] if role in e["roles"] else 0 for e in per_run]}
                                  for i, role in enumerate(roles)], unit=unit)
        return {"per_run": per_run, "roles": roles, "totals": totals, "grand": grand, "priced": priced,
                "chart": chart, "metric_label": label, "caption": f"{label[0].upper()}{label[1:]} by role and run",
                "live": [run.label for run in runs if run.live_ledger is not None]}
