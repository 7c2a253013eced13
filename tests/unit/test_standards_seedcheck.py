"""The seed check catches each kind of defect a review against the seeds found (issue 8).

A small standard file and a small seed stand in for a municipality, so each test breaks one
thing and sees the check name it. The last tests run the five real files against their seeds.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.standards import Standard, check_file, load_standard
from portal.standards.cli import standards as standards_cli
from portal.standards.seedcheck import HEDGES, hedges_dropped, problems_against_seed
from portal.standards.text import Source, SourceKind, Statement, Text

SEED = textwrap.dedent("""\
    Målgruppe
    Tilbuddet er for borgere med betydeligt nedsat funktionsevne.

    Borgerens ansvar
    Det er borgerens ansvar, i det omfang at det er muligt, at give oplysninger.

    Opfølgning
    Kommunen følger løbende op, og ellers efter behov.

    Omfang
    Kommunen bevilger som udgangspunkt ét aktivitets- og samværstilbud ad gangen. Der kan
    bevilges et klubtilbud til borgere, der ikke bor på botilbud.

    Leverandør
    Kommunen har disse tilbud:
    • Store
      Havebo
    • Solsikken

    Ikke omfattet
    Hjælp efter anden lovgivning, herunder ledsagelse og personlig og praktisk hjælp.
""")


def _silent(key: str) -> str:
    return (
        f"[{key}]\nnot_stated = true\n"
        'da = "Kommunen har ikke skrevet noget om det."\n'
        'en = "The municipality has not stated anything on it."\n'
    )


SILENT = ["target.age", "target.age_below_not_stated", "scope.days", "scope.day_length", "scope.duration", "costs.free",
          "costs.own_payment", "costs.wage", "transport.rule", "next.unit", "next.apply",
          "next.contact", "next.processing_time", "next.assessment", "next.action_plan",
          "next.complaint", "next.free_choice"]  # fmt: skip

TOML = textwrap.dedent("""\
    schema = 1
    code = "999"
    seed_file = "999_proeve.txt"
    name = { da = "Prøve Kommune", en = "Test Municipality" }
    document = { da = "kvalitetsstandard", en = "quality standard" }

    [target.group]
    source = "Målgruppe"
    da = "Tilbuddet er for folk, der har meget svært ved at klare hverdagen."
    en = "The offer is for people who find everyday life very hard."

    [target.group_match]
    source = "Målgruppe"
    da = "Ud fra svarene hører man til dem, tilbuddet er for."
    en = "From the answers, the person belongs to those the offer is for."

    [target.group_unknown]
    source = "Målgruppe"
    da = "Svarene siger ikke, hvad der er svært."
    en = "The answers do not say what is hard."

    [target.manages_alone]
    source = "Målgruppe"
    da = "Tilbuddet er for folk med store vanskeligheder."
    en = "The offer is for people with great difficulties."

    [target.needs.company]
    wishes = ["social_contact"]
    source = "Målgruppe"
    da = "Samvær er et behov, kommunen nævner."
    en = "Company is a need the municipality names."

    [target.needs_unmatched]
    source = "Målgruppe"
    da = "Det ønskede er ikke et behov, kommunen nævner."
    en = "What is wanted is not a need the municipality names."

    [target.look_at.information]
    source = "Borgerens ansvar"
    quote = "i det omfang at det er muligt"
    da = "Så vidt du kan, skal du give oplysninger."
    da_other = "Så vidt {name} kan, skal {name} give oplysninger."
    en = "As far as you can, you must give information."
    en_other = "As far as {name} can, {name} must give information."

    [target.can_apply]
    law = "retssikkerhedsloven § 5"
    da = "Efter de sociale love kan man altid søge."
    en = "Under social law, people can always apply."

    [rules.one_offer_at_a_time]
    effect = "maybe"
    when = [{ situation_any = ["other_104_offer"] }]
    source = "Omfang"
    quote = "bevilger som udgangspunkt ét aktivitets- og samværstilbud ad gangen"
    da = "Som regel giver kommunen kun ét tilbud ad gangen."
    en = "As a rule, the municipality grants only one offer at a time."

    [rules.club_offer]
    effect = "info"
    when = [{ situation_any = ["botilbud_with_activities"] }]
    source = "Omfang"
    quote = "klubtilbud til borgere, der ikke bor på botilbud"
    da = "Et klubtilbud gives kun til folk, der ikke bor i et botilbud."
    en = "A club offer is only for people who do not live in a residential home."

    [rules.exclusion_other_law]
    effect = "info"
    when = [{ wishes_any = ["escort", "practical_help"] }]
    source = "Ikke omfattet"
    quote = "herunder ledsagelse og personlig og praktisk hjælp"
    da = "Ledsagelse og personlig og praktisk hjælp er ikke en del af tilbuddet."
    en = "An escort and personal and practical help are not part of the offer."

    [offers.notes.own]
    source = "Leverandør"
    da = "Kommunen har egne tilbud."
    en = "The municipality has its own offers."

    [offers.items.store_havebo]
    name = "Store Havebo"

    [offers.items.solsikken]
    name = "Solsikken"

    [transport]
    condition = "not_stated"

    [next.follow_up]
    source = "Opfølgning"
    quote = "Kommunen følger løbende op, og ellers efter behov."
    da = "Kommunen følger løbende op, og også når der er brug for det."
    en = "The municipality follows up on an ongoing basis, and also when needed."

