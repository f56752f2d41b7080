from django.views.generic import TemplateView

from classification.allocation import allocate, threshold_distances
from classification.forms.simulator import SimulatorForm
from classification.standard import (
    CLAUSES,
    DC_CLAUSE_FOR_TITLE,
    INTERPRETATIONS,
    MQ_CLAUSE_FOR_TITLE,
    STANDARD_ID,
    TITLES,
    title_for,
)


class StandardView(TemplateView):
    """The standard's clauses with stable anchors, and the Division's Interpretations beside them."""

    template_name = "classification/standard.html"

    def get_context_data(self, **kwargs) -> dict:
        titles = [
            {
                "title": title,
                "dc": (DC_CLAUSE_FOR_TITLE[title.code], CLAUSES[DC_CLAUSE_FOR_TITLE[title.code]]),
                "mq": (MQ_CLAUSE_FOR_TITLE[title.code], CLAUSES[MQ_CLAUSE_FOR_TITLE[title.code]]),
            }
            for title in TITLES
        ]
        return super().get_context_data(
            titles=titles,
            interpretations=INTERPRETATIONS.items(),
            standard_id=STANDARD_ID,
            **kwargs,
        )


class SimulatorView(TemplateView):
    """What-if: a facility type and counts → the level the standard gives, and why.

    A plain GET form that works without JavaScript; with htmx the result partial is swapped in
    as the user types.
    """

    template_name = "classification/simulator.html"

    def get_template_names(self) -> list[str]:
        if self.request.headers.get("HX-Request"):
            return [f"{self.template_name}#result"]
        return [self.template_name]

    def get_context_data(self, **kwargs) -> dict:
        form = SimulatorForm(self.request.GET or None)
        allocation = distances = title = None
        if form.is_valid():
            data = form.cleaned_data
            allocation = allocate(
                data["facility_type"],
                individuals_served=data["individuals_served"],
                records_activities=data["records_activities"],
            )
            if allocation.title_code:
                title = title_for(allocation.title_code)
            if data["facility_type"] == "ddsoo":
                distances = threshold_distances(
                    data["individuals_served"], data["records_activities"]
                )
        return super().get_context_data(
            form=form,
            allocation=allocation,
            title=title,
            distances=distances,
            clauses=CLAUSES,
            **kwargs,
        )
