"""Asking for a download the worker prepares (issue 16, item 6)."""

from __future__ import annotations

from django import forms

FILE_FORMATS = [("xlsx", "Excel (XLSX)"), ("csv", "CSV")]


class DownloadRequestForm(forms.Form):
    file_format = forms.ChoiceField(
        label="Format",
        choices=FILE_FORMATS,
        widget=forms.RadioSelect,
        initial="xlsx",
        error_messages={"required": "Choose a format", "invalid_choice": "Choose a format"},
    )
