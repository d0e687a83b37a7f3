"""The reviews app's pages, a module a part: deadlines, progress, reviewing, reports (and what they share, common)."""
