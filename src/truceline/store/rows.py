"""Small helpers on detection tables shared by ingest and supersession."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["date_span", "product_keys", "product_levels"]


def product_keys(table: pa.Table) -> pa.Array:
    """``id|product`` per row: the archive's unique key."""
    keys = pc.binary_join_element_wise(table["id"], table["product"], "|")
    return keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys


def date_span(table: pa.Table) -> tuple[date, date] | None:
    """First and last ``acq_date``, or None for an empty table."""
    if table.num_rows == 0:
        return None
    span = pc.min_max(table["acq_date"]).as_py()
    return span["min"], span["max"]


def product_levels(table: pa.Table) -> tuple[int, int]:
    """Rows of NRT and of standard product."""
    nrt, standard = (
        int(pc.sum(pc.equal(table["product"], level)).as_py() or 0) for level in ("NRT", "standard")
    )
    return nrt, standard
