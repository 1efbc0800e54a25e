"""factcheck: claim-level fact-checking of articles against your own reference corpus, offline."""

__version__ = "0.1.0"
