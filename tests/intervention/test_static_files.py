"""The production static files' storage keeps each address it gives: the same addresses as WhiteNoise's
storage, worked out once; a name missing from the manifest is refused each time."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from intervention.static_files import StaticFilesStorage


def storages(tmp_path) -> tuple[StaticFilesStorage, CompressedManifestStaticFilesStorage]:
    manifest = {"paths": {"admin/css/base.css": "admin/css/base.0123456789ab.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return (
        StaticFilesStorage(location=str(tmp_path), base_url="/static/"),
        CompressedManifestStaticFilesStorage(location=str(tmp_path), base_url="/static/"),
    )


@override_settings(DEBUG=False)
def test_each_address_is_whitenoises_worked_out_once(tmp_path, monkeypatch):
    ours, whitenoises = storages(tmp_path)
    assert (
        ours.url("admin/css/base.css")
        == whitenoises.url("admin/css/base.css")
        == "/static/admin/css/base.0123456789ab.css"
    )

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "stored_name", None)  # asked again, it would fail
    assert ours.url("admin/css/base.css") == "/static/admin/css/base.0123456789ab.css"


@override_settings(DEBUG=False)
def test_a_manifest_read_again_is_read_for_the_addresses(tmp_path):
    ours, _ = storages(tmp_path)
    ours.url("admin/css/base.css")

    ours.hashed_files = {"admin/css/base.css": "admin/css/base.ba9876543210.css"}

    assert ours.url("admin/css/base.css") == "/static/admin/css/base.ba9876543210.css"


@override_settings(DEBUG=False)
def test_a_name_missing_from_the_manifest_is_refused_each_time(tmp_path):
    ours, _ = storages(tmp_path)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            ours.url("admin/css/missing.css")