""") + "\n".join(_silent(key) for key in SILENT)


Write = Callable[..., tuple[Standard, str]]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write the test standard (with one change) and its seed; return (standard, seed)."""

    def _write(old: str = "", new: str = "", seed: str = SEED) -> tuple[Standard, str]:
        assert not old or old in TOML, f"test setup: {old!r} not in the test file"
        path = tmp_path / "999_proeve.toml"
        path.write_text(TOML.replace(old, new, 1) if old else TOML, encoding="utf-8")
        (tmp_path / "999_proeve.txt").write_text(seed, encoding="utf-8")
        return load_standard(path), seed

    return _write


def problems(standard: Standard, seed: str) -> list[str]:
    prefix = f"{standard.path}: "
    found = problems_against_seed(standard, seed)
    assert all(p.startswith(prefix) and "\n" not in p for p in found)
    return [p.removeprefix(prefix) for p in found]


def test_the_test_standard_passes_against_its_seed(write: Write) -> None:
    # Including an offer name that wraps over two lines of the seed ("Store / Havebo").
    assert problems(*write()) == []


def test_an_offer_the_seed_does_not_name_is_refused(write: Write) -> None:
    found = problems(*write('name = "Solsikken"', 'name = "Tilbud i socialpsykiatrien"'))
    assert found == [
        "offers.items.solsikken.name: 'Tilbud i socialpsykiatrien' is not named so in the seed"
    ]


def test_a_quote_must_be_verbatim_in_the_seed(write: Write) -> None:
    old = 'quote = "Kommunen følger løbende op, og ellers efter behov."'
    found = problems(*write(old, 'quote = "Kommunen følger op hver uge."'))
    assert found == [
        "next.follow_up.quote: not in the seed (verbatim, any line breaks): "
        "'Kommunen følger op hver uge.'"
    ]


def test_a_quote_must_stand_under_the_cited_section(write: Write) -> None:
    old = 'quote = "Kommunen følger løbende op, og ellers efter behov."'
    found = problems(*write(old, 'quote = "borgere med betydeligt nedsat funktionsevne"'))
    assert found == ["next.follow_up.quote: not under the cited section 'Opfølgning'"]


