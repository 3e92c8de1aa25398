"""Use cases (application services): one handler per command, wired by `Services.build`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, tzinfo
from types import MappingProxyType

import attrs

from lia_core.assignment import (
    Agents,
    AssignmentPolicy,
    AssignmentTick,
    Claims,
    Context,
    Queues,
)
from lia_core.desk.alerts import OutboxStaffNotifier, StaffNotifier
from lia_core.desk.intake import DeskIntake
from lia_core.desk.service import Desk, PolicySource
from lia_core.domain.delivery import Channel, JobName
from lia_core.domain.login_throttle import ThrottlePolicy
from lia_core.ports import (
    AuditSink,
    Clock,
    ConversationRouter,
    CustomerDirectory,
    CustomerRoster,
    IdGenerator,
    MessageSender,
    PasswordHasher,
    RateGate,
    UnitOfWorkFactory,
)
from lia_core.services.activity import ListActivity, ListActivityHandler
from lia_core.services.alerts import Alerter, AlertHook, AlertPolicy
from lia_core.services.audit_queries import ListReprocessAuditHandler
from lia_core.services.bot import BotPolicy, RunBotTimersHandler
from lia_core.services.broadcast import (
    ChannelOrder,
    DeliveryTally,
    FailureDetailsHandler,
    FailureProgress,
    FailureProgressHandler,
    NotifyContact,
    NotifyContactHandler,
    ResolveAndBroadcast,
    ResolveAndBroadcastHandler,
)
from lia_core.services.canned import CannedResponses, SaveCannedResponse
from lia_core.services.conversations import (
    GetContactHandler,
    GetConversationHandler,
    ListConversations,
    ListConversationsHandler,
)
from lia_core.services.credentials import (
    ChangePassword,
    ChangePasswordHandler,
    LastActiveAdmin,
    SetUserActive,
    SetUserActiveHandler,
)
from lia_core.services.dead_letters import (
    GetDeadLetterHandler,
    ListDeadLettersHandler,
    ReprocessDeadLetters,
    ReprocessDeadLettersHandler,
)
from lia_core.services.desk_policy import (
    DEFAULT_POLICY_REFRESH,
    CurrentDeskPolicy,
    DeskPolicyHistoryHandler,
    DeskPolicySource,
    ExplainTicketHandler,
    LoadDeskPolicy,
    LoadDeskPolicyHandler,
    LoadedDeskPolicy,
    ShowDeskPolicyHandler,
    TicketExplanation,
)
from lia_core.services.dispatch import DeliveryPolicy, Dispatcher
from lia_core.services.failures import (
    ActivateDueFailuresHandler,
    ChangeFailureStatus,
    ChangeFailureStatusHandler,
    CheckLocation,
    CheckLocationHandler,
    DeclareFailure,
    DeclareFailureHandler,
    EditFailure,
    EditFailureHandler,
    FailureForm,
    FailureListing,
    FailureTab,
    GetFailureHandler,
    ListFailures,
    ListFailuresHandler,
)
from lia_core.services.feedback import ListFeedback, ListFollowUps, Nps
from lia_core.services.gamification import Gamification, SettingsChange
from lia_core.services.handoffs import ListHandoffs, ListHandoffsHandler
from lia_core.services.inbound import InboundPolicy, ProcessInboundHandler
from lia_core.services.ingest import ActiveFailures, IngestHandler
from lia_core.services.isolation import GateObserver, IsolatingGate
from lia_core.services.outbox import (
    EnqueueMessage,
    EnqueueMessageHandler,
    ListOutbox,
    ListOutboxHandler,
)
from lia_core.services.overview import Overview, OverviewReading
from lia_core.services.proactive import NotifyAffectedCustomersHandler
from lia_core.services.recovery import GateStoredInboundHandler, ProcessStaleInboundHandler
from lia_core.services.regions import (
    DefineRegion,
    DefineRegionHandler,
    DeleteRegionHandler,
    GetRegionHandler,
    ListRegionsHandler,
    UpdateRegion,
    UpdateRegionHandler,
)
from lia_core.services.replies import Replies, Reply
from lia_core.services.reports import Reports, RunReport
from lia_core.services.retention import Purge, PurgeReport, Retention
from lia_core.services.routing import HumanQueueRouter
from lia_core.services.settlement import SettleJob, SettleJobHandler, Settlement
from lia_core.services.sign_in import Authenticate, AuthenticateHandler
from lia_core.services.surveys import NpsPolicy, Surveys
from lia_core.services.users import (
    CreateUser,
    CreateUserHandler,
    GetUserHandler,
    ListUsersHandler,
    UpdateUser,
    UpdateUserHandler,
)

__all__ = [
    "DEFAULT_CHANNEL_ORDER",
    "Authenticate",
    "BotPolicy",
    "ChangeFailureStatus",
    "ChangePassword",
    "ChangePasswordHandler",
    "ChannelOrder",
    "CheckLocation",
    "CreateUser",
    "CurrentDeskPolicy",
    "DeclareFailure",
    "DefineRegion",
    "DeliveryTally",
    "DeskPolicySource",
    "EditFailure",
    "EnqueueMessage",
    "FailureForm",
    "FailureListing",
    "FailureProgress",
    "FailureTab",
    "Gamification",
    "LastActiveAdmin",
    "ListActivity",
    "ListConversations",
    "ListFailures",
    "ListFeedback",
    "ListFollowUps",
    "ListHandoffs",
    "ListOutbox",
    "LoadDeskPolicy",
    "LoadedDeskPolicy",
    "NotifyContact",
    "NpsPolicy",
    "OverviewReading",
    "Purge",
    "PurgeReport",
    "Reply",
    "Reports",
    "ReprocessDeadLetters",
    "ResolveAndBroadcast",
    "Retention",
    "RunReport",
    "SaveCannedResponse",
    "Services",
    "SetUserActive",
    "SetUserActiveHandler",
    "SettingsChange",
    "SettleJob",
    "Settlement",
    "TicketExplanation",
    "UpdateRegion",
    "UpdateUser",
]


DEFAULT_CHANNEL_ORDER: ChannelOrder = {
    JobName.OUTAGE_NOTICE: (Channel.SANDBOX,),
    JobName.OUTAGE_RESOLUTION: (Channel.SANDBOX,),
}
"""Without configured providers every notification goes to the sandbox channel."""

_NO_SENDERS: Mapping[Channel, MessageSender] = MappingProxyType({})


def _ignore_alert(_kind: str, _text: str) -> None:
    return None


def _no_spread() -> float:
    # The core owns no randomness: without an injected source every retry waits the middle
    # of its backoff window (bootstrap passes a system random source).
    return 0.5


class _Unobserved:
    """A gate observer that is told nothing (tests and integrators that do not count)."""

    def processed(self, report: object) -> None:
        return None

    def failed(self, batch: object, *, isolated: bool) -> None:
        return None


@attrs.frozen(kw_only=True)
class Services:
    """Every use case, ready to call; build once per process with `Services.build`."""

    desk: Desk
    """Tickets: open, act on, show and list them (every change through the clocks and rules)."""
    declare_failure: DeclareFailureHandler
    edit_failure: EditFailureHandler
    change_failure_status: ChangeFailureStatusHandler
    get_failure: GetFailureHandler
    list_failures: ListFailuresHandler
    check_location: CheckLocationHandler
    activate_due_failures: ActivateDueFailuresHandler
    define_region: DefineRegionHandler
    update_region: UpdateRegionHandler
    delete_region: DeleteRegionHandler
    get_region: GetRegionHandler
    list_regions: ListRegionsHandler
    create_user: CreateUserHandler
    authenticate: AuthenticateHandler
    change_password: ChangePasswordHandler
    set_user_active: SetUserActiveHandler
    get_user: GetUserHandler
    list_users: ListUsersHandler
    update_user: UpdateUserHandler
    load_desk_policy: LoadDeskPolicyHandler
    show_desk_policy: ShowDeskPolicyHandler
    desk_policy_history: DeskPolicyHistoryHandler
    explain_ticket: ExplainTicketHandler
    desk_policy: PolicySource
    """The desk policy in force (a `DeskPolicySource`: cached, a new revision seen within its
    refresh interval); the desk, the SLA monitor and `lia rules explain` read it."""
    enqueue_message: EnqueueMessageHandler
    list_outbox: ListOutboxHandler
    list_dead_letters: ListDeadLettersHandler
    get_dead_letter: GetDeadLetterHandler
    reprocess_dead_letters: ReprocessDeadLettersHandler
    list_dlq_audit: ListReprocessAuditHandler
    notify_contact: NotifyContactHandler
    resolve_and_broadcast: ResolveAndBroadcastHandler
    failure_details: FailureDetailsHandler
    failure_progress: FailureProgressHandler
    settle_job: SettleJobHandler
    get_contact: GetContactHandler
    list_conversations: ListConversationsHandler
    get_conversation: GetConversationHandler
    ingest: IngestHandler
    """Stores webhook items (the group commit calls it)."""
    process_inbound: ProcessInboundHandler
    """The outage gate over stored messages."""
    gate: IsolatingGate
    """`process_inbound` with failing messages isolated (the gate loop and the sweep use it)."""
    sweep_stale_inbound: ProcessStaleInboundHandler
    """Recovery: messages stored but never through the gate."""
    gate_stored: GateStoredInboundHandler
    """The gate in `lia worker` (`LIA_INBOUND__GATE=worker`): leases stored messages, gates them."""
    alerter: Alerter
    dispatcher: Dispatcher
    proactive_notice: NotifyAffectedCustomersHandler | None
    """None when the CRM cannot list its customers (only the file CRM can)."""
    list_activity: ListActivityHandler
    """The audit log of staff actions."""
    bot_timers: RunBotTimersHandler
    """The bot's inactivity timer (menu, then close): a worker job."""
    list_handoffs: ListHandoffsHandler
    """The handoff ledger."""
    canned: CannedResponses
    """Canned responses: create, list, show, update, delete, preview."""
    replies: Replies
    """Agents' replies through the outbox, private notes, the welcome on assignment."""
    agents: Agents
    """Agent profiles and presence (docs/desk.md)."""
    claims: Claims
    """Claim, release, transfer, assign, answer an offer."""
    queues: Queues
    """The department queues and their counts."""
    assignment_tick: AssignmentTick
    """The worker's assignment timers: presence sweep, offer timeouts, return timer, offers."""
    surveys: Surveys
    """NPS surveys after resolutions (the desk, the gate and the bot's timer call it)."""
    nps: Nps
    """NPS answers and detractors' follow-ups: list, show, take, resolve."""
    gamification: Gamification
    """Gamification settings, monthly runs and their rankings."""
    overview: Overview
    """The console overview: desk counts and the heatmap of new conversations."""
    reports: Reports
    """The KPI reports (docs/reports.md): parse a request, run it."""
    retention: Retention
    """Purges of old rows: finished jobs, processed messages' content, audit rows."""

    @classmethod
    def build(
        cls,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        ids: IdGenerator,
        hasher: PasswordHasher,
        tz: tzinfo = UTC,
        channel_order: ChannelOrder = DEFAULT_CHANNEL_ORDER,
        audit_sink: AuditSink | None = None,
        senders: Mapping[Channel, MessageSender] = _NO_SENDERS,
        delivery_policy: DeliveryPolicy | None = None,
        alert_policy: AlertPolicy | None = None,
        alert_hook: AlertHook = _ignore_alert,
        inbound_policy: InboundPolicy | None = None,
        directory: CustomerDirectory | None = None,
        roster: CustomerRoster | None = None,
        router: ConversationRouter | None = None,
        gate_observer: GateObserver | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = _no_spread,
        desk_policies: PolicySource | None = None,
        staff_notifier: StaffNotifier | None = None,
        assignment_policy: AssignmentPolicy | None = None,
        nps_policy: NpsPolicy | None = None,
        rate_gate: RateGate | None = None,
        login_policy: ThrottlePolicy | None = None,
    ) -> Services:
        """Wire every handler to the given ports (*tz*: the ISP's timezone for message texts).

        *senders* deliver per channel, *directory* is the CRM the gate asks, *roster* the CRM
        that lists every customer (proactive notices), *router* the normal flow after the gate
        (default: the bot of ``inbound_policy.bot``, else the human queue; a router given
        replaces the bot); *monotonic*, *sleep* and *jitter* pace and spread retries.
        *desk_policies* gives the desk policy in force (default: a `DeskPolicySource` over the
        stored revisions, the built-in policy in *tz* while none is loaded, re-checked every
        5 s), *staff_notifier* queues staff alerts (default: notify-user outbox jobs),
        *assignment_policy* says how conversations find agents (default: `AssignmentPolicy()`),
        *nps_policy* the survey after a resolution (default: `NpsPolicy()`, surveys on);
        *rate_gate* shares the providers' rate caps between workers (default: per process);
        *login_policy* the login throttle (default: `ThrottlePolicy()`).
        """
        timezone = getattr(tz, "key", "UTC")  # a ZoneInfo's name; UTC for datetime.UTC
        policy_source = desk_policies or DeskPolicySource(
            uow=uow, clock=clock, timezone=timezone, refresh=DEFAULT_POLICY_REFRESH
        )
        inbound = inbound_policy or InboundPolicy()
        sign_in = AuthenticateHandler(uow, hasher, clock, ids, login_policy or ThrottlePolicy())
        assignment = assignment_policy or AssignmentPolicy()
        surveys = Surveys(
            ids, policy=nps_policy or NpsPolicy(), reply_channels=dict(inbound.reply_channels)
        )
        desk = Desk(
            uow=uow,
            clock=clock,
            ids=ids,
            policies=policy_source,
            notifier=staff_notifier or OutboxStaffNotifier(ids),
            assignment=assignment,
            observer=surveys,
        )
        replies = Replies(uow, clock, ids, desk, reply_channels=inbound.reply_channels)
        context = Context(
            uow=uow, clock=clock, ids=ids, desk=desk, policy=assignment, welcome=replies
        )
        process = ProcessInboundHandler(
            uow=uow,
            clock=clock,
            ids=ids,
            failures=ActiveFailures(CheckLocationHandler(uow), clock, inbound.failures_max_age),
            router=router or HumanQueueRouter(reply_text=inbound.queue_reply),
            directory=directory,
            policy=inbound.gate,
            tz=tz,
            reply_channels=inbound.reply_channels,
            crm_timeout=inbound.crm_timeout,
            intake=DeskIntake(desk, assignment=assignment),
            bot=inbound.bot if router is None else None,  # a router given replaces the bot
            surveys=surveys,
        )
        people = Agents(context)
        gate = IsolatingGate(process, gate_observer or _Unobserved())
        alerter = Alerter(
            uow=uow,
            clock=clock,
            ids=ids,
            policy=alert_policy or AlertPolicy(),
            monotonic=monotonic,
            hook=alert_hook,
        )
        return cls(
            desk=desk,
            ingest=IngestHandler(uow, clock, ids),
            process_inbound=process,
            gate=gate,
            sweep_stale_inbound=ProcessStaleInboundHandler(
                uow, clock, gate, grace=inbound.stale_after, batch_size=inbound.batch_size
            ),
            gate_stored=GateStoredInboundHandler(
                uow, clock, gate, lease=inbound.stale_after, batch_size=inbound.batch_size
            ),
            alerter=alerter,
            dispatcher=Dispatcher(
                uow=uow,
                clock=clock,
                senders=senders,
                policy=delivery_policy or DeliveryPolicy(),
                alerter=alerter,
                monotonic=monotonic,
                sleep=sleep,
                jitter=jitter,
                rate_gate=rate_gate,
            ),
            proactive_notice=(
                NotifyAffectedCustomersHandler(uow, clock, ids, tz, channel_order, roster)
                if roster is not None
                else None
            ),
            declare_failure=DeclareFailureHandler(uow, clock, ids),
            edit_failure=EditFailureHandler(uow, clock, ids),
            change_failure_status=ChangeFailureStatusHandler(uow, clock, ids),
            get_failure=GetFailureHandler(uow),
            list_failures=ListFailuresHandler(uow),
            check_location=CheckLocationHandler(uow),
            activate_due_failures=ActivateDueFailuresHandler(uow, clock, ids),
            define_region=DefineRegionHandler(uow, clock, ids),
            update_region=UpdateRegionHandler(uow, clock, ids),
            delete_region=DeleteRegionHandler(uow, clock, ids),
            get_region=GetRegionHandler(uow),
            list_regions=ListRegionsHandler(uow),
            create_user=CreateUserHandler(uow, clock, ids, hasher),
            authenticate=sign_in,
            change_password=ChangePasswordHandler(uow, clock, ids, hasher, sign_in),
            set_user_active=SetUserActiveHandler(uow, clock, ids),
            get_user=GetUserHandler(uow),
            list_users=ListUsersHandler(uow),
            update_user=UpdateUserHandler(uow, clock, ids),
            load_desk_policy=LoadDeskPolicyHandler(uow, clock, ids, timezone),
            show_desk_policy=ShowDeskPolicyHandler(uow, timezone),
            desk_policy_history=DeskPolicyHistoryHandler(uow),
            explain_ticket=ExplainTicketHandler(uow, clock, policy_source),
            desk_policy=policy_source,
            enqueue_message=EnqueueMessageHandler(uow, clock, ids),
            list_outbox=ListOutboxHandler(uow),
            list_dead_letters=ListDeadLettersHandler(uow),
            get_dead_letter=GetDeadLetterHandler(uow),
            reprocess_dead_letters=ReprocessDeadLettersHandler(uow, clock, ids, audit_sink),
            list_dlq_audit=ListReprocessAuditHandler(uow),
            notify_contact=NotifyContactHandler(uow, clock, ids, tz, channel_order),
            resolve_and_broadcast=ResolveAndBroadcastHandler(uow, clock, ids, tz, channel_order),
            failure_details=FailureDetailsHandler(uow),
            failure_progress=FailureProgressHandler(uow),
            settle_job=SettleJobHandler(uow, clock, ids),
            get_contact=GetContactHandler(uow),
            list_conversations=ListConversationsHandler(uow),
            get_conversation=GetConversationHandler(uow),
            list_activity=ListActivityHandler(uow, clock, tz),
            bot_timers=RunBotTimersHandler(
                uow=uow,
                clock=clock,
                ids=ids,
                policy=inbound.bot or BotPolicy(),
                reply_channels=dict(inbound.reply_channels),
                surveys=surveys,
            ),
            list_handoffs=ListHandoffsHandler(uow, clock, tz),
            canned=CannedResponses(uow, clock, ids),
            replies=replies,
            agents=people,
            claims=Claims(context),
            queues=Queues(uow, clock),
            assignment_tick=AssignmentTick(context, people),
            surveys=surveys,
            nps=Nps(uow, clock, ids, tz),
            gamification=Gamification(uow, clock, ids, tz),
            overview=Overview(uow, clock, tz),
            reports=Reports(uow, clock, tz),
            retention=Retention(uow, clock, ids),
        )
