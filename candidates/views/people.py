"""The list of people and a person's page (with its printable form), created and changed."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from common.exports import export_response
from facilities.tables import BoundedPaginator

from .. import permissions, selectors, services
from ..dates import today_in_new_york
from ..filters import PersonFilter
from ..forms import (
    AsOfForm,
    PersonForm,
)
from ..models import Credential, ExperienceSpell
from ..tables import PersonTable


def _apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _refused(request, refused: services.Refused) -> HttpResponseRedirect:
    """A service's refusal on the row it locked (the person moved to another agency since
    the page was read): say so, and go back to the people the user may see."""
    messages.error(request, str(refused.message))
    return HttpResponseRedirect(reverse("candidates:person_list"))


class PersonListView(View):
    """/people/: filters, search, sorting, pagination, CSV and XLSX of the filtered rows."""

    def get(self, request):
        today = today_in_new_york()
        people = selectors.people_visible_to(request.user).prefetch_related(
            Prefetch("credentials", queryset=Credential.objects.order_by("kind")),
            Prefetch("spells", queryset=ExperienceSpell.objects.all()),
        )
        filterset = PersonFilter(request.GET or None, queryset=people, user=request.user)
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else people
        export = request.GET.get("export")
        if export in {"csv", "xlsx"}:
            return self.export(export, rows.order_by("family_name", "given_name", "pk"), today)
        table = PersonTable(rows, today=today)
        RequestConfig(
            request, paginate={"per_page": 25, "paginator_class": BoundedPaginator}
        ).configure(table)
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        return render(
            request,
            "candidates/person_list.html",
            {
                "filter": filterset,
                "table": table,
                "query": query.urlencode(),
                "can_add": permissions.can_add_person(request.user),
            },
        )

    def export(self, fmt: str, people, today):
        header = [
            _("Family name"),
            _("Given name"),
            _("Agency"),
            _("Employee id"),
            _("Email"),
            _("Credentials"),
            _("Last verified"),
            _("Highest title met"),
            _("Outcome"),
        ]
        rows = []
        for p in people:
            creds = list(p.credentials.all())
            title, outcome = selectors.highest_title_met(p, today)
            last = [c.last_verified_on for c in creds if c.last_verified_on]
            rows.append(
                [
                    p.family_name,
                    p.given_name,
                    p.agency.code,
                    p.employee_id,
                    p.email,
                    ", ".join(f"{c.kind} ({c.status})" for c in creds),
                    max(last) if last else "",
                    title.name if title else "",
                    outcome if title else "",
                ]
            )
        name = f"people-{today.isoformat()}"
        return export_response(fmt, name, header, rows)


class PersonCreateView(View):
    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_add_person(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.show(request, PersonForm(user=request.user))

    def post(self, request):
        form = PersonForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = services.add_person(
                    actor=request.user,
                    agency=data.get("agency") or request.user.agency,
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    employee_id=data["employee_id"],
                    email=data["email"],
                    degree=data["degree"],
                    degree_date=data["degree_date"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("%(person)s added.") % {"person": person})
                return HttpResponseRedirect(person.get_absolute_url())
        return self.show(request, form)

    def show(self, request, form):
        return render(
            request,
            "candidates/form_page.html",
            {
                "form": form,
                "heading": _("Add a person"),
                "cancel": reverse("candidates:person_list"),
            },
        )


class PersonUpdateView(View):
    def dispatch(self, request, pk: int):
        self.person = selectors.person_for_user(request.user, pk)
        if not permissions.can_edit_person(request.user, self.person):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get(self, request, pk: int):
        return self.show(request, PersonForm(instance=self.person, user=request.user))

    def post(self, request, pk: int):
        form = PersonForm(request.POST, instance=self.person, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.edit_person(
                    actor=request.user,
                    person=self.person,
                    expected_version=data.get("version"),
                    **{k: data[k] for k in PersonForm.Meta.fields if k != "agency"},
                )
            except services.Refused as refused:
                return _refused(request, refused)
            except services.ConflictError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(self.person.get_absolute_url())
        return self.show(request, form)

    def show(self, request, form):
        return render(
            request,
            "candidates/form_page.html",
            {
                "form": form,
                "person": self.person,
                "heading": _("Edit a person"),
                "cancel": self.person.get_absolute_url(),
            },
        )


def _as_of(request) -> tuple[AsOfForm, date]:
    """The as-of date from ?as_of=, today in New York by default or when it is not a date."""
    today = today_in_new_york()
    if "as_of" not in request.GET or not request.GET["as_of"]:
        return AsOfForm(initial={"as_of": today}), today
    form = AsOfForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["as_of"]
    return form, today


class PersonDetailView(View):
    """A person's credentials, verification history, spells and evaluation as of a date."""

    template_name = "candidates/person_detail.html"

    def get(self, request, pk: int):
        person = selectors.person_for_user(request.user, pk)
        as_of_form, as_of = _as_of(request)
        spells, total_fte = selectors.spells_with_fte(person, as_of)
        today = today_in_new_york()
        credentials = [
            {
                "credential": c,
                "state": selectors.verification_state(c, today),
                "validity": selectors.validity(c, today),
                "history": list(c.verifications.all()),
            }
            for c in person.credentials.all()
        ]
        return render(
            request,
            self.template_name,
            {
                "person": person,
                "as_of_form": as_of_form,
                "as_of": as_of,
                "as_of_is_today": as_of == today,
                "credentials": credentials,
                "spells": spells,
                "total_fte": total_fte,
                "evaluations": selectors.evaluations_for(person, as_of),
                "max_age": selectors.verification_max_age_days(),
                "rhia_satisfies_rhit": selectors.rhia_satisfies_rhit(),
                "can_edit": permissions.can_edit_person(request.user, person),
                "can_verify": permissions.can_record_verification(request.user),
            },
        )


class PersonPrintView(PersonDetailView):
    template_name = "candidates/person_print.html"
