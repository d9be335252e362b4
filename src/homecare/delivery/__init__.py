"""Delivery: the visit schedule, electronic call monitoring, visit outcomes and alerts."""
