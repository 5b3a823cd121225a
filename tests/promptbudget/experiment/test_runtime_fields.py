"""Every command config carries the same runtime fields and builds its RuntimeConfig from them."""

from __future__ import annotations

from dataclasses import fields

import pytest

from promptbudget.budget.setting_sweep import SweepConfig
from promptbudget.confidence.runner import SplitConfig
from promptbudget.experiment.runtime_fields import RuntimeFields
from promptbudget.optimize.config import OptimizeConfig
from promptbudget.runtime import RuntimeConfig

RUNTIME_NAMES = [f.name for f in fields(RuntimeConfig)]


def test_runtime_fields_match_runtime_config():
    assert [f.name for f in fields(RuntimeFields)] == RUNTIME_NAMES


@pytest.mark.parametrize("config_class", [OptimizeConfig, SplitConfig, SweepConfig])
def test_each_command_config_builds_its_runtime(config_class, tmp_path):
    config = config_class(max_cost=1.5, cache_dir=str(tmp_path), no_cache=True, base_url="http://127.0.0.1:9")
    assert issubclass(config_class, RuntimeFields)
    assert config.runtime() == RuntimeConfig(base_url="http://127.0.0.1:9", max_cost=1.5, prices=None,
                                             cache_dir=str(tmp_path), no_cache=True)


def test_from_flags_keeps_known_fields_and_makes_list_flags_tuples():
    import argparse

    args = argparse.Namespace(total_budget=[512, 256], ratios=[0.5], samples=3, unrelated="x", max_cost=2.0)
    config = SplitConfig.from_flags(args, tuples=("total_budget", "ratios"))
    assert (config.total_budget, config.ratios, config.samples, config.max_cost) == ((512, 256), (0.5,), 3, 2.0)
    assert OptimizeConfig.from_flags(argparse.Namespace(budgets=None), tuples=("budgets",)).budgets is None
