from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from facilities.models import Agency


class Person(models.Model):
    """Someone measured against the series' minimum qualifications (an incumbent or candidate)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="people")
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    employee_id = models.CharField(_("employee id"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    degree = models.CharField(_("college degree"), max_length=200, blank=True)
    degree_date = models.DateField(_("degree date"), null=True, blank=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "employee_id"],
                condition=~models.Q(employee_id=""),
                name="employee_id_unique_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:person_detail", args=[self.pk])
