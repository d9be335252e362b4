"""Monitoring: the 29 measures and 7 KPIs of the contract (000 Appendix 2), by period,
provider and lot, computed with Polars from one snapshot of the store."""
