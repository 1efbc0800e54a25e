"""The one offline set-up: models are read from installed files, and no model hub is ever asked."""

from __future__ import annotations

import os


def offline() -> None:
    """Forbid downloads by the Hugging Face libraries, as on a user's air-gapped machine.

    Called where a model is loaded, before transformers or sentence-transformers is imported (they read these
    variables when imported), and by the CLI at start-up. Set, not defaulted: nothing may download at run time.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
