"""The invoice reader: numbers, keys, names, providers; hypothesis feeds it anything."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minimarket_dash.invoices import (
    Item,
    normalise_item,
    normalise_name,
    parse_number,
    read_item,
    read_items,
    resolve_provider,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1234.56, 1234.56),
        (12, 12.0),
        ("1234.56", 1234.56),
        ("1234", 1234.0),
        ("12.5", 12.5),
        (".5", 0.5),
        ("1.234,56", 1234.56),
        ("$ 1.234,56", 1234.56),
        ("$1.234,56", 1234.56),
        ("  $ 1.234.567,8 ", 1234567.8),
        ("12,5", 12.5),
        ("1234,56", 1234.56),
        ("-$ 1.234,56", -1234.56),
        ("$ -12,5", -12.5),
        # Dots between groups of three and no comma: es-AR thousands (documented choice).
        ("1.234", 1234.0),
        ("1.234.567", 1234567.0),
        ("0.500", 0.5),
        ("12.50", 12.5),
        ("1,234.56", 1234.56),  # read, never guessed: commas in groups of three + point
        ("1 234,56", 1234.56),
    ],
)
def test_numbers(raw, expected):
    assert parse_number(raw) == pytest.approx(expected)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        True,
        False,
        10**400,
        "",
        "abc",
        "1.2.3",
        "1,2,3",
        "12,5.3",
        "$",
        "-",
        "1e3",
        "NaN",
        float("nan"),
        float("inf"),
        [1],
        {"a": 1},
        "1.23.456",
        "١٢",
        "1_000",
    ],
)
def test_not_numbers(raw):
    assert parse_number(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Lácteos del Sur S.A.", "lacteos del sur"),
        ("DISTRIB. LACTEOS DEL SUR S A", "distrib lacteos del sur s a"),
        ("  Almacén   Central  S.R.L. ", "almacen central"),
        ("COOP. Agrícola Ltda", "agricola"),
        ("Dist SAS / SAIC - SCA", "dist"),
        ("Leche Entera 1 L.", "leche entera 1 l"),
        ("Sal_fina", "sal fina"),
        ("", ""),
        (None, ""),
        (12, ""),
    ],
)
def test_normalise(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # The examples: a decimal mark is kept, so 1.5 kg is not 15 kg.
        ("Dogui 1.5 kg", "dogui 1.5kg"),
        ("Dogui 15 kg", "dogui 15kg"),
        ("Yerba Taragüí 1 KG", "yerba taragui 1kg"),
        ("yerba taragui 1kg", "yerba taragui 1kg"),
        # Decimal comma = decimal point; a mark not between two digits is punctuation.
        ("Aceite 1,5 L", "aceite 1.5l"),
        ("Aceite 1.5L", "aceite 1.5l"),
        ("Gaseosa 2,25 lt.", "gaseosa 2.25lt"),
        ("Pan, 1. 5 kg", "pan 1 5kg"),
        ("Vino 0,75L", "vino 0.75l"),
        # Units with and without a space; each unit of the list; a unit is a whole word.
        ("Queso 500 g", "queso 500g"),
        ("Queso 500g", "queso 500g"),
        ("Leche 1 L.", "leche 1l"),
        ("Shampoo 400 ML", "shampoo 400ml"),
        ("Perfume 100 cc", "perfume 100cc"),
        ("Jugo 1 lt", "jugo 1lt"),
        ("Huevos 12 u", "huevos 12u"),
        ("Cerveza 1 lata", "cerveza 1 lata"),
        ("Queso 500 gr", "queso 500 gr"),
        ("Agua 2 litros", "agua 2 litros"),
        # Packs: `x 6` = `x6`, and a number's `x` is its unit too.
        ("Pack x 6", "pack x6"),
        ("pack x6", "pack x6"),
        ("Pack X 6 u", "pack x6u"),
        ("Gaseosa 6 x 500 ml", "gaseosa 6x500ml"),
        ("gaseosa 6x500ml", "gaseosa 6x500ml"),
        ("Max 5", "max 5"),
        ("Relax x", "relax x"),
        # Accents, case, punctuation (as a space) and spaces.
        ("PURÉ  de   Tomate", "pure de tomate"),
        ("Coca-Cola 2,25 L", "coca cola 2.25l"),
        ("Lucciano's", "lucciano s"),
        ("Sal_fina", "sal fina"),
        ("Ñandú (x 2)", "nandu x2"),
        # Company-type words are the providers' rule, not the items'.
        ("Salsa S.A. 1 kg", "salsa s a 1kg"),
        ("", ""),
        ("...", ""),
        (None, ""),
        (12, ""),
    ],
)
def test_normalise_item(raw, expected):
    assert normalise_item(raw) == expected


def test_near_names_stay_apart_and_spellings_meet():
    assert normalise_item("Dogui 1.5 kg") != normalise_item("Dogui 15 kg")
    assert normalise_item("Whiskas 500 g") != normalise_item("Whiskas 5 kg")
    assert normalise_item("DOGUI 1,5 KG.") == normalise_item("dogui 1.5kg")
    assert normalise_item("Yerba Taragüí 1 KG") == normalise_item("yerba taragui 1kg")
    assert normalise_item("Pack x 6") == normalise_item("pack x6")
    # The providers' rule is unchanged (it drops sa, srl, ... and joins nothing).
    assert normalise_name("Dogui 1.5 kg S.A.") == "dogui 15 kg"


def test_item_keys_use_the_item_rule():
    item = read_item({"descripcion": "Dogui 1,5 KG", "cantidad": 1, "precio": 10})
    assert item.clave == "dogui 1.5kg"


def test_item_keys_in_order_of_preference():
    item = read_item(
        {
            "descripcion": "A",
            "producto": "B",
            "nombre": "C",
            "cantidad": 2,
            "precio_unitario": 10,
            "precio": 99,
            "codigo": "x",
            "raw_line": "y",
        }
    )
    assert item == Item("A", "a", 2.0, 10.0, 20.0)
    second = read_item({"producto": "B", "nombre": "C", "cantidad": 1, "precio": 5})
    assert second.descripcion == "B"
    assert read_item({"nombre": "C", "cantidad": 1, "precio": 5}).descripcion == "C"
    # A null key falls through to the next one.
    assert read_item(
        {
            "descripcion": None,
            "producto": "B",
            "cantidad": 1,
            "precio_unitario": None,
            "precio": "3",
        }
    ) == Item("B", "b", 1.0, 3.0, 3.0)


def test_amount_importe_else_quantity_times_price():
    assert (
        read_item({"descripcion": "A", "cantidad": 3, "precio": 10, "importe": "$ 29,50"}).importe
        == 29.5
    )
    assert (
        read_item({"descripcion": "A", "cantidad": 3, "precio": 10, "importe": "x"}).importe == 30.0
    )


@pytest.mark.parametrize(
    "entry",
    [
        {"cantidad": 1, "precio": 1},  # no description
        {"descripcion": "  ", "cantidad": 1, "precio": 1},  # blank description
        {"descripcion": "-.-", "cantidad": 1, "precio": 1},  # nothing left
        {"descripcion": 5, "cantidad": 1, "precio": 1},  # not text
        {"descripcion": "A", "precio": 1},  # no quantity
        {"descripcion": "A", "cantidad": 0, "precio": 1},  # quantity 0
        {"descripcion": "A", "cantidad": -2, "precio": 1},  # negative quantity
        {"descripcion": "A", "cantidad": 1},  # no price
        {"descripcion": "A", "cantidad": 1, "precio": "-1"},  # negative price
        {"descripcion": "A", "cantidad": "muchos", "precio": 1},
        "texto",
        3,
        None,
        [1, 2],
    ],
)
def test_unusable_entries(entry):
    assert read_item(entry) is None


def test_price_zero_is_usable():
    assert read_item({"descripcion": "Bonificado", "cantidad": 1, "precio": 0}).precio_unitario == 0


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "{no",
        "[",
        '{"descripcion": "A"}',
        "3",
        '"texto"',
        "[]",
        '[null, 1, "x"]',
        json.dumps([{"descripcion": "A", "cantidad": 0, "precio": 1}]),
        "[" * 5000 + "]" * 5000,
        7,
    ],
)
def test_ilegible(raw):
    assert read_items(raw) is None


def test_repeated_names_are_kept_as_separate_items():
    raw = json.dumps(
        [
            {"descripcion": "Leche", "cantidad": 6, "precio": 100},
            {"descripcion": "LECHE", "cantidad": 6, "precio": 100},
            {"descripcion": "x"},
        ]
    )
    assert [(i.clave, i.cantidad) for i in read_items(raw)] == [("leche", 6), ("leche", 6)]


def test_a_text_read_again_gives_a_list_of_its_own():
    """Texts are remembered (an invoice is read on every request): a caller changing the
    list it got must not change what the next reader of the same text gets."""
    raw = json.dumps([{"descripcion": "Yerba 1 kg", "cantidad": "2", "precio": "$ 3.500,50"}])
    first = read_items(raw)
    first.append(first[0])
    again = read_items(raw)
    assert [(i.clave, i.cantidad, i.precio_unitario) for i in again] == [("yerba 1kg", 2, 3500.5)]
    assert again is not first


def test_a_huge_text_is_read_like_any_other():
    items = [{"descripcion": f"Producto {n}", "cantidad": 1, "precio": n} for n in range(1, 801)]
    raw = json.dumps(items)
    assert len(raw) > 16_384  # beyond what is remembered
    read = read_items(raw)
    assert len(read) == 800 and read[-1].precio_unitario == 800


PROVIDERS = {1: "Lácteos del Sur S.A.", 2: "Sur", 3: "Bebidas Norte", 4: "S.A.", 5: "Norte"}


@pytest.mark.parametrize(
    ("assigned", "original", "expected"),
    [
        (3, "Lácteos del Sur", 3),  # assigned wins
        (99, "Bebidas Norte", 3),  # unknown id: read the name
        ("3", "Lácteos del Sur", 3),
        (3.0, "x", 3),  # ids as SQLite may keep them
        (True, "Sur", 2),
        ("tres", "Norte", 5),
        (None, "LACTEOS DEL SUR S.A.", 1),  # equal
        (None, "DISTRIB. LACTEOS DEL SUR S A", 1),  # contained; longer than «Sur»
        (None, "Distribuidora del Sur", 2),  # only «Sur» is contained
        (None, "Norte", 5),  # equal beats contained-in
        (None, "BEBIDAS NORTE SRL", 3),  # «Bebidas Norte» longer than «Norte»
        (None, "Otra empresa", None),
        (None, "S.A.", None),  # empty after normalising matches none
        (None, None, None),
    ],
)
def test_resolve_provider(assigned, original, expected):
    assert resolve_provider(assigned, original, PROVIDERS) == expected


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "descripcion",
                    "producto",
                    "nombre",
                    "cantidad",
                    "precio_unitario",
                    "precio",
                    "importe",
                    "codigo",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_reader_never_raises_on_any_json(value):
    items = read_items(json.dumps(value))
    assert items is None or len(items) > 0
    for item in items or []:
        assert item.cantidad > 0 and item.precio_unitario >= 0 and item.clave
        assert math.isfinite(item.cantidad) and math.isfinite(item.precio_unitario)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_reader_never_raises_on_any_text(text):
    read_items(text)
    parse_number(text)
    normalise_name(text)
    assert normalise_item(normalise_item(text)) == normalise_item(text)
    resolve_provider(None, text, PROVIDERS)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_es_ar_strings_round_trip(value):
    text = f"{value:,.2f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    assert parse_number(f"$ {text}") == pytest.approx(float(value))
