"""Pages of the classification app, one module per area."""

from classification.views.reclassifications import (
    AttachmentCreateView,
    AttachmentDownloadView,
    DecisionLetterView,
    PositionDetailView,
    PositionListView,
    ReclassificationCreateView,
    ReclassificationDetailView,
    ReclassificationListView,
    ReclassificationTransitionView,
    ReclassificationUpdateView,
    WarrantedFragmentView,
)
from classification.views.standard import SimulatorView, StandardView

__all__ = [
    "AttachmentCreateView",
    "AttachmentDownloadView",
    "DecisionLetterView",
    "PositionDetailView",
    "PositionListView",
    "ReclassificationCreateView",
    "ReclassificationDetailView",
    "ReclassificationListView",
    "ReclassificationTransitionView",
    "ReclassificationUpdateView",
    "SimulatorView",
    "StandardView",
    "WarrantedFragmentView",
]
