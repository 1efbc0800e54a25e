"""Read a corpus folder into Documents, one reader per file format.

A file that cannot be read becomes a ReadFailure with a one-line reason; it never stops the
build. Files with other suffixes, hidden files and folders, and whatever the corpus folder's
``.factcheckignore`` names are left out.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from documents import BadEncoding, NotText, bom_encoding, decode, html_to_text, markdown_to_text
from evidence.errors import BadIgnoreFile, CorpusNotFound
from evidence.types import CorpusReadResult, Document, ReadFailure

SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".pdf"})
IGNORE_FILE = ".factcheckignore"
_ID_KEYS = ("id", "doc_id", "_id")
_TEXT_KEYS = ("text", "abstract")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


class UnreadableFile(Exception):
    """Internal: a reader gives up on one file (or one jsonl line); the message becomes the reason."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _decode(data: bytes, fallback: str | None = None) -> str:
    try:
        return decode(data, fallback=fallback)
    except NotText:
        raise UnreadableFile("binary file (NUL bytes): not a text document") from None
    except BadEncoding as exc:
        byte = f"byte 0x{exc.byte:02x}" if exc.byte is not None else "a byte"
        raise UnreadableFile(
            f"not valid {exc.encoding} ({byte} at offset {exc.offset}): convert the file to UTF-8"
        ) from None


def _stem_title(rel: str) -> str:
    return Path(rel).stem.replace("_", " ").strip()


def _require_text(text: str) -> str:
    if not text.strip():
        raise UnreadableFile("no text in the file")
    return text


def _read_plain(rel: str, data: bytes) -> Iterator[Document]:
    text = _require_text(_decode(data).replace("\r\n", "\n").strip())
    yield Document(id=rel, path=rel, title=_stem_title(rel), text=text, sha256=_sha256(data))


def _read_markdown(rel: str, data: bytes) -> Iterator[Document]:
    heading, text = markdown_to_text(_decode(data))
    text = _require_text(text)
    yield Document(id=rel, path=rel, title=heading or _stem_title(rel), text=text, sha256=_sha256(data))


def _read_html(rel: str, data: bytes) -> Iterator[Document]:
    declared = _CHARSET.search(data[:4096])
    source = _decode(data, declared.group(1).decode("ascii") if declared else None)
    title, text = html_to_text(source)
    text = _require_text(text)
    yield Document(id=rel, path=rel, title=title or _stem_title(rel), text=text, sha256=_sha256(data))


def _read_pdf(rel: str, data: bytes) -> Iterator[Document]:
    import io

    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("encrypted PDF: save an unencrypted copy")
        pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except UnreadableFile:
        raise
    except Exception as exc:
        # A damaged PDF can trip almost any error inside pypdf; one file must not stop a build.
        raise UnreadableFile(f"broken PDF ({type(exc).__name__}): re-export it or remove it") from None
    text = "\n\n".join(page for page in pages if page)
    if not text:
        raise UnreadableFile("PDF has no text layer (scanned?): run OCR on it first")
    yield Document(id=rel, path=rel, title=str(meta_title).strip() or _stem_title(rel), text=text, sha256=_sha256(data))


def _pick(record: dict[str, object], keys: tuple[str, ...], what: str) -> object | None:
    present = {key: record[key] for key in keys if record.get(key) not in (None, "", [])}
    if len({json.dumps(value, sort_keys=True) for value in present.values()}) > 1:
        raise UnreadableFile(f"ambiguous {what}: fields {', '.join(present)} disagree; keep one of them")
    return next(iter(present.values()), None)


