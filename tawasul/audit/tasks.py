"""Background tasks of the audit trail (scheduled in tawasul/jobs/schedule.py)."""

from __future__ import annotations

from django_tasks import task

from tawasul.audit import chain
from tawasul.audit.models import ChainVerification
from tawasul.audit.services import chain_verification_run


@task()
def seal_audit_trail() -> int:
    """Seal every unsealed entry into the hash chain; safe to run concurrently and twice.

    It writes no audit entry of its own: its record is the chain itself, and an entry
    per run would give the next run something to seal, for ever.
    """
    return chain.seal_all()


@task()
def verify_audit_chain(requested_by: str = "") -> bool:
    """Check the sealed chain and store the result for the audit page (daily, or when a
    reviewer asks on the page). Running it twice only stores the result twice."""
    source = ChainVerification.Source.PAGE if requested_by else ChainVerification.Source.TASK
    return chain_verification_run(source=source, requested_by=requested_by).ok
