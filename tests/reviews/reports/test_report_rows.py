"""The reports lists' rows and filters, written out in Python (reviews.templatetags.report_rows and
filter_options): the same markup the template language drew, byte for byte, with what people typed
escaped."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from intervention.models import LocalAuthority
from reviews.models import Report, ReportVersion
from reviews.templatetags.report_rows import report_rows, status

pytestmark = pytest.mark.django_db
MARKUP = "<script>alert(1)</script> & co"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"

# What reviews/reports/includes/report_table.html drew for each report, its status include inlined (with
# the line break the include ended with), before the rows were written out in Python.
TEMPLATE_ROWS = (
    "{% load long_dates %}{% for report in reports %}\n"
    "    {% with versions=report.listed_versions %}{% with latest=versions.latest ready=versions.ready "
    "signed=versions.signed %}\n"
    '    <tr class="govuk-table__row">\n'
    '      {% if show_authority %}<td class="govuk-table__cell">{{ report.intervention.local_authority.name }}</td>'
    "{% endif %}\n"
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{{ report.get_absolute_url }}">{{ report.title }}'
    '</a><br><span class="govuk-body-s">{{ report.get_kind_display }}, started {{ report.created_at|short_date }}'
    "</span></td>\n"
    '      <td class="govuk-table__cell">{{ report.period_label|default:"\N{EN DASH}" }}</td>\n'
    '      <td class="govuk-table__cell">{% include "status" %}</td>\n'
    '      <td class="govuk-table__cell">{% if ready %}<a class="govuk-link" href="{{ ready.download_url }}">Version '
    '{{ ready.number }}<span class="govuk-visually-hidden"> of {{ report.title }}</span> (PDF)</a>{% else %}None yet'
    "{% endif %}</td>\n"
    "    </tr>\n"
    "    {% endwith %}{% endwith %}\n"
    "    {% endfor %}"
)
TEMPLATE_STATUS = (
    '{% if signed and signed.is_ready %}<strong class="govuk-tag govuk-tag--green">Signed off</strong><br>'
    '<span class="govuk-body-s">{{ signed.signed_off_on|date:"j M Y" }} by {{ signed.signer_name }}</span>'
    '{% elif signed %}<strong class="govuk-tag govuk-tag--blue">Signed off: {{ signed.get_status_display|lower }}'
    '</strong>{% elif not latest %}<strong class="govuk-tag govuk-tag--grey">Not generated</strong>'
    '{% elif latest.is_generating %}<strong class="govuk-tag govuk-tag--blue">Generating</strong>'
    '{% elif latest.is_failed %}<strong class="govuk-tag govuk-tag--red">Failed</strong>'
    '{% else %}<strong class="govuk-tag govuk-tag--yellow">Draft</strong>{% endif %}\n'
)


def as_the_template_drew(reports, show_authority):
    from django.template import engines

    engine = engines["django"].engine
    status_template = Template(TEMPLATE_STATUS, engine=engine)

    rows = Template(TEMPLATE_ROWS.replace('{% include "status" %}', "{% include status_template %}"), engine=engine)
    return rows.render(
        Context({"reports": reports, "show_authority": show_authority, "status_template": status_template})
    )


@pytest.fixture
def reports(dora, hereford_case, worcester_case):
    """A report in each state the table shows, one of them with markup in its title and its authority's name."""
    LocalAuthority.objects.filter(pk=worcester_case.local_authority_id).update(name=f"Worcs {MARKUP}")
    now = timezone.now()
    made = []
    states = [
        [],  # not generated
        [{"status": "generating"}],
        [{"status": "generating", "started_at": now - datetime.timedelta(days=1)}],  # stalled: failed
        [{"status": "failed"}],
        [{"status": "ready"}],  # a draft with a download
        [{"status": "ready"}, {"status": "ready", "is_final": True, "signer_name": f"Sig {MARKUP}"}],
        [{"status": "ready"}, {"status": "generating", "is_final": True}],  # signed off, being made
    ]
    for n, versions in enumerate(states):
        report = Report.objects.create(
            intervention=worcester_case if n % 2 else hereford_case,
            kind="cabinet",
            title=f"Report {n} {MARKUP}",
            period_start=datetime.date(2023, 1, 1) if n % 3 else None,
            period_end=datetime.date(2023, 3, 31) if n % 3 else None,
            classification="COUNCIL",
            created_by=dora,
            created_at=now - datetime.timedelta(hours=n),
        )
        for number, fields in enumerate(versions, start=1):
            signed = {"signed_off_on": datetime.date(2023, 4, 2)} if fields.get("is_final") else {}
            ReportVersion.objects.create(report=report, number=number, requested_by=dora, **signed, **fields)
        made.append(report)
    return made


@pytest.mark.parametrize("show_authority", [True, False])
def test_the_rows_are_what_the_template_drew(reports, show_authority):
    listed = list(Report.objects.filter(pk__in=[r.pk for r in reports]).for_list())
    drawn = report_rows(listed, show_authority)
    assert drawn == as_the_template_drew(listed, show_authority)
    assert MARKUP not in drawn and ESCAPED in drawn
    for words in ("Not generated", "Generating", "Failed", "Draft", "Signed off</strong>", "Signed off: generating"):
        assert words in drawn


def test_the_status_of_a_report_with_no_versions(reports):
    assert status(None, None) == '<strong class="govuk-tag govuk-tag--grey">Not generated</strong>'


def test_the_national_list_escapes_titles_authorities_and_signers(client, dora, reports):
    client.force_login(dora)
    text = client.get(reverse("report_list")).content.decode()
    assert MARKUP not in text
    assert text.count(ESCAPED) >= len(reports) + 2  # every title, the authority's name (row and option), a signer


def test_the_national_lists_filters_keep_what_was_chosen(client, dora, reports, worcester_case):
    client.force_login(dora)
    authority = worcester_case.local_authority_id
    text = client.get(reverse("report_list"), {"authority": authority, "kind": "cabinet"}).content.decode()
    assert f'<option value="{authority}" selected>Worcs {ESCAPED}</option>' in text
    assert '<option value="cabinet" selected>Cabinet report</option>' in text
    assert '<option value="" selected>' not in text
    assert text.count("govuk-table__row") == 1 + 3  # the heading and Worcestershire's three
    unfiltered = client.get(reverse("report_list")).content.decode()
    assert " selected>" not in unfiltered
