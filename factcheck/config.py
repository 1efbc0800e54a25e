"""Settings, layered: defaults < the chosen verifier's own ``settings.json`` < ``[tool.factcheck]`` in
pyproject.toml or factcheck.toml < ``FACTCHECK_*`` environment variables < command-line flags.

Unknown keys fail and list the valid ones, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factcheck.errors import ConfigError
from factcheck.gate import FAILING

FAIL_ON = tuple(FAILING)
# The report formats: the `format` setting's and `--format` flag's only allowed values.
FORMATS = ("text", "json", "markdown", "sarif", "junit", "html")
# Settings that say where things are or how to show them; they never change a verdict, so the
# report manifest leaves them out and reports stay byte-identical across machines.
_NOT_IN_MANIFEST = frozenset({"cache_dir", "index", "corpus", "format", "baseline", "log_interval", "cache"})
# What runs the models: torch, or ONNX Runtime (the `onnx` extra), which starts seconds sooner because
# torch is never imported; its probabilities agree with torch's to float rounding, not bit for bit.
RUNTIMES = ("torch", "onnx")
_MODELS = Path(__file__).resolve().parent / "models"
# The verifier folders the names "model", "fast" and "base" stand for.
VERIFIER_FOLDERS = {
    "model": _MODELS / "verifier",
    "fast": _MODELS / "verifier-fast",
    "base": _MODELS / "verifier-base",
}
# A verifier folder may carry the settings tuned for it (its probabilities have their own scale): they
# replace the defaults, and anything the user sets replaces them. Only these keys may be set there.
VERIFIER_SETTINGS_FILE = "settings.json"
VERIFIER_KEYS = frozenset(
    {
        "top_k", "evidence_sentences", "evidence_context", "verdict_threshold", "supported_threshold",
        "refuted_threshold", "evidence_threshold",
    }
)


@dataclass(frozen=True, slots=True)
class Settings:
    # Retrieval: how many evidence passages each claim gets. 3 won the search on SciFact train claims
    # for both verifiers (bench/scifact.py --tune): more passages add topical look-alikes.
    top_k: int = 3
    # How many sentences of each passage the verifier reads: the best-matching ones by embedding.
    # A rationale is often not the sentence closest to the claim in wording (results sentences
    # state the finding with figures, the closest one restates the topic).
    evidence_sentences: int = 1
    # Model verifier: read each evidence sentence after the sentence before it in its passage. A
    # finding in an abstract often names its subject only there: on SciFact train claims held out
    # from training abstract label F1 rose from 56.8 to 59.3. Off by default because on news against
    # encyclopedic text it made the model support sentences that name the subject but say something
    # else (bench/README.md, "The sentence before").
    evidence_context: bool = False
    # "model" (the shipped cross-encoder with typed checks, calibrated), "fast" (its 3-layer distilled
    # student: about twice as fast, somewhat less accurate), "base" (an adapter on all-mpnet-base-v2, from
    # the [base] extra: `factcheck train verifier --base mpnet`), "heuristic" (similarity and typed checks
    # only), or the path of a model folder trained with `factcheck train verifier`.
    verifier: str = "model"
    # Heuristic verifier thresholds, on the cosine similarity of claim and evidence sentence.
    # SUPPORTED needs a close paraphrase with every name and number covered; a typed conflict
    # only counts against a sentence about the same thing. Chosen with top_k 3 on SciFact train.
    support_threshold: float = 0.65
    conflict_threshold: float = 0.70
    relevance_threshold: float = 0.45
    # Model verifier: a claim is SUPPORTED or REFUTED only when its most decisive (claim, sentence)
    # pair gives that label at least verdict_threshold probability, and a further document is
    # listed as deciding evidence only when its pair reaches evidence_threshold. Both were chosen
    # on SciFact train claims held out from the verifier's training (bench/scifact.py --tune).
    verdict_threshold: float = 0.4
    evidence_threshold: float = 0.9
    # Model verifier: a SUPPORTED (REFUTED) verdict needs at least this probability too, on top of
    # verdict_threshold, so that each label can be held to the precision docs/precision.md measures.
    supported_threshold: float = 0.0
    refuted_threshold: float = 0.0
    # Opinions and predictions ("marks the latest deterioration", "could be done") are labelled by
    # their kind and left unchecked (NOT ENOUGH INFO, never failing the gate) unless this is on.
    check_opinions: bool = False
    # Gate policy: which labels fail, below which confidence a verdict never fails, and a baseline
    # file of known claims to suppress.
    fail_on: str = "refuted"
    min_confidence: float = 0.0
    baseline: str = ""
    # Where the evidence comes from when no flag says: an index folder or a corpus folder.
    index: str = ""
    corpus: str = ""
    # Report format when no flag says.
    format: str = "text"
    # Where `check --corpus` keeps the indexes it builds; empty means the user cache folder.
    cache_dir: str = ""
    # "torch" or "onnx" (see RUNTIMES).
    runtime: str = "onnx"
    # Keep each claim's evidence and verdict in a SQLite file under the cache folder, keyed by the claim's
    # text, the index, the models, the settings and the code, so re-checking an unchanged article loads no model.
    cache: bool = True
    # Without a terminal (a CI log), seconds between the lines that report long work; shorter work prints none.
    log_interval: float = 5.0

    def items(self) -> tuple[tuple[str, str | int | float | bool], ...]:
        """Settings that change results, for the report manifest."""
        return tuple(
            (f.name, getattr(self, f.name)) for f in dataclasses.fields(self) if f.name not in _NOT_IN_MANIFEST
        )


def valid_keys() -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(Settings))


def load_settings(
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Merge every layer; ``overrides`` are flags, where ``None`` means "not given"."""
    cwd = cwd or Path.cwd()
    env = os.environ if env is None else env
    merged: dict[str, Any] = {}
    file_values, source = _file_layer(cwd)
    merged.update(_coerce_all(file_values, source, typed=True))
    env_values = {
        key[len("FACTCHECK_") :].lower(): value
        for key, value in env.items()
        if key.startswith("FACTCHECK_") and key not in _ENV_NOT_SETTINGS
    }
    merged.update(_coerce_all(env_values, "environment (FACTCHECK_*)"))
    merged.update(_coerce_all({k: v for k, v in (overrides or {}).items() if v is not None}, "flags"))
    settings = Settings(**{**verifier_settings(merged.get("verifier", Settings().verifier)), **merged})
    _validate(settings)
    return settings


