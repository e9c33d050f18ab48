"""The one CSV writer and file-namer (minimarket_dash/csvexport.py) of pages and API."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from minimarket_dash import csvexport


def test_frame_csv_has_bom_and_neutralises_formulas():
    frame = pd.DataFrame(
        {"producto": ["=SUMA(A1)", "Ñandú +", "@x", "-3", "Leche"], "cantidad": [1, -2, 3, 4, 5]}
    )
    text = csvexport.frame_to_csv(frame)
    assert text.startswith("\ufeff")
    assert text[1:].split("\r\n") == [
        "producto,cantidad",
        "'=SUMA(A1),1",
        "Ñandú +,-2",
        "'@x,3",
        "'-3,4",
        "Leche,5",
        "",
    ]


def test_frame_csv_prints_cells_as_pandas_does():
    """pandas' own to_csv is the reference for dates, missing values, floats and quoting."""
    frame = pd.DataFrame(
        {
            "dia": pd.to_datetime(["2026-03-01", "2026-03-02", None]),
            "hora": pd.to_datetime(["2026-03-01 10:30", "2026-03-02 00:00", "2026-03-03 23:59"]),
            "importe": [1.5, np.nan, 0.1 + 0.2],
            "unidades": [1, 20, 300],
            "nombre": ['Queso "cremoso", 1 kg', None, "línea\nnueva"],
            "activo": [True, False, True],
            "pedido": pd.array([7, None, 9], dtype="Int64"),
        }
    )
    expected = "\ufeff" + frame.to_csv(index=False, lineterminator="\r\n")
    assert csvexport.frame_to_csv(frame) == expected
    assert csvexport.frame_to_csv(frame, bom=False) == expected[1:]


def test_rows_and_frames_go_through_the_same_writer():
    rows = [{"producto": "=1+1", "unidades": 3}, {"producto": "a,b", "unidades": None}]
    fields = ["producto", "unidades"]
    assert csvexport.to_csv(fields, rows) == 'producto,unidades\r\n\'=1+1,3\r\n"a,b",\r\n'
    assert csvexport.to_csv(fields, rows, bom=True) == "\ufeff" + csvexport.to_csv(fields, rows)
    frame = pd.DataFrame(rows, columns=fields).astype({"unidades": "Int64"})
    assert csvexport.frame_to_csv(frame, bom=False) == csvexport.to_csv(fields, rows)


def test_file_name_names_what_the_file_holds():
    name = csvexport.file_name(
        "productos-top", date(2026, 3, 1), date(2026, 3, 14), "Lácteos del Sur"
    )
    assert name == "productos-top_2026-03-01_2026-03-14_lacteos-del-sur.csv"
    assert csvexport.file_name("resumen", "", "", "") == "resumen.csv"
    assert csvexport.file_name("semanas", "desde-2026-03-01") == "semanas_desde-2026-03-01.csv"
    # The API's parts (already safe) pass unchanged, the day of the download goes last.
    parts = ["2026-03-01", "hasta-2026-03-09", "lacteos", "7-dias", "solo-hoy"]
    assert csvexport.file_name("reorder", *parts, date(2026, 3, 15)) == (
        "reorder_2026-03-01_hasta-2026-03-09_lacteos_7-dias_solo-hoy_2026-03-15.csv"
    )
