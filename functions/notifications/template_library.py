"""The practice's templates: the built-in ones and the practice's own, read, replaced and previewed by
staff, and looked up (with language fallback) for every message that goes."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.errors import NotFound
from functions.core.observability import logger
from functions.core.types import ExpectedVersion
from functions.notifications import templates
from functions.notifications.models.messages import Data
from functions.notifications.models.templates import Rendered, Template, TemplateIn, TemplateList
from functions.notifications.ports import TemplateBook


class TemplateLibrary:
    def __init__(self, book: TemplateBook, now: Callable[[], datetime] = clock.now) -> None:
        self.book = book
        self.now = now

    def find(self, practice_id: str, key: str, language: str) -> Template:
        """The template a message in `language` uses: the practice's own before the built-in one, then the
        same for the base language and English. NotFound when there is none."""
        for candidate in templates.languages_to_try(language):
            found = self.book.template(practice_id, key, candidate) or templates.builtin(key, candidate)
            if found is not None:
                return found
        raise NotFound("no such template", code="template_not_found")

    def list(self, caller: Caller) -> TemplateList:
        authz.authorize(caller, "notifications.template.read")
        own = self.book.templates(caller.practice_id)
        mine = {(t.key, t.language) for t in own}
        builtins = [t for k, t in templates.builtin_templates().items() if k not in mine]
        return TemplateList(templates=sorted([*own, *builtins], key=lambda t: (t.key, t.language)))

    def read(self, caller: Caller, key: str, language: str) -> Template:
        authz.authorize(caller, "notifications.template.read")
        found = self.book.template(caller.practice_id, key, language) or templates.builtin(key, language)
        if found is None:
            raise NotFound("no such template", code="template_not_found")
        return found

    def save(self, caller: Caller, key: str, language: str, body: TemplateIn,
             expected: ExpectedVersion) -> Template:
        """`expected` gives the version read: 0 for a built-in (or no) template, so this saves the first."""
        authz.authorize(caller, "notifications.template.edit")
        expected_version = expected()
        templates.check(body)
        template = Template(key=key, language=language, subject=body.subject, text=body.text, html=body.html,
                            sms=body.sms, version=expected_version + 1, updated_at=clock.iso(self.now()))
        self.book.put_template(caller.practice_id, template, expected_version or None)
        logger.info("template saved", extra={"template": key, "language": language, "version": template.version})
        return template

    def preview(self, caller: Caller, key: str, language: str, data: Data) -> Rendered:
        return templates.render(self.read(caller, key, language), data)
