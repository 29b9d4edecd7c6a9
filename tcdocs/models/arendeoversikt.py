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

__all__ = ["Arendeoversikt", "OverviewDeadline", "OverviewDocument", "OverviewStep"]

DeadlineKey = Literal["application", "protocol", "supplements", "recertification", "validity"]


class OverviewDocument(Model):
    """A document of the case as the overview names it: what it is, its date and its Dnr."""

    kind: Line = Field(title="Dokumentslag", description="Dokumentets slag, t.ex. granskningsprotokoll.", max_length=40)
    date: Day = Field(title="Datum")
    dnr: Line | None = Field(None, title="Diarienummer")


class OverviewStep(Model):
    """One of the road's thirteen steps: its day, the documents that show it, and whether it is taken."""

    step: int = Field(ge=1, le=13, title="Steg")
    date: Day | None = Field(None, title="Datum")
    documents: list[OverviewDocument] = Field(default_factory=list, max_length=20, title="Dokument")
    done: YesNo = Field(False, title="Klart", description="Kryssa i när steget är taget.")


class OverviewDeadline(Model):
    """A deadline of the case, and whether and when it was met."""

    deadline: DeadlineKey = Field(title="Tidsfrist")
    due: Day = Field(title="Senast")
    document: OverviewDocument = Field(title="Dokument", description="Dokumentet som sätter tidsfristen.")
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
            if step.done and step.date is not None and step.date > self.date:
                problems.append(
                    (("steps", index, "done"), Message("a step dated {day} is not taken yet on {date}", day=step.date, date=self.date))
                )
            elif not step.done and step.date is not None and step.date <= self.date:
                taken = Message("a step dated {day} is taken by {date}; mark it done", day=step.date, date=self.date)
                problems.append((("steps", index, "done"), taken))
            # The road's steps are taken in order: a step after one not taken is not taken either.
            later = next((other.step for other in self.steps[index + 1 :] if other.done), None)
            if not step.done and later is not None:
                problems.append(
                    (("steps", index, "done"), Message("step {later} is marked done, so this step before it is taken too", later=later))
                )
        for index, deadline in enumerate(self.deadlines):
            late = deadline.met > deadline.due if deadline.met is not None else self.date > deadline.due and deadline.deadline != "validity"
            if deadline.late != late:
                problems.append(
                    (
                        ("deadlines", index, "late"),
                        Message(
                            "due {due}, met {met}, as of {date}: the deadline is {state}",
                            due=deadline.due,
                            met=deadline.met or "–",
                            date=self.date,
                            state=Message("late") if late else Message("not late"),
                        ),
                    )
                )
            if deadline.met is not None and deadline.met > self.date:
                problems.append(
                    (("deadlines", index, "met"), Message("a deadline cannot be met after the overview's date, {date}", date=self.date))
                )
        if problems:
            raise RuleError(problems)
        return self
