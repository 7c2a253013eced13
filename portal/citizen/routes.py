"""Citizen pages."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.web.access import access

bp = Blueprint("citizen", __name__)


@bp.get("/")
@access("public")
def start() -> str:
    return render_template("citizen/start.html")
