"""`ConfigError` and the translation of pydantic's errors into one line per problem.

Every line reads `dotted.path: what is wrong (how to fix it)`, e.g.
`hedges.BTC.target_ratio: -1 is below 0 (use a value between 0 and max_ratio)`.
No pydantic boilerplate, no URLs, never a secret value.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from bot.config.tags import UNION_TAGS

__all__ = [
    "PROBLEMS_ERROR",
    "ConfigError",
    "MissingKeys",
    "format_validation_error",
    "problems_error",
]

PROBLEMS_ERROR = "hedgebot_config"  # error type of our own cross-field checks
SECRET_FIELDS = frozenset({"api_key", "secret", "password", "token", "urls"})

# Field-specific fixes; everything else gets a fix derived from the constraint.
FIX_HINTS = {
    "target_ratio": "use a value between 0 and max_ratio",
    "max_ratio": "use a value ≥ target_ratio; above 1 needs allow_over_hedge: true",
    "leverage": "use a whole number from 1 to 125",
    "band": "use a fraction such as 0.02 (= 2 percentage points of ratio)",
    "port": "use a TCP port from 0 to 65535",
}

# What a pydantic error type means, phrased after the offending value.
TYPE_PROBLEMS = {
    "decimal_parsing": "is not a number",
    "decimal_type": "is not a number",
    "float_parsing": "is not a number",
    "float_type": "is not a number",
    "int_parsing": "is not a whole number",
    "int_type": "is not a whole number",
    "int_from_float": "is not a whole number",
    "finite_number": "is not a finite number",
    "bool_parsing": "is not true or false",
    "bool_type": "is not true or false",
    "string_type": "is not text",
    "string_pattern_mismatch": "is not allowed",
    "list_type": "is not a list",
    "tuple_type": "is not a list",
    "path_type": "is not a file path",
    "decimal_max_digits": "has too many digits",
    "decimal_max_places": "has too many decimal places",
}
NAME_RULES = {
    r"^[a-z][a-z0-9_]{0,31}$": "account names use lower case letters, digits and _, start "
    "with a letter, up to 32 characters",
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$": "hedge names use letters, digits, _ and -, up to 16 "
    "characters",
}


class ConfigError(Exception):
    """The configuration cannot be used. `problems` holds one line per problem.

    Operator: fix each listed key in the YAML (or the named environment variable) and retry.
    """

    def __init__(self, problems: Sequence[str], *, source: str | None = None) -> None:
        self.problems = tuple(problems)
        self.source = source
        where = f" in {source}" if source else ""
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid configuration{where}:\n{lines}")


class MissingKeys(ConfigError):
    """A non-sim account has no API key or secret in the environment or secrets directory.
    Operator: set the named variables (the CLI exits with the keys code, not the config one)."""


def problems_error(problems: Iterable[tuple[str, str]]) -> PydanticCustomError:
    """An error for a validator to raise carrying several `(relative path, message)` pairs."""
    items = tuple(problems)
    summary = "; ".join(f"{p}: {m}" if p else m for p, m in items)
    return PydanticCustomError(PROBLEMS_ERROR, "{summary}", {"summary": summary, "items": items})


def format_validation_error(exc: ValidationError, root: type[BaseModel]) -> list[str]:
    """One `path: problem (fix)` line per error in `exc`, validated against model `root`."""
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        if err["type"] == PROBLEMS_ERROR:
            base = _dotted(err["loc"])
            for rel, message in err.get("ctx", {}).get("items", ()):
                path = ".".join(p for p in (base, rel) if p)
                lines.append(f"{path or '(top level)'}: {message}")
        else:
            lines.append(_format_one(err, root))
    return lines


def _dotted(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc if p != "[key]" and p not in UNION_TAGS)


def _format_one(err: ErrorDetails, root: type[BaseModel]) -> str:
    loc = tuple(p for p in err["loc"] if p not in UNION_TAGS)
    path = _dotted(loc) or "(top level)"
    name = str(loc[-1]) if loc else ""
    kind = err["type"]
    ctx = err.get("ctx", {})
    value = "***" if name in SECRET_FIELDS else show(err["input"])
    if loc and loc[-1] == "[key]":
        rule = NAME_RULES.get(str(ctx.get("pattern")), _lower_first(err["msg"]))
        return f"{path}: the name {value} is not valid ({rule})"
    if kind == "missing":
        return f"{path}: missing (add it: {_describe(root, loc)})"
    if kind == "extra_forbidden":
        return f"{path}: unknown key ({_suggest(root, loc)})"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return _bound(path, name, value, kind, ctx)
    if kind in {"literal_error", "enum"}:
        expected = ctx.get("expected", "")
        hint = _closest(str(err["input"]), _choices(expected))
        return f"{path}: {value} is not one of {expected}{hint}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"{path}: expected a mapping of keys, got {value} ({_describe(root, loc)})"
    fix = FIX_HINTS.get(name) or _describe(root, loc)
    if kind == "value_error":
        return f"{path}: {ctx.get('error', err['msg'])}"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return f"{path}: is empty (add at least one: {fix})"
    if kind in {"too_short", "too_long"}:
        return f"{path}: {value} has the wrong length ({_lower_first(err['msg'])}; {fix})"
    problem = TYPE_PROBLEMS.get(kind, _lower_first(err["msg"]))
    return f"{path}: {value} {problem} ({fix})"


def _bound(path: str, name: str, value: str, kind: str, ctx: dict[str, Any]) -> str:
    words = {
        "greater_than_equal": ("below", "ge", "≥"),
        "greater_than": ("not above", "gt", ">"),
        "less_than_equal": ("above", "le", "≤"),
        "less_than": ("not below", "lt", "<"),
    }
    word, key, sign = words[kind]
    limit = ctx.get(key)
    fix = FIX_HINTS.get(name) or f"use a value {sign} {limit}"
    return f"{path}: {value} is {word} {limit} ({fix})"


def show(value: Any) -> str:
    """A short, single-line rendering of a user-supplied value for an error message."""
    text = repr(value) if isinstance(value, str) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _choices(expected: str) -> list[str]:
    return [c.strip(" '\"") for c in expected.replace(" or ", ",").split(",") if c.strip()]


def _closest(word: str, choices: Sequence[str]) -> str:
    match = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {match[0]}?)" if match else ""


def _model_at(root: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The model class that owns the last element of `loc` (None when it cannot be found)."""
    model: type[BaseModel] = root
    pending = list(loc[:-1])
    while pending:
        part = pending.pop(0)
        if isinstance(part, int):  # an element of a list of models (`spot:` sources)
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        inner = _inner_model(field.annotation)
        if inner is None:
            return None
        if inner[1]:  # a mapping of name → model: skip the name
            if not pending:
                return None
            pending.pop(0)
        model = inner[0]
    return model


