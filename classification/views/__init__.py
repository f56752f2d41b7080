"""Pages of the classification app, one module per area."""

from classification.views.appeals import (
    AppealAttachmentView,
    AppealCreateView,
    AppealListView,
    AppealPacketView,
    AppealTransitionView,
)
from classification.views.attachments import (
    AttachmentCreateView,
    AttachmentDownloadView,
    DecisionLetterView,
)
from classification.views.drafts import (
    PositionSearchView,
    ReclassificationCreateView,
    ReclassificationUpdateView,
    WarrantedFragmentView,
)
from classification.views.positions import PositionDetailView, PositionListView
from classification.views.queue import ReclassificationListView
from classification.views.reports import (
    DriftReportView,
    ReassignmentView,
    ReturnAnalystRequestsView,
    SavedFilterCreateView,
    SavedFilterDeleteView,
    TurnaroundReportView,
)
from classification.views.request_detail import (
    ReclassificationDetailView,
    ReclassificationTransitionView,
)
from classification.views.standard import SimulatorView, StandardView

__all__ = [
    "AppealAttachmentView",
    "AppealCreateView",
    "AppealListView",
    "AppealPacketView",
    "AppealTransitionView",
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
