"""Audience selection: the workshop's criteria (topics, age band on the session date, languages, practitioner
panel) applied to records' audience index a page at a time (on fakes; Hypothesis for the criteria)."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from functions.outreach.audience import AudienceSelection, age_on, matches
from functions.outreach.models.workshops import AudienceCriteria
from tests.fakes.records import FakeAudienceIndex, RecordsStore
from tests.unit.outreach.promotion_support import PRACTICE, member

ON = date(2026, 6, 10)


def test_age_is_counted_on_the_session_date():
    assert age_on(date(2008, 6, 10), ON) == 18 and age_on(date(2008, 6, 11), ON) == 17
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17 and age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_the_age_band_is_inclusive_at_both_ends():
    criteria = AudienceCriteria(topics=["diabetes"], min_age=18, max_age=65)
    assert matches(criteria, member("a", born=date(2008, 6, 10)), ON)
    assert not matches(criteria, member("a", born=date(2008, 6, 11)), ON)
    assert matches(criteria, member("a", born=date(1960, 6, 11)), ON)  # 65 still
    assert not matches(criteria, member("a", born=date(1960, 6, 10)), ON)  # 66 on the day


def test_a_regional_language_matches_its_language_but_not_the_reverse():
    assert matches(AudienceCriteria(topics=["t"], languages=["es"]), member("a", language="es-MX"), ON)
    assert not matches(AudienceCriteria(topics=["t"], languages=["es-MX"]), member("a", language="es"), ON)


def test_the_panel_takes_only_the_named_practitioners_patients():
    criteria = AudienceCriteria(topics=["t"], practitioner_ids=["dr-a"])
    assert matches(criteria, member("a", practitioner="dr-a"), ON)
    assert not matches(criteria, member("a", practitioner="dr-b"), ON)
    assert not matches(criteria, member("a"), ON)


def test_nobody_without_a_channel_is_chosen():
    assert not matches(AudienceCriteria(topics=["t"]), member("a", channels=()), ON)


people = st.lists(st.tuples(st.dates(min_value=date(1930, 1, 1), max_value=ON),
                            st.sampled_from(["en", "es", "es-MX", "fr"]),
                            st.sampled_from([None, "dr-a", "dr-b"]),
                            st.sets(st.sampled_from(["diabetes", "nutrition"]), min_size=1)), max_size=40)
criteria = st.builds(
    AudienceCriteria, topics=st.lists(st.sampled_from(["diabetes", "nutrition", "asthma"]), min_size=1, max_size=3,
                                      unique=True),
    min_age=st.none() | st.integers(0, 90), max_age=st.none() | st.integers(0, 100),
    languages=st.lists(st.sampled_from(["en", "es", "fr"]), unique=True, max_size=2),
    practitioner_ids=st.lists(st.sampled_from(["dr-a", "dr-b"]), unique=True, max_size=1))


@settings(max_examples=150, deadline=None)
@given(people=people, wanted=criteria, page=st.integers(1, 7))
def test_paging_the_index_chooses_exactly_who_the_rules_choose(people, wanted, page):
    store = RecordsStore()
    expected = set()
    for n, (born, language, practitioner, topics) in enumerate(people):
        one = member(f"P{n:04d}", born=born, language=language, practitioner=practitioner)
        for topic in topics:
            store.audience.setdefault((PRACTICE, topic), {})[one.patient_id] = one
        if set(topics) & set(wanted.topics) and matches(wanted, one, ON):
            expected.add(one.patient_id)
    selection = AudienceSelection(FakeAudienceIndex(store), page)
    chosen, cursor, pages = [], None, 0
    while True:
        result = selection.page_of(PRACTICE, wanted, ON, cursor)
        assert len(result.patient_ids) <= page
        chosen += result.patient_ids
        pages += 1
        cursor = result.cursor
        if cursor is None:
            break
    assert set(chosen) == expected
    # a patient consenting to two of the topics comes once per topic at most; the ledger keeps one invitation
    assert all(chosen.count(p) <= len(wanted.topics) for p in chosen)
    assert pages <= sum(len(store.audience.get((PRACTICE, t), {})) // page + 1 for t in wanted.topics)