def jsonl_document(rel: str, line: bytes) -> Document:
    """One jsonl line to a Document; raises UnreadableFile with the reason."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UnreadableFile(f"invalid JSON ({exc.msg if hasattr(exc, 'msg') else exc})") from None
    except RecursionError:
        raise UnreadableFile("JSON nested too deeply to read") from None
    if not isinstance(record, dict):
        raise UnreadableFile("the line is not a JSON object")
    doc_id = _pick(record, _ID_KEYS, "id")
    body = _pick(record, _TEXT_KEYS, "text")
    if doc_id is None:
        raise UnreadableFile("no id field (id, doc_id or _id)")
    if isinstance(body, list):
        body = " ".join(str(part).strip() for part in body)
    if not isinstance(body, str) or not body.strip():
        raise UnreadableFile("no text field (text or abstract)")
    title = record.get("title")
    return Document(
        id=f"{rel}#{doc_id}",
        path=rel,
        title=title.strip() if isinstance(title, str) else "",
        text=body.strip(),
        sha256=_sha256(line),
    )


def _read_jsonl(rel: str, data: bytes) -> Iterator[Document | ReadFailure]:
    text = _decode(data)  # whole-file check: binary or undecodable content fails the file, not each line
    if bom_encoding(data)[0] not in ("", "utf-8"):
        data = text.encode("utf-8")
    seen: set[str] = set()
    for number, line in enumerate(data.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            doc = jsonl_document(rel, line)
        except UnreadableFile as exc:
            yield ReadFailure(path=f"{rel}:{number}", reason=str(exc))
            continue
        if doc.id in seen:
            yield ReadFailure(path=f"{rel}:{number}", reason=f"duplicate id {doc.id!r}: ids must be unique")
            continue
        seen.add(doc.id)
        yield doc


_READERS: dict[str, Callable[[str, bytes], Iterator[Document] | Iterator[Document | ReadFailure]]] = {
    ".txt": _read_plain,
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": _read_pdf,
    ".jsonl": _read_jsonl,
}


def document_order(doc: Document) -> tuple[str, str]:
    """The one order of documents in an index: by file, then by id inside a jsonl file."""
    return (doc.path, doc.id)


def ignore_patterns(corpus_dir: Path) -> tuple[str, ...]:
    """The patterns of ``corpus_dir/.factcheckignore``: one per line, blank lines and ``#`` comments skipped."""
    path = Path(corpus_dir) / IGNORE_FILE
    if not path.is_file():
        return ()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadIgnoreFile(f"cannot read {path} ({exc}): save it as UTF-8 text or delete it") from exc
    patterns = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("!"):
            raise BadIgnoreFile(
                f"{path}: '{line}' re-includes files, which factcheck does not support: "
                "name only what to leave out"
            )
        if line and not line.startswith("#"):
            patterns.append(line.removeprefix("./"))
    return tuple(patterns)


def is_ignored(rel: str, patterns: tuple[str, ...]) -> bool:
    """Whether the corpus-relative posix path ``rel`` matches one of the ignore patterns.

    The subset of .gitignore that corpus folders need: ``drafts/`` (a trailing slash) leaves out every
    folder of that name; a pattern with a slash (``notes/*.md``, ``/archive``) is matched against the
    relative path from the corpus root, and also leaves out a folder it names; one without (``README*``)
    against the file name and every folder name on the way. As in git, ``*`` stays inside one part
    of the path and ``**`` crosses parts (``archive/**/*.md``).
    """
    parts = rel.split("/")
    for pattern in patterns:
        body = pattern.rstrip("/")
        anchored = "/" in body
        body = body.lstrip("/")
        # A path pattern names a file, or a folder whose contents all go; a bare name, any part of the path.
        names = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)] if anchored else list(parts)
        if pattern.endswith("/"):
            names = names[:-1]  # folders only
        regex = _glob(body)
        if any(regex.fullmatch(name) for name in names):
            return True
    return False