@pytest.mark.parametrize(
    ("old", "new", "key", "hedge"),
    [
        (  # Gentofte's "Kommunen følger op, når der er brug for det" dropped "løbende"
            'da = "Kommunen følger løbende op, og også når der er brug for det."',
            'da = "Kommunen følger op, når der er brug for det."',
            "next.follow_up", "løbende",
        ),
        (
            'da = "Kommunen følger løbende op, og også når der er brug for det."',
            'da = "Kommunen følger løbende op."',
            "next.follow_up", "efter behov",
        ),
        (  # Gentofte's "Du skal give de oplysninger" dropped "i det omfang at det er muligt"
            'da_other = "Så vidt {name} kan, skal {name} give oplysninger."',
            'da_other = "{Name} skal give oplysninger."',
            "target.look_at.information", "i det omfang",
        ),
        (
            'da = "Som regel giver kommunen kun ét tilbud ad gangen."',
            'da = "Kommunen giver kun ét tilbud ad gangen."',
            "rules.one_offer_at_a_time", "som udgangspunkt",
        ),
    ],
)  # fmt: skip
def test_a_hedge_in_the_quote_must_be_carried_into_the_danish_text(
    write: Write, old: str, new: str, key: str, hedge: str
) -> None:
    found = problems(*write(old, new))
    assert len(found) == 1
    assert found[0].startswith(f"{key}.quote: the seed says {hedge!r}, but the Danish text")


# One case per hedge: a quote with it, a text that carries it, a text that drops it.
HEDGE_CASES = {
    "løbende": ("følger løbende op", "Kommunen følger løbende op.", "Kommunen følger op."),
    "i det omfang": ("i det omfang at det er muligt", "Så vidt du kan, gør du det.",
                     "Du gør det."),
    "som udgangspunkt": ("Som udgangspunkt er tilbuddet varigt",
                         "Som regel er tilbuddet varigt.", "Tilbuddet er varigt."),
    "efter behov": ("én gang om året og ellers efter behov",
                    "Én gang om året, og når der er brug for det.", "Én gang om året."),
    "der kan være tilfælde": ("der kan være tilfælde, hvor de er i målgruppen",
                              "I nogle tilfælde hører de til.", "De hører også til."),
    "i helt særlige tilfælde": ("i helt specielle tilfælde afgøre",
                                "I helt særlige tilfælde afgør den.", "Den afgør det."),
    "fortsat": ("om borgeren fortsat er i målgruppen", "Om du stadig hører til.",
                "Om du hører til."),
    "vurdering": ("efter en vurdering", "Kommunen vurderer det.", "Kommunen bestemmer det."),
    "konkret/individuel": ("en konkret vurdering", "Kommunen vurderer netop din sag.",
                           "Kommunen vurderer sagen."),
    "frivillig": ("betaling for frivillige aktiviteter", "Det, du frivilligt vælger til.",
                  "Det, du laver."),
    "minimum": ("minimum én gang årligt", "Mindst én gang om året.", "Én gang om året."),
    "primært": ("primært niveau 3 og 4", "Især niveau 3 og 4.", "Niveau 3 og 4."),
    "så vidt muligt": ("så vidt muligt egne tilbud", "Den bruger så vidt muligt egne tilbud.",
                       "Den bruger egne tilbud."),
    "op til": ("op til 6 uger", "Det tager op til 6 uger.", "Det tager 6 uger."),
    "kan": ("der kan bevilges et klubtilbud", "Du kan få et klubtilbud.",
            "Du får et klubtilbud."),
}  # fmt: skip


def _statement(da: str) -> Statement:
    source = Source(SourceKind.SEED, "f.txt", Text("", ""), Text("", ""), "Afsnit")
    return Statement("x", source, Text(da, "-"))


def test_every_hedge_has_a_case() -> None:
    assert set(HEDGE_CASES) == {h.name for h in HEDGES}


@pytest.mark.parametrize("name", sorted(HEDGE_CASES))
def test_each_hedge_is_caught_when_dropped_and_passes_when_carried(name: str) -> None:
    quote, carried, dropped = HEDGE_CASES[name]
    assert not [p for p in hedges_dropped(quote, _statement(carried)) if repr(name) in p]
    assert [p for p in hedges_dropped(quote, _statement(dropped)) if repr(name) in p]


def test_a_rule_must_quote_the_seed_sentence_it_restates(write: Write) -> None:
    found = problems(*write('quote = "klubtilbud til borgere, der ikke bor på botilbud"\n', ""))
    assert found == ["rules.club_offer.quote: a rule must quote the seed sentence it restates"]


