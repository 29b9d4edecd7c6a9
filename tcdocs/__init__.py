"""tcdocs: Teknikcollege documents from YAML, in Swedish, as DOCX and PDF.

    >>> import tcdocs
    >>> doc = tcdocs.load("examples/samverkansavtal.yaml")
    >>> pdf = tcdocs.render(doc, "pdf")
    >>> tcdocs.render(doc, "docx", output="out/samverkansavtal.docx")

WeasyPrint and docxtpl are imported only when a PDF or DOCX is first rendered.
"""

__version__ = "0.1.0"

from .backends import FORMATS
from .catalogue import kinds, schema, starter
from .errors import LoadError, OutputError, Problem, RenderError, TcdocsError, TemplateError, UsageError
from .loader import Checked, Files, Limits, Sources, Uploads, check_data, load, load_checked, load_text, validate_data
from .models.base import Attachment, CertificationPeriod, Document, MinutesReference, Party, PartyType, Person, Signatory
from .models.beslut import Beslut, DecisionOutcome, ProtocolReference, Review
from .models.criteria import CRITERIA, Criterion
from .models.granskningsprotokoll import (
    Assessment,
    Case,
    CaseType,
    Granskningsprotokoll,
    Participant,
    ReviewedProvider,
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
    JoiningProvider,
    LocalSteering,
    PoliticalDecision,
)
from .models.intresseanmalan import InterestProvider, InterestType, Intresseanmalan
from .models.samverkansavtal import (
    AgreementParty,
    Clause,
    EducationForm,
    Financing,
    LocalCollege,
    Programme,
    Provider,
    Samverkansavtal,
    SteeringGroup,
)
from .models.styrgruppsprotokoll import Action, Item, Member, NextMeeting, Styrgruppsprotokoll
from .rendering import DEFAULT_OPTIONS, PDF_VARIANTS, RenderOptions, canonical_data, render, render_formats
from .verify import Verification, verify

__all__ = [
    "CRITERIA",
    "DEFAULT_OPTIONS",
    "FORMATS",
    "PDF_VARIANTS",
    "Action",
    "AgreementParty",
    "AgreementReference",
    "Assessment",
    "Attachment",
    "Beslut",
    "Case",
    "CaseType",
    "CertificationPeriod",
    "Checked",
    "Clause",
    "CounterSignatory",
    "Criterion",
    "DecisionBody",
    "DecisionOutcome",
    "Document",
    "EducationForm",
    "ExistingParty",
    "Files",
    "Financing",
    "Granskningsprotokoll",
    "Hangavtal",
    "InterestProvider",
    "InterestType",
    "Intresseanmalan",
    "Item",
    "JoiningFinancing",
    "JoiningParty",
    "JoiningProvider",
    "Limits",
    "LoadError",
    "LocalCollege",
    "LocalSteering",
    "Member",
    "MinutesReference",
    "NextMeeting",
    "OutputError",
    "Participant",
    "Party",
    "PartyType",
    "Person",
    "PoliticalDecision",
    "Problem",
    "Programme",
    "ProtocolReference",
    "Provider",
    "RenderError",
    "RenderOptions",
    "Review",
    "ReviewedProvider",
    "Reviewer",
    "ReviewerBody",
    "Samverkansavtal",
    "Signatory",
    "Sources",
    "SteeringGroup",
    "Styrgruppsprotokoll",
    "TcdocsError",
    "TemplateError",
    "Uploads",
    "UsageError",
    "Verification",
    "Visit",
    "__version__",
    "canonical_data",
    "check_data",
    "kinds",
    "load",
    "load_checked",
    "load_text",
    "render",
    "render_formats",
    "schema",
    "starter",
    "validate_data",
    "verify",
]