def _inner_model(annotation: Any) -> tuple[type[BaseModel], bool] | None:
    """(model, is_mapping) for `Model`, `Model | None` or `Mapping[str, Model]` annotations."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    is_mapping = get_origin(annotation) in (dict, Mapping)
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg, is_mapping
        if get_origin(arg) is Annotated:  # a tagged union member: `spot:` one or a list
            found = _inner_model(get_args(arg)[0])
            if found is not None:
                return found[0], is_mapping or found[1]
    return None


def _describe(root: type[BaseModel], loc: Sequence[int | str]) -> str:
    """The field's description; for an entry of a name → model mapping, the mapping's."""
    for end in (len(loc), len(loc) - 1):
        model = _model_at(root, loc[:end]) if end > 0 else None
        field = model.model_fields.get(str(loc[end - 1])) if model else None
        if field is not None and field.description:
            return field.description.rstrip(".")
    return "see config/example.yaml"


def _suggest(root: type[BaseModel], loc: Sequence[int | str]) -> str:
    model = _model_at(root, loc)
    if model is None:
        return "remove it; see config/example.yaml"
    allowed = [n for n, f in model.model_fields.items() if not _hidden(f)]
    match = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
    hint = f"did you mean {match[0]}? " if match else ""
    return f"{hint}allowed: {', '.join(allowed)}"


def _hidden(field: Any) -> bool:
    """Secret fields are filled from the environment, never written in YAML."""
    return bool((field.json_schema_extra or {}).get("x-env-only"))
