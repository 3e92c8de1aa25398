"""Agents: list them with their presence and load, change a profile, take a heartbeat.

Presence governs offers only. An agent going away or offline (by hand, or silent past the
heartbeat's time limit) keeps their conversations or returns them to the queue, as the
policy's away rule says, and every change is in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from lia_core.assignment import events
from lia_core.assignment.moves import Context, record, retrying, return_held
from lia_core.domain.activity import Actor
from lia_core.domain.agents import AgentProfile, Presence, validate_capacity, validate_skills
from lia_core.domain.users import User, validate_departments, validate_username
from lia_core.errors import NotFound
from lia_core.ports import UnitOfWork

__all__ = ["AgentView", "Agents", "SetAgent"]


@attrs.frozen(kw_only=True)
class AgentView:
    """An agent as the desk shows them: account, profile, and the presence that counts now."""

    user: User
    profile: AgentProfile
    presence: Presence
    """The stored status read against the heartbeat's time limit."""


@attrs.frozen(kw_only=True)
class SetAgent:
    """Change an agent's profile; None leaves a field as it is."""

    username: str
    actor: Actor
    capacity: int | None = None
    departments: tuple[str, ...] | None = None
    skills: tuple[str, ...] | None = None
    status: Presence | None = None
    auto_offline: bool | None = None


def _settings(profile: AgentProfile, user: User) -> str:
    """The profile as the audit log shows it."""
    return "; ".join(
        [
            f"capacity={profile.capacity}",
            f"departments={','.join(sorted(user.departments)) or '-'}",
            f"skills={','.join(sorted(profile.skills)) or '-'}",
            f"status={profile.status.value}",
            f"auto_offline={'on' if profile.auto_offline else 'off'}",
        ]
    )


async def _profile(uow: UnitOfWork, username: str) -> AgentProfile:
    try:
        return await uow.agents.get(username)
    except NotFound:
        return AgentProfile(username=username)


@attrs.frozen
class Agents:
    """Agent profiles and presence (`services.agents`)."""

    ctx: Context

    async def list(self) -> Sequence[AgentView]:
        """Every active account with its profile (defaults when never set), by username."""
        now = self.ctx.clock.now()
        async with self.ctx.uow() as uow:
            users = [u for u in await uow.users.list() if u.is_active]
            profiles = {p.username: p for p in await uow.agents.list()}
        views = []
        for user in users:
            profile = profiles.get(user.username) or AgentProfile(username=user.username)
            presence = profile.presence_at(now, self.ctx.policy.presence_ttl)
            views.append(AgentView(user=user, profile=profile, presence=presence))
        return views

    async def show(self, username: str) -> AgentView:
        """One agent. Raises NotFound for an unknown account."""
        now = self.ctx.clock.now()
        async with self.ctx.uow() as uow:
            user = await uow.users.get_by_username(validate_username(username))
            profile = await _profile(uow, user.username)
        presence = profile.presence_at(now, self.ctx.policy.presence_ttl)
        return AgentView(user=user, profile=profile, presence=presence)

    async def set(self, cmd: SetAgent) -> AgentView:
        """Change capacity, departments, skills, status or auto-offline, with an audit entry.

        Raises NotFound for an unknown account, ValidationError naming the bad field.
        """
        username = validate_username(cmd.username)
        capacity = validate_capacity(cmd.capacity) if cmd.capacity is not None else None
        departments = validate_departments(cmd.departments or ())
        skills = validate_skills(cmd.skills or ())

        async def change() -> AgentView:
            now = self.ctx.clock.now()
            async with self.ctx.uow() as uow:
                user = await uow.users.get_by_username(username)
                profile = await _profile(uow, username)
                before = _settings(profile, user)
                if capacity is not None:
                    profile.capacity = capacity
                if cmd.skills is not None:
                    profile.skills = skills
                if cmd.auto_offline is not None:
                    profile.auto_offline = cmd.auto_offline
                if cmd.departments is not None and departments != user.departments:
                    user.departments = departments
                    await uow.users.update(user)
                moved = cmd.status is not None and cmd.status is not profile.status
                if cmd.status is not None and moved:
                    profile.status = cmd.status
                    profile.status_at = now
                await uow.agents.save(profile)
                await record(
                    uow,
                    self.ctx.ids,
                    cmd.actor,
                    at=now,
                    action="agent.update",
                    entity="agent",
                    entity_id=username,
                    from_state=before,
                    to_state=_settings(profile, user),
                )
                if moved:
                    uow.events.publish(events.presence(profile, at=now))
                    await return_held(self.ctx, uow, profile, cmd.actor, now=now)
                await uow.agents.recount([username])
                await uow.commit()
            presence = profile.presence_at(now, self.ctx.policy.presence_ttl)
            return AgentView(user=user, profile=profile, presence=presence)

        return await retrying(change)

    async def heartbeat(self, user: User, status: Presence, actor: Actor) -> AgentView:
        """The agent is here, in *status*: note the time; a change of status is audited."""

        async def beat() -> AgentView:
            now = self.ctx.clock.now()
            async with self.ctx.uow() as uow:
                profile = await _profile(uow, user.username)
                before = profile.presence_at(now, self.ctx.policy.presence_ttl)
                profile.last_seen_at = now
                if status is not profile.status:
                    profile.status = status
                    profile.status_at = now
                await uow.agents.save(profile)
                if before is not status:
                    uow.events.publish(events.presence(profile, at=now))
                    await _presence_entry(self.ctx, uow, profile, actor, before, now=now)
                    await return_held(self.ctx, uow, profile, actor, now=now)
                await uow.commit()
            return AgentView(user=user, profile=profile, presence=status)

        return await retrying(beat)

    async def sweep(self, *, now: datetime | None = None) -> int:
        """Mark offline the agents silent past the time limit (auto-offline on); how many.

        Each gets an ``agent.presence`` audit entry and the away rule; on PostgreSQL two
        workers sweeping at once take different agents (SKIP LOCKED).
        """
        at = now or self.ctx.clock.now()
        actor = Actor.service("presence-sweep")
        async with self.ctx.uow() as uow:
            silent = await uow.agents.silent(
                at, self.ctx.policy.presence_ttl, limit=self.ctx.policy.batch
            )
            for profile in silent:
                before = profile.status
                profile.status = Presence.OFFLINE
                profile.status_at = at
                await uow.agents.save(profile)
                uow.events.publish(events.presence(profile, at=at))
                await _presence_entry(self.ctx, uow, profile, actor, before, now=at)
                await return_held(self.ctx, uow, profile, actor, now=at)
            await uow.commit()
        return len(silent)


async def _presence_entry(
    ctx: Context,
    uow: UnitOfWork,
    profile: AgentProfile,
    actor: Actor,
    before: Presence,
    *,
    now: datetime,
) -> None:
    await record(
        uow,
        ctx.ids,
        actor,
        at=now,
        action="agent.presence",
        entity="agent",
        entity_id=profile.username,
        from_state=before.value,
        to_state=profile.status.value,
        reason="no heartbeat" if actor.name == "presence-sweep" else None,
    )
