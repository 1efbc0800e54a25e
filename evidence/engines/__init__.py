"""Engines that spread the work of a build over other processes or machines.

Only ``ray`` for now, in :mod:`evidence.engines.ray_build`. Ray is an optional extra: nothing here
imports it until an engine runs, and a missing Ray is an :class:`EngineUnavailable` that names the
extra to install. Work the cluster gives up on is an :class:`EngineFailed`, raised before anything
is written, so the previous index stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType

from evidence.errors import EvidenceError

RAY_EXTRA = "pip install 'factcheck-kit[ray]'"


class EngineUnavailable(EvidenceError):
    """The engine's library is not installed, or its cluster cannot be reached."""


class EngineFailed(EvidenceError):
    """The cluster took the work but could not finish it (for example its workers kept failing)."""


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """Where the work runs: ``address`` None starts a private local Ray; ``workers`` None uses every CPU."""

    address: str | None = None
    workers: int | None = None


def ray_module() -> ModuleType:
    try:
        import ray
    except ImportError:
        raise EngineUnavailable(f"--engine ray needs Ray, which is not installed: {RAY_EXTRA}") from None
    return ray


@contextmanager
def connected(settings: ClusterSettings) -> Iterator[ModuleType]:
    """Ray, connected to the cluster at ``settings.address`` (or a local one) for the duration of the block."""
    ray = ray_module()
    if settings.workers is not None and settings.workers < 1:
        raise EngineUnavailable(f"--workers must be at least 1, got {settings.workers}")
    owned = not ray.is_initialized()
    if owned:
        options: dict[str, object] = {"include_dashboard": False, "log_to_driver": False, "logging_level": "ERROR"}
        if settings.address is None:
            options["num_cpus"] = settings.workers
        try:
            ray.init(address=settings.address, **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise EngineUnavailable(
                f"cannot connect to the Ray cluster at {settings.address or 'a new local cluster'} ({reason}): "
                "start it with `ray start --head` or pass --address HOST:PORT"
            ) from None
    try:
        yield ray
    finally:
        if owned:
            ray.shutdown()


def worker_count(ray: ModuleType, settings: ClusterSettings) -> int:
    """The workers asked for, else one per CPU the cluster has."""
    if settings.workers is not None:
        return settings.workers
    return max(1, int(ray.cluster_resources().get("CPU", 1)))
