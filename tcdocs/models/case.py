"""A certification case: what kind of case it is, the region, and the programmes it covers.

The ansökan opens a case, the granskningsprotokoll reviews it and the beslut decides it;
each of them names the case in these terms: the programmes at each school unit, with the
huvudman that runs the school unit.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .base import Line, Model, OrganisationNumber, Region
from .education import Programme, SchoolUnitCode

__all__ = ["Case", "CaseType", "ReviewedSchool"]


class CaseType(StrEnum):
    """Ärendetyp: ny_region, ny_utbildningsanordnare, ny_utbildning, ny_inriktning eller atercertifiering."""

    NY_REGION = "ny_region"
    NY_UTBILDNINGSANORDNARE = "ny_utbildningsanordnare"
    NY_UTBILDNING = "ny_utbildning"
    NY_INRIKTNING = "ny_inriktning"
    ATERCERTIFIERING = "atercertifiering"

    @property
    def whole_region(self) -> bool:
        """Whether the case concerns the whole region (a new region or a re-certification), not one part of it."""
        return self in (CaseType.NY_REGION, CaseType.ATERCERTIFIERING)


class ReviewedSchool(Model):
    """A school unit under review, its huvudman, and the programmes and tracks the case covers there."""

    name: Line = Field(title="Skolenhet")
    code: SchoolUnitCode | None = None
    principal: Line = Field(title="Huvudman", description="Kommunen eller företaget som driver skolenheten.")
    org_number: OrganisationNumber | None = Field(None, title="Huvudmannens organisationsnummer")
    programmes: list[Programme] = Field(min_length=1, max_length=100, title="Utbildningar")


class Case(Model):
    """What is reviewed: the kind of case, the region and the school units with their programmes."""

    type: CaseType = Field(title="Ärendetyp")
    region: Region = Field(title="Region", description="Regionens namn utan 'Teknikcollege'.")
    school_units: list[ReviewedSchool] = Field(min_length=1, max_length=100, title="Skolenheter")
