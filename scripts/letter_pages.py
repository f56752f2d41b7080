"""Render sample decision letters from the demo data as PNG pages, to look at them.

    .venv/bin/python scripts/letter_pages.py OUT_DIR

On the site's database (DATABASE_URL, or the local one: config/settings/database.py), after
`manage.py migrate` and `manage.py seed_demo`. The letters are the site's own
(classification.letters.render_decision_letter); the pages are drawn with pypdfium2 (the dev
extra's, from PyPI). Writes OUT_DIR/<sample>.pdf and OUT_DIR/<sample>-page-N.png
for: an approval, an approval as another title than proposed, a denial, and a denial with long
reasons (which runs to more pages). Nothing is written to the database: the variants are
changed in memory only.
"""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup()

import pypdfium2  # noqa: E402

from classification.letters import render_decision_letter  # noqa: E402
from classification.models import ReclassificationRequest, Title  # noqa: E402
from classification.standard import ADMINISTRATOR_1, ADMINISTRATOR_2  # noqa: E402

LONG_REASONS = "\n\n".join(
    [
        "The duties statement assigns 40% of the position's time to supervising the unit's "
        "Technicians 1 and clerical staff, 35% to auditing records for completeness and 25% "
        "to the release-of-information desk. The organization chart shows the position "
        "reporting to the chief of health information management, who is an Administrator 1.",
        "A Technician 2 supervises Technicians 1; here no Technician 1 reports to the position "
        "on the organization chart, and the two Technicians 1 named in the justification "
        "report to the chief directly. The supervision the request describes is therefore "
        "not in place.",
    ]
    * 3
)


def samples() -> dict[str, ReclassificationRequest]:
    decided = ReclassificationRequest.objects.select_related(
        "position__facility__agency",
        "current_title",
        "proposed_title",
        "recommended_title",
        "decided_by",
        "recommended_by",
        "created_by",
        "warranted_title",
    )
    approval = decided.filter(
        status="approved",
        position__facility__facility_type="ddsoo",
        recommended_title__code=ADMINISTRATOR_1,
    ).first()
    other_title = decided.get(pk=approval.pk)
    other_title.proposed_title = Title.objects.get(code=ADMINISTRATOR_2)
    other_title.recommendation_rationale = (
        "The office's counts place its program at the Administrator 1 level; an Administrator 2 "
        "would exceed what the standard gives a program of this size."
    )
    denial = decided.filter(
        status="denied", position__facility__facility_type="adult_pc_freestanding"
    ).first()
    long_denial = decided.filter(status="denied", current_title__code="3616110").first()
    long_denial.decision_note = LONG_REASONS
    return {
        "approval": approval,
        "approval-as-other-title": other_title,
        "denial": denial,
        "denial-long-reasons": long_denial,
    }


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, r in samples().items():
        pdf = render_decision_letter(r)
        (out / f"{name}.pdf").write_bytes(pdf)
        document = pypdfium2.PdfDocument(pdf)
        for number, page in enumerate(document, start=1):
            image = page.render(scale=110 / 72).to_pil()
            image.save(out / f"{name}-page-{number}.png")
        print(f"{name}: request {r.pk}, {len(document)} page(s)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/letters"))
