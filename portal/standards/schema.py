"""The layout of a municipality's TOML file, turned into a `Standard` (docs/standards.md).

Each `_build_*` function reads one top-level table. Problems are collected in the context;
the loader refuses the file when there are any, so the placeholders used for missing values
never reach the engine.
"""

from __future__ import annotations

import re
from typing import Any

from portal.answers import DayLength, Difficulty, Situation, Wish
from portal.standards.laws import LAWS
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
from portal.standards.reader import Context, Node
from portal.standards.text import Source, SourceKind, Statement, Text

SCHEMA_VERSION = 1
# Word stems in an offer's name that say whom it is for (`name_says`). Deliberately narrow:
# "Sociale" in a provider's name ("Næstved Sociale Virksomhed") says nothing about whom.
NAME_STEMS: dict[Difficulty, tuple[str, ...]] = {
    Difficulty.PHYSICAL: ("fysisk",),
    Difficulty.MENTAL: ("autis", "psykiatri", "psykisk", "hjerneskade", "udviklingshæm"),
    Difficulty.SOCIAL: ("misbrug", "hjemløs", "socialt udsat"),
}
CODE_RE = re.compile(r"^\d{3}$")
CONDITION_KEYS = {
    "situation_any",
    "situation_none",
    "wishes_any",
    "difficulties_any",
    "help_level_in",
    "days_per_week_below",
    "day_length_any",
    "age_at_least",
    "born_before_year",
    "law",
}


def build(ctx: Context, data: dict[str, Any], version: str) -> Standard:
    root = Node(ctx, data, "")
    if root.raw("schema") != SCHEMA_VERSION:
        ctx.problem("schema", f"must be {SCHEMA_VERSION}")
    code = root.string("code")
    if code and not CODE_RE.match(code):
        ctx.problem("code", 'must be the 3-digit kommunekode as text, e.g. "157"')
    ctx.seed_file = root.string("seed_file")
    ctx.municipality = root.text("name")
    ctx.document = root.text("document")
    standard = Standard(
        code=code,
        name=ctx.municipality,
        document=ctx.document,
        seed_file=ctx.seed_file,
        version=version,
        path=ctx.file,
        target=_build_target(_need(root.table("target"), ctx, "target")),
        offers=_build_offers(_need(root.table("offers"), ctx, "offers")),
        scope=_build_scope(_need(root.table("scope"), ctx, "scope")),
        costs=_build_costs(_need(root.table("costs"), ctx, "costs")),
        transport=_build_transport(_need(root.table("transport"), ctx, "transport")),
        next_steps=_build_next(_need(root.table("next"), ctx, "next")),
        rules=_build_rules(root),
        statements=tuple(ctx.statements),
    )
    root.finish()
    _check_unique_ids(ctx)
    return standard


def _need(node: Node | None, ctx: Context, path: str) -> Node:
    """An empty stand-in for a missing table (already reported) so building can go on."""
    return node if node is not None else Node(ctx, {}, path)


def _placeholder(ctx: Context, key: str) -> Statement:
    source = Source(SourceKind.NOT_STATED, ctx.seed_file, ctx.municipality, ctx.document)
    return Statement(key, source, Text("", ""))


def _req(node: Node, name: str) -> Statement:
    statement = node.statement(name)
    return statement if statement is not None else _placeholder(node.ctx, node.key(name))


