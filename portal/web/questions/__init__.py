"""The questions, as forms and words: what both blueprints and the hand-off's case file read.

The citizen's pages ask them (portal.citizen), a caseworker asks them on a citizen's behalf and
reads the answers in the citizen's words (portal.staff), and the case file prints them
(portal.web.handoff_render). Neither blueprint imports the other; both import this (an
import-linter contract in pyproject.toml keeps it so).

  voice.py          "du" or the person's name: every text in both voices
  base.py           the base of every question page's form, choices defined once
  about.py, needs.py, contact.py   one form per question page
  forms.py          which form each step has, and a stored choice as its words
  guidance_view.py  the guidance as stored with the application, and the portal's words round it
"""

# The browser session's key for the draft the questions fill in: the citizen's own, or the one
# a caseworker registers on the phone (portal.staff.register starts it, the citizen's pages go on).
DRAFT_KEY = "draft"
