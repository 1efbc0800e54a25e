"""documents: bytes of a file to text, shared by the claims and evidence rooms.

It depends on the standard library only and imports neither room, so both may import it.
"""

from documents.decode import BadEncoding, NotText, bom_encoding, decode

__all__ = ["BadEncoding", "NotText", "bom_encoding", "decode"]
