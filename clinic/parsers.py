"""The project's JSON parser: any body that cannot be read as JSON is a 400, never a 500."""

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """DRF's JSONParser, plus a 400 for JSON nested deeper than Python's recursion limit.

    DRF turns ValueError (malformed JSON, bad UTF-8) into a ParseError, but `[[[…]]]` 50,000 deep
    makes the json module raise RecursionError, which DRF lets through as a 500 with a traceback.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            return super().parse(stream, media_type=media_type, parser_context=parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the body is nested too deeply; send a flat JSON object.") from exc
        except (ValueError, UnicodeError) as exc:  # ParseError is not a ValueError: only stray decode errors land here
            raise ParseError(f"JSON parse error - {exc}") from exc
