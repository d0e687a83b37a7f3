"""Settings for `make bench`: the project's own settings, which bench/run.py puts in their production
shape (DEBUG off, manifest static files) through the environment, with one addition: the URLconf
that mounts the baseline page. Nothing here is used by the service itself."""

from intervention.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
