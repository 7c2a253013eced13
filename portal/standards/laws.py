"""The general rules of law a standard file may cite, with the figures each one sets.

A municipality's file may state a general rule of law only where its own standard is silent,
and only with the law cited (docs/standards.md). Citations are limited to this list so every
figure shown to a citizen has been checked against the law by a person: a number in a
statement (or a rule's age threshold) that cites a law must appear in that law's summary here.
Add a law here, with a plain summary of what it says, before a file may cite it.
"""

from __future__ import annotations

LAWS: dict[str, str] = {
    # § 5 has one paragraph (no stk.): cited whole.
    "retssikkerhedsloven § 5": (
        "Kommunen skal behandle ansøgninger og spørgsmål om hjælp ud fra alle de muligheder for "
        "hjælp, der er i den sociale lovgivning, også rådgivning og vejledning. Den skal også se, "
        "om der kan søges hjælp hos en anden myndighed eller efter anden lovgivning."
    ),
    # The 4-week deadline is § 67's opening rule (stk. 1). § 66 is the genvurdering: the
    # municipality looks at the case again before the complaint goes on to Ankestyrelsen.
    "retssikkerhedsloven § 67, stk. 1": (
        "Fristen for at klage er 4 uger fra den dag, man har fået besked om afgørelsen."
    ),
    "lov om social pension § 1 a": (
        "Folkepensionsalderen er 65 til 67 år for personer født før 1963; 67 år for personer "
        "født fra 1. juli 1955 til 31. december 1962, og højere for personer født senere."
    ),
}
