"""The embedded example: an article and a small reference corpus, written by the factcheck team.

The article mixes claims the corpus supports, one it contradicts and one it cannot settle, so
`factcheck demo` shows every verdict.
"""

from pathlib import Path

_HERE = Path(__file__).resolve().parent
DEMO_ARTICLE = _HERE / "article.md"
DEMO_CORPUS = _HERE / "corpus"
