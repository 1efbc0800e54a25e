"""manifest.json: what an index holds and what built it, read back and checked before any use."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from evidence.errors import REBUILD_HINT, IndexCorrupt, IndexMismatch, IndexNotFound
from evidence.types import IndexManifest

MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1
VERSION = "0.1.0"
CREATED_WITH = f"evidence {VERSION}"

_FIELDS = {field.name: field for field in dataclasses.fields(IndexManifest)}
_REQUIRED = [name for name, field in _FIELDS.items() if field.default is dataclasses.MISSING]


def to_json(manifest: IndexManifest) -> str:
    data: dict[str, Any] = dataclasses.asdict(manifest)
    data["index_params"] = dict(manifest.index_params)
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def from_json(text: str) -> IndexManifest:
    """Parse a manifest; raises ValueError naming the first problem."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    missing = [name for name in _REQUIRED if name not in data]
    if missing:
        raise ValueError(f"missing field(s) {', '.join(missing)}")
    known = {name: value for name, value in data.items() if name in _FIELDS}
    params = known.get("index_params", {})
    if not isinstance(params, dict) or not all(isinstance(v, int) for v in params.values()):
        raise ValueError("index_params must map names to integers")
    known["index_params"] = tuple(sorted(params.items()))
    for name, value in known.items():
        expected = _FIELDS[name].type
        if expected in ("int", "str") and not isinstance(value, int if expected == "int" else str):
            raise ValueError(f"field {name} must be {'an integer' if expected == 'int' else 'a string'}")
    return IndexManifest(**known)


def write(manifest: IndexManifest, index_dir: Path) -> None:
    (index_dir / MANIFEST_FILE).write_text(to_json(manifest), encoding="utf-8")


def read(index_dir: Path) -> IndexManifest:
    """Read and parse index_dir/manifest.json, raising the index error that says what to do."""
    index_dir = Path(index_dir)
    path = index_dir / MANIFEST_FILE
    if not index_dir.is_dir():
        raise IndexNotFound(f"no index at {index_dir}: build one with `factcheck index build CORPUS --out {index_dir}`")
    if not path.is_file():
        if any(index_dir.iterdir()):
            raise IndexCorrupt(f"{index_dir} has no {MANIFEST_FILE} (incomplete or not an index): {REBUILD_HINT}")
        raise IndexNotFound(
            f"{index_dir} is empty, not an index: build one with `factcheck index build CORPUS --out {index_dir}`"
        )
    try:
        manifest = from_json(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise IndexCorrupt(f"{path} is unreadable (JSON nested too deeply): {REBUILD_HINT}") from None
    except (OSError, UnicodeDecodeError, ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise IndexCorrupt(f"{path} is unreadable ({reason}): {REBUILD_HINT}") from None
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatch(
            f"index {index_dir} has format version {manifest.format_version}, this version of evidence reads "
            f"{FORMAT_VERSION}: {REBUILD_HINT}"
        )
    return manifest


def check_model(manifest: IndexManifest, index_dir: Path, model_id: str, model_hash: str, dimension: int) -> None:
    """Raise IndexMismatch unless the index was built by this very embedding model."""
    built = (manifest.model_id, manifest.model_hash, manifest.dimension)
    if built != (model_id, model_hash, dimension):
        raise IndexMismatch(
            f"index {index_dir} was built with {manifest.model_id} (weights {manifest.model_hash}, "
            f"dimension {manifest.dimension}) but the embedder is {model_id} (weights {model_hash}, "
            f"dimension {dimension}): {REBUILD_HINT}, or load the model that built it"
        )
