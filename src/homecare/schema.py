"""Imports every table module so that `Base.metadata` describes the whole store."""

from __future__ import annotations

from homecare import access_log, audit, store_mark
from homecare.accounts import tables as accounts_tables
from homecare.brokerage import tables as brokerage_tables
from homecare.changes import tables as changes_tables
from homecare.community import tables as community_tables
from homecare.db import Base
from homecare.delivery import tables as delivery_tables
from homecare.geo import tables as geo_tables
from homecare.hospital import tables as hospital_tables
from homecare.market import rating_tables as market_rating_tables
from homecare.market import tables as market_tables
from homecare.money import budget_tables as money_budget_tables
from homecare.money import tables as money_tables
from homecare.packages import tables as packages_tables
from homecare.people import tables as people_tables
from homecare.quality import tables as quality_tables
from homecare.reviews import tables as reviews_tables
from homecare.rounds import tables as rounds_tables
from homecare.timebank import tables as timebank_tables
from homecare.workforce import tables as workforce_tables

TABLE_MODULES = (
    access_log,
    audit,
    store_mark,
    accounts_tables,
    brokerage_tables,
    changes_tables,
    community_tables,
    delivery_tables,
    geo_tables,
    hospital_tables,
    market_tables,
    market_rating_tables,
    money_budget_tables,
    money_tables,
    packages_tables,
    people_tables,
    quality_tables,
    reviews_tables,
    rounds_tables,
    timebank_tables,
    workforce_tables,
)

metadata = Base.metadata
