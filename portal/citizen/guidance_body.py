"""The guidance page's body, laid out and rendered once per distinct guidance, filled in per
request.

The engine runs for every request (it is cheap, and its result is what the body is made from).
Laying the result out (portal.guidance_layout) and rendering it cost three times as much, and
many citizens get the same guidance: the same municipality, standard version, language, voice
and the same categorical answers give the same engine result. So the body is rendered once per
(engine result, language, voice, whether a first name is known, script root), with a marker
where the person's first name and the CSRF token go, and kept as a Skeleton
(portal.citizen.step_pages) in a bounded least-recently-used cache.

Nothing personal is kept. The key is the engine's result: statements of the published standard,
enums and flags, never an answer's own value (no name, CPR number, birth date or free text; the
result has none of them: tests/web/test_guidance_body.py checks the cache after real journeys).
The first name is a marker in the kept body and is escaped into it per request; the CSRF token
likewise. A name the marker could not stand in for exactly (anything but letters, spaces and
hyphens: a full stop would split a sentence where the marker does not) gets the full render,
which stays the reference: the tests compare the two.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable
from types import SimpleNamespace
from typing import Any

from flask import render_template, request
from markupsafe import Markup, escape

from portal.draft_answers import engine_answers
from portal.guidance import Guidance, guidance
from portal.web.questions.base import Context
from portal.web.questions.guidance_view import guidance_page
from portal.web.questions.voice import Voice

from .step_pages import CLOSE, OPEN, Skeleton, Slot, SlotVoice

TEMPLATE = "citizen/_guidance_body.html"
# Distinct guidances are few (a result per combination of a handful of categorical answers and
# five standards); a bound keeps a flood of rare combinations from growing the worker.
CACHE_MAX = 512
# The snapshot's own name marker: portal.standards.text.fill_name capitalises a name's first
# letter for "{Name}", so the marker begins with a letter that shows which of the two it was.
SNAPSHOT_NAME = "x" + Slot("sname")
_MARKS = {"X" + Slot("sname"): Slot("Name"), SNAPSHOT_NAME: Slot("name")}
# Names the marker stands in for exactly: letters, single spaces and hyphens between them. With
# these, escaping changes nothing, and no sentence is split or joined differently.
PLAIN_NAME = re.compile(r"[^\W\d_]+(?:[ -][^\W\d_]+)*")

_BODIES: OrderedDict[Hashable, Skeleton | None] = OrderedDict()
_LOCK = threading.Lock()


def result_for(answers: dict[str, Any], context: Context) -> Guidance:
    """The engine's result for these answers (portal.web.questions.guidance_view's snapshot is
    this result in the voice used)."""
    standard = context.standard
    offer_ids = frozenset(o.id for o in standard.offers.items)
    return guidance(engine_answers(answers, offer_ids), standard)


def full_body(result: Guidance, voice: Voice, lang: str, form: Any) -> Markup:
    """The body rendered for this request alone: the reference, and the fallback."""
    words = guidance_page(result.to_dict(name=voice.first_name), voice, lang)
    return Markup(render_template(TEMPLATE, continue_form=form, **words))  # noqa: S704


def guidance_body(answers: dict[str, Any], context: Context, lang: str, form: Any) -> Markup:
    """The body of the guidance page for these answers, from the cache where it can be."""
    result = result_for(answers, context)
    voice = context.voice
    named = voice.other and voice.first_name is not None
    if named and not PLAIN_NAME.fullmatch(voice.first_name or ""):
        return full_body(result, voice, lang, form)
    key = HashedOnce((result, lang, voice.other, named, request.script_root))
    skeleton = _cached(key)
    if skeleton is None:
        if _known(key):  # built before and refused: the full render
            return full_body(result, voice, lang, form)
        skeleton = _build(result, voice, lang, named)
        _keep(key, skeleton)
        if skeleton is None:
            return full_body(result, voice, lang, form)
    values = {"csrf": str(escape(form.csrf_token.current_token))}
    if named:
        values["name"], values["Name"] = str(escape(voice.name)), str(escape(voice.Name))
    return Markup(skeleton.fill(values, {}))  # noqa: S704 (our own template's parts, values escaped)


def _build(result: Guidance, voice: Voice, lang: str, named: bool) -> Skeleton | None:
    """The body with markers for the name and the token; None when something else would vary."""
    marked_voice: Voice = SlotVoice(other=True) if named else voice
    words = guidance_page(result.to_dict(name=SNAPSHOT_NAME if named else None), marked_voice, lang)
    form = SimpleNamespace(csrf_token=SimpleNamespace(current_token=Slot("csrf")))
    html = render_template(TEMPLATE, continue_form=form, **words)
    for mark, slot in _MARKS.items():
        html = html.replace(mark, slot)
    skeleton = Skeleton.parse(html)
    holes = {field for _, field, _ in skeleton.slots}
    allowed = {"csrf", "name", "Name"} if named else {"csrf"}
    if "csrf" not in holes or not holes <= allowed or OPEN in "".join(skeleton.parts):
        return None
    if CLOSE in "".join(skeleton.parts):
        return None
    return skeleton


class HashedOnce:
    """A cache key whose hash is computed once: hashing a guidance result walks every
    statement in it, and a look-up in the ordered cache hashes its key two or three times."""

    __slots__ = ("_hash", "key")

    def __init__(self, key: Hashable) -> None:
        self.key = key
        self._hash = hash(key)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HashedOnce):
            return NotImplemented
        return self._hash == other._hash and self.key == other.key


def _cached(key: Hashable) -> Skeleton | None:
    with _LOCK:
        skeleton = _BODIES.get(key)
        if skeleton is not None:
            _BODIES.move_to_end(key)
        return skeleton


def _known(key: Hashable) -> bool:
    return key in _BODIES


def _keep(key: Hashable, skeleton: Skeleton | None) -> None:
    with _LOCK:
        _BODIES[key] = skeleton
        _BODIES.move_to_end(key)
        while len(_BODIES) > CACHE_MAX:
            _BODIES.popitem(last=False)


def cached_parts() -> list[str]:
    """Every text the cache holds (for the tests: none of it may be personal)."""
    with _LOCK:
        return [part for s in _BODIES.values() if s is not None for part in s.parts]


def clear() -> None:
    with _LOCK:
        _BODIES.clear()
