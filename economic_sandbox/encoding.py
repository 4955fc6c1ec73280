"""e-conomic's encoding of special characters in resource ids (e.g. product numbers in URLs).

REFERENCE §2 "General rules" (https://restdocs.e-conomic.com/#special-characters-in-ids):
`<`→`_0_`, `>`→`_1_`, `*`→`_2_`, `%`→`_3_`, `:`→`_4_`, `&`→`_5_`, `/`→`_6_`, `\\`→`_7_`,
`_`→`_8_`, space→`_9_`, `?`→`_10_`, `.`→`_11_`, `#`→`_12_`, `+`→`_13_`; everything else is
standard URL encoding. Example: `My Awesome Product_Discount5%` →
`My_9_Awesome_9_Product_8_Discount5_3_`.

Because a literal `_` is always encoded, every `_` in an encoded id starts a token, so decoding
left to right is unambiguous.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

SPECIAL = ("<", ">", "*", "%", ":", "&", "/", "\\", "_", " ", "?", ".", "#", "+")
_ENCODE = {character: f"_{index}_" for index, character in enumerate(SPECIAL)}
_TOKEN = re.compile(r"_(1[0-3]|[0-9])_")


def encode_id(value: str) -> str:
    """An id as it appears in a URL path segment."""
    return "".join(_ENCODE.get(character) or quote(character, safe="") for character in value)


def decode_id(segment: str) -> str:
    """The id behind a path segment. Percent-escapes are undone first (a WSGI server has usually
    done so already, which is harmless: a literal `%` is always sent as `_3_`)."""
    return _TOKEN.sub(lambda match: SPECIAL[int(match.group(1))], unquote(segment))
