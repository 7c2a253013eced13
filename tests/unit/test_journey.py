"""The question flow as data: order, conditions, guards and pruning."""

from __future__ import annotations

from portal import journey

FOR_ME = {"who": {"who": "self"}}
FOR_OTHER = {"who": {"who": "other"}}


def ids(steps: list[journey.Step]) -> list[str]:
    return [s.id for s in steps]


def test_applying_for_yourself_skips_the_questions_about_the_representative() -> None:
    visible = ids(journey.visible(FOR_ME))
    for step in ("relation", "authority", "applicant_name", "representative"):
        assert step not in visible
    assert visible[0] == "who" and visible[-1] == "check"


def test_applying_for_someone_else_asks_relation_authority_name_and_representative() -> None:
    visible = ids(journey.visible(FOR_OTHER))
    assert visible[:5] == ["who", "relation", "authority", "applicant_name", "municipality"]
    assert "representative" in visible


def test_a_new_draft_starts_at_the_first_question() -> None:
    assert journey.first_unanswered({}).id == "who"


def test_next_step_skips_questions_already_answered() -> None:
    answers = {**FOR_ME, "municipality": {"municipality": "265"}}
    assert journey.next_step("who", answers).id == "age"


def test_a_step_cannot_be_visited_before_the_ones_before_it_are_answered() -> None:
    assert journey.may_visit("who", {})
    assert not journey.may_visit("age", FOR_ME)
    assert journey.may_visit("municipality", FOR_ME)
    assert not journey.may_visit("relation", FOR_ME)
    assert not journey.may_visit("no-such-step", FOR_ME)


def test_back_goes_to_the_previous_visible_step() -> None:
    assert journey.previous_step("municipality", FOR_ME).id == "who"  # type: ignore[union-attr]
    assert journey.previous_step("municipality", FOR_OTHER).id == "applicant_name"  # type: ignore[union-attr]
    assert journey.previous_step("who", FOR_ME) is None


def test_answers_to_questions_no_longer_asked_are_dropped() -> None:
    answers = {
        "who": {"who": "self"},
        "relation": {"relation": "guardian"},
        "applicant_name": {"first_name": "Karen"},
        "unknown": {"x": 1},
    }
    assert journey.prune(answers) == {"who": {"who": "self"}}


def test_when_everything_is_answered_the_flow_ends_at_the_check_page() -> None:
    answers = {s.id: {} for s in journey.visible(FOR_ME) if s.id != "check"}
    answers["who"] = {"who": "self"}
    assert journey.first_unanswered(answers).id == "check"
    assert journey.next_step("consent", answers).id == "check"


def test_the_step_indicator_has_five_sections_and_marks_the_current_one() -> None:
    states = journey.sections(FOR_ME, "municipality")
    assert [s.section for s in states] == list(journey.Section)
    assert [s.current for s in states] == [True, False, False, False, False]
    assert states[0].reachable and not states[1].reachable
    assert not any(s.done for s in states)


def test_a_caseworker_registering_a_phone_application_skips_the_representatives_questions() -> None:
    answers = {**FOR_OTHER, journey.REGISTRATION: {"channel": "phone", "staff_id": 1}}
    visible = ids(journey.visible(answers))
    assert "applicant_name" in visible
    for step in ("relation", "authority", "representative"):
        assert step not in visible
    assert journey.prune(answers)[journey.REGISTRATION] == {"channel": "phone", "staff_id": 1}


def test_a_section_is_reachable_exactly_when_its_first_step_may_be_visited() -> None:
    """sections() finds reachability in one pass; may_visit() is the rule it must agree with,
    for every prefix of answers, with gaps, for oneself, for another, and registered by phone."""
    import random

    rng = random.Random(12)
    bases = [{"who": {"who": "self"}}, {"who": {"who": "other"}},
             {"who": {"who": "other"}, journey.REGISTRATION: {"channel": "phone"}}]  # fmt: skip
    for base in bases:
        for _ in range(200):
            answers = dict(base)
            for step in journey.STEPS[1:-1]:
                if rng.random() < 0.8:
                    answers[step.id] = {}
            current = rng.choice(journey.STEPS).id
            for state in journey.sections(answers, current):
                assert state.reachable == journey.may_visit(state.first_step, answers), state
