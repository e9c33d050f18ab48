"""Deterministic demo data: two years of providers, orders, stock movements and OCR invoices.

Everything is generated with vectorised numpy arrays (never a Python loop per order line) and
loaded through the raw DBAPI connection: `executemany` in one transaction on SQLite, `COPY` on
PostgreSQL. The same seed, `today` and `lines` always give the same rows on both databases.
"""

from .generate import generate_demo_data
from .load import TABLE_ORDER, SeedError, SeedReport, seed_database

__all__ = ["TABLE_ORDER", "SeedError", "SeedReport", "generate_demo_data", "seed_database"]
