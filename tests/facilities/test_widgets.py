"""FastSelect: the markup of a <select>, escaped, with the chosen option selected.
RowChoiceField: one query both checks the choice and draws the options."""

import pytest
from django import forms

from common.widgets import FastSelect, RowChoiceField
from facilities.filters import FacilityFilter
from facilities.models import Agency, Facility
from tests.factories import AgencyFactory, FacilityFactory


def test_options_escaped_and_selected():
    widget = FastSelect(choices=[("", "Any"), (7, "A & B <x>"), ('a"b', "Q"), (12, "Twelve")])
    html = widget.render("facility", 7, attrs={"id": "id_facility"})
    assert html == (
        '<select id="id_facility" name="facility">'
        '<option value="">Any</option>'
        '<option value="7" selected>A &amp; B &lt;x&gt;</option>'
        '<option value="a&quot;b">Q</option>'
        '<option value="12">Twelve</option>'
        "</select>"
    )


def test_a_submitted_string_selects_the_integer_option():
    widget = FastSelect(choices=[(7, "Seven"), (12, "Twelve")])
    assert '<option value="12" selected>' in widget.render("f", "12")
    assert "selected" not in widget.render("f", None)


@pytest.mark.django_db
def test_a_row_choice_checks_and_draws_from_one_query(django_assert_num_queries):
    class Form(forms.Form):
        agency = RowChoiceField(Agency.objects.all(), label_field="code", required=False)

    omh = Agency.objects.get(code="OMH")
    form = Form({"agency": str(omh.pk)})
    with django_assert_num_queries(1):
        assert form.is_valid()
        html = str(form["agency"])
    assert form.cleaned_data["agency"] == omh.pk
    assert f'<option value="{omh.pk}" selected>OMH</option>' in html
    assert html.count("<option") == Agency.objects.count() + 1  # and the empty choice


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["999999", "OMH", "1.0", "²", "-1", "9" * 40, "9" * 5000])
def test_a_row_choice_refuses_what_is_not_one_of_its_rows(value):
    class Form(forms.Form):
        agency = RowChoiceField(Agency.objects.all(), label_field="code", required=False)

    form = Form({"agency": value})
    assert not form.is_valid()
    assert form.errors["agency"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


@pytest.mark.django_db
def test_a_row_choice_filters_by_the_chosen_key():
    FacilityFactory(agency=AgencyFactory(code="OMH"), name="Kingsboro")
    FacilityFactory(agency=AgencyFactory(code="DOCCS"), name="Attica")
    omh = Agency.objects.get(code="OMH")
    chosen = FacilityFilter({"agency": str(omh.pk)}, queryset=Facility.objects.all())
    assert [f.name for f in chosen.qs] == ["Kingsboro"]


@pytest.mark.django_db
def test_a_row_choice_reads_a_key_as_a_model_choice_does():
    class Form(forms.Form):
        agency = RowChoiceField(Agency.objects.all(), label_field="code", required=False)

    omh = Agency.objects.get(code="OMH")
    form = Form({"agency": f" 0{omh.pk} "})
    assert form.is_valid()
    assert form.cleaned_data["agency"] == omh.pk
    assert not form.fields["agency"].has_changed(omh, str(omh.pk))
    assert form.fields["agency"].has_changed(None, str(omh.pk))
