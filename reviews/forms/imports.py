"""The spreadsheet import's upload form. The file itself is checked by reviews.services.imports;
this form only asks for it."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from reviews.forms.progress import GovukForm

CHOOSE_FILE = "Choose the spreadsheet to import"
FILE_EMPTY = "The file is empty"


class ImportUploadForm(GovukForm):
    submit_label = "Upload and preview"
    file = forms.FileField(
        label="Choose the spreadsheet",
        help_text="A CSV file or an Excel workbook (.xlsx), up to {limit} MB. Nothing is saved until you confirm.",
        error_messages={"required": CHOOSE_FILE, "empty": FILE_EMPTY},
    )

    def __init__(self, *args, limit_mb: int = 5, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = str(self.fields["file"].help_text).format(limit=limit_mb)

    def layout_fields(self) -> list:
        return [Field("file", label_size=Size.MEDIUM)]
