"""FastSelect: the markup of a <select>, escaped, with the chosen option selected."""

from facilities.widgets import FastSelect


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
