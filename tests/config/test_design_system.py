"""New York State's design system (decision 0022): the error pages are the site's, the forms
are drawn by the project's crispy-forms pack as NYSDS components, and the vendored files are
the pinned release's."""

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client

from classification.status_colours import STATUS_COLOURS
from classification.workflow import STATUSES
from scripts import vendor
from tests.factories import UserFactory, analyst_user

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "nysds"


def test_500_renders_without_a_request_and_offers_a_way_back():
    page = render_to_string("500.html")  # no request, no context: nothing may need one
    assert "<nys-unavheader" in page and "<nys-globalheader" in page
    assert '<a class="button" href="/">Back to the dashboard</a>' in page
    assert "{%" not in page and "{{" not in page


@pytest.mark.django_db
def test_404_and_403_are_pages_of_the_site(client):
    client.force_login(analyst_user())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.text
    assert "<nys-globalheader" in text and "There is no such page" in text
    assert 'href="/">Back to the dashboard' in text
    assert 'data-testid="whoami"' in text  # signed in, with the site's navigation
    forbidden = Client().get("/requests/new/")  # anonymous: the sign-in page, not a 403
    assert forbidden.status_code == 302
    assert "You may not see this page" in render_to_string("403.html")


class Sample(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the payroll.", max_length=20)
    count = forms.IntegerField(label="Count", min_value=0)
    when = forms.DateField(label="When", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")])
    side = forms.ChoiceField(label="Side", choices=[("l", "Left")], widget=forms.RadioSelect)
    note = forms.CharField(label="Note", widget=forms.Textarea, required=False)
    agree = forms.BooleanField(label="Agree")
    file = forms.FileField(label="File")
    hidden = forms.CharField(widget=forms.HiddenInput, initial="x")


@pytest.mark.django_db
def test_every_page_names_an_icon_the_site_serves(client):
    """Without one, each new browser asks for /favicon.ico: a 404 page built for nothing and
    an error in the browser's console."""
    icons = []
    pages = [client.get("/accounts/login/").text]
    client.force_login(UserFactory(username="admin-icon", is_staff=True, is_superuser=True))
    pages.append(client.get("/admin/").text)  # Django's own admin pages too
    for page in (*pages, render_to_string("500.html")):
        found = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page)
        assert found, page[:400]
        icons.append(found[1])
    for href in icons:
        response = client.get(href)
        assert response.status_code == 200, href
        assert b"<svg" in b"".join(response.streaming_content)


def test_the_crispy_pack_draws_nysds_components_with_label_help_and_errors():
    form = Sample(
        data={"name": "x" * 30, "count": "-1", "when": "2027-01-07", "kind": "b", "hidden": "x"}
    )
    page = render_to_string(
        "nysds/uni_form.html",
        {"form": form, "field_template": "nysds/field.html", "form_show_errors": True},
    )
    assert '<nys-textinput description="As on the payroll."' in page
    assert 'id="id_name"' in page and 'name="name"' in page and 'label="Name"' in page
    assert "showerror" in page and "errormessage=" in page
    assert "<nys-textinput" in page and 'type="number"' in page and 'min="0"' in page
    assert "<nys-datepicker" in page and 'value="2027-01-07"' in page
    assert "<nys-select" in page and '<nys-option value="b" label="B" selected>' in page
    assert (
        "<nys-radiogroup" in page
        and '<nys-radiobutton id="id_side_0" name="side" value="l"' in page
    )
    assert "<nys-textarea" in page and "<nys-checkbox" in page and "<nys-fileinput" in page
    assert '<input type="hidden" name="hidden" value="x" id="id_hidden">' in page


def test_every_status_has_one_colour_for_badges_and_charts():
    assert set(STATUS_COLOURS) == set(STATUSES)
    from classification.workflow import APPROVED, DENIED

    assert (
        STATUS_COLOURS[APPROVED].intent == "success"
        and STATUS_COLOURS[APPROVED].chart == "chart-success"
    )
    assert (
        STATUS_COLOURS[DENIED].intent == "error" and STATUS_COLOURS[DENIED].chart == "chart-error"
    )
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    for colour in STATUS_COLOURS.values():
        assert f".{colour.chart} " in css


def test_the_integrity_check_refuses_other_bytes():
    data = b"package"
    good = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    vendor.check_integrity(data, good)
    with pytest.raises(ValueError, match="integrity mismatch"):
        vendor.check_integrity(b"tampered", good)
    assert vendor.without_source_map(b"code\n//# sourceMappingURL=x.map") == b"code"


def test_the_vendored_files_are_there_without_a_source_map_reference():
    for name in ("nysds.js", "nysds-full.min.css", "LICENSE.md"):
        assert (VENDOR / name).is_file(), name
    assert b"sourceMappingURL" not in (VENDOR / "nysds.js").read_bytes()
    assert b"New York State Design System (v1.15.0)" in (VENDOR / "nysds-full.min.css").read_bytes()
