"""The ärendeöversikt: where a certification case stands on the handbook's road, as a document.

``tcdocs status DIR --document OUT`` writes it from the case's documents (and ``--format
yaml`` prints its data); it can also be written by hand like any other document.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from ..messages import Message
from .base import Day, Document, Genre, Line, Model, Region, RuleError, Text
from .case import CaseType
from .text import YesNo

__all__ = ["Arendeoversikt", "OverviewDeadline", "OverviewStep"]

DeadlineKey = Literal["application", "protocol", "supplements", "recertification", "validity"]


class OverviewStep(Model):
    """One of the road's thirteen steps: its day, the documents that show it, and whether it is taken."""

    step: int = Field(ge=1, le=13, title="Steg")
    date: Day | None = Field(None, title="Datum")
    documents: list[Line] = Field(default_factory=list, max_length=20, title="Dokument")
    done: YesNo = Field(False, title="Klart", description="Steget är taget.")


class OverviewDeadline(Model):
    """A deadline of the case, and whether and when it was met."""

    deadline: DeadlineKey = Field(title="Tidsfrist")
    due: Day = Field(title="Senast")
    document: Line = Field(title="Dokument", description="Dokumentet som sätter tidsfristen.")
    met: Day | None = Field(None, title="Klart", description="Dagen då tidsfristen hölls.")
    late: YesNo = Field(False, title="Sent")


class Arendeoversikt(Document):
    """An overview of one certification case: the road, the deadlines ahead and the problems found."""

    genre: ClassVar[Genre] = "letters"
    in_case: ClassVar[bool] = False

    kind: Literal["arendeoversikt"] = Field(title="Dokumentslag")
    region: Region = Field(title="Region", description="Regionens namn utan 'Teknikcollege'.")
    type: CaseType | None = Field(None, title="Ärendetyp")
    steps: list[OverviewStep] = Field(min_length=13, max_length=13, title="Vägen till certifiering", description="Steg 1–13 i ordning.")
    deadlines: list[OverviewDeadline] = Field(default_factory=list, max_length=50, title="Tidsfrister")
    problems: list[Text] = Field(
        default_factory=list, max_length=200, title="Problem", description="Det som dokumenten säger emot varandra."
    )

    @model_validator(mode="after")
    def _check_rules(self) -> Arendeoversikt:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for index, step in enumerate(self.steps):
            if step.step != index + 1:
                problems.append(
                    (("steps", index, "step"), Message("the steps come in order, 1 to 13; this is step {number}", number=index + 1))
                )
        if problems:
            raise RuleError(problems)
        return self
