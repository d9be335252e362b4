"""The same measures and KPIs computed the straightforward way: ORM queries and Python sums.

A loop over periods × providers (and the total) × lots × measures, each issuing its own
SQLAlchemy queries and adding the rows up in Python. It exists to check the Polars
engine (`tests/integration/test_monitoring_engines_agree.py` demands the same numbers)
and to time it against (`benchmarks/monitoring.py`); nothing in the platform calls it,
so it lives beside the tests rather than in the installed package. It reads the rules
from the same definitions but shares no code with the engine's calculations, except the
brokerage KPI rules and the reviews module's progress rule, which it calls as their own
modules do.
"""

from tests.support.monitoring_baseline.loop import compute, lot_numbers, provider_ids

__all__ = ["compute", "lot_numbers", "provider_ids"]
