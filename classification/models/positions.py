"""Titles, positions and the effective-dated history of a position's title (with each
position's latest change, kept by a trigger); the triggers that move requests with their
position or facility."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import (
    AuditChained,
    append_only_triggers,
)
from common.search import trigram_index
from facilities.models import Facility


class Title(models.Model):
    """A title of the HIM series (reference data seeded from `classification.standard.TITLES`)."""

    code = models.CharField(_("occ. code"), max_length=7, unique=True)
    name = models.CharField(_("title"), max_length=100, unique=True)
    grade = models.PositiveSmallIntegerField(_("grade"))
    rank = models.PositiveSmallIntegerField(_("rank in the series"), unique=True)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name

    @property
    def short_name(self) -> str:
        return self.name.removeprefix("Health Information Management ")


class Position(models.Model):
    """One HIM position (an item) at a facility, holding one title of the series."""

    item_number = models.CharField(_("item number"), max_length=20, unique=True)
    facility = models.ForeignKey(
        "facilities.Facility",
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_("facility"),
    )
    title = models.ForeignKey(
        Title, on_delete=models.PROTECT, related_name="positions", verbose_name=_("title")
    )
    incumbent = models.ForeignKey(
        "candidates.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("incumbent"),
    )
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
        verbose_name=_("reports to"),
    )
    active = models.BooleanField(_("active"), default=True)
    # The employees who hold the position and may see it and file for it (form CC-2E). An
    # administrator sets the link on the user's admin page; nothing else writes it.
    employees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="own_positions",
        verbose_name=_("employees (sign-ins) in this position"),
    )

    class Meta:
        ordering = ["item_number"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reports_to=F("pk")), name="position_not_own_supervisor"
            ),
        ]
        indexes = [
            models.Index(fields=["facility", "active"]),
            trigram_index("position_item_upper_trgm", "item_number"),
        ]
        triggers = [
            # A request's stored agency follows its position to another agency's facility.
            pgtrigger.Trigger(
                name="requests_follow_position",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("facility_id"),
                condition=pgtrigger.AnyChange("facility"),
                func="""
                UPDATE classification_reclassificationrequest r SET agency_id = f.agency_id
                FROM facilities_facility f WHERE f.id = NEW.facility_id AND r.position_id = NEW.id
                  AND r.agency_id IS DISTINCT FROM f.agency_id;
                RETURN NULL;""",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_number} · {self.title.short_name}"

    def get_absolute_url(self) -> str:
        return reverse("classification:position_detail", args=[self.pk])


class PositionTitleChange(AuditChained):
    """Append-only history of a position's title (a row per change, the first one included)."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="title_changes")
    from_title = models.ForeignKey(
        Title, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField(_("effective"))
    reclassification = models.ForeignKey(
        "ReclassificationRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="title_changes",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["position", "-effective_on", "-changed_at"]
        indexes = [
            # The title in effect on a day: the latest change effective by then, per position,
            # in the order that picks it (id breaks ties): read in order, never sorted.
            models.Index(
                fields=["position", "-effective_on", "-changed_at", "-id"],
                include=["to_title"],
                name="title_change_in_effect",
            ),
        ]
        triggers = [
            *append_only_triggers(),
            # The history only grows (the triggers above): an insert is all that can change
            # which change is a position's latest. One statement for all the rows inserted
            # (the seeder's COPY: one write of the latest changes, whose own triggers then
            # rank the chiefs once, decision 0028), the last of each position's in the
            # history's order.
            pgtrigger.Trigger(
                name="latest_title_change",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                referencing=pgtrigger.Referencing(new="new_rows"),
                func="""
                INSERT INTO classification_latesttitlechange
                    (position_id, change_id, effective_on, changed_at, to_title_id)
                SELECT DISTINCT ON (position_id)
                       position_id, id, effective_on, changed_at, to_title_id
                FROM new_rows
                ORDER BY position_id, effective_on DESC, changed_at DESC, id DESC
                ON CONFLICT (position_id) DO UPDATE SET
                    change_id = EXCLUDED.change_id, effective_on = EXCLUDED.effective_on,
                    changed_at = EXCLUDED.changed_at, to_title_id = EXCLUDED.to_title_id
                WHERE (EXCLUDED.effective_on, EXCLUDED.changed_at, EXCLUDED.change_id)
                    > (classification_latesttitlechange.effective_on,
                       classification_latesttitlechange.changed_at,
                       classification_latesttitlechange.change_id);
                RETURN NULL;""",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position.item_number}: {self.to_title.short_name} ({self.effective_on})"


class LatestTitleChange(models.Model):
    """A position's latest title change, the last in the history's order (effective date, then
    time recorded, then id), pending ones included: a copy the trigger `latest_title_change`
    keeps, so that a report of every position's title reads 20,000 rows, not the whole history
    (docs/decisions/0026-latest-title-change.md). When it is in effect on a day, so is its
    title; otherwise the history says. Nothing else writes it."""

    position = models.OneToOneField(
        Position, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    change = models.OneToOneField(PositionTitleChange, on_delete=models.CASCADE, related_name="+")
    effective_on = models.DateField()
    changed_at = models.DateTimeField()
    to_title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [
            # The changes still to come on a day: the drift report works out the chiefs of
            # their facilities from the history (classification.models.chiefs).
            models.Index(fields=["effective_on"], name="latest_change_effective"),
        ]

    def __str__(self) -> str:
        return f"{self.position_id}: {self.to_title_id} from {self.effective_on}"


# A facility moved to another agency takes its positions' requests with it. Declared here, on
# the registry's model, because it is about requests: the registry knows nothing of them.
pgtrigger.register(
    pgtrigger.Trigger(
        name="requests_follow_facility",
        when=pgtrigger.After,
        operation=pgtrigger.UpdateOf("agency_id"),
        condition=pgtrigger.AnyChange("agency"),
        func="""
        UPDATE classification_reclassificationrequest SET agency_id = NEW.agency_id
        WHERE position_id IN (SELECT id FROM classification_position WHERE facility_id = NEW.id)
          AND agency_id IS DISTINCT FROM NEW.agency_id;
        RETURN NULL;""",
    )
)(Facility)
