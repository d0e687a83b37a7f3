"""The local authorities reference file (intervention/data/local_authorities.csv; provenance in
docs/local_authorities.md). A leaf module, so the data migration can use it too."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TypedDict

LOCAL_AUTHORITIES_CSV = Path(__file__).resolve().parent / "data" / "local_authorities.csv"


class LocalAuthorityRow(TypedDict):
    name: str
    gss_code: str
    dfe_code: str
    kind: str
    region_code: str
    region_name: str


def read_local_authorities(path: Path = LOCAL_AUTHORITIES_CSV) -> list[LocalAuthorityRow]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            LocalAuthorityRow(
                name=row["name"],
                gss_code=row["gss_code"],
                dfe_code=row["dfe_la_code"],
                kind=row["kind"],
                region_code=row["region_code"],
                region_name=row["region_name"],
            )
            for row in csv.DictReader(handle)
        ]
