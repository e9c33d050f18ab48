"""Placeholder being replaced in this session; see the module's final version."""

from flask import Flask


def init_app(server: Flask) -> None:
    """Do nothing yet."""
