"""Files reach MEDIA_ROOT only with the commit of the row that names them (common/files.py,
`services.store_decision_letter`): a rollback after the file step leaves no orphan, a letter is
rendered outside the decision's locked transaction, and what a killed process left undone the
worker finishes."""

import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.urls import reverse

from candidates import services as candidate_services
from classification import appeal_services, services
from classification.models import Appeal, Attachment, Position, ReclassificationRequest
from common import files
from tests.candidates.factories import CredentialFactory
from tests.factories import AgencyFactory

from .factories import PDF, reclassification_in

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    pass


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def on_disk(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def verified_with_evidence(cast, credential):
    """The analyst's verification of `credential` from an AHIMA letter, with the letter."""
    return candidate_services.record_verification(
        actor=cast.analyst,
        credential=credential,
        source="ahima_letter",
        verified_on=date(2025, 5, 1),
        status_returned="active",
        evidence=SimpleUploadedFile("letter.pdf", PDF),
    )


def test_a_rollback_after_a_files_step_leaves_no_file(cast, media, monkeypatch):
    """The agency's answer with a file, where the event after the file fails."""
    r = reclassification_in("info_requested", hr=cast.hr, assigned=cast.assigned)
    before = on_disk(media)

    def broken(**kwargs):
        raise Boom("the event could not be written")

    monkeypatch.setattr(services.transitions, "record_event", broken)
    with pytest.raises(Boom):
        services.respond_to_reclassification(
            actor=cast.hr,
            reclassification_id=r.pk,
            expected_version=r.version,
            message="Chart attached.",
            files=[("org_chart", SimpleUploadedFile("answer.pdf", PDF))],
        )
    assert not Attachment.objects.filter(reclassification=r, original_name="answer.pdf").exists()
    assert on_disk(media) == before


def test_an_outer_rollback_leaves_no_file_in_place_and_the_sweep_removes_the_rest(cast, media):
    """A service that succeeded inside a transaction that then rolls back: its file never
    reaches its place; the staged copy goes with the worker's sweep."""
    r = reclassification_in("submitted", hr=cast.hr)
    before = on_disk(media)
    with pytest.raises(Boom), transaction.atomic():
        services.add_attachment(
            actor=cast.hr,
            reclassification_id=r.pk,
            kind="other",
            upload=SimpleUploadedFile("memo.pdf", PDF),
        )
        raise Boom
    left = [n for n in on_disk(media) if n not in before]
    assert all(n.startswith("staging/") for n in left), left
    assert files.settle_staged(grace=0) == {"removed": 1}
    assert on_disk(media) == before


def test_an_appeal_whose_second_file_is_refused_leaves_neither_file(cast, media):
    """The first file was checked and stored, the second is not a PDF: no appeal, no file."""
    r = reclassification_in("denied", hr=cast.hr, assigned=cast.assigned, decider=cast.supervisor)
    before = on_disk(media)
    with pytest.raises(ValidationError):
        appeal_services.file_appeal(
            actor=cast.hr,
            reclassification_id=r.pk,
            grounds="The duties meet Technician 2.",
            files=[
                SimpleUploadedFile("grounds.pdf", PDF),
                SimpleUploadedFile("notes.pdf", b"MZ this is a program, not a PDF"),
            ],
        )
    assert not Appeal.objects.filter(reclassification=r).exists()
    assert on_disk(media) == before


def test_evidence_rolled_back_leaves_no_file(cast, media):
    credential = CredentialFactory(person__agency=AgencyFactory(code="OMH"))
    with pytest.raises(Boom), transaction.atomic():
        verified_with_evidence(cast, credential)
        raise Boom
    files.settle_staged(grace=0)
    assert on_disk(media) == []


def test_a_committed_upload_is_in_place(cast, media):
    r = reclassification_in("submitted", hr=cast.hr)
    a = services.add_attachment(
        actor=cast.hr,
        reclassification_id=r.pk,
        kind="other",
        upload=SimpleUploadedFile("memo.pdf", PDF),
    )
    assert (media / a.file.name).read_bytes() == PDF
    assert not [n for n in on_disk(media) if n.startswith("staging/")]


def test_a_process_killed_between_commit_and_move_is_finished_by_the_sweep(
    cast, media, monkeypatch
):
    """The row committed, the rename never ran: the sweep moves the file, even while young."""
    r = reclassification_in("submitted", hr=cast.hr)
    monkeypatch.setattr(files, "promote", lambda storage, staged: None)  # ... killed here
    a = services.add_attachment(
        actor=cast.hr,
        reclassification_id=r.pk,
        kind="other",
        upload=SimpleUploadedFile("memo.pdf", PDF),
    )
    assert not (media / a.file.name).exists()
    monkeypatch.undo()
    assert files.settle_staged() == {"moved": 1}
    assert (media / a.file.name).read_bytes() == PDF


def test_a_young_staged_file_is_kept(media):
    """Its transaction may still be open: the sweep waits for the grace period."""
    (media / "staging" / "attachments").mkdir(parents=True)
    (media / "staging" / "attachments" / "x.pdf").write_bytes(PDF)
    assert files.settle_staged() == {"kept": 1}


def test_a_rolled_back_approval_leaves_no_letter(cast, media, fast_letter, monkeypatch):
    """Issue 14: a worker killed mid-approve left a letter PDF on disk with no row."""
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    before = on_disk(media)

    def broken(*args, **kwargs):
        raise Boom("killed after the letter step")

    monkeypatch.setattr(services.transitions, "_queue_emails", broken)
    with pytest.raises(Boom):
        services.approve_reclassification(
            actor=cast.supervisor, reclassification_id=r.pk, expected_version=r.version
        )
    r.refresh_from_db()
    assert r.status == "recommended" and not r.letter
    assert on_disk(media) == before


def test_the_letter_is_rendered_after_the_commit_with_no_lock_held(cast, media, monkeypatch):
    """While the letter renders (a second or more), the decision is committed and neither the
    request nor its position is locked."""
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    seen = {}

    def look_from_another_connection():
        try:
            with transaction.atomic():
                locked = ReclassificationRequest.objects.select_for_update(nowait=True)
                seen["status"] = locked.get(pk=r.pk).status
                Position.objects.select_for_update(nowait=True).get(pk=r.position_id)
                seen["unlocked"] = True
        finally:
            connections.close_all()

    def render(reclassification):
        t = threading.Thread(target=look_from_another_connection)
        t.start()
        t.join(10)
        return b"%PDF-1.7 test letter"

    monkeypatch.setattr(services.decisions, "render_decision_letter", render)
    services.approve_reclassification(
        actor=cast.supervisor, reclassification_id=r.pk, expected_version=r.version
    )
    assert seen == {"status": "approved", "unlocked": True}
    r.refresh_from_db()
    assert r.letter.read() == b"%PDF-1.7 test letter" and len(r.letter_sha256) == 64


def test_a_letter_engine_failure_does_not_undo_the_decision(cast, media, monkeypatch):
    """The decision stands; the worker stores the letter once the engine works again."""
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)

    def down(reclassification):
        raise RuntimeError("letter engine down")

    monkeypatch.setattr(services.decisions, "render_decision_letter", down)
    services.approve_reclassification(
        actor=cast.supervisor, reclassification_id=r.pk, expected_version=r.version
    )
    r.refresh_from_db()
    assert r.status == "approved" and not r.letter
    assert not (media / "letters").exists() or on_disk(media / "letters") == []
    monkeypatch.setattr(services.decisions, "render_decision_letter", lambda _r: b"%PDF-1.7 later")
    assert services.store_missing_letters(older_than=timedelta(0)) == 1
    assert services.store_missing_letters(older_than=timedelta(0)) == 0
    r.refresh_from_db()
    assert r.letter.read() == b"%PDF-1.7 later"
    assert on_disk(media / "letters") == [Path(r.letter.name).name]


def test_a_file_not_in_place_is_not_found_not_an_error(cast, media, client):
    """A committed row whose file is not on disk (still staged, or lost): 404, logged; for a
    request's file, an appeal's (the same view code) and a verification's evidence."""
    r = reclassification_in("submitted", hr=cast.hr)
    upload = SimpleUploadedFile("m.pdf", PDF)
    attachment = services.add_attachment(
        actor=cast.hr, reclassification_id=r.pk, kind="other", upload=upload
    )
    credential = CredentialFactory(person__agency=cast.hr.agency)
    verification = verified_with_evidence(cast, credential)
    downloads = [
        (
            cast.hr,
            reverse("classification:attachment_download", args=[r.pk, attachment.pk]),
            attachment.file,
        ),
        (
            cast.analyst,
            reverse("candidates:verification_evidence", args=[verification.pk]),
            verification.evidence,
        ),
    ]
    for user, url, field_file in downloads:
        client.force_login(user)
        assert client.get(url).status_code == 200
        Path(field_file.path).unlink()
        assert client.get(url).status_code == 404
