"""Physical counts: a sheet per location listing what the books say, filled in with what is on the shelf, then
posted as adjustments for the differences."""

from datetime import date
from typing import Literal

from pydantic import Field

from functions.core.models import Shape, Stored, Strict
from functions.inventory.models.catalogue import Segment
from functions.inventory.models.stock import Lot


class CountIn(Strict):
    location_id: Segment


class CountLine(Shape):
    item_id: str
    lot: str
    expires_on: date | None = None
    expected: int  # on hand by the books when the sheet was made
    counted: int | None = None


class CountedLine(Strict):
    item_id: Segment
    lot: Lot | Literal["untracked-stock"]
    counted: int = Field(ge=0, le=1_000_000)


class CountedIn(Strict):
    lines: list[CountedLine] = Field(min_length=1, max_length=500)


class CountSheet(Stored):
    id: str
    practice_id: str
    location_id: str
    status: Literal["open", "posted"]
    lines: list[CountLine]
    version: int
    created_at: str
    updated_at: str
    posted_at: str | None = None
    adjustments: int = 0  # variances posted
