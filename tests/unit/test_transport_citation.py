"""The transport rule's citation is what the seeds give. Every seed names serviceloven § 104
as the offer's basis and none cites a paragraph for transport (an outside reader expected
§ 105): each says in its own section that the municipality pays, so the portal cites that
section, in the guidance and in the decision letter, and no paragraph of the law."""

from __future__ import annotations

import re

from portal.standards import SourceKind, Standard

PARAGRAPH = re.compile(r"§\s*(\d+)")


def test_every_seed_gives_104_and_none_cites_a_paragraph_for_transport(
    seed_texts: dict[str, str],
) -> None:
    for code, text in seed_texts.items():
        cited = set(PARAGRAPH.findall(text))
        assert "104" in cited, code
        assert "105" not in cited, code


def test_the_transport_rules_cite_their_seed_section_and_no_paragraph(
    standards: dict[str, Standard], seed_texts: dict[str, str]
) -> None:
    for code, standard in standards.items():
        t = standard.transport
        said = [s for s in (t.rule, t.covered, t.not_covered, t.depends, t.how) if s]
        assert {s.source.kind for s in said} == {SourceKind.SEED}, code
        texts = [s.text(lang, None, other) for s in said for lang in ("da", "en")
                 for other in (False, True)]  # fmt: skip
        assert not any(PARAGRAPH.search(text) for text in texts), code
