"""The municipalities' § 104 standards as data: one TOML file each, loaded and validated once.

Pure Python (no Flask). `load_all()` at start-up; a bad file stops start-up with a one-line
StandardError "<file>: <dotted.key>: <what is wrong>". The schema is in docs/standards.md.
"""

from portal.standards.loader import (
    STANDARDS_DIR,
    StandardError,
    check_file,
    load_all,
    load_standard,
)
from portal.standards.model import (
    Condition,
    Costs,
    Effect,
    FunctionLevels,
    Need,
    NextSteps,
    Offer,
    OfferKind,
    Offers,
    Rule,
    Scope,
    Standard,
    TargetGroup,
    Transport,
    TransportCondition,
)
from portal.standards.text import Source, SourceKind, Statement, Text

__all__ = [
    "STANDARDS_DIR",
    "Condition",
    "Costs",
    "Effect",
    "FunctionLevels",
    "Need",
    "NextSteps",
    "Offer",
    "OfferKind",
    "Offers",
    "Rule",
    "Scope",
    "Source",
    "SourceKind",
    "Standard",
    "StandardError",
    "Statement",
    "TargetGroup",
    "Text",
    "Transport",
    "TransportCondition",
    "check_file",
    "load_all",
    "load_standard",
]
