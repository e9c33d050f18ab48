"""api.records: the rows of an answer as plain Python values, column by column."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from minimarket_dash.api import dumps, records


def test_every_kind_of_column_becomes_plain_python():
    frame = pd.DataFrame(
        {
            "entero": np.array([3, -7, 0], dtype="int64"),
            "decimal": [1.5, float("nan"), -0.25],
            "logico": [True, False, True],
            "texto": ["Leche", None, "Café"],
            "anulable": pd.array([4, None, 9], dtype="Int64"),
            "mezcla": [np.int64(5), np.float64("nan"), "x"],
            "sobra": [1, 2, 3],  # not asked for: left out
        }
    )
    rows = records(frame, ("texto", "entero", "decimal", "logico", "anulable", "mezcla"))
    assert rows == [
        {"texto": "Leche", "entero": 3, "decimal": 1.5, "logico": True, "anulable": 4, "mezcla": 5},
        {
            "texto": None,
            "entero": -7,
            "decimal": None,
            "logico": False,
            "anulable": None,
            "mezcla": None,
        },
        {
            "texto": "Café",
            "entero": 0,
            "decimal": -0.25,
            "logico": True,
            "anulable": 9,
            "mezcla": "x",
        },
    ]
    assert [list(row) for row in rows] == [
        ["texto", "entero", "decimal", "logico", "anulable", "mezcla"]
    ] * 3  # asked order
    for row in rows:
        for value in row.values():
            assert value is None or type(value) in (int, float, bool, str)
            assert not (isinstance(value, float) and math.isnan(value))
    assert json.loads(dumps(rows)) == rows


def test_an_empty_frame_gives_no_rows():
    assert records(pd.DataFrame(columns=["a", "b"]), ("a", "b")) == []
