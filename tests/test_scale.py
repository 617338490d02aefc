"""Month-chunked scoring over an archive: the same result in-process and on a Dask cluster."""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from truceline.agreement import DEMO_OCCUPIED, build_agreement
from truceline.baseline import load_baseline
from truceline.detect import DetectParams, score_detections
from truceline.errors import InputError
from truceline.pipeline import DEMO_START, default_baseline
from truceline.scale import ScaleParams, month_chunks, score_and_cluster, score_archive
from truceline.store import Archive

#: The real NRT files span 2025-08-11 .. 2025-09-15: two month chunks.
FIRST, LAST = date(2025, 8, 11), date(2025, 9, 15)


@pytest.fixture(scope="module")
def setting(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """An archive of the real 2025 NRT files, the shipped baseline and the demo agreement."""
    archive = Archive(tmp_path_factory.mktemp("scale") / "archive")
    archive.ingest([shared_data / "firms_nrt_2025"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # known quirks of the bundled polygon
        agreement = build_agreement(DEMO_OCCUPIED, start=DEMO_START, name="demo")
    return archive, load_baseline(default_baseline()), agreement


def _incidents_equal(left: gpd.GeoDataFrame, right: gpd.GeoDataFrame) -> None:
    pd.testing.assert_frame_equal(
        pd.DataFrame(left.drop(columns="geometry")), pd.DataFrame(right.drop(columns="geometry"))
    )
    assert list(left.geometry.to_wkb()) == list(right.geometry.to_wkb())


def test_month_chunks_cut_at_month_edges() -> None:
    assert month_chunks(date(2025, 1, 15), date(2025, 3, 2)) == [
        (date(2025, 1, 15), date(2025, 1, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 3, 2)),
    ]
    assert month_chunks(date(2024, 12, 5), date(2025, 2, 1), months=2) == [
        (date(2024, 12, 5), date(2025, 1, 31)),
        (date(2025, 2, 1), date(2025, 2, 1)),
    ]
    assert month_chunks(date(2025, 5, 5), date(2025, 5, 5)) == [(date(2025, 5, 5),) * 2]
    with pytest.raises(InputError, match="before it starts"):
        month_chunks(date(2025, 5, 5), date(2025, 5, 4))
    with pytest.raises(InputError, match="months_per_chunk"):
        ScaleParams(months_per_chunk=0)


def test_dask_cluster_gives_the_in_process_result_row_for_row(setting) -> None:
    distributed = pytest.importorskip("distributed")
    archive, baseline, agreement = setting
    local, local_incidents = score_and_cluster(archive, FIRST, LAST, baseline, agreement)
    assert len(local) == 15_271 and local["war_related"].any() and len(local_incidents)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote, remote_incidents = score_and_cluster(
            archive, FIRST, LAST, baseline, agreement, client=client
        )
    pd.testing.assert_frame_equal(remote, local)
    _incidents_equal(remote_incidents, local_incidents)


@pytest.mark.parametrize("params", [DetectParams(), DetectParams(activity_scale=1.0)])
def test_chunks_change_nothing(setting, params: DetectParams) -> None:
    # Scoring is causal (ADR 0081): month chunks with their context give the scores
    # of one whole-period call, with the regional scale estimated or fixed.
    archive, baseline, agreement = setting
    chunked = score_archive(archive, FIRST, LAST, baseline, agreement, params=params)
    whole = archive.query(FIRST, LAST, bbox=agreement.boundary.bounds).drop_columns(["geometry"])
    expected = score_detections(whole.to_pandas(), baseline, agreement, params)
    pd.testing.assert_frame_equal(chunked, expected)


def test_an_empty_period_scores_to_an_empty_table(setting) -> None:
    archive, baseline, agreement = setting
    scored = score_archive(archive, date(2024, 1, 1), date(2024, 2, 10), baseline, agreement)
    assert len(scored) == 0 and {"war_related", "war_probability", "id"} <= set(scored.columns)


@pytest.mark.slow
def test_two_worker_processes_give_the_in_process_result(setting) -> None:
    distributed = pytest.importorskip("distributed")
    archive, baseline, agreement = setting
    local = score_archive(archive, FIRST, LAST, baseline, agreement)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = score_archive(archive, FIRST, LAST, baseline, agreement, client=client)
    pd.testing.assert_frame_equal(remote, local)


def test_run_command_offers_a_dask_option() -> None:
    from typer.testing import CliRunner

    from truceline.cli import app

    result = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "--dask" in result.output and "ADDRESS|local" in result.output
