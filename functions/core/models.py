"""The two bases every area's models take: what a request may carry, and what we read back."""

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A request body: unknown fields are refused, never ignored; no string is unbounded."""

    model_config = ConfigDict(extra="forbid", str_max_length=4096)


class Stored(BaseModel):
    """Something we read back from the table: tolerant of attributes added later."""

    model_config = ConfigDict(extra="ignore")