def test_a_rule_may_not_require_an_answer_its_sentence_does_not_name(write: Write) -> None:
    # Gentofte's club rule fired only for people already in a § 104 offer.
    old = 'when = [{ situation_any = ["botilbud_with_activities"] }]'
    new = (
        'when = [{ situation_any = ["other_104_offer"], '
        'situation_none = ["botilbud_with_activities"] }]'
    )
    assert problems(*write(old, new)) == [
        "rules.club_offer.when: requires 'other_104_offer', which the quoted seed sentence "
        "does not name"
    ]


def test_a_rule_must_test_every_answer_its_sentence_names(write: Write) -> None:
    # Roskilde's one bullet of help under other rules, split so one wish was left out.
    old = 'when = [{ wishes_any = ["escort", "practical_help"] }]'
    found = problems(*write(old, 'when = [{ wishes_any = ["escort"] }]'))
    assert found == [
        "rules.exclusion_other_law.when: the seed names 'praktisk hjælp', but no condition "
        "tests practical_help"
    ]


def test_saying_the_standard_is_silent_on_what_the_seed_says_is_refused(write: Write) -> None:
    # Næstved's "not stated whether it is free", though it charges only for extras.
    seed = SEED + "\nUdgifter\nDer opkræves betaling for frivillige aktiviteter.\n"
    found = problems(*write(seed=seed))
    assert "costs.free: says the standard is silent, but the seed says 'betaling': cite what " \
        "it says" in found  # fmt: skip
    assert "costs.own_payment: says the standard is silent, but the seed says 'betaling': " \
        "cite what it says" in found  # fmt: skip


def test_a_file_changed_after_loading_is_not_checked_half(write: Write) -> None:
    standard, seed = write()
    Path(standard.path).write_text(TOML + "\n# changed\n", encoding="utf-8")
    assert problems(standard, seed) == ["(file): changed since it was loaded; check it again"]


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            'da = "Efter de sociale love kan man altid søge."',
            'da = "Man kan altid søge."',
            "target.can_apply.da",
            "a text that cites law must say so (e.g. 'Efter loven ...')",
        ),
        (
            'quote = "i det omfang at det er muligt"',
            'quote = "muligt"',
            "target.look_at.information.quote",
            "must be a verbatim snippet of the seed, 3 words to 240 characters",
        ),
        (
            "[target.age]\nnot_stated = true\n",
            '[target.age]\nnot_stated = true\nquote = "tre ord her"\n',
            "target.age.quote",
            "only a statement with a source section quotes",
        ),
    ],
)
def test_the_file_check_refuses_law_not_said_as_law_and_bad_quotes(
    tmp_path: Path, old: str, new: str, key: str, message: str
) -> None:
    assert old in TOML
    path = tmp_path / "999_proeve.toml"
    path.write_text(TOML.replace(old, new, 1), encoding="utf-8")
    assert check_file(path) == [f"{path}: {key}: {message}"]


def test_cli_check_with_seed_prints_each_problem(write: Write) -> None:
    standard, _ = write('name = "Solsikken"', 'name = "Solhjem"')
    seed_path = Path(standard.path).with_suffix(".txt")
    result = CliRunner().invoke(standards_cli, ["check", standard.path, "--seed", str(seed_path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{standard.path}: offers.items.solsikken.name: 'Solhjem' is not named so in the seed"
    ]


CODES = ["173", "157", "575", "370", "265"]


@pytest.mark.parametrize("code", CODES)
def test_each_real_file_passes_every_seed_check(
    code: str, standards: dict[str, Standard], seed_texts: dict[str, str]
) -> None:
    assert problems_against_seed(standards[code], seed_texts[code]) == []


@pytest.mark.parametrize("code", CODES)
def test_the_real_complaint_deadline_cites_the_paragraph_exactly(
    code: str, standards: dict[str, Standard]
) -> None:
    deadline = standards[code].next_steps.complaint_deadline
    if deadline is not None:
        assert deadline.source.law == "retssikkerhedsloven § 67, stk. 1"
        assert deadline.text("da").startswith("Efter loven har du 4 uger til at klage")
        assert deadline.text("en").startswith("By law, you have 4 weeks to complain")
