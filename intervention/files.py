"""Where evidence and generated reports are kept: Django's storage API, under the aliases
STORAGES["evidence"] and STORAGES["reports"] (intervention/settings.py), which are S3-compatible object
storage when OBJECT_STORAGE_BUCKET is set and folders under MEDIA_ROOT otherwise.

A FileField calls its storage callable once, when the model class is made, and keeps what it returns.
So the callable returns a `NamedStorage`: a stand-in that looks the alias up the first time it is used,
and again after the STORAGES setting changes (the tests run the same downloads against disk and against
an S3 server), rather than a storage fixed at import."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

_named: list[NamedStorage] = []


class NamedStorage(LazyObject):
    """The storage configured under one STORAGES alias, looked up when first used."""

    def __init__(self, alias: str) -> None:
        self.__dict__["alias"] = alias  # LazyObject would pass an attribute set the usual way to the storage
        super().__init__()
        _named.append(self)

    def _setup(self) -> None:
        self._wrapped = storages[self.alias]

    def reset(self) -> None:
        self._wrapped = empty  # type: ignore[assignment]  # LazyObject's marker for "not looked up yet"


def named_storage(alias: str) -> Storage:
    return NamedStorage(alias)  # type: ignore[return-value]  # it stands in for the storage it wraps


@receiver(setting_changed)
def _forget_storages(*, setting: str, **kwargs: Any) -> None:
    # Django's own receiver empties `storages` (django.test.signals.storages_changed); forget what was wrapped too.
    if setting == "STORAGES":
        for storage in _named:
            storage.reset()
