"""--engine: local stays free of Ray; without the extra, ray says what to install; with it, a real
two-node Ray cluster writes the report a local run writes, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS

REPO = Path(__file__).resolve().parents[2]
FACTCHECK = str(Path(sys.executable).parent / "factcheck")


def run(*args: str, extra_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    path = [str(extra_path)] if extra_path else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*path, str(REPO)])}
    return subprocess.run([FACTCHECK, *args], env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def demo_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("engines") / "index"
    assert run("index", "build", str(DEMO_CORPUS), "--out", str(out)).returncode == 0
    return out


@pytest.fixture()
def without_ray(tmp_path: Path) -> Path:
    """A folder that, first on the path, makes `import ray` fail as it does where the extra is not installed."""
    (tmp_path / "ray").mkdir()
    (tmp_path / "ray" / "__init__.py").write_text("raise ModuleNotFoundError('No module named ray', name='ray')\n")
    return tmp_path


def test_local_build_never_imports_ray(tmp_path: Path, without_ray: Path) -> None:
    code = (
        "import sys; from evidence import build_index, SentenceTransformerEmbedder; "
        f"build_index({str(DEMO_CORPUS)!r}, {str(tmp_path / 'index')!r}, SentenceTransformerEmbedder()); "
        "print('ray' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("command", ["build", "check"])
def test_ray_engine_without_the_extra_names_it(command: str, demo_index: Path, tmp_path: Path, without_ray) -> None:
    out = tmp_path / "index"
    args = (
        ["index", "build", str(DEMO_CORPUS), "--out", str(out)]
        if command == "build"
        else ["check", str(DEMO_ARTICLE), "--index", str(demo_index)]
    )
    done = run(*args, "--engine", "ray", extra_path=without_ray)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "factcheck: error: --engine ray needs Ray, which is not installed: pip install 'factcheck-kit[ray]'"
    ]
    assert not out.exists()


def test_cluster_options_need_the_ray_engine(demo_index: Path) -> None:
    done = run("check", str(DEMO_ARTICLE), "--index", str(demo_index), "--workers", "2")
    assert done.returncode == 2
    assert done.stderr.strip() == "factcheck: error: --address and --workers go with --engine ray"


@pytest.mark.ray
def test_ray_check_writes_the_local_report_byte_for_byte(ray_cluster: str, demo_index: Path, tmp_path: Path) -> None:
    articles = tmp_path / "docs"
    articles.mkdir()
    text = DEMO_ARTICLE.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    # Three articles, so that both workers get one and the merge has an order to keep.
    (articles / "a.md").write_text(text, encoding="utf-8")
    (articles / "b.md").write_text("\n\n".join(paragraphs[: len(paragraphs) // 2]) + "\n", encoding="utf-8")
    (articles / "c.md").write_text("\n\n".join(paragraphs[len(paragraphs) // 2 :]), encoding="utf-8")
    pattern = str(articles / "*.md")
    local = run("check", pattern, "--index", str(demo_index), "--format", "json", "-o", str(tmp_path / "local.json"))
    remote = run(
        "check", pattern, "--index", str(demo_index), "--format", "json", "-o", str(tmp_path / "ray.json"),
        "--engine", "ray", "--address", ray_cluster, "--workers", "2",
    )
    assert local.returncode in (0, 1), local.stderr
    assert remote.returncode == local.returncode, remote.stderr
    assert (tmp_path / "ray.json").read_bytes() == (tmp_path / "local.json").read_bytes()
    report = json.loads((tmp_path / "ray.json").read_text(encoding="utf-8"))
    assert [Path(article["path"]).name for article in report["articles"]] == ["a.md", "b.md", "c.md"]
