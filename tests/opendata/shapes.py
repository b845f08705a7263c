"""Whether an answer has the shape of police.uk's: the same keys, value types and formats.

The shape comes from police.uk's own example answers. Where police.uk gives several variants
of one element (a priority with and without an action), the allowed types at each place are
those of any variant: ``"action"`` may be a string or null because police.uk gives both. Every
dict must have exactly the fixture's keys, except the maps police.uk fills per neighbourhood
(``contact_details``), whose keys must come from police.uk's and whose values match. Strings
keep their format: where police.uk gives a timestamp (``2015-10-08T00:00:00``), or a number
as a string (``"52.6389"``, ``"1000"``), so must we; where police.uk gives free text, any
string will do.
"""

from __future__ import annotations

import re
from typing import Any

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def kind(value: Any) -> str:
    """The JSON type of a value, with strings by format."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if _TIMESTAMP.fullmatch(value):
        return "timestamp string"
    try:
        float(value)
    except ValueError:
        return "string"
    return "numeric string"


def mismatches(
    actual: Any, examples: list[Any], *, maps: frozenset[str] = frozenset(), path: str = "$"
) -> list[str]:
    """Every way ``actual`` differs in shape from police.uk's ``examples`` of the same place.

    ``maps`` names the places (``$.contact_details``, ``$[].contact_details``) that are
    per-neighbourhood maps rather than records.
    """
    allowed = {kind(example) for example in examples}
    found = kind(actual)
    # Free text may happen to look like a number ("101") or a date; formats bind only where
    # police.uk's text is always of that format.
    if found.endswith(" string") and "string" in allowed:
        found = "string"
    if found not in allowed:
        return [f"{path}: {found}, police.uk gives {' or '.join(sorted(allowed))}"]
    if found == "object":
        records = [example for example in examples if isinstance(example, dict)]
        if path in maps:
            vocabulary = {key for record in records for key in record}
            unknown = sorted(set(actual) - vocabulary)
            problems = [f"{path}: keys {unknown} are not police.uk's"] if unknown else []
        else:
            problems = [
                f"{path}: keys {sorted(actual)}, police.uk gives {sorted(record)}"
                for record in records
                if set(actual) != set(record)
            ]
        for key, value in actual.items():
            values = [record[key] for record in records if key in record]
            if values:
                problems += mismatches(value, values, maps=maps, path=f"{path}.{key}")
        return problems
    if found == "array":
        elements = [item for example in examples for item in example]
        problems = []
        for item in actual:
            if not elements:
                return [f"{path}: has elements, police.uk gives none"]
            problems += mismatches(item, elements, maps=maps, path=f"{path}[]")
        return problems
    return []
