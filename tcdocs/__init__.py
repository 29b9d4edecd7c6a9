"""tcdocs: Teknikcollege documents from YAML, in Swedish, as DOCX and PDF.

    >>> import tcdocs
    >>> doc = tcdocs.load("examples/samverkansavtal.yaml")
    >>> pdf = tcdocs.render(doc, "pdf")
    >>> tcdocs.render(doc, "docx", output="out/samverkansavtal.docx")
    >>> reading = tcdocs.read_edits(edited_docx, yaml_text)   # what a party changed in Word

WeasyPrint and docxtpl are imported only when a PDF or DOCX is first rendered.
"""

from ._version import __version__
from .backends import FORMATS
from .catalogue import kinds, schema, starter
from .comparison import compare
from .data import Limits
from .edits import Reading, read_edits
from .errors import (
    Forbidden,
    LoadError,
    NotFound,
    OutputError,
    Problem,
    RenderError,
    SaveConflict,
    StoreError,
    TcdocsError,
    TemplateError,
    UsageError,
)
from .loader import Checked, Files, Sources, Uploads, check_data, load, load_checked, load_text
from .models.ansokan import Account, Ansokan, AppliedProgramme, Company, LocalGroup
from .models.arendeoversikt import Arendeoversikt, OverviewDeadline, OverviewStep
from .models.aterkoppling import Aterkoppling, InterestReference
from .models.base import Attachment, CertificationPeriod, Document, MinutesReference, Party, PartyType, Person, Signatory
from .models.beslut import Beslut, DecisionOutcome, ProtocolReference, Recommendation, Review
from .models.criteria import CRITERIA, Criterion
from .models.education import EducationForm, Programme, SchoolUnit
from .models.granskningsprotokoll import (
    Assessment,
    Case,
    CaseType,
    Granskningsprotokoll,
    Participant,
    ReviewedSchool,
    Reviewer,
    ReviewerBody,
    Visit,
)
from .models.hangavtal import (
    AgreementReference,
    CounterSignatory,
    DecisionBody,
    ExistingParty,
    Hangavtal,
    JoiningFinancing,
    JoiningParty,
    LocalSteering,
    PoliticalDecision,
)
from .models.intresseanmalan import InterestType, Intresseanmalan, Principal
from .models.samverkansavtal import AgreementParty, Clause, CostItem, Financing, LocalCollege, Samverkansavtal, SteeringGroup
from .models.styrgruppsprotokoll import Action, Item, Member, NextMeeting, Styrgruppsprotokoll
from .models.svar import Answer, RequestsReference, Svar
from .options import DEFAULT_OPTIONS, PDF_VARIANTS, RenderOptions
from .rendering import canonical_data, render, render_formats
from .verify import Verification, verify

__all__ = [
    "CRITERIA",
    "DEFAULT_OPTIONS",
    "FORMATS",
    "PDF_VARIANTS",
    "Account",
    "Action",
    "AgreementParty",
    "AgreementReference",
    "Ansokan",
    "Answer",
    "AppliedProgramme",
    "Arendeoversikt",
    "Assessment",
    "Aterkoppling",
    "Attachment",
    "Beslut",
    "Case",
    "CaseType",
    "CertificationPeriod",
    "Checked",
    "Clause",
    "Company",
    "CostItem",
    "CounterSignatory",
    "Criterion",
    "DecisionBody",
    "DecisionOutcome",
    "Document",
    "EducationForm",
    "ExistingParty",
    "Files",
    "Financing",
    "Forbidden",
    "Granskningsprotokoll",
    "Hangavtal",
    "InterestReference",
    "InterestType",
    "Intresseanmalan",
    "Item",
    "JoiningFinancing",
    "JoiningParty",
    "Limits",
    "LoadError",
    "LocalCollege",
    "LocalGroup",
    "LocalSteering",
    "Member",
    "MinutesReference",
    "NextMeeting",
    "NotFound",
    "OutputError",
    "OverviewDeadline",
    "OverviewStep",
    "Participant",
    "Party",
    "PartyType",
    "Person",
    "PoliticalDecision",
    "Principal",
    "Problem",
    "Programme",
    "ProtocolReference",
    "Reading",
    "Recommendation",
    "RenderError",
    "RenderOptions",
    "RequestsReference",
    "Review",
    "ReviewedSchool",
    "Reviewer",
    "ReviewerBody",
    "Samverkansavtal",
    "SaveConflict",
    "SchoolUnit",
    "Signatory",
    "Sources",
    "SteeringGroup",
    "StoreError",
    "Styrgruppsprotokoll",
    "Svar",
    "TcdocsError",
    "TemplateError",
    "Uploads",
    "UsageError",
    "Verification",
    "Visit",
    "__version__",
    "canonical_data",
    "check_data",
    "compare",
    "kinds",
    "load",
    "load_checked",
    "load_text",
    "read_edits",
    "render",
    "render_formats",
    "schema",
    "starter",
    "verify",
]
