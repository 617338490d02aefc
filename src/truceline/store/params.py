"""Tunables of the archive, with the reason for each default."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ArchiveParams"]


@dataclass(frozen=True)
class ArchiveParams:
    """How the archive stores rows and decides supersession."""

    pass_window_minutes: float = 10.0
    """NRT and standard rows of one satellite within this many minutes are the same pass.
    A VIIRS granule lasts 6 min and a MODIS granule 5 min; one overpass of a country the
    size of Ukraine spans a few minutes, while consecutive orbits are ~100 min apart."""

    extent_margin_deg: float = 0.1
    """Margin added around the detections of a standard file whose area is not known
    (download-tool and API files do not say what area was requested): about one MODIS
    pixel row at the edge, so edge NRT rows of the same pass are still covered."""

    fsync: bool = True
    """Flush each raw copy and Parquet part (and its folder) to disk before it can become
    visible, so a power cut, not only a killed process, leaves no listed file half-written.
    Costs a few milliseconds per file; turn off only for scratch archives."""

    compression: str = "zstd"
    """Parquet codec: zstd compresses FIRMS rows ~2x better than snappy at similar speed."""
