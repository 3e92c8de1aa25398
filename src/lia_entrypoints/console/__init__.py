"""The browser console under `/console`: server-rendered pages (Jinja2 + vendored htmx 2)
behind a cookie session with CSRF tokens and a strict Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Router
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.middleware.session import SessionMiddleware
from litestar.plugins.htmx import HTMXRequest
from litestar.static_files import create_static_files_router

from lia_entrypoints.console.errors import console_exception_handlers, for_console_too
from lia_entrypoints.console.pages.agents import agents_page, agents_panel
from lia_entrypoints.console.pages.audit import audit_page
from lia_entrypoints.console.pages.auth import home, login_form, login_submit, logout, root
from lia_entrypoints.console.pages.check import check_page
from lia_entrypoints.console.pages.conversation import (
    conversation_fragment,
    conversation_page,
    conversation_preview,
)
from lia_entrypoints.console.pages.conversation_actions import conversation_action
from lia_entrypoints.console.pages.delivery import (
    dead_letter_page,
    dead_letters_page,
    outbox_page,
    reprocess_dead_letters,
)
from lia_entrypoints.console.pages.desk_policy import policy_page, policy_upload
from lia_entrypoints.console.pages.failure_form import (
    failure_create,
    failure_edit,
    failure_edit_form,
    failure_form,
    failure_preview,
)
from lia_entrypoints.console.pages.failures import (
    activate_failure,
    cancel_confirm,
    cancel_failure,
    failure_counts,
    failure_detail,
    failures_page,
    finalize_dialog,
    finalize_submit,
    pause_failure,
    resume_failure,
)
from lia_entrypoints.console.pages.gamification import gamification_page, gamification_run
from lia_entrypoints.console.pages.inbox import accept_offer, inbox_page, inbox_panel, reject_offer
from lia_entrypoints.console.pages.nps import follow_up_command, follow_ups_page, nps_page
from lia_entrypoints.console.pages.overview import (
    overview_heatmap,
    overview_page,
    overview_panel,
)
from lia_entrypoints.console.pages.presence import presence_beat
from lia_entrypoints.console.pages.realtime import console_realtime
from lia_entrypoints.console.pages.regions import (
    region_create,
    region_delete,
    region_delete_confirm,
    region_edit,
    region_edit_form,
    region_new_form,
    regions_page,
)
from lia_entrypoints.console.pages.reports import (
    report_csv_download,
    report_page,
    reports_index,
)
from lia_entrypoints.console.pages.tickets import ticket_command, ticket_page, tickets_page
from lia_entrypoints.console.rendering import template_config
from lia_entrypoints.console.security import (
    CONSOLE_PATH,
    ChangedOnlySessionBackend,
    SecurityHeaders,
    csrf_config,
    session_config,
)
from lia_entrypoints.console.viewer import ConsoleAuth, ConsoleSocketAuth
from lia_entrypoints.settings import Settings

__all__ = [
    "CONSOLE_PATH",
    "SecurityHeaders",
    "console_routers",
    "for_console_too",
    "root",
    "template_config",
]

STATIC = Path(__file__).parent / "static"
"""htmx, the stylesheet, the console's script and the live layer (live.js)."""


class _Shared(DefineMiddleware):
    """Middleware that holds live objects: registering a router deep-copies it, and the
    session backend's cipher cannot be copied (nor needs to be)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Shared:
        return self


def _session(settings: Settings) -> _Shared:
    backend = session_config(settings)
    return _Shared(SessionMiddleware, backend=ChangedOnlySessionBackend(config=backend))


def console_routers(settings: Settings) -> list[Router]:
    """The console's pages (session, CSRF, sign-in, error pages) and its static files."""
    pages = Router(
        path=CONSOLE_PATH,
        route_handlers=[
            home,
            login_form,
            login_submit,
            logout,
            failures_page,
            failure_form,
            failure_create,
            failure_preview,
            failure_edit_form,
            failure_edit,
            regions_page,
            region_new_form,
            region_create,
            region_edit_form,
            region_edit,
            region_delete_confirm,
            region_delete,
            check_page,
            failure_detail,
            failure_counts,
            pause_failure,
            resume_failure,
            activate_failure,
            cancel_confirm,
            cancel_failure,
            finalize_dialog,
            finalize_submit,
            audit_page,
            outbox_page,
            dead_letters_page,
            reprocess_dead_letters,
            dead_letter_page,
            policy_page,
            policy_upload,
            tickets_page,
            ticket_page,
            ticket_command,
            presence_beat,
            conversation_page,
            conversation_fragment,
            conversation_preview,
            conversation_action,
            inbox_page,
            inbox_panel,
            accept_offer,
            reject_offer,
            agents_page,
            agents_panel,
            overview_page,
            overview_panel,
            overview_heatmap,
            nps_page,
            follow_ups_page,
            follow_up_command,
            reports_index,
            report_page,
            report_csv_download,
            gamification_page,
            gamification_run,
        ],
        middleware=[
            _session(settings),
            DefineMiddleware(CSRFMiddleware, config=csrf_config(settings)),
            DefineMiddleware(ConsoleAuth, exclude_from_auth_key="exclude_from_auth"),
        ],
        exception_handlers=console_exception_handlers,
        request_class=HTMXRequest,
        include_in_schema=False,
    )
    static = create_static_files_router(
        path=f"{CONSOLE_PATH}/static",
        directories=[STATIC],
        include_in_schema=False,
        name="console-static",
    )
    live = Router(  # the WebSocket: the session says who listens (no CSRF on a socket)
        path=CONSOLE_PATH,
        route_handlers=[console_realtime],
        middleware=[_session(settings), DefineMiddleware(ConsoleSocketAuth)],
        include_in_schema=False,
    )
    return [pages, static, live]
