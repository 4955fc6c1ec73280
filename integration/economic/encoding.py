"""e-conomic's encoding of special characters in resource ids (product numbers above all).

https://restdocs.e-conomic.com/#special-characters-in-ids: each listed character becomes a
numbered token between underscores; everything else is URL-encoded as usual.
"""

from urllib.parse import quote

_TOKENS = {
    "<": "_0_",
    ">": "_1_",
    "*": "_2_",
    "%": "_3_",
    ":": "_4_",
    "&": "_5_",
    "/": "_6_",
    "\\": "_7_",
    "_": "_8_",
    " ": "_9_",
    "?": "_10_",
    ".": "_11_",
    "#": "_12_",
    "+": "_13_",
}


def encode_id(value: str) -> str:
    """A resource id as a URL path segment: `My Product_5%` -> `My_9_Product_8_5_3_`."""
    encoded = "".join(_TOKENS.get(character, character) for character in str(value))
    return quote(encoded, safe="_-~")
