"""The HTTP routes, one module per resource."""

from lia_entrypoints.http.routes.audit import list_activity
from lia_entrypoints.http.routes.auth import change_password, login
from lia_entrypoints.http.routes.conversations import ContactController, ConversationController
from lia_entrypoints.http.routes.dlq import DlqController
from lia_entrypoints.http.routes.failures import FailureController
from lia_entrypoints.http.routes.gamification import GamificationController
from lia_entrypoints.http.routes.handoffs import list_handoffs
from lia_entrypoints.http.routes.health import health
from lia_entrypoints.http.routes.metrics import metrics
from lia_entrypoints.http.routes.nps import NpsController
from lia_entrypoints.http.routes.outbox import MessageController, OutboxController
from lia_entrypoints.http.routes.regions import RegionController
from lia_entrypoints.http.routes.replies import ReplyController, TemplateController
from lia_entrypoints.http.routes.reports import get_report
from lia_entrypoints.http.routes.rules import RulesController, explain_ticket
from lia_entrypoints.http.routes.tickets import TicketController
from lia_entrypoints.http.routes.users import UserController

__all__ = [
    "ContactController",
    "ConversationController",
    "DlqController",
    "FailureController",
    "GamificationController",
    "MessageController",
    "NpsController",
    "OutboxController",
    "RegionController",
    "ReplyController",
    "RulesController",
    "TemplateController",
    "TicketController",
    "UserController",
    "change_password",
    "explain_ticket",
    "get_report",
    "health",
    "list_activity",
    "list_handoffs",
    "login",
    "metrics",
]
