from django.db import models
from django.utils.translation import gettext_lazy as _


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
