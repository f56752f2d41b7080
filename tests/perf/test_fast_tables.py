"""The list tables whose body rows are built in Python (`FastBodyTable`) render the same
markup as django-tables2's own template, row for row and cell for cell."""

import re

import django_tables2 as tables
import pytest
from django.urls import reverse

from common.tables2_speedup import FastBodyTable, _CellReader
from facilities.models import Agency, Facility, User

from .test_query_counts import seed, username

STOCK = "tables/nysds.html"  # DJANGO_TABLES2_TEMPLATE
PAGES = [
    ("classification:reclassification_list", "?tab=all"),
    ("classification:reclassification_list", "?tab=all&sort=-open_for&per_page=7&page=2"),
    ("classification:reclassification_list", "?tab=all&status=nothing-matches"),
    ("classification:position_list", ""),
    ("classification:position_list", "?sort=-title"),
    ("facilities:facility_list", ""),
    ("facilities:facility_list", "?sort=-individuals&per_page=3"),
    ("candidates:person_list", ""),
]


def normalise(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["analyst", "hr"])
def test_same_markup_as_the_stock_template(client, role):
    seed(5)
    client.force_login(User.objects.get(username=username(role)))
    for name, query in PAGES:
        response = client.get(reverse(name) + query)
        assert response.status_code == 200
        table = response.context["table"]
        assert isinstance(table, FastBodyTable)
        fast = normalise(table.as_html(response.wsgi_request))
        assert "<tbody" in fast and "<tr" in fast
        assert fast in normalise(response.content.decode())
        table.template_name = STOCK
        assert fast == normalise(table.as_html(response.wsgi_request)), (name, query)


class _Cells(FastBodyTable):
    name = tables.Column(linkify=lambda record: f"/f/{getattr(record, 'code', 0)}/")
    agency = tables.Column(accessor="agency__code")
    facility_type = tables.Column()  # a field with choices: its display value
    host = tables.Column(accessor="host_facility__name", default="none")  # through a None
    upper = tables.Column(accessor="name__upper")  # a method of a plain value
    code_year = tables.Column(accessor="code__isdigit")
    missing = tables.Column(accessor="no_such_attribute", default="?")

    def render_agency(self, value, record):
        return f"{value}:{getattr(record, 'code', 0)}"


def test_cell_reader_gives_what_get_cell_gives():
    agency = Agency(code="OMH", name="Office of Mental Health")
    records = [
        Facility(name="A & B", code="1", agency=agency, facility_type="ddsoo"),
        Facility(name="", code="x", agency=agency, facility_type="other"),
    ]
    table = _Cells(records)
    for row in table.rows:
        for column in table.columns:
            assert _CellReader(column)(row) == row.get_cell(column.name), column.name
    dict_table = _Cells([{"name": "d", "code": "2", "agency__code": "X"}])
    for row in dict_table.rows:
        for column in dict_table.columns:
            assert _CellReader(column)(row) == row.get_cell(column.name), column.name
