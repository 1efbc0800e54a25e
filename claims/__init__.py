"""The claims room: article text in, atomic self-contained claims out.

spaCy is imported only when a ``ClaimExtractor`` first extracts, so importing this package
is cheap.
"""

from claims.article import read_article
from claims.errors import (
    ArticleEncodingError,
    ArticleError,
    ArticleIsFolder,
    ArticleNotFound,
    ArticleTooLarge,
    BinaryArticle,
    ClaimsError,
    EmptyArticle,
    ModelNotFound,
)
from claims.extractor import ClaimExtractor
from claims.given import ClaimsFileError, read_claims_file
from claims.types import Article, Claim, ClaimKind

__all__ = [
    "Article",
    "ArticleEncodingError",
    "ArticleError",
    "ArticleIsFolder",
    "ArticleNotFound",
    "ArticleTooLarge",
    "BinaryArticle",
    "Claim",
    "ClaimExtractor",
    "ClaimKind",
    "ClaimsError",
    "ClaimsFileError",
    "EmptyArticle",
    "ModelNotFound",
    "read_article",
    "read_claims_file",
]
