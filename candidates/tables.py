import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from common.templatetags.formats import nydate

from .models import CredentialStatus, Person
from .selectors import highest_title_met, validity, verification_state

STATE_LABELS = {
    "verified": (_("verified"), "success"),
    "stale": (_("stale"), "warning"),
    "never": (_("never verified"), "error"),
}
VALIDITY_LABELS = {"expiring": _("expiring"), "expired": _("expired")}
# What c.get_status_display() shows, without rebuilding the choices' lazy translations for
# every credential.
CREDENTIAL_STATUS_LABELS = dict(CredentialStatus.choices)
OUTCOME_LABELS = {
    "qualified": (_("Qualified"), "success"),
    "unverified": (_("Unverified"), "warning"),
    "not_qualified": (_("Not qualified"), "neutral"),
}


def credential_badges(credentials, today):
    """One line per credential: kind, AHIMA status, verification state, expiry."""
    parts = []
    for c in credentials:
        label, css = STATE_LABELS[verification_state(c, today)]
        state = validity(c, today)
        expiring = (
            format_html(
                ' <nys-badge intent="warning" label="{}"></nys-badge>', VALIDITY_LABELS[state]
            )
            if state
            else ""
        )
        parts.append(
            (c.kind, CREDENTIAL_STATUS_LABELS.get(c.status, c.status), css, label, expiring)
        )
    if not parts:
        return format_html('<span class="text-muted">{}</span>', _("none on record"))
    return format_html_join(
        mark_safe("<br>"),
        '{} ({}) <nys-badge intent="{}" label="{}"></nys-badge>{}',
        parts,
    )


def highest_cell(person, today) -> str:
    """The highest title the person meets today, with its outcome as a badge."""
    title, outcome = highest_title_met(person, today)
    if title is None:
        return format_html('<span class="text-muted">{}</span>', _("none"))
    label, css = OUTCOME_LABELS[outcome]
    return format_html(
        '{} <nys-badge intent="{}" label="{}"></nys-badge>', title.short_name, css, label
    )


class PersonTable(tables.Table):
    """The people's headers and sorting; the cells are in templates/tables/people.html (with
    `credential_badges` and `highest_cell`, computed for `today`)."""

    name = tables.Column(
        verbose_name=_("Name"),
        accessor="sort_name",
        # Then by id: people of one name keep one order from page to page (an index's order).
        order_by=("family_name", "given_name", "id"),
    )
    agency = tables.Column(verbose_name=_("Agency"), accessor="agency__code")
    employee_id = tables.Column(verbose_name=_("Employee id"))
    credentials = tables.Column(verbose_name=_("Credentials"), accessor="pk", orderable=False)
    highest = tables.Column(
        verbose_name=_("Highest title met today"), accessor="pk", orderable=False
    )

    class Meta:
        model = Person
        fields = ["name", "agency", "employee_id", "credentials", "highest"]
        attrs = {"class": "data-table", "aria-label": _("People")}
        empty_text = _("Nobody matches these filters.")
        template_name = "tables/people.html"

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)


class ReverificationTable(tables.Table):
    selected = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "th__input": {"aria-label": _("Select all")},
            "td__input": {"aria-label": _("Select")},
        },
    )
    person = tables.Column(
        verbose_name=_("Person"),
        accessor="credential__person",
        orderable=False,
        linkify=lambda record: record.credential.person.get_absolute_url(),
    )
    agency = tables.Column(
        verbose_name=_("Agency"), accessor="credential__person__agency__code", orderable=False
    )
    kind = tables.Column(verbose_name=_("Credential"), accessor="credential__kind", orderable=False)
    ahima_id = tables.Column(
        verbose_name=_("AHIMA id"), accessor="credential__ahima_id", orderable=False
    )
    last_verified_on = tables.DateColumn(
        format="M j, Y",
        verbose_name=_("Last verified"),
        accessor="credential__last_verified_on",
        orderable=False,
    )
    valid_through = tables.DateColumn(
        format="M j, Y",
        verbose_name=_("Valid through"),
        accessor="credential__valid_through",
        orderable=False,
    )
    due_on = tables.Column(verbose_name=_("Due"), orderable=False, empty_values=())
    reasons = tables.Column(verbose_name=_("Why"), orderable=False, empty_values=())
    requested = tables.Column(
        verbose_name=_("Verification requested"), accessor="credential", orderable=False
    )

    REASONS = {
        "never": _("never verified"),
        "stale": _("verification stale"),
        "expiring": _("valid-through within 60 days"),
        "expired": _("valid-through date has passed"),
    }

    class Meta:
        attrs = {
            "class": "data-table",
            "aria-label": _("Credentials due for verification"),
        }
        empty_text = _("No credential needs verifying.")

    def render_due_on(self, record):
        if record.due_on is None:
            return format_html('<nys-badge intent="error" label="{}"></nys-badge>', _("now"))
        return nydate(record.due_on)

    def render_reasons(self, record):
        return "; ".join(str(self.REASONS[r]) for r in record.reasons)

    def render_requested(self, record):
        c = record.credential
        if c.reverification_requested_on is None:
            return "—"
        return f"{nydate(c.reverification_requested_on)} ({c.reverification_requested_by})"
