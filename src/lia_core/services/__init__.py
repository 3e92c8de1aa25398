"""Use cases (application services): one handler per command, wired by `Services.build`."""

from __future__ import annotations

from datetime import UTC, tzinfo

import attrs

from lia_core.domain.delivery import Channel, JobName
from lia_core.ports import AuditSink, Clock, IdGenerator, PasswordHasher, UnitOfWorkFactory
from lia_core.services.audit_queries import ListReprocessAuditHandler
from lia_core.services.broadcast import (
    ChannelOrder,
    FailureDetailsHandler,
    NotifyContact,
    NotifyContactHandler,
    ResolveAndBroadcast,
    ResolveAndBroadcastHandler,
)
from lia_core.services.conversations import (
    GetContactHandler,
    GetConversationHandler,
    ListConversations,
    ListConversationsHandler,
)
from lia_core.services.dead_letters import (
    GetDeadLetterHandler,
    ListDeadLettersHandler,
    ReprocessDeadLetters,
    ReprocessDeadLettersHandler,
)
from lia_core.services.failures import (
    ActivateDueFailuresHandler,
    ChangeFailureStatus,
    ChangeFailureStatusHandler,
    CheckLocation,
    CheckLocationHandler,
    DeclareFailure,
    DeclareFailureHandler,
    FailureListing,
    FailureTab,
    GetFailureHandler,
    ListFailures,
    ListFailuresHandler,
)
from lia_core.services.outbox import (
    EnqueueMessage,
    EnqueueMessageHandler,
    ListOutbox,
    ListOutboxHandler,
)
from lia_core.services.regions import (
    DefineRegion,
    DefineRegionHandler,
    DeleteRegionHandler,
    GetRegionHandler,
    ListRegionsHandler,
    UpdateRegion,
    UpdateRegionHandler,
)
from lia_core.services.settlement import SettleJob, SettleJobHandler, Settlement
from lia_core.services.users import (
    Authenticate,
    AuthenticateHandler,
    CreateUser,
    CreateUserHandler,
    GetUserHandler,
    ListUsersHandler,
)

__all__ = [
    "DEFAULT_CHANNEL_ORDER",
    "Authenticate",
    "ChangeFailureStatus",
    "ChannelOrder",
    "CheckLocation",
    "CreateUser",
    "DeclareFailure",
    "DefineRegion",
    "EnqueueMessage",
    "FailureListing",
    "FailureTab",
    "ListConversations",
    "ListFailures",
    "ListOutbox",
    "NotifyContact",
    "ReprocessDeadLetters",
    "ResolveAndBroadcast",
    "Services",
    "SettleJob",
    "Settlement",
    "UpdateRegion",
]


DEFAULT_CHANNEL_ORDER: ChannelOrder = {
    JobName.OUTAGE_NOTICE: (Channel.SANDBOX,),
    JobName.OUTAGE_RESOLUTION: (Channel.SANDBOX,),
}
"""Without configured providers every notification goes to the sandbox channel."""


@attrs.frozen(kw_only=True)
class Services:
    """Every use case, ready to call; build once per process with `Services.build`."""

    declare_failure: DeclareFailureHandler
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
    get_user: GetUserHandler
    list_users: ListUsersHandler
    enqueue_message: EnqueueMessageHandler
    list_outbox: ListOutboxHandler
    list_dead_letters: ListDeadLettersHandler
    get_dead_letter: GetDeadLetterHandler
    reprocess_dead_letters: ReprocessDeadLettersHandler
    list_dlq_audit: ListReprocessAuditHandler
    notify_contact: NotifyContactHandler
    resolve_and_broadcast: ResolveAndBroadcastHandler
    failure_details: FailureDetailsHandler
    settle_job: SettleJobHandler
    get_contact: GetContactHandler
    list_conversations: ListConversationsHandler
    get_conversation: GetConversationHandler

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
    ) -> Services:
        """Wire every handler to the given ports (*tz*: the ISP's timezone for message texts)."""
        return cls(
            declare_failure=DeclareFailureHandler(uow, clock, ids),
            change_failure_status=ChangeFailureStatusHandler(uow, clock),
            get_failure=GetFailureHandler(uow),
            list_failures=ListFailuresHandler(uow),
            check_location=CheckLocationHandler(uow),
            activate_due_failures=ActivateDueFailuresHandler(uow, clock),
            define_region=DefineRegionHandler(uow),
            update_region=UpdateRegionHandler(uow),
            delete_region=DeleteRegionHandler(uow),
            get_region=GetRegionHandler(uow),
            list_regions=ListRegionsHandler(uow),
            create_user=CreateUserHandler(uow, clock, ids, hasher),
            authenticate=AuthenticateHandler(uow, hasher),
            get_user=GetUserHandler(uow),
            list_users=ListUsersHandler(uow),
            enqueue_message=EnqueueMessageHandler(uow, clock, ids),
            list_outbox=ListOutboxHandler(uow),
            list_dead_letters=ListDeadLettersHandler(uow),
            get_dead_letter=GetDeadLetterHandler(uow),
            reprocess_dead_letters=ReprocessDeadLettersHandler(uow, clock, ids, audit_sink),
            list_dlq_audit=ListReprocessAuditHandler(uow),
            notify_contact=NotifyContactHandler(uow, clock, ids, tz, channel_order),
            resolve_and_broadcast=ResolveAndBroadcastHandler(uow, clock, ids, tz, channel_order),
            failure_details=FailureDetailsHandler(uow),
            settle_job=SettleJobHandler(uow, clock),
            get_contact=GetContactHandler(uow),
            list_conversations=ListConversationsHandler(uow),
            get_conversation=GetConversationHandler(uow),
        )
