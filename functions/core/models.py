"""The bases every area's models take: what a request may carry, what we read back, and any other shape."""

from pydantic import BaseModel, ConfigDict

# Cold start: a model's validator is built on its first use, not at import, so a container pays only for the
# models its requests touch (an area's API module defines dozens; one request uses two or three).
# Validation is the same either way; pydantic builds the deferred schema once and keeps it.


class Strict(BaseModel):
    """A request body: unknown fields are refused, never ignored; no string is unbounded."""

    model_config = ConfigDict(extra="forbid", str_max_length=4096, defer_build=True)


class Stored(BaseModel):
    """Something we read back from the table: tolerant of attributes added later."""

    model_config = ConfigDict(extra="ignore", defer_build=True)


class Shape(BaseModel):
    """Any other shape: a response (a page, a list, a report) or a value passed between use cases."""

    model_config = ConfigDict(defer_build=True)
