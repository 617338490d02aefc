"""A quiet in-memory DuckDB connection for archive queries."""

from __future__ import annotations

import duckdb

__all__ = ["connect_duckdb"]


def connect_duckdb() -> duckdb.DuckDBPyConnection:
    """In-memory DuckDB without the terminal progress bar (it would garble CLI output)."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con
