"""Reports fetch nothing and embed nothing. A small HTTP server on 127.0.0.1, run by the tests
themselves, records every request it gets; every test asserts it got none. (Nothing here points at
any address outside loopback.)"""

import http.server
import io
import threading
from collections.abc import Iterator

import pypdf
import pytest
import weasyprint

from reviews.reports.pdf import STATIC_BASE, FetchRefused, StaticOnlyFetcher, html_to_pdf
from reviews.services import reports, reviewing
from reviews.tasks import generate_report_version
from tests.reviews.reports_support import D, direction_with_priorities, generated, pdf_reader, pdf_text

pytestmark = pytest.mark.django_db

SYSTEM_FILE = "file:///etc/passwd"


class Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = b"p { color: red }" if self.path.endswith(".css") else b"GIF89a"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []
    handler = type("Handler", (Recorder,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def hostile(base: str) -> str:
    return (
        f'<img src="{SYSTEM_FILE}" alt="">'
        f'<img src="{base}/pixel.gif" alt="">'
        f'<style>@import url("{base}/evil.css");</style>'
        f'<link rel="stylesheet" href="{base}/linked.css">'
        f'<link rel="attachment" href="{SYSTEM_FILE}">'
        f'<a rel="attachment" href="{base}/secret.txt">attached</a>'
    )


def embedded_files(reader: pypdf.PdfReader) -> list[str]:
    names = list(reader.attachments)
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                names.append("annotation")
    return names


def test_weasyprint_is_70_or_newer():
    major = int(weasyprint.__version__.split(".")[0])
    assert major >= 70


def test_markup_in_what_people_typed_is_printed_as_text_and_fetches_nothing(server, charlie, dora, hereford_case):
    base, requests = server
    direction_with_priorities(hereford_case)
    review = reviewing.start_review(
        intervention=hereford_case,
        kind="six_month",
        period_start=D(2023, 5, 1),
        period_end=D(2023, 10, 31),
        held_on=D(2023, 11, 6),
        attendees=hostile(base),
        by=charlie,
    )
    for assessment in review.assessments.all():
        reviewing.assess_priority(assessment=assessment, rag="red", narrative=hostile(base), by=charlie)
    reviewing.update_review(
        review=review,
        by=charlie,
        key_developments=hostile(base),
        summary=hostile(base),
        sufficient_progress=False,
        conclusion=hostile(base),
        recommendation="continue_support",
        recommendation_detail=hostile(base),
    )
    review = reviewing.hold_review(review=review, by=charlie)
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    version = generated(report, by=dora)
    assert version.status == "ready"
    assert requests == []
    assert embedded_files(pdf_reader(version)) == []
    assert f'<img src="{SYSTEM_FILE}" alt="">' in pdf_text(version).replace("\n", "")
    assert "&lt;img src=&quot;file:///etc/passwd&quot;" in version.body_html
    assert "<img" not in version.body_html


def test_the_councils_words_are_escaped_in_the_cabinet_report(server, charlie, alice, hereford_case):
    base, requests = server
    direction_with_priorities(hereford_case)
    review = reviewing.start_review(
        intervention=hereford_case,
        kind="six_month",
        period_start=D(2023, 5, 1),
        period_end=D(2023, 10, 31),
        held_on=D(2023, 11, 6),
        by=charlie,
    )
    for assessment in review.assessments.all():
        reviewing.assess_priority(assessment=assessment, rag="red", narrative="Limited", by=charlie)
    reviewing.update_review(review=review, by=charlie, sufficient_progress=True, recommendation="continue_support")
    review = reviewing.hold_review(review=review, by=charlie)
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    reports.update_cabinet_paper(
        report=report,
        by=alice,
        title=f'<img src="{base}/title.gif" alt="">',
        meeting_date=D(2023, 12, 21),
        report_by=hostile(base),
        report_author=f'<img src="{SYSTEM_FILE}" alt="">',
        purpose=hostile(base),
        community_impact=hostile(base),
        legal_implications=hostile(base),
        reviewers={"Governance": {"name": hostile(base), "date": "2023-12-12"}},
    )
    version = generated(report, by=alice)
    assert version.status == "ready"
    assert requests == []
    assert embedded_files(pdf_reader(version)) == []


def test_the_fetcher_refuses_everything_but_the_projects_own_static_files(server):
    base, requests = server
    html = f"""<!DOCTYPE html><html lang="en"><head><title>Hostile</title>
    <link rel="stylesheet" href="{STATIC_BASE}css/print.css">
    <link rel="stylesheet" href="{base}/linked.css">
    <link rel="attachment" href="{SYSTEM_FILE}">
    <style>@import url("{base}/imported.css"); @import url("{SYSTEM_FILE}");
    body {{ background: url("{base}/background.gif"); }}</style></head>
    <body><p>Hostile document</p>
    <img src="{SYSTEM_FILE}" alt=""><img src="{base}/pixel.gif" alt="">
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
    <img src="ftp://127.0.0.1/file" alt="">
    <img src="{STATIC_BASE}../manage.py" alt=""><img src="{STATIC_BASE}js/../../intervention/settings.py" alt="">
    <img src="{STATIC_BASE}%2e%2e/README.md" alt="">
    <object data="{base}/object.svg"></object><embed src="{base}/embed.svg"><iframe src="{base}/frame.html"></iframe>
    <svg xmlns="http://www.w3.org/2000/svg"><image href="{base}/svg-image.gif" width="10" height="10"/></svg>
    <a rel="attachment" href="{STATIC_BASE}css/print.css">our own stylesheet</a>
    </body></html>"""
    pdf = html_to_pdf(html)
    assert requests == []
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    assert embedded_files(reader) == []
    assert b"root:x:0:0" not in pdf.content
    assert "Hostile document" in reader.pages[0].extract_text()
    assert f"{STATIC_BASE}css/print.css" not in pdf.refused
    for url in (SYSTEM_FILE, f"{base}/pixel.gif", f"{base}/imported.css", f"{base}/linked.css"):
        assert url in pdf.refused


@pytest.mark.parametrize(
    "url",
    [
        SYSTEM_FILE,
        "http://127.0.0.1:9/x.css",
        "https://casework-report.invalid/elsewhere/x.css",
        "data:text/css,p{}",
        f"{STATIC_BASE}../manage.py",
        f"{STATIC_BASE}%2e%2e/manage.py",
        f"{STATIC_BASE}css/../../pyproject.toml",
        f"{STATIC_BASE}js/report-status.mjs",
        f"{STATIC_BASE}css/print.css?x=1",
        f"{STATIC_BASE}css/missing.css",
        "https://casework-report.invalid:8443/static/css/print.css",
    ],
)
def test_the_fetcher_refuses(url):
    with pytest.raises(FetchRefused, match="reports may use only the project's own static files"):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_print_stylesheet():
    response = StaticOnlyFetcher().fetch(f"{STATIC_BASE}css/print.css")
    assert (response.content_type, b"@page" in response.read()) == ("text/css", True)


def test_the_generation_task_has_a_time_limit(settings):
    assert (generate_report_version.soft_time_limit, generate_report_version.time_limit) == (
        settings.REPORT_SOFT_TIME_LIMIT_SECONDS,
        settings.REPORT_TIME_LIMIT_SECONDS,
    )
    assert generate_report_version.soft_time_limit < generate_report_version.time_limit
