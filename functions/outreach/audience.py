"""A workshop's audience: the criteria (topics, age band on the session date, languages, practitioner panel)
applied to records' audience index, a page at a time, so no step holds the whole audience."""

from datetime import date

from pydantic import BaseModel

from functions.outreach.models.workshops import AudienceCriteria
from functions.outreach.ports import ConsentedAudience
from functions.records.models.audience import AudienceMember

PAGE = 200  # index entries read per step: a page of ids stays far below the 256 KB state payload


def age_on(birth_date: date, on: date) -> int:
    """Whole years on `on` (a 29 February birthday comes on 1 March in other years)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def matches(criteria: AudienceCriteria, member: AudienceMember, on: date) -> bool:
    """Whether a patient who consents to one of the topics is in the workshop's audience on `on`."""
    age = age_on(member.birth_date, on)
    if criteria.min_age is not None and age < criteria.min_age:
        return False
    if criteria.max_age is not None and age > criteria.max_age:
        return False
    if criteria.languages and not _speaks(member.language, criteria.languages):
        return False
    if criteria.practitioner_ids and member.practitioner_id not in criteria.practitioner_ids:
        return False
    return bool(member.channels)


def in_audience(criteria: AudienceCriteria, entries: dict[str, AudienceMember], on: date) -> bool:
    """One patient, from their audience entries (topic -> entry, `records.audience.entries`): in when an entry
    for one of the workshop's topics matches."""
    return any(topic in entries and matches(criteria, entries[topic], on) for topic in criteria.topics)


def _speaks(language: str, languages: list[str]) -> bool:
    """es-MX is Spanish: a workshop given in "es" reaches it; one in "es-MX" does not reach plain "es"."""
    base = language.split("-")[0].lower()
    return any(language.lower() == wanted.lower() or base == wanted.lower() for wanted in languages)


class AudiencePage(BaseModel):
    patient_ids: list[str]
    cursor: str | None  # where the next page starts; None when every topic is read


def _cursor(topic_index: int, after: str | None) -> str:
    return f"{topic_index}:{after or ''}"


def _parse(cursor: str | None) -> tuple[int, str | None]:
    if not cursor:
        return 0, None
    index, _, after = cursor.partition(":")
    return int(index), after or None


class AudienceSelection:
    """Reads the index topic by topic; a patient consenting to two of the topics appears under both, and the
    invitation ledger (one per workshop and patient) makes that one invitation."""

    def __init__(self, index: ConsentedAudience, page: int = PAGE) -> None:
        self.index = index
        self.page = page

    def page_of(self, practice_id: str, criteria: AudienceCriteria, on: date,
                cursor: str | None = None) -> AudiencePage:
        topic_index, after = _parse(cursor)
        if topic_index >= len(criteria.topics):
            return AudiencePage(patient_ids=[], cursor=None)
        members, after = self.index.audience(practice_id, criteria.topics[topic_index], after, self.page)
        chosen = [m.patient_id for m in members if matches(criteria, m, on)]
        if after is not None:
            return AudiencePage(patient_ids=chosen, cursor=_cursor(topic_index, after))
        more = topic_index + 1 < len(criteria.topics)
        return AudiencePage(patient_ids=chosen, cursor=_cursor(topic_index + 1, None) if more else None)
