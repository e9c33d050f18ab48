"""Argentine phone numbers in their usual written forms -> 549 + area + number, or a reason."""

from __future__ import annotations

import pytest

from minimarket_dash.phones import NO_AREA, NO_PHONE, NOT_ARGENTINE, UNREADABLE, normalise_phone


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("011 4567-8901", "5491145678901"),
        ("11 4567-8901", "5491145678901"),
        ("(011) 4567-8901", "5491145678901"),
        ("011 15-4567-8901", "5491145678901"),
        ("11 15 4567 8901", "5491145678901"),
        ("+54 11 4567-8901", "5491145678901"),
        ("+54 9 11 4567-8901", "5491145678901"),
        ("+5491145678901", "5491145678901"),
        ("5491145678901", "5491145678901"),
        ("0054 9 11 4567 8901", "5491145678901"),
        ("+54 9 351 456-7890", "5493514567890"),
        ("+54 351 15 456-7890", "5493514567890"),
        ("0351 15 456 7890", "5493514567890"),
        ("0351-4567890", "5493514567890"),
        ("351 456 7890", "5493514567890"),
        ("03514567890", "5493514567890"),
        ("(0341) 15-456-7890", "5493414567890"),
        ("(341) 456-7890", "5493414567890"),
        ("0341154567890", "5493414567890"),
        ("(02323) 15-45-6789", "5492323456789"),
        ("02323 45-6789", "5492323456789"),
        ("+54 9 2323 45-6789", "5492323456789"),
        ("Tel.: 011 4567-8901", "5491145678901"),
    ],
)
def test_usual_written_forms_become_549_area_number(written, expected):
    assert normalise_phone(written) == (expected, None)


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        (None, NO_PHONE),
        ("", NO_PHONE),
        ("   ", NO_PHONE),
        ("sin teléfono", NO_PHONE),
        ("4567-8901", NO_AREA),
        ("15-4567-8901", NO_AREA),
        ("+1 555 123 4567", NOT_ARGENTINE),
        ("+598 2 123 4567", NOT_ARGENTINE),
        ("011 4567-890", UNREADABLE),
        ("011 4567-89012", UNREADABLE),
        ("0911 4567-8901", UNREADABLE),
    ],
)
def test_numbers_that_cannot_be_normalised_say_why(written, reason):
    assert normalise_phone(written) == (None, reason)
