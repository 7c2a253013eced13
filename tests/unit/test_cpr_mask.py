"""A CPR number is shown masked the same way everywhere: the birth date and four x's."""

from __future__ import annotations

import pytest

from portal.cpr import masked


@pytest.mark.parametrize(
    ("number", "shown"),
    [("010190-1234", "010190-xxxx"), ("0101901234", "010190-xxxx"), ("", ""), ("  ", "")],
)
def test_only_the_birth_date_is_shown(number: str, shown: str) -> None:
    assert masked(number) == shown
    assert "1234" not in masked(number)
