"""promptbudget: find system prompts and thinking budgets that give the most accuracy per billed token."""

__version__ = "0.1.0"

# engines.types must be loaded before ledger, cache and pricing, which import it while the engine
# base class imports them: loading the engines package first makes every import order work.
from . import engines as _engines  # noqa: E402,F401
