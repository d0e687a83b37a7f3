"""The address a report's HTML gives its stylesheets and images. ".invalid" is reserved (RFC 2606):
it can never reach a network host. Only the PDF's fetcher (reviews.reports.pdf) answers for it, from
the project's static files. A leaf, so that the renderers and the PDF step both read it without
importing each other."""

INTERNAL_ORIGIN = "https://casework-report.invalid"
STATIC_BASE = f"{INTERNAL_ORIGIN}/static/"
