"""The settings file the systemd units read (/etc/portal/portal.env), read for `portal -e`,
and the check that a command run by hand as root does not spoil the service's folder.

systemd's EnvironmentFile= format, where systemd and this reader agree: NAME=value lines,
blank lines and lines starting with # or ; skipped, space around the name and the value
dropped. Quotes and backslashes, which systemd reads in its own way, are refused rather than
guessed at, so a file this accepts means the same to the units. Pure: no Flask, no click.
"""

from __future__ import annotations

import os
import pwd
import re
from pathlib import Path

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class EnvFileError(ValueError):
    """A line this reader will not guess at. The message names the line, never its value,
    which may be a key."""


def read(path: str | Path) -> dict[str, str]:
    values = {}
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        name, equals, value = (part.strip() for part in line.partition("="))
        if not equals or not _NAME.fullmatch(name):
            raise EnvFileError(f"line {number} is not NAME=value.")
        if value[:1] in ("'", '"') or "\\" in value:
            raise EnvFileError(
                f"line {number} ({name}): write the value without quotes or backslashes."
            )
        values[name] = value
    return values


def root_in_service_folder(instance_path: str | None) -> str | None:
    """Why a command must not run here, or None. Run as root, a command creates files in the
    instance folder (the static cache, an SQLite database) that belong to root, and the
    service's user can then neither rebuild nor write them: the portal stops starting. So
    root is refused when the folder, or the nearest existing one above it, is another user's."""
    if not instance_path or os.geteuid() != 0:
        return None
    folder = Path(instance_path)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    owner = folder.stat().st_uid
    if owner == 0:
        return None
    try:
        name = pwd.getpwuid(owner).pw_name
    except KeyError:
        name = str(owner)
    return (
        f"Run as root, this command would leave files in {instance_path} that the user {name} "
        f"cannot use. Run it as that user: runuser -u {name} -- portal …"
    )
