from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tawasul.common.access import as_member


def is_assigned(user: Any) -> bool:
    """A signed-in user with an organization and a role; anyone else sees nothing."""
    return as_member(user) is not None


def member_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Signed in and assigned to an organization with a role. An account without one
    (e.g. made with createsuperuser) gets the page that says so, and nothing else."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_assigned(request.user):
            return render(request, "home/unassigned.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
