"""The mark a command leaves on a store it made, so that nothing empties a store by mistake.

A store made by `homecare demo` (or a test) carries one row here. A command that would
empty a store looks for the mark first and refuses an unmarked store unless the operator
names that store in so many words.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base, UTCDateTime


class StoreMark(Base):
    __tablename__ = "store_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    made_by: Mapped[str] = mapped_column(String(64))
    """The command that made the store, e.g. 'homecare demo'."""
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
