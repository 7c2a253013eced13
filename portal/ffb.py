"""The shared Danish terms (FFB, KL) that a caseworker's system understands.

Pure Python. Codes come from KL's terminology (see shared/ffb.md: FFB code system version
20240530, CareSocialCodes version 20250530). Every code travels as system + code + display +
version: the UUID alone means nothing. The portal tags what the citizen reports; it never
states a VUM function or support level, which is the caseworker's assessment.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

FFB = "urn:oid:1.2.208.176.2.22"
FFB_VERSION = "20240530"
CARE_SOCIAL = "http://fhir.kl.dk/term/CodeSystem/CareSocialCodes"
CARE_SOCIAL_VERSION = "20250530"


@dataclass(frozen=True)
class Code:
    system: str
    version: str
    code: str
    display: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def ffb(code: str, display: str) -> Code:
    return Code(FFB, FFB_VERSION, code, display)


def care(code: str, display: str) -> Code:
    return Code(CARE_SOCIAL, CARE_SOCIAL_VERSION, code, display)


OFFER = ffb(
    "9401777d-bdc5-4f52-9804-63c8cae9a792", "Aktivitets- og samværstilbud (Serviceloven § 104)"
)
REQUEST_TYPE = care("4a297733-4d66-4726-a933-590d55cf91e0", "Social indsats")
WISHES_AND_GOALS = care("ffb9886b-d04e-46b1-9165-a400f91f822b", "Borgers ønsker og mål")

# Kinds of difficulty, stored as self-reported target groups.
TARGET_GROUPS = {
    "physical": ffb("112cc0ba-9953-476c-a971-2671697d7639", "Fysisk funktionsnedsættelse"),
    "mental": ffb("9ed67228-b934-4677-9f7e-ebb0d80de44b", "Psykisk funktionsnedsættelse"),
    "social": ffb("0919515d-9975-4743-a16f-edb45374b0da", "Socialt problem"),
}

# Who gave the information.
SOURCE_CITIZEN = care("25b4e705-2e9a-47a2-b11a-c829316b9d3a", "Borger")
SOURCE_CITIZEN_WITH_RELATIVE = care(
    "b66dc78a-a673-43fc-8ac0-1e859ba626e0", "Borger støttet af pårørende"
)
SOURCE_RELATIVE_ALONE = care("166d2437-4e47-4a52-bd94-cdbe91086ca6", "Pårørende alene")

# Conditions and themes that answers touch, where the terminology has a code.
TAKE_PART_IN_COMMUNITIES = ffb(
    "dcc6bb77-45af-4625-9c4d-7d7878307220", "Deltage i sociale fællesskaber og fritidsaktiviteter"
)
CONTACT_WITH_OTHERS = ffb("3f9da5ac-9686-4eeb-b517-b46e17fcb1d7", "Indgå i samspil og kontakt")
PURSUE_INTEREST = ffb("3a748135-98a8-416a-808d-bff88a8e40ee", "Dyrke interesse")
USE_TRANSPORT = ffb("eff3385d-01fa-4c9c-9850-52e179243f21", "Færdes med transportmidler")
MENTAL_FUNCTIONS = ffb("25c5c614-305f-46cd-9891-55d564fc30cf", "Mentale funktioner")
HEALTH = ffb("4fb78b88-d3af-4cfb-84d7-f06daf423317", "Sundhedsforhold")
SOCIAL_CONDITIONS = ffb("e1836145-0c20-4e20-971e-d62dfe4ea1a0", "Sociale forhold")
COMMUNITY_LIFE = ffb("dfbe6ff6-223b-436a-b864-8ba29bda41e2", "Samfundsliv")
SURROUNDINGS_NETWORK = ffb("df194a84-6e4b-4f14-a194-d8d9d9a1fcad", "Personer i netværk")

WISH_CODES = {
    "social_contact": CONTACT_WITH_OTHERS,
    "get_out": TAKE_PART_IN_COMMUNITIES,
    "activities": PURSUE_INTEREST,
    "keep_skills": MENTAL_FUNCTIONS,
    "learn_skills": MENTAL_FUNCTIONS,
    "structure": HEALTH,
    "job_or_education_support": COMMUNITY_LIFE,
}
SITUATION_CODES = {
    "job_or_education": COMMUNITY_LIFE,
    "protected_employment": COMMUNITY_LIFE,
    "club_or_association": TAKE_PART_IN_COMMUNITIES,
    "open_offer": TAKE_PART_IN_COMMUNITIES,
    "botilbud_with_activities": SOCIAL_CONDITIONS,
}


def information_source(who: str | None, authority: str | None) -> Code:
    """Who gave the information: the citizen, the citizen with a relative, or a relative."""
    if who != "other":
        return SOURCE_CITIZEN
    if authority == "present_and_agrees":
        return SOURCE_CITIZEN_WITH_RELATIVE
    return SOURCE_RELATIVE_ALONE
