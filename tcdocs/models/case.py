"""A certification case: what kind of case it is, the region, and the programmes it covers.

The ansökan opens a case, the granskningsprotokoll reviews it and the beslut decides it;
each of them names the case in these terms.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .base import Line, Model, OrganisationNumber, Region
from .samverkansavtal import Programme

__all__ = ["Case", "CaseType", "ReviewedProvider"]


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


class ReviewedProvider(Model):
    """An education provider under review, with the programmes and tracks the case covers."""

    name: Line = Field(title="Utbildningsanordnare")
    org_number: OrganisationNumber | None = Field(None, title="Organisationsnummer")
    programmes: list[Programme] = Field(min_length=1, max_length=100, title="Utbildningar")


class Case(Model):
    """What is reviewed: the kind of case, the region and the providers with their programmes."""

    type: CaseType = Field(title="Ärendetyp")
    region: Region = Field(title="Region", description="Regionens namn utan 'Teknikcollege'.")
    providers: list[ReviewedProvider] = Field(min_length=1, title="Utbildningsanordnare")
