"""One agency's worth of every kind of object, built through factories and services.

The access matrix, the leak checks and the hostile-input tests all start from `build_scene`:
two agencies (OMH and DOCCS) each with a facility and its counts, positions, requests in
several states (a decided one with a letter and an attachment), a person with a verified
credential (with an evidence file) and an experience spell, and a count import preview.
Names carry the agency code so a page that leaks another agency's rows is easy to catch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from candidates.models import Credential, ExperienceSpell, Person, Verification
from classification import appeal_services
from classification import services as classification_services
from classification.models import Appeal, Position, ReclassificationRequest
from facilities import services as facility_services
from facilities.models import AnnualActivity, CountImport, Facility
from tests.candidates.factories import CredentialFactory, ExperienceSpellFactory, PersonFactory
from tests.candidates.factories import verify as record_verification
from tests.classification.factories import PDF, PositionFactory, reclassification_in
from tests.facilities.helpers import csv_bytes
from tests.factories import (
    AgencyFactory,
    FacilityFactory,
    analyst_user,
    committed,
    employee_user,
    hr_user,
    supervisor_user,
)

AGENCIES = ("OMH", "DOCCS")
ROLES = ("anonymous", "hr", "hr_other", "employee", "analyst", "supervisor", "admin")


@dataclass
class AgencyObjects:
    """Everything of one agency that a URL can point at (the matrix's "objects")."""

    code: str
    hr: Any
    facility: Facility
    counts: AnnualActivity
    position: Position
    draft: ReclassificationRequest
    submitted: ReclassificationRequest
    decided: ReclassificationRequest
    # A denied request's appeal, sent to the Commission (with its file and record).
    appeal: Appeal
    person: Person
    credential: Credential
    spell: ExperienceSpell
    verification: Verification
    count_import: CountImport
    # Distinctive strings that must never appear on another agency's HR pages.
    marks: list[str] = field(default_factory=list)


def _agency_objects(code: str, *, analyst, supervisor) -> AgencyObjects:
    hr = hr_user(code, username=f"hr-{code.lower()}", first_name=f"Hr{code}")
    agency = AgencyFactory(code=code)
    facility_name = f"Zz{code}Facility Psychiatric Center"

    facility = FacilityFactory(
        agency=agency, name=facility_name, code=f"FAC-{code}", facility_type="ddsoo"
    )
    counts = facility_services.report_counts(
        actor=hr,
        facility=facility,
        fiscal_year=2024,
        individuals_served=2500,
        records_activities=200_000,
    )
    position = PositionFactory(facility=facility, item_number=f"ITEM-{code}-1")
    other_position = PositionFactory(facility=facility, item_number=f"ITEM-{code}-2")
    third_position = PositionFactory(facility=facility, item_number=f"ITEM-{code}-3")
    draft = reclassification_in("draft", hr=hr, position=position)
    submitted = reclassification_in("submitted", hr=hr, position=other_position)
    recommended = reclassification_in(
        "recommended", hr=hr, position=third_position, assigned=analyst
    )
    decided = committed(  # the letter is stored after the commit
        classification_services.approve_reclassification,
        actor=supervisor,
        reclassification_id=recommended.pk,
        expected_version=recommended.version,
    )
    denied = reclassification_in(
        "denied",
        hr=hr,
        position=PositionFactory(facility=facility, item_number=f"ITEM-{code}-4"),
        assigned=analyst,
        decider=supervisor,
    )
    appeal = committed(  # its file is moved into place after the commit
        appeal_services.file_appeal,
        actor=hr,
        reclassification_id=denied.pk,
        grounds=f"Zz{code}Grounds",
        files=[SimpleUploadedFile("grounds.pdf", PDF)],
    )
    appeal_services.transmit_appeal(actor=analyst, appeal_id=appeal.pk, expected_version=1)
    appeal = appeal_services.store_appeal_packet(appeal_id=appeal.pk)
    person = PersonFactory(
        agency=agency, family_name=f"Zz{code}Family", employee_id=f"EMP-{code}-1"
    )
    credential = CredentialFactory(person=person, ahima_id=f"AH-{code}-1")
    spell = ExperienceSpellFactory(person=person, employer=f"Zz{code}Employer")
    verification = record_verification(
        credential,
        analyst,
        on=date(2025, 5, 1),
        evidence=SimpleUploadedFile("letter.pdf", PDF),
    )
    count_import = facility_services.preview_count_import(
        actor=hr,
        file_name="counts.csv",
        data=csv_bytes([[facility.code, 2023, 2400, 190_000, "Zz estimate"]]),
    )
    return AgencyObjects(
        code=code,
        hr=hr,
        facility=facility,
        counts=counts,
        position=position,
        draft=draft,
        submitted=submitted,
        decided=decided,
        appeal=appeal,
        person=person,
        credential=credential,
        spell=spell,
        verification=verification,
        count_import=count_import,
        marks=[
            facility_name,
            f"FAC-{code}",
            f"ITEM-{code}-",
            f"Zz{code}Family",
            f"EMP-{code}-1",
            f"Zz{code}Grounds",
        ],
    )


def build_scene() -> SimpleNamespace:
    """Users of every role and the objects of both agencies (see the module docstring)."""
    analyst = analyst_user(username="analyst-m", first_name="Ana")
    supervisor = supervisor_user(username="supervisor-m", first_name="Sue")
    admin = get_user_model().objects.create_superuser(
        username="admin-m",
        email="admin@example.ny.gov",
        password="pw",
    )
    agencies = {
        code: _agency_objects(code, analyst=analyst, supervisor=supervisor) for code in AGENCIES
    }
    # A future acting supervisor (it gives the analyst nothing today) for the delegation pages.
    from datetime import timedelta

    from django.utils import timezone

    from facilities.services.delegations import create_delegation

    later = timezone.localdate() + timedelta(days=10)
    delegation = create_delegation(
        actor=supervisor,
        kind="acting_supervisor",
        delegator=supervisor,
        delegate=analyst,
        starts_on=later,
        ends_on=later + timedelta(days=2),
    )
    # An employee with a position and a request of their own (at a facility of neither
    # agency's objects): every agency object must be, to them, no object at all.
    employee = employee_user(username="employee-m", first_name="Emma")
    own = reclassification_in(
        "agency_comment",
        hr=agencies["OMH"].hr,
        employee=employee,
        position=PositionFactory(
            facility=FacilityFactory(agency=AgencyFactory(code="OASAS"), code="FAC-EMP"),
            item_number="OWN-EMP-1",
        ),
    )
    return SimpleNamespace(
        analyst=analyst,
        supervisor=supervisor,
        admin=admin,
        employee=employee,
        own_request=own,
        agencies=agencies,
        delegation=delegation,
    )


def user_for(scene: SimpleNamespace, role: str, agency: str):
    """The user playing `role` towards objects of `agency` (None for anonymous)."""
    other = next(code for code in AGENCIES if code != agency)
    return {
        "anonymous": None,
        "hr": scene.agencies[agency].hr,
        "hr_other": scene.agencies[other].hr,
        "employee": scene.employee,
        "analyst": scene.analyst,
        "supervisor": scene.supervisor,
        "admin": scene.admin,
    }[role]
