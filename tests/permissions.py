"""Making a file unreadable in a test, also when the tests run as root."""

from __future__ import annotations

import ctypes
import os

# Linux capability numbers: without both, even root obeys file permissions.
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
PR_CAPBSET_DROP = 24


def obey_file_permissions() -> None:
    """A subprocess ``preexec_fn``: as root, drop the capabilities that bypass file permissions, so that a
    mode-000 file is unreadable to the command as it is to any user."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop the capabilities that let root read any file")
