"""Names of the members of the config's tagged unions (`spot:` one source or a list, `beta:`
fixed or estimated). pydantic puts them into error paths; `errors` drops them, so a path reads
as the YAML does. Each contains a space: never a field, account or hedge name."""

from __future__ import annotations

__all__ = ["ESTIMATED_BETA", "FIXED_BETA", "ONE_SOURCE", "SOURCE_LIST", "UNION_TAGS"]

ONE_SOURCE = "one spot source"
SOURCE_LIST = "spot source list"
FIXED_BETA = "fixed beta"
ESTIMATED_BETA = "estimated beta"
UNION_TAGS = frozenset({ONE_SOURCE, SOURCE_LIST, FIXED_BETA, ESTIMATED_BETA})
