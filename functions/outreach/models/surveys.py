"""The follow-up survey: a registrant's answer, and a workshop's results."""

from typing import Annotated

from pydantic import Field, StringConstraints

from functions.core.models import Shape, Stored, Strict


class SurveyIn(Strict):
    rating: int = Field(ge=1, le=5, description="1 (poor) to 5 (excellent)")
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None
    would_attend_again: bool


class SurveyAnswer(Stored):
    registration_id: str
    workshop_id: str
    rating: int
    comment: str | None = None
    would_attend_again: bool
    answered_at: str


class SurveyView(Shape):
    workshop_title: str
    answered: bool


class SurveyTotals(Stored):
    """Running sums kept with each answer, so the results are one read."""

    answers: int = 0
    rating_sum: int = 0
    would_attend_again: int = 0


class SurveyResults(Shape):
    workshop_id: str
    answers: int
    mean_rating: float | None
    would_attend_again_share: float | None

    @classmethod
    def of(cls, workshop_id: str, totals: SurveyTotals) -> "SurveyResults":
        n = totals.answers
        return cls(workshop_id=workshop_id, answers=n, mean_rating=round(totals.rating_sum / n, 2) if n else None,
                   would_attend_again_share=round(totals.would_attend_again / n, 3) if n else None)