def _build_target(node: Node) -> TargetGroup:
    min_age = node.integer("min_age", 0, 130)
    age_below = node.statement("age_below", required=min_age is not None)
    if min_age is None and age_below is not None:
        node.ctx.problem(node.key("age_below"), "only used with min_age")
    unstated = node.statement("age_below_not_stated", required=min_age is None)
    silent = unstated is not None and unstated.source.kind is SourceKind.NOT_STATED
    if unstated is not None and (min_age is not None or not silent):
        key = node.key("age_below_not_stated")
        node.ctx.problem(key, "only where the standard states no age, as not_stated")
    levels = _build_levels(node.table("function_levels", required=False))
    needs = tuple(_build_need(key, child) for key, child in node.subtables("needs", True))
    if not needs:
        node.ctx.problem(node.key("needs"), "name at least one need")
    target = TargetGroup(
        group=_req(node, "group"),
        group_match=_req(node, "group_match"),
        group_unknown=_req(node, "group_unknown"),
        age=_req(node, "age"),
        min_age=min_age,
        age_below=age_below,
        age_below_not_stated=unstated,
        manages_alone=node.statement("manages_alone", required=levels is None),
        needs=needs,
        needs_unmatched=_req(node, "needs_unmatched"),
        look_at=tuple(_statements(node, "look_at")),
        can_apply=_req(node, "can_apply"),
        function_levels=levels,
    )
    node.finish()
    return target


def _statements(node: Node, name: str) -> list[Statement]:
    out = []
    for _key, child in node.subtables(name):
        out.append(child.as_statement())
        child.finish()
    return out


def _build_need(key: str, node: Node) -> Need:
    wishes = node.enum_set("wishes", Wish)
    if not wishes:
        node.ctx.problem(node.key("wishes"), "list the wishes that express this need")
    need = Need(key, wishes, node.as_statement())
    node.finish()
    return need


def _build_levels(node: Node | None) -> FunctionLevels | None:
    if node is None:
        return None
    primary = node.int_set("primary", 0, 4)
    sometimes = node.int_set("sometimes", 0, 4)
    if not primary or primary & sometimes:
        node.ctx.problem(node.key("primary"), "must be non-empty and apart from 'sometimes'")
    levels = FunctionLevels(
        primary=primary,
        sometimes=sometimes,
        primary_text=_req(node, "primary_text"),
        sometimes_text=_req(node, "sometimes_text"),
        outside_text=_req(node, "outside_text"),
        exception=node.statement("exception", required=False),
    )
    node.finish()
    return levels


def _build_offers(node: Node) -> Offers:
    items = []
    for key, child in node.subtables("items"):
        raw_name = child.raw("name")
        if isinstance(raw_name, str) and raw_name.strip():
            name = Text(raw_name, raw_name)
        else:
            child.seen.discard("name")
            name = child.text("name")
        name_says = child.enum_set("name_says", Difficulty)
        _check_name_says(child, name, name_says)
        items.append(Offer(key, name, name_says, child.statement("target", required=False)))
        child.finish()
    offers = Offers(
        items=tuple(items),
        notes=tuple(_statements(node, "notes")),
        kind=node.enum("kind", OfferKind, OfferKind.OFFERS)
        if node.has("kind")
        else OfferKind.OFFERS,
        shared_target=node.statement("no_target", required=False),
        activities=tuple(_statements(node, "activities")),
    )
    if not offers.notes:
        node.ctx.problem(node.key("notes"), "say how an offer is chosen (or that it is not stated)")
    node.finish()
    return offers


def _check_name_says(node: Node, name: Text, groups: frozenset[Difficulty]) -> None:
    """An offer's group may be stated only where its own name says it: the standards list
    offers by name and say nothing more about whom each is for."""
    words = name.da.lower()
    for group in sorted(groups):
        if not any(stem in words for stem in NAME_STEMS[group]):
            node.ctx.problem(
                node.key("name_says"), f"the name {name.da!r} does not say the offer is {group}"
            )


def _build_scope(node: Node) -> Scope:
    scope = Scope(
        days_min=node.integer("days_min", 1, 7),
        days_max=node.integer("days_max", 1, 7),
        day_lengths=node.enum_set("day_lengths", DayLength),
        days=_req(node, "days"),
        day_length=_req(node, "day_length"),
        duration=_req(node, "duration"),
    )
    node.finish()
    return scope


def _build_costs(node: Node) -> Costs:
    costs = Costs(_req(node, "free"), _req(node, "own_payment"), _req(node, "wage"))
    node.finish()
    return costs


