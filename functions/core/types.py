"""Value types every area uses: bounded text, names, contact points, time zones, languages, user ids,
record versions and money. Each validates on the way in, so a model that uses one inherits its rule."""

import re
import zoneinfo
from collections.abc import Callable
from functools import cache
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
# Deliberately plain: one @, a dot in the domain, no spaces. Deliverability is the mail system's problem.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
# BCP-47, simplified: language, optional script/region/variants ("en", "pt-BR", "zh-Hant-TW").
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")
_USER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _phone(value: str) -> str:
    if not _E164.fullmatch(value):
        raise ValueError("must be an E.164 phone number, e.g. +14155550123")
    return value


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("must be an email address")
    return value.lower()


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone(value: str) -> str:
    if value not in _zones():
        raise ValueError("must be an IANA time zone, e.g. America/New_York")
    return value


def _language(value: str) -> str:
    if not _LANGUAGE.fullmatch(value):
        raise ValueError("must be a BCP-47 language tag, e.g. en or es-MX")
    return value


def _user_id(value: str) -> str:
    if not _USER_ID.fullmatch(value):
        raise ValueError("must be a user id")
    return value


def Text(max_length: int) -> type[str]:  # noqa: N802 - used as a type: `title: Text(200)`
    """Free text: trimmed, not empty, at most `max_length` characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)]


Name = Text(100)
Phone = Annotated[str, StringConstraints(max_length=16), AfterValidator(_phone)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)]
TimeZone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_time_zone)]
Language = Annotated[str, StringConstraints(max_length=35), AfterValidator(_language)]
UserId = Annotated[str, StringConstraints(max_length=64), AfterValidator(_user_id)]
# a stored record's version, as If-Match and expected_version carry it
Version = Annotated[int, Field(ge=1, le=1_000_000_000)]
# The version the caller read (If-Match), asked for by a use case only once it has authorized the caller.
ExpectedVersion = Callable[[], int]
Cents = Annotated[int, Field(ge=0, le=100_000_000, description="US cents")]
PositiveCents = Annotated[int, Field(gt=0, le=100_000_000, description="US cents")]
