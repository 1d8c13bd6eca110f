"""Fetch-and-check for the diplomatic network.

Each function returns the object the user may see, or raises OutOfScope (404) after
recording the denial (tawasul.common.access.fetch_or_deny). A bulletin of another
mission, a correspondence entry seen by a mission, anything of the network seen by
center staff, intake, analysts, the ministry or partners: all the same 404.
"""

from __future__ import annotations

from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.access import fetch_or_deny
from tawasul.network import selectors
from tawasul.network.models import Bulletin, Correspondence
from tawasul.organizations.models import Organization

# Recorded with each read of a correspondence entry (names only): an exchange with a
# mission may concern a national.
CORRESPONDENCE_READ_FIELDS: tuple[str, ...] = (
    "mission", "direction", "channel", "occurred_on", "subject", "summary",
    "reference_number",
)
ATTACHMENT_READ_FIELDS: tuple[str, ...] = ("attachment",)


def can_manage_network(user: object) -> bool:
    """Record correspondence, send bulletins, see read receipts."""
    return selectors.network_manager(user) is not None


def access_mission(user: object, mission_id: object) -> Organization:
    return fetch_or_deny(user, selectors.missions_visible_to(user), mission_id)


def access_correspondence(user: object, correspondence_id: object) -> Correspondence:
    """One entry of the log, its read audited with the names of the fields shown."""
    entry = fetch_or_deny(user, selectors.correspondence_visible_to(user), correspondence_id)
    audit_record(action=AuditAction.READ, actor=user, obj=entry,
                 fields=CORRESPONDENCE_READ_FIELDS)
    return entry


def access_bulletin(user: object, bulletin_id: object) -> Bulletin:
    return fetch_or_deny(user, selectors.bulletins_visible_to(user), bulletin_id)
