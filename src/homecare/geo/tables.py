"""The postcode directory: where a postcode is and which LSOA and ward it falls in."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base


class PostcodePoint(Base):
    __tablename__ = "postcode_point"

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    ward_code: Mapped[str] = mapped_column(String(9))
    district_code: Mapped[str] = mapped_column(String(9), index=True)
    lsoa_code: Mapped[str] = mapped_column(String(9), index=True)
    lsoa_name: Mapped[str] = mapped_column(String(100))
