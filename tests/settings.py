"""Test settings: the project's own settings, switched to their TESTING shape (fast hasher,
locmem email and cache) with var/ in a temporary folder so tests never touch a developer's data."""

import os
import tempfile

os.environ["TESTING"] = "1"
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="casework-tests-"))

from intervention.settings import *  # noqa: F403

# On Redis the cache outlives the run (and shares the server with other runs): keys of this run are
# its own, so a throttle key left by an earlier run with the same user ids cannot refuse this one.
if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"tests-{os.getpid()}-{os.urandom(4).hex()}"  # noqa: F405
