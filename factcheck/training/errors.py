"""Errors raised while building training data or training the verifier.

FactcheckError (factcheck.errors)
 +-- TrainingError        the data or the settings cannot be used for training
      +-- DataFormatError  a data file is missing or has an unexpected shape
"""

from __future__ import annotations

from factcheck.errors import FactcheckError


class TrainingError(FactcheckError):
    """The message is one line that says what happened and what to do."""


class DataFormatError(TrainingError):
    pass
