"""Card and suggestion uuids, signed so that feedback names only cards thyref gave.

A card's uuid is an RFC 9562 version 8 (custom) UUID: 64 random bits, then 62 bits of an
HMAC-SHA256 (THYREF_SECRET_KEY) of them and the service id. Its suggestions' uuids are
HMACs of the card's uuid and their rank. The feedback endpoint checks both without
storing a row per card (the hook's latency budget): a uuid thyref did not give for this
service, or a suggestion of another card, is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid

from thyref.web.cds_hooks.bodies import FeedbackRequest

MAX_SUGGESTIONS = 8  # ranks checked for a suggestion uuid (thyref's cards have one)
ACCEPTED_MAX = 400  # CdsFeedback.accepted_suggestions: MAX_SUGGESTIONS uuids fit


def _mac(secret: str, message: str) -> bytes:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()


def _uuid8(head: bytes, tail: bytes) -> uuid.UUID:
    raw = bytearray(head[:8] + tail[:8])
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 9562 variant
    return uuid.UUID(bytes=bytes(raw))


def new_card_uuid(secret: str, service_id: str) -> str:
    head = _uuid8(os.urandom(8), bytes(8)).bytes[:8]
    return str(_uuid8(head, _mac(secret, f"cds-card|{service_id}|{head.hex()}")))


def card_issued(secret: str, service_id: str, value: str) -> bool:
    """Whether ``value`` is the uuid of a card this service gave (with this secret)."""
    try:
        given = uuid.UUID(value)
    except ValueError:
        return False
    if str(given) != value.lower():
        return False
    head = given.bytes[:8]
    expected = _uuid8(head, _mac(secret, f"cds-card|{service_id}|{head.hex()}"))
    return hmac.compare_digest(expected.bytes, given.bytes)


def suggestion_uuid(secret: str, service_id: str, card: str, rank: int) -> str:
    mac = _mac(secret, f"cds-suggestion|{service_id}|{card.lower()}|{rank}")
    return str(_uuid8(mac[:8], mac[8:16]))


def feedback_problem(secret: str, service_id: str, body: FeedbackRequest) -> str | None:
    """The first feedback entry naming a card or suggestion this service did not give
    (``feedback.<i>.card: ...``), or None."""
    for i, item in enumerate(body.feedback):
        if not card_issued(secret, service_id, item.card):
            return f"feedback.{i}.card: not the uuid of a card this service gave"
        ranks = {suggestion_uuid(secret, service_id, item.card, r) for r in range(MAX_SUGGESTIONS)}
        for j, accepted in enumerate(item.acceptedSuggestions or []):
            if accepted.id.lower() not in ranks:
                return f"feedback.{i}.acceptedSuggestions.{j}.id: not a suggestion of this card"
    return None