@functools.lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """A .gitignore glob as a regex: ``*`` and ``?`` stay inside one path part, ``**`` crosses parts."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def scan_corpus(corpus_dir: Path, *, follow_symlinks: bool = False) -> tuple[list[Path], list[ReadFailure]]:
    """Supported regular files under corpus_dir, sorted by relative path, and the entries skipped.

    Hidden entries and the paths that ``.factcheckignore`` names are left out silently. Pipes, sockets,
    devices, broken symlinks and (unless ``follow_symlinks``) symlinks to files outside the corpus
    folder are skipped, each with a reason: reading them could block, fail or leak other files.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusNotFound(f"corpus folder {corpus_dir} does not exist or is not a folder: check the path")
    patterns = ignore_patterns(corpus_dir)
    root = corpus_dir.resolve()
    found: list[Path] = []
    skipped: list[ReadFailure] = []
    for folder, dirs, files in os.walk(corpus_dir):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES:
                path = Path(folder) / name
                rel = path.relative_to(corpus_dir).as_posix()
                if is_ignored(rel, patterns):
                    continue
                problem = entry_problem(path, root, follow_symlinks)
                if problem:
                    skipped.append(ReadFailure(path=rel, reason=problem))
                else:
                    found.append(path)
    return sorted(found, key=lambda path: path.relative_to(corpus_dir).as_posix()), skipped


def entry_problem(path: Path, root: Path, follow_symlinks: bool) -> str | None:
    """Why a corpus entry is not read, or None for a regular file that may be read."""
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "broken symlink (a loop, or its target is missing): fix or remove it"
        if not follow_symlinks and not target.is_relative_to(root):
            return f"symlink to {target}, outside the corpus folder: not followed (pass --follow-symlinks to read it)"
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read the file ({exc.strerror or exc}): check it"
    if not stat.S_ISREG(mode):
        return "not a regular file (a pipe, socket or device): only files are read"
    return None


def corpus_files(corpus_dir: Path, *, follow_symlinks: bool = False) -> list[Path]:
    """The files ``scan_corpus`` would read."""
    return scan_corpus(corpus_dir, follow_symlinks=follow_symlinks)[0]


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file; anything else is refused without blocking (a FIFO has no writer)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnreadableFile("not a regular file (a pipe, socket or device): only files are read")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def read_file(path: Path, rel: str) -> tuple[list[Document], list[ReadFailure]]:
    """Read one supported file; its relative id is ``rel``."""
    documents: list[Document] = []
    failures: list[ReadFailure] = []
    try:
        data = _read_regular(path)
        if not data.strip():
            raise UnreadableFile("empty file")
        for item in _READERS[path.suffix.lower()](rel, data):
            (documents if isinstance(item, Document) else failures).append(item)  # type: ignore[arg-type]
    except UnreadableFile as exc:
        failures.append(ReadFailure(path=rel, reason=str(exc)))
    except OSError as exc:
        failures.append(ReadFailure(path=rel, reason=f"cannot read the file ({exc.strerror or exc}): check it"))
    if not documents and not failures:
        failures.append(ReadFailure(path=rel, reason="no document in the file"))
    return documents, failures


def read_corpus(
    corpus_dir: Path,
    *,
    progress: Callable[[str, int, int], None] | None = None,
    follow_symlinks: bool = False,
) -> CorpusReadResult:
    """Read every supported file under corpus_dir; documents come in ``document_order``."""
    corpus_dir = Path(corpus_dir)
    files, skipped = scan_corpus(corpus_dir, follow_symlinks=follow_symlinks)
    documents: list[Document] = []
    failures: list[ReadFailure] = list(skipped)
    for done, path in enumerate(files, start=1):
        docs, fails = read_file(path, path.relative_to(corpus_dir).as_posix())
        documents.extend(docs)
        failures.extend(fails)
        if progress is not None:
            progress("read", done, len(files))
    documents.sort(key=document_order)
    return CorpusReadResult(documents=tuple(documents), failures=tuple(failures))


def corpus_fingerprint(corpus_dir: Path, *, follow_symlinks: bool = False) -> str:
    """A cheap hash of the supported files' relative paths, sizes and modification times.

    The ignore patterns are part of it, so editing ``.factcheckignore`` makes a cached index stale.
    """
    corpus_dir = Path(corpus_dir)
    digest = hashlib.sha256()
    digest.update(("\n".join(ignore_patterns(corpus_dir)) + "\0").encode())
    for path in corpus_files(corpus_dir, follow_symlinks=follow_symlinks):
        try:
            info = path.stat()
        except OSError:
            continue  # gone since the scan: the read reports it
        digest.update(f"{path.relative_to(corpus_dir).as_posix()}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]
