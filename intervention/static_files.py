"""The static files' storage in production: WhiteNoise's (hashed names from the manifest, compressed
copies), each file's address worked out once for the process."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, each address it gives kept for the next page that asks. An admin page
    asks for a dozen and more (`{% static %}` tags, its forms' scripts), and each cost some hundred
    calls: the manifest looked up, the name split, joined and unquoted. The manifest is read when the
    storage is made and does not change under a running process; were it read again, the addresses
    are worked out again. Addresses asked for with `force` (collectstatic, as it hashes the files) are
    not kept, and a name missing from the manifest is refused each time, as before."""

    def url(self, name: Any, force: bool = False) -> str:
        if force or settings.DEBUG:
            return super().url(name, force)
        kept: tuple[dict[str, str], dict[str, str]] | None = self.__dict__.get("_kept_urls")
        if kept is None or kept[0] is not self.hashed_files:  # made, or the manifest read again
            kept = self.__dict__["_kept_urls"] = (self.hashed_files, {})
        url = kept[1].get(name)
        if url is None:
            url = kept[1][name] = super().url(name)
        return url
