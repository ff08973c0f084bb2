"""A judgement of meaning as plain data: frozen, with its conflicts and defaults."""

from __future__ import annotations

import dataclasses

import pytest

from citeaudit.meaning.judgement import Conflict, Judgement


def test_a_judgement_is_frozen_plain_data() -> None:
    found = Judgement(
        "contradicted", 0.05, "built-in", 3, 9, (Conflict("percentage", "23%", "21%"),)
    )
    assert found.conflicts[0].passage == "21%"
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.label = "supported"  # type: ignore[misc]
    assert Judgement("not_supported", 0.1, "built-in").start is None