def _build_transport(node: Node) -> Transport:
    condition = node.enum("condition", TransportCondition, TransportCondition.NOT_STATED)
    stated = condition is not TransportCondition.NOT_STATED
    transport = Transport(
        condition=condition,
        rule=_req(node, "rule"),
        covered=node.statement("covered", required=stated),
        not_covered=node.statement("not_covered", required=stated),
        depends=node.statement("depends", required=stated),
        how=node.statement("how", required=False),
    )
    node.finish()
    return transport


def _build_next(node: Node) -> NextSteps:
    steps = NextSteps(
        unit=_req(node, "unit"),
        apply=_req(node, "apply"),
        contact=_req(node, "contact"),
        processing_time=_req(node, "processing_time"),
        processing_weeks=node.integer("processing_weeks", 1, 52),
        assessment=_req(node, "assessment"),
        action_plan=_req(node, "action_plan"),
        follow_up=_req(node, "follow_up"),
        complaint=_req(node, "complaint"),
        complaint_deadline=node.statement("complaint_deadline", required=False),
        complaint_weeks=node.integer("complaint_weeks", 1, 52),
        complaint_route=node.statement("complaint_route", required=False),
        complaint_start=node.statement("complaint_start", required=False),
        free_choice=_req(node, "free_choice"),
        clarification=node.statement("clarification", required=False),
        notes=tuple(_statements(node, "notes")),
    )
    # The letter says the law's route and start where the standard is silent; a line of the
    # standard's own that cites a law or a silence would never be shown (portal.decisions).
    for key in ("complaint_route", "complaint_start"):
        line = getattr(steps, key)
        if line is not None and line.source.kind is not SourceKind.SEED:
            node.ctx.problem(node.key(key), "cite your standard's section, or leave it out")
    node.finish()
    return steps


def _build_rules(root: Node) -> tuple[Rule, ...]:
    rules = []
    for key, node in root.subtables("rules"):
        effect = node.enum("effect", Effect, Effect.INFO)
        when = _build_conditions(node)
        rules.append(Rule(key, effect, when, node.as_statement()))
        node.finish()
    return tuple(rules)


def _build_conditions(node: Node) -> tuple[Condition, ...]:
    raw = node.raw("when")
    if not isinstance(raw, list) or not raw or not all(isinstance(c, dict) for c in raw):
        node.ctx.problem(node.key("when"), "must be a list of condition tables (any may hold)")
        return ()
    return tuple(
        _build_condition(Node(node.ctx, c, f"{node.key('when')}[{i}]")) for i, c in enumerate(raw)
    )


def _build_condition(node: Node) -> Condition:
    condition = Condition(
        situation_any=node.enum_set("situation_any", Situation),
        situation_none=node.enum_set("situation_none", Situation),
        wishes_any=node.enum_set("wishes_any", Wish),
        difficulties_any=node.enum_set("difficulties_any", Difficulty),
        help_level_in=node.int_set("help_level_in", 0, 4),
        days_per_week_below=node.integer("days_per_week_below", 2, 7),
        day_length_any=node.enum_set("day_length_any", DayLength),
        age_at_least=node.integer("age_at_least", 0, 130),
        born_before_year=node.integer("born_before_year", 1890, 2200),
        law=node.string("law", required=False) or None,
    )
    if not set(node.data) & (CONDITION_KEYS - {"law"}):
        node.ctx.problem(node.path, "an empty condition would always hold")
    ages = condition.age_at_least is not None or condition.born_before_year is not None
    if ages and not condition.law:
        node.ctx.problem(node.key("law"), "an age threshold must cite the law it comes from")
    if condition.law and condition.law not in LAWS:
        node.ctx.problem(node.key("law"), "unknown law; add it to portal/standards/laws.py")
    node.finish()
    return condition


def _check_unique_ids(ctx: Context) -> None:
    seen: set[str] = set()
    for statement in ctx.statements:
        if statement.id in seen:
            ctx.problem(statement.id, "duplicate statement id")
        seen.add(statement.id)
