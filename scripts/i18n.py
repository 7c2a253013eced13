"""Keep the message catalogues in step with the code.

    python scripts/i18n.py update    extract, update da and en, fill Danish from the source
    python scripts/i18n.py check     list untranslated or fuzzy messages (exit 1 if any)

Danish is the source language, so a Danish message is its own translation; English must be
written by a person. `make translations` runs `update`; the test suite runs the same check.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LANGUAGES = ("da", "en")


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "-o",
        str(POT),
        "--no-location",
        "--sort-output",
        "--project",
        "portal",
        "--copyright-holder",
        "The portal's authors",
        "--omit-header",
        str(ROOT / "portal"),
        str(ROOT / "templates"),
    )


def fill_danish() -> None:
    path = po_path("da")
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="da")
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            if not any(message.string):
                message.string = tuple(message.id)
        elif not message.string or message.fuzzy:
            message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog, no_location=True, sort_output=True, width=100)


def problems(lang: str) -> list[str]:
    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    found = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            found.append(f"{lang}: fuzzy: {message.id!r}")
        elif not all(strings):
            found.append(f"{lang}: untranslated: {message.id!r}")
    return found


def update() -> None:
    extract()
    for lang in LANGUAGES:
        if po_path(lang).exists():
            pybabel(
                "update",
                "-i",
                str(POT),
                "-d",
                str(TRANSLATIONS),
                "-l",
                lang,
                "--width",
                "100",
                "--ignore-obsolete",
            )
        else:
            pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang)
    fill_danish()


def main(argv: list[str]) -> int:
    if argv[1:] == ["update"]:
        update()
        found = problems("en")
        print(f"{len(found)} English messages need a translation.")
        return 0
    if argv[1:] == ["check"]:
        found = [p for lang in LANGUAGES for p in problems(lang)]
        print("\n".join(found) or "All messages are translated.")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
