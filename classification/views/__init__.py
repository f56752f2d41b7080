"""Pages of the classification app, one module per area."""

from classification.views.reclassifications import (
    AttachmentCreateView,
    AttachmentDownloadView,
    DecisionLetterView,
    PositionDetailView,
    PositionListView,
    PositionSearchView,
    ReclassificationCreateView,
    ReclassificationDetailView,
    ReclassificationListView,
    ReclassificationTransitionView,
    ReclassificationUpdateView,
    WarrantedFragmentView,
)
from classification.views.reports import (
    DriftReportView,
    ReassignmentView,
    ReturnAnalystRequestsView,
    SavedFilterCreateView,
    SavedFilterDeleteView,
    TurnaroundReportView,
)
from classification.views.standard import SimulatorView, StandardView

__all__ = [
    "AttachmentCreateView",
    "AttachmentDownloadView",
    "DecisionLetterView",
    "DriftReportView",
    "PositionDetailView",
    "PositionListView",
    "PositionSearchView",
    "ReassignmentView",
    "ReclassificationCreateView",
    "ReclassificationDetailView",
    "ReclassificationListView",
    "ReclassificationTransitionView",
    "ReclassificationUpdateView",
    "ReturnAnalystRequestsView",
    "SavedFilterCreateView",
    "SavedFilterDeleteView",
    "SimulatorView",
    "StandardView",
    "TurnaroundReportView",
    "WarrantedFragmentView",
]
