"""Test settings: the project's own settings, switched to their TESTING shape (fast hasher,
locmem email and cache) with var/ in a temporary folder so tests never touch a developer's data."""

import os
import tempfile

os.environ["TESTING"] = "1"
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="casework-tests-"))

from intervention.settings import *  # noqa: F403
