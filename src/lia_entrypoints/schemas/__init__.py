"""The public shapes of LIA's resources, shared by the HTTP API and the CLI's ``--json`` output.

One module per area (failures, regions, delivery, conversations, users) over a shared base.
"""

from lia_entrypoints.schemas.base import Out, local, parse_instant
from lia_entrypoints.schemas.conversations import (
    AddressOut,
    ContactDetailsOut,
    ContactOut,
    ConversationDetailsOut,
    ConversationOut,
    GateOut,
    MessageOut,
    ReceiptErrorOut,
)
from lia_entrypoints.schemas.delivery import (
    AuditOut,
    DeadLetterDetailsOut,
    DeadLetterOut,
    DeliveryErrorOut,
    EnqueueOut,
    JobOut,
    MessageContentOut,
    NoticeOut,
    ReprocessOut,
)
from lia_entrypoints.schemas.failures import (
    CheckOut,
    FailureDetailsOut,
    FailureListOut,
    FailureOut,
    LocationOut,
    ResolutionOut,
)
from lia_entrypoints.schemas.regions import AreaOut, CityAreaOut, RegionOut
from lia_entrypoints.schemas.users import UserOut

__all__ = [
    "AddressOut",
    "AreaOut",
    "AuditOut",
    "CheckOut",
    "CityAreaOut",
    "ContactDetailsOut",
    "ContactOut",
    "ConversationDetailsOut",
    "ConversationOut",
    "DeadLetterDetailsOut",
    "DeadLetterOut",
    "DeliveryErrorOut",
    "EnqueueOut",
    "FailureDetailsOut",
    "FailureListOut",
    "FailureOut",
    "GateOut",
    "JobOut",
    "LocationOut",
    "MessageContentOut",
    "MessageOut",
    "NoticeOut",
    "Out",
    "ReceiptErrorOut",
    "RegionOut",
    "ReprocessOut",
    "ResolutionOut",
    "UserOut",
    "local",
    "parse_instant",
]
