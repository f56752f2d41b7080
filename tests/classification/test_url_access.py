"""Every classification URL and what each role gets from it: a gap in this table fails."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from classification import appeal_services, services
from tests.factories import committed

from .factories import PDF, reclassification_in

# URL name → (how to build its args from the scene, {role: status on GET}).
# hr is the request's agency; hr_other another agency. The decided request was filed by
# `employee` (form CC-2E); employee_other is another employee, to whom it does not exist.
URL_ACCESS = {
    "reclassification_list": (
        "none",
        {
            "hr": 200,
            "hr_other": 200,
            "analyst": 200,
            "supervisor": 200,
            "employee": 200,
            "employee_other": 200,
        },
    ),
    "reclassification_create": (
        "none",
        {
            "hr": 200,
            "hr_other": 200,
            "analyst": 403,
            "supervisor": 403,
            "employee": 200,
            "employee_other": 200,
        },
    ),
    "warranted_fragment": (
        "none",
        {
            "hr": 200,
            "hr_other": 200,
            "analyst": 200,
            "supervisor": 200,
            "employee": 200,
            "employee_other": 200,
        },
    ),
    "position_search": (
        "none",
        {
            "hr": 200,
            "hr_other": 200,
            "analyst": 403,
            "supervisor": 403,
            "employee": 403,
            "employee_other": 403,
        },
    ),
    "reclassification_detail": (
        "decided",
        {
            "hr": 200,
            "hr_other": 404,
            "analyst": 200,
            "supervisor": 200,
            "employee": 200,
            "employee_other": 404,
        },
    ),
    # A draft is the agency's own: DCC staff get 404 for it, as for another agency's objects.
    "reclassification_update": (
        "draft",
        {
            "hr": 200,
            "hr_other": 404,
            "analyst": 404,
            "supervisor": 404,
            "employee": 404,
            "employee_other": 404,
        },
    ),
    "attachment_create": (
        "decided",
        {
            "hr": 405,
            "hr_other": 405,
            "analyst": 405,
            "supervisor": 405,
            "employee": 405,
            "employee_other": 405,
        },
    ),
    "attachment_download": (
        "attachment",
        {
            "hr": 200,
            "hr_other": 404,
            "analyst": 200,
            "supervisor": 200,
            "employee": 200,
            "employee_other": 404,
        },
    ),
    "decision_letter": (
        "decided",
        {
            "hr": 200,
            "hr_other": 404,
            "analyst": 200,
            "supervisor": 200,
            "employee": 200,
            "employee_other": 404,
        },
    ),
    # Withdrawing a decided request is nobody's action: explained with a redirect, or 404.
    "reclassification_transition": (
        "transition",
        {
            "hr": 302,
            "hr_other": 404,
            "analyst": 302,
            "supervisor": 302,
            "employee": 302,
            "employee_other": 404,
        },
    ),
    "standard": (
        "none",
        {
            "hr": 200,
            "hr_other": 200,
            "analyst": 200,
            "supervisor": 200,
            "employee": 200,
            "employee_other": 200,
        },
    ),
    "simulator": (
        "none",
        {
            "hr": 200,
            "hr_other": 200,
            "analyst": 200,
            "supervisor": 200,
            "employee": 200,
            "employee_other": 200,
        },
    ),
    "saved_filter_create": (
        "none",
        {
            "hr": 405,
            "hr_other": 405,
            "analyst": 405,
            "supervisor": 405,
            "employee": 405,
            "employee_other": 405,
        },
    ),
    "saved_filter_delete": (
        "saved",
        {
            "hr": 405,
            "hr_other": 405,
            "analyst": 405,
            "supervisor": 405,
            "employee": 405,
            "employee_other": 405,
        },
    ),
    "drift_report": (
        "none",
        {
            "hr": 200,
            "hr_other": 200,
            "analyst": 200,
            "supervisor": 200,
            "employee": 403,
            "employee_other": 403,
        },
    ),
    "turnaround_report": (
        "none",
        {
            "hr": 403,
            "hr_other": 403,
            "analyst": 200,
            "supervisor": 200,
            "employee": 403,
            "employee_other": 403,
        },
    ),
    "reassignment": (
        "none",
        {
            "hr": 403,
            "hr_other": 403,
            "analyst": 403,
            "supervisor": 200,
            "employee": 403,
            "employee_other": 403,
        },
    ),
    "return_analyst_requests": (
        "analyst",
        {
            "hr": 405,
            "hr_other": 405,
            "analyst": 405,
            "supervisor": 405,
            "employee": 405,
            "employee_other": 405,
        },
    ),
    # Appeals (decision 0021-appeals). The decided request is appealable by its agency's HR and
    # the employee who filed it; DCC staff see it but may not appeal (403).
    "appeal_create": (
        "decided",
        {
            "hr": 200,
            "hr_other": 404,
            "analyst": 403,
            "supervisor": 403,
            "employee": 200,
            "employee_other": 404,
        },
    ),
    "appeal_list": (
        "none",
        {
            "hr": 403,
            "hr_other": 403,
            "analyst": 200,
            "supervisor": 200,
            "employee": 403,
            "employee_other": 403,
        },
    ),
    # The record sent to the Commission is DCC's.
    "appeal_packet": (
        "appeal",
        {
            "hr": 404,
            "hr_other": 404,
            "analyst": 200,
            "supervisor": 200,
            "employee": 404,
            "employee_other": 404,
        },
    ),
    "appeal_attachment": (
        "appeal_attachment",
        {
            "hr": 200,
            "hr_other": 404,
            "analyst": 200,
            "supervisor": 200,
            "employee": 200,
            "employee_other": 404,
        },
    ),
    # Sending the record is DCC's step: the appellants are told so with a redirect.
    "appeal_transition": (
        "appeal_transition",
        {
            "hr": 302,
            "hr_other": 404,
            "analyst": 200,
            "supervisor": 200,
            "employee": 302,
            "employee_other": 404,
        },
    ),
    "position_list": (
        "none",
        {
            "hr": 200,
            "hr_other": 200,
            "analyst": 200,
            "supervisor": 200,
            "employee": 200,
            "employee_other": 200,
        },
    ),
    "position_detail": (
        "position",
        {
            "hr": 200,
            "hr_other": 404,
            "analyst": 200,
            "supervisor": 200,
            "employee": 200,
            "employee_other": 404,
        },
    ),
}


def test_every_classification_url_is_in_the_table():
    names = {
        name
        for name in get_resolver().namespace_dict["classification"][1].reverse_dict
        if isinstance(name, str)
    }
    assert names == set(URL_ACCESS)


@pytest.fixture
def scene(cast, fast_letter):
    r = reclassification_in(
        "recommended", hr=cast.hr, assigned=cast.assigned, employee=cast.employee
    )
    decided = committed(  # the letter is stored after the commit
        services.approve_reclassification,
        actor=cast.supervisor,
        reclassification_id=r.pk,
        expected_version=r.version,
    )
    draft = reclassification_in("draft", hr=cast.hr)
    # The employee's other request, denied and appealed by them, sent to the Commission.
    denied = reclassification_in(
        "denied",
        hr=cast.hr,
        assigned=cast.assigned,
        decider=cast.supervisor,
        employee=cast.employee,
    )
    appeal = committed(  # its file is moved into place after the commit
        appeal_services.file_appeal,
        actor=cast.employee,
        reclassification_id=denied.pk,
        grounds="My duties are a Technician 2's.",
        files=[SimpleUploadedFile("mine.pdf", PDF)],
    )
    appeal_services.transmit_appeal(actor=cast.analyst, appeal_id=appeal.pk, expected_version=1)
    appeal_services.store_appeal_packet(appeal_id=appeal.pk)
    return {
        "appeal": [appeal.pk],
        "appeal_attachment": [appeal.pk, appeal.attachments.get().pk],
        "appeal_transition": [appeal.pk, "decide"],
        "none": [],
        "decided": [decided.pk],
        "draft": [draft.pk],
        "attachment": [decided.pk, decided.attachments.get().pk],
        "transition": [decided.pk, "withdraw"],
        "position": [decided.position_id],
        "saved": [services.save_queue_filter(user=cast.hr, name="x", query="").pk],
        "analyst": [cast.assigned.pk],
    }


@pytest.mark.parametrize(
    "role", ["hr", "hr_other", "analyst", "supervisor", "employee", "employee_other"]
)
def test_each_role_gets_what_the_table_says(client, cast, scene, role):
    client.force_login(getattr(cast, role))
    got = {
        name: client.get(reverse(f"classification:{name}", args=scene[kind])).status_code
        for name, (kind, _expected) in URL_ACCESS.items()
    }
    assert got == {name: expected[role] for name, (_kind, expected) in URL_ACCESS.items()}
