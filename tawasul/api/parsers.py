"""Request body parsing that turns every malformed body into a 400, never a 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser (strict: no NaN or Infinity) that also refuses bodies the
    standard library gives up on with other errors than ValueError: nesting deep enough
    to exhaust the recursion limit, and an unknown `charset` in the Content-Type."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except (RecursionError, LookupError) as exc:
            raise ParseError(type(exc).__name__) from None
