"""One JSON serialiser for every record, with a tested round-trip.

Records are frozen dataclasses; this module walks them generically instead of each record
carrying a hand-written ``to_dict``/``from_dict`` pair that could drift apart.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


def to_jsonable(value: Any) -> Any:
    """Turn records, enums and tuples into plain JSON values; floats are rounded for stable bytes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, float):
        # Six decimals hide float noise from BLAS thread scheduling without losing meaning.
        return round(value, 6)
    return value


def dumps(value: Any) -> str:
    """Canonical JSON: sorted keys, fixed indentation, UTF-8 kept readable, trailing newline."""
    return json.dumps(to_jsonable(value), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def from_jsonable(cls: type[T], data: Any) -> T:
    """Rebuild a record of type ``cls`` from what ``to_jsonable`` produced."""
    return _convert(cls, data)


def loads(cls: type[T], text: str) -> T:
    return from_jsonable(cls, json.loads(text))


def _convert(tp: Any, data: Any) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return data
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            if _matches(arg, data):
                return _convert(arg, data)
        raise TypeError(f"{data!r} matches none of {tp}")
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], item) for item in data)
        return tuple(_convert(a, item) for a, item in zip(args, data, strict=True))
    if origin is dict:
        key_type, value_type = args
        return {_convert(key_type, k): _convert(value_type, v) for k, v in data.items()}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        kwargs = {f.name: _convert(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.name in data}
        return tp(**kwargs)
    if tp is float and isinstance(data, int):
        return float(data)
    return data


def _matches(tp: Any, data: Any) -> bool:
    if tp is bool:
        return isinstance(data, bool)
    if tp is int:
        return isinstance(data, int) and not isinstance(data, bool)
    if tp is float:
        return isinstance(data, int | float) and not isinstance(data, bool)
    if tp is str:
        return isinstance(data, str)
    return True
