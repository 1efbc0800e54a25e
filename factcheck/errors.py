"""Errors raised by the factcheck room.

    FactcheckError
     +-- ConfigError        a setting is unknown or has the wrong type
     +-- InputError         an argument or input file cannot be used
     +-- ReportError        a report cannot be written

Errors of the other rooms (``claims.errors.ClaimsError``, ``evidence.errors.EvidenceError``) pass through
the library unchanged; the CLI turns all of them into one line on stderr and exit code 2.
"""

from __future__ import annotations


class FactcheckError(Exception):
    """Base class: the message is one line that says what happened and what to do."""


class ConfigError(FactcheckError):
    pass


class InputError(FactcheckError):
    pass


class ReportError(FactcheckError):
    pass
