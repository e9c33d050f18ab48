"""A metric is one declaration: its name, its query, its output fields and its default filters.

Every query module declares its metrics next to the query (see docs/architecture.md, «Agregar
una métrica»). `data.fetch(metric, filters)` runs and caches them; the API's listings, CSV
columns and OpenAPI item schemas are generated from `fields`, so a field is named, typed and
described once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from .filters import Filters

Query = Callable[[Connection, Filters, datetime], pd.DataFrame]

# OpenAPI schemas of the field kinds the metrics return.
INT: dict[str, Any] = {"type": "integer"}
TEXT: dict[str, Any] = {"type": "string"}
NULLABLE_TEXT: dict[str, Any] = {"type": "string", "nullable": True}
NUMBER: dict[str, Any] = {"type": "number"}
NULLABLE_NUMBER: dict[str, Any] = {"type": "number", "nullable": True}
MONEY: dict[str, Any] = {"type": "number"}
NULLABLE_MONEY: dict[str, Any] = {"type": "number", "nullable": True}
DAY: dict[str, Any] = {"type": "string", "format": "date"}
MONTH: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d{2}$"}
WEEK: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-W\d{2}$"}


@dataclass(frozen=True)
class Field:
    """One output column: its name in JSON and CSV, its OpenAPI schema, what it means."""

    name: str
    schema: dict[str, Any]
    description: str

    def openapi(self) -> dict[str, Any]:
        """Return the field's schema with its description (Spanish, for the API's users)."""
        return {**self.schema, "description": self.description}


def object_schema(fields: tuple[Field, ...]) -> dict[str, Any]:
    """Return the closed OpenAPI object whose properties are `fields`, all required."""
    return {
        "type": "object",
        "required": [item.name for item in fields],
        "properties": {item.name: item.openapi() for item in fields},
        "additionalProperties": False,
    }


def names(fields: tuple[Field, ...]) -> tuple[str, ...]:
    """Return the field names, in contract order."""
    return tuple(item.name for item in fields)


@dataclass(frozen=True)
class Metric:
    """A named query with the one signature `(connection, Filters, now) -> DataFrame`.

    `fields` are the columns the API and CSV publish (the frame may hold more, for pages);
    `defaults` are the filters used when a caller gives none. A `heavy` metric runs one at a
    time per process (data.fetch): it holds tens of MB while it runs on a large database.
    """

    name: str
    query: Query = field(repr=False)
    fields: tuple[Field, ...] = ()
    defaults: Filters = Filters()
    heavy: bool = False

    @property
    def field_names(self) -> tuple[str, ...]:
        """Return the published column names, in contract order."""
        return names(self.fields)

    def item_schema(self) -> dict[str, Any]:
        """Return the OpenAPI schema of one published row."""
        return object_schema(self.fields)
