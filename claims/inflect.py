"""Just enough English verb inflection to restore a clause's finite verb.

"NATO stripped eight members of their accreditation, describing them as spies" gives the
claim "NATO described them as spies": the participle takes the tense of the clause it hangs on.
"""

from __future__ import annotations

_IRREGULAR_PAST = {
    "be": "was",
    "have": "had",
    "do": "did",
    "say": "said",
    "make": "made",
    "go": "went",
    "take": "took",
    "come": "came",
    "see": "saw",
    "know": "knew",
    "get": "got",
    "give": "gave",
    "find": "found",
    "think": "thought",
    "tell": "told",
    "become": "became",
    "show": "showed",
    "leave": "left",
    "feel": "felt",
    "put": "put",
    "bring": "brought",
    "begin": "began",
    "keep": "kept",
    "hold": "held",
    "write": "wrote",
    "stand": "stood",
    "hear": "heard",
    "let": "let",
    "mean": "meant",
    "set": "set",
    "meet": "met",
    "run": "ran",
    "pay": "paid",
    "sit": "sat",
    "speak": "spoke",
    "lie": "lay",
    "lead": "led",
    "read": "read",
    "grow": "grew",
    "lose": "lost",
    "fall": "fell",
    "send": "sent",
    "build": "built",
    "understand": "understood",
    "draw": "drew",
    "break": "broke",
    "spend": "spent",
    "cut": "cut",
    "rise": "rose",
    "drive": "drove",
    "buy": "bought",
    "wear": "wore",
    "choose": "chose",
    "seek": "sought",
    "throw": "threw",
    "catch": "caught",
    "deal": "dealt",
    "win": "won",
    "forget": "forgot",
    "sell": "sold",
    "fight": "fought",
    "hit": "hit",
    "shut": "shut",
    "strike": "struck",
    "withdraw": "withdrew",
    "undertake": "undertook",
    "overtake": "overtook",
    "arise": "arose",
    "bear": "bore",
    "flee": "fled",
    "shoot": "shot",
    "steal": "stole",
    "swear": "swore",
    "teach": "taught",
    "freeze": "froze",
    "hide": "hid",
    "ride": "rode",
    "ring": "rang",
    "sink": "sank",
    "sing": "sang",
    "spread": "spread",
    "split": "split",
    "quit": "quit",
    "bid": "bid",
    "cost": "cost",
}
_IRREGULAR_PAST.update(
    spring="sprang",
    swim="swam",
    drink="drank",
    fly="flew",
    forbid="forbade",
    forgive="forgave",
    light="lit",
    slide="slid",
    stick="stuck",
    sweep="swept",
    wake="woke",
    weep="wept",
    shake="shook",
    tear="tore",
    bind="bound",
    feed="fed",
    bend="bent",
    lend="lent",
    dig="dug",
    hang="hung",
    oversee="oversaw",
    overcome="overcame",
)
_VOWELS = frozenset("aeiou")


def past(lemma: str) -> str:
    """Simple past of a verb lemma ("describe" -> "described", "stop" -> "stopped")."""
    low = lemma.lower()
    if low in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[low]
    if low.endswith("e"):
        return low + "d"
    if low.endswith("y") and len(low) > 1 and low[-2] not in _VOWELS:
        return low[:-1] + "ied"
    if (
        len(low) in (3, 4)
        and low[-1] not in _VOWELS | {"w", "x", "y"}
        and low[-2] in _VOWELS
        and low[-3] not in _VOWELS
        and sum(ch in _VOWELS for ch in low) == 1
    ):
        return low + low[-1] + "ed"
    return low + "ed"


def present(lemma: str, plural: bool) -> str:
    """Present tense, third person ("describe" -> "describes"; plural: "describe")."""
    low = lemma.lower()
    if low == "be":
        return "are" if plural else "is"
    if low == "have":
        return "have" if plural else "has"
    if plural:
        return low
    if low.endswith(("s", "sh", "ch", "x", "z", "o")):
        return low + "es"
    if low.endswith("y") and len(low) > 1 and low[-2] not in _VOWELS:
        return low[:-1] + "ies"
    return low + "s"


def copula(past_tense: bool, plural: bool) -> str:
    if past_tense:
        return "were" if plural else "was"
    return "are" if plural else "is"


def is_irregular_past(word: str) -> bool:
    """ "gave", "took", "ran": a past tense that ends in neither "-ed" nor "-s"."""
    return word.lower() in _IRREGULAR_PAST_FORMS


_IRREGULAR_PAST_FORMS = frozenset(_IRREGULAR_PAST.values())