# Variables with the prefix that are not settings (used by the tests and the cache).
_ENV_NOT_SETTINGS = frozenset({"FACTCHECK_CACHE_HOME"})


def verifier_settings(verifier: str) -> dict[str, Any]:
    """The settings a verifier folder recommends for itself (``settings.json``), or none."""
    if verifier == "heuristic":
        return {}
    path = VERIFIER_FOLDERS.get(verifier, Path(verifier).expanduser()) / VERIFIER_SETTINGS_FILE
    if not path.is_file():
        return {}
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path} is not valid JSON ({exc}); fix or delete it") from exc
    if not isinstance(values, dict) or not set(values) <= VERIFIER_KEYS:
        raise ConfigError(f"{path} may only set {', '.join(sorted(VERIFIER_KEYS))}; fix or delete it")
    return _coerce_all(values, str(path), typed=True)


def _file_layer(cwd: Path) -> tuple[dict[str, Any], str]:
    own = cwd / "factcheck.toml"
    if own.is_file():
        return _read_toml(own), str(own)
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        data = _read_toml(pyproject)
        tool = data.get("tool", {})
        section = tool.get("factcheck", {}) if isinstance(tool, dict) else {}
        if not isinstance(section, dict):
            raise ConfigError(f"{pyproject}: [tool.factcheck] must be a table of settings")
        return section, f"{pyproject} [tool.factcheck]"
    return {}, ""


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix or remove it") from exc


def _coerce_all(values: Mapping[str, Any], source: str, *, typed: bool = False) -> dict[str, Any]:
    """Values checked against each setting's type; ``typed`` sources (TOML, JSON) must give that type,
    text from the environment or the command line is parsed."""
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    out: dict[str, Any] = {}
    for raw_key, value in values.items():
        key = raw_key.replace("-", "_")
        if key not in fields:
            raise ConfigError(f"unknown setting {raw_key!r} in {source}; valid settings: {', '.join(valid_keys())}")
        out[key] = _coerce(key, fields[key].type, value, source, typed)
    return out


def _coerce(key: str, type_name: Any, value: Any, source: str, typed: bool) -> Any:
    """The value as the setting's type: a value of another type is an error, never converted (2.7 is not
    an integer, a table is not a path); text is parsed only where all values are text."""
    kind = type_name if isinstance(type_name, str) else getattr(type_name, "__name__", str(type_name))
    text = isinstance(value, str) and (not typed or kind == "str")
    try:
        if kind == "int" and (text or (isinstance(value, int) and not isinstance(value, bool))):
            return int(value)
        if kind == "float" and (text or (isinstance(value, int | float) and not isinstance(value, bool))):
            return float(value)
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if text and value.lower() in ("1", "true", "yes", "on"):
                return True
            if text and value.lower() in ("0", "false", "no", "off"):
                return False
        if kind == "str" and text:
            return value
    except (TypeError, ValueError, OverflowError):
        pass
    raise ConfigError(f"setting {key!r} in {source} must be a {kind}, got {value!r}")


# Upper bounds that keep a value inside what the search and SQLite can take.
MAX_TOP_K = 1000
MAX_EVIDENCE_SENTENCES = 100


def _validate(settings: Settings) -> None:
    if settings.fail_on not in FAIL_ON:
        raise ConfigError(f"fail_on must be one of {', '.join(FAIL_ON)}, got {settings.fail_on!r}")
    if settings.format not in FORMATS:
        raise ConfigError(f"format must be one of {', '.join(FORMATS)}, got {settings.format!r}")
    if settings.runtime not in RUNTIMES:
        raise ConfigError(f"runtime must be one of {', '.join(RUNTIMES)}, got {settings.runtime!r}")
    if not 0.0 <= settings.min_confidence <= 1.0:
        raise ConfigError(f"min_confidence must lie in [0, 1], got {settings.min_confidence}")
    if settings.log_interval < 0:
        raise ConfigError(f"log_interval is in seconds and must not be negative, got {settings.log_interval}")
    for name, most in (("top_k", MAX_TOP_K), ("evidence_sentences", MAX_EVIDENCE_SENTENCES)):
        value = getattr(settings, name)
        if not 1 <= value <= most:
            raise ConfigError(f"{name} must be at least 1 and at most {most}, got {value}")
    for name in ("verdict_threshold", "supported_threshold", "refuted_threshold", "evidence_threshold"):
        value = getattr(settings, name)
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{name} is a probability and must lie in [0, 1], got {value}")
    for name in ("support_threshold", "conflict_threshold", "relevance_threshold"):
        value = getattr(settings, name)
        if not -1.0 <= value <= 1.0:
            raise ConfigError(f"{name} is a cosine similarity and must lie in [-1, 1], got {value}")
