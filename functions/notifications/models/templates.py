"""Templates: what a practice writes, what is stored, and a message rendered from one."""

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from functions.core.models import Shape, Stored, Strict
from functions.notifications.models.messages import Data

# --- templates -----------------------------------------------------------------------------------

class TemplateIn(Strict):
    """`{{ name }}` placeholders. `html` is optional (the text is used, escaped); `sms` is optional (the text
    is used) and must fit the SMS segment cap once filled in."""

    subject: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    text: Annotated[str, StringConstraints(min_length=1, max_length=8000)]
    html: Annotated[str, StringConstraints(min_length=1, max_length=20000)] | None = None
    sms: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = None

    model_config = ConfigDict(extra="forbid", str_max_length=20000)


class Template(Stored):
    key: str
    language: str
    subject: str
    text: str
    html: str | None = None
    sms: str | None = None
    version: int = 0  # 0: built in, never saved
    updated_at: str | None = None
    builtin: bool = False


class TemplateList(Shape):
    templates: list[Template]


class Rendered(Shape):
    subject: str
    text: str
    html: str
    sms: str
    sms_segments: int


class PreviewIn(Strict):
    data: Data = Field(default_factory=dict)


