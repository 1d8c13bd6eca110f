"""Where the current request came from, for the audit entries written while serving it.

Set by AuditContextMiddleware; empty in tasks and commands, which say so themselves.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""


# The default is a frozen dataclass, so sharing it between contexts is safe.
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "tawasul_audit_request", default=RequestContext()  # noqa: B039
)


def current() -> RequestContext:
    return _current.get()


def bind(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(ctx)


def reset(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)
