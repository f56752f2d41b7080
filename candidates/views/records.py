"""A person's credentials and experience spells: added, changed and removed on their own pages."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from .. import permissions, selectors, services
from ..forms import (
    CredentialForm,
    ExperienceSpellForm,
    SpellDeleteForm,
)
from ..models import Credential, ExperienceSpell
from .people import _apply_errors, _refused


class _PersonChildFormView(View):
    """Add or edit a credential or an experience spell of a person the user may change."""

    form_class: type[forms.ModelForm]  # each subclass names its form
    heading = ""

    def person_and_instance(self, request, pk):
        raise NotImplementedError

    def save(self, request, data):
        raise NotImplementedError

    def dispatch(self, request, pk: int):
        self.person, self.instance = self.person_and_instance(request, pk)
        if not permissions.can_edit_person(request.user, self.person):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get(self, request, pk: int):
        return self.show(request, self.form_class(instance=self.instance))

    def post(self, request, pk: int):
        form = self.form_class(request.POST, instance=self.instance)
        if form.is_valid():
            try:
                self.save(request, form.cleaned_data)
            except services.Refused as refused:
                return _refused(request, refused)
            except services.ConflictError as error:
                messages.error(request, str(error))
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
                "heading": self.heading,
                "cancel": self.person.get_absolute_url(),
            },
        )


class CredentialCreateView(_PersonChildFormView):
    form_class = CredentialForm
    heading = _("Add a credential")

    def person_and_instance(self, request, pk):
        return selectors.person_for_user(request.user, pk), Credential()

    def save(self, request, data):
        services.add_credential(
            actor=request.user,
            person=self.person,
            kind=data["kind"],
            ahima_id=data["ahima_id"],
            awarded_on=data["awarded_on"],
            valid_through=data["valid_through"],
            status=data["status"],
        )


class CredentialUpdateView(_PersonChildFormView):
    form_class = CredentialForm
    heading = _("Edit a credential")

    def person_and_instance(self, request, pk):
        credential = selectors.credential_for_user(request.user, pk)
        return credential.person, credential

    def save(self, request, data):
        services.edit_credential(
            actor=request.user,
            credential=self.instance,
            expected_version=data.get("version"),
            ahima_id=data["ahima_id"],
            awarded_on=data["awarded_on"],
            valid_through=data["valid_through"],
            status=data["status"],
        )


class SpellCreateView(_PersonChildFormView):
    form_class = ExperienceSpellForm
    heading = _("Add an experience spell")

    def person_and_instance(self, request, pk):
        return selectors.person_for_user(request.user, pk), ExperienceSpell()

    def save(self, request, data):
        services.add_experience_spell(
            actor=request.user,
            person=self.person,
            **{k: data[k] for k in ExperienceSpellForm.Meta.fields},
        )


class SpellUpdateView(_PersonChildFormView):
    form_class = ExperienceSpellForm
    heading = _("Edit an experience spell")

    def person_and_instance(self, request, pk):
        spell = selectors.spell_for_user(request.user, pk)
        return spell.person, spell

    def save(self, request, data):
        services.edit_experience_spell(
            actor=request.user,
            spell=self.instance,
            expected_version=data.get("version"),
            **{k: data[k] for k in ExperienceSpellForm.Meta.fields},
        )


class SpellDeleteView(View):
    """GET asks for confirmation; POST removes the spell."""

    def dispatch(self, request, pk: int):
        self.spell = selectors.spell_for_user(request.user, pk)
        if not permissions.can_edit_person(request.user, self.spell.person):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get(self, request, pk: int):
        return render(request, "candidates/spell_confirm_delete.html", {"spell": self.spell})

    def post(self, request, pk: int):
        form = SpellDeleteForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("The confirmation was incomplete; nothing was removed. Try again.")
            )
            return HttpResponseRedirect(self.spell.person.get_absolute_url())
        try:
            services.remove_experience_spell(
                actor=request.user, spell=self.spell, expected_version=form.cleaned_data["version"]
            )
        except services.Refused as refused:
            return _refused(request, refused)
        except services.ConflictError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Experience spell removed."))
        return HttpResponseRedirect(self.spell.person.get_absolute_url())
