"""The reviews app's forms, a module a part: deadlines, progress, reviewing, reports (and what they share, common)."""
