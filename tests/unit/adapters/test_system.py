"""The production clock, id generator and password hasher behave as their ports promise."""

from __future__ import annotations

import uuid
from datetime import timedelta

from lia_adapters.system import Argon2PasswordHasher, SystemClock, UuidGenerator


def test_argon2_round_trip_and_salting() -> None:
    """A hash verifies its password only, and hashing twice gives different salted hashes."""
    hasher = Argon2PasswordHasher.fast_for_tests()
    stored = hasher.hash("troque-esta-senha")
    assert stored.startswith("$argon2id$")
    assert "troque-esta-senha" not in stored
    assert hasher.verify(stored, "troque-esta-senha")
    assert not hasher.verify(stored, "troque-esta-senhA")
    assert hasher.hash("troque-esta-senha") != stored


def test_argon2_rejects_garbage_hash_without_raising() -> None:
    """An unreadable stored hash is a mismatch, not a crash."""
    assert not Argon2PasswordHasher.fast_for_tests().verify("not-a-hash", "whatever")


def test_default_argon2_parameters_are_strong() -> None:
    """The production hasher uses argon2-cffi's recommended (RFC 9106) parameters."""
    stored = Argon2PasswordHasher().hash("x" * 12)
    assert "m=65536" in stored
    assert "t=3" in stored


def test_system_clock_is_aware_utc() -> None:
    """The clock returns timezone-aware UTC instants."""
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)


def test_uuid_generator_gives_unique_uuids() -> None:
    """Ids are valid, distinct UUIDs."""
    ids = {UuidGenerator().new_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(uuid.UUID(i).version == 4 for i in ids)
