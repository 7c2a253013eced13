"""The citizen's journey with every field made hostile in turn, at each step as the citizen
reaches it (the draft holds the answers before it); then every other form a citizen with a
draft is shown; then each step's form once more from a visitor without a draft. An answer the
step accepts must come back unchanged in its box when the page is opened again."""

from __future__ import annotations

from flask import Flask
from werkzeug.test import TestResponse

from tests.fuzz.drive import Hook, discover, fuzz_form, send, shape
from tests.fuzz.forms import Form, forms_on
from tests.fuzz.oracles import Case, Fuzzer
from tests.fuzz.values import BUTTON, CORPUS, Scale, Value, is_markup
from tests.fuzz.world import Persona, citizen
from tests.web.journey import ANSWERS, FOR_OTHER, answer_until, post_step, status_links, submit
from tests.web.url_map import audience, rules

JOURNEY = {**ANSWERS, **FOR_OTHER}
CHECK = "/ansoeg/tjek"
TYPED = {"text", "textarea", "email", "tel", "search"}


def step_form(persona: Persona, location: str) -> Form:
    html = persona.client.get(location).get_data(as_text=True)
    forms = [f for f in forms_on(location, html) if f.method == "POST" and f.path == location]
    assert len(forms) == 1, (location, [f.action for f in forms])
    return forms[0]


def shown_back(fuzz: Fuzzer, persona: Persona, form: Form) -> Hook:
    """After an accepted answer with something a page could get wrong in a box (markup,
    a template, right-to-left text, combining marks), the step shows it again, as typed."""

    def check(overrides: dict[str, list[Value]], response: TestResponse) -> None:
        if response.status_code != 303:
            return
        typed = {
            name: values[0] for name, values in overrides.items()
            if name in form.fields and form.fields[name].kind in TYPED and len(values) == 1
            and isinstance(values[0], str) and tricky(values[0])
        }  # fmt: skip
        if not typed:
            return
        case = Case(persona.name, "GET", form.path, sent=tuple(typed.values()), kind="echo")
        page = fuzz.send(persona.client, case).get_data(as_text=True)
        shown = next(f for f in forms_on(form.path, page) if f.path == form.path).fields
        for name, value in typed.items():
            # As typed, or without the spaces around it; or not kept at all, as a box the
            # answer makes irrelevant is not (the text of "another offer" when none is).
            if (shown[name].value or "") not in {value, value.strip(), ""}:
                case.kind, case.value = f"echo={name}", value
                fuzz.complain(case, f"shown back as {shown[name].value!r}")

    return check


def tricky(value: str) -> bool:
    return is_markup(value) or "{" in value or not value.isascii()


def test_every_step_of_the_journey_survives_hostile_answers(
    app: Flask, fuzz: Fuzzer, scale: Scale
) -> None:
    persona = citizen(app)
    location = persona.client.get("/ansoeg").headers["Location"]
    steps: list[Form] = []
    while location in JOURNEY:
        if location not in {f.path for f in steps}:
            form = step_form(persona, location)
            form.preset(JOURNEY[location])
            fuzz_form(fuzz, persona, form, scale, hook=shown_back(fuzz, persona, form))
            steps.append(form)
        # The step's own good answer again, whatever the fuzzing left: the journey goes on.
        response = post_step(persona.client, location, JOURNEY[location])
        assert response.status_code == 303, location
        location = response.headers["Location"]
    assert location == CHECK and len(steps) >= 20, (location, len(steps))
    fuzz_the_other_forms(app, fuzz, scale, persona, seen={shape(f) for f in steps})
    without_a_draft(app, fuzz, steps)
    fuzz.assert_clean(at_least=2500)


def fuzz_the_other_forms(
    app: Flask, fuzz: Fuzzer, scale: Scale, persona: Persona, seen: set[tuple[str, ...]]
) -> None:
    """Every other form on a citizen page (save for later, start over, the language), the
    check page's last: it sends the application. After each, the draft is made whole again
    (a fuzzed "start over" may have deleted it)."""
    arguments = {a for rule in app.url_map.iter_rules() for a in rule.arguments}
    samples: dict[str, list[str]] = {a: [] for a in arguments} | {"code": ["da"]}
    pages = [p for e, p in rules(app, "GET", samples)
             if audience(app, e) in {"citizen", "public"} and not e.startswith("staff.")]  # fmt: skip
    forms = [f for f in discover(persona, pages) if shape(f) not in seen]
    forms.sort(key=lambda f: f.path == CHECK)
    assert len(forms) >= 3, [f.action for f in forms]
    for form in forms:
        fuzz_form(fuzz, persona, form, scale)
        if form.path != CHECK:
            assert answer_until(persona.client, other=True) == CHECK


def without_a_draft(app: Flask, fuzz: Fuzzer, steps: list[Form]) -> None:
    """Each step's form from a visitor who has no draft (only the first step may start
    one): the good answer, and a few hostile values in every field."""
    for form in steps:
        visitor = citizen(app, "visitor")
        send(fuzz, visitor, form, {}, "no-draft")
        for key in BUTTON:
            value = CORPUS[key]
            send(fuzz, visitor, form, {n: [value] for n in form.names}, "no-draft", value)


def test_every_form_after_sending_survives_hostile_values(
    app: Flask, fuzz: Fuzzer, scale: Scale
) -> None:
    """The receipt's "send me the links" and the status page's withdrawal, as the citizen who
    has just sent the application (a withdrawal taken ends it: the rest meet a closed case)."""
    persona = citizen(app, "applicant")
    answer_until(persona.client, other=True)
    assert submit(persona.client).status_code == 303
    receipt = persona.client.get("/kvittering").get_data(as_text=True)
    status = status_links(receipt)[0]
    forms = discover(persona, ["/kvittering", status, f"{status}/traek-tilbage"])
    forms = [f for f in forms if not f.path.startswith("/sagsbehandler")]
    assert {f.path for f in forms} >= {"/kvittering", f"{status}/traek-tilbage"}, forms
    for form in sorted(forms, key=lambda f: f.path.endswith("traek-tilbage")):
        fuzz_form(fuzz, persona, form, scale)
    fuzz.assert_clean(at_least=70)
