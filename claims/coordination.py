"""Coordinated objects: "the liaison mission and information office in Moscow" gives one claim each.

A mixin of the sentence decomposer (``claims.decompose``): it finds the groups of coordinated nouns,
prepositions or infinitives that are safe to split, and the token sets of each variant of a clause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claims.context import ents_in, subject_of
from claims.lexicon import COLLECTIVES, NO_SPLIT_PREPS, PARTITIVES, TOGETHER_WORDS
from claims.render import cut

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SHARED_ENTS = frozenset({"GPE", "LOC", "FAC", "DATE"})
MAX_VARIANTS = 8


@dataclass(slots=True)
class Group:
    members: list[Token]
    regions: list[set[int]]
    glue: set[int]
    shared: set[int] = field(default_factory=set)  # a place or date of the last member, for all
    left: set[int] = field(default_factory=set)  # the first member's determiner, for the second


class CoordinationRules:
    """Needs the decomposer's sentence, its quoted tokens, ``shared`` tokens per noun, and ``subtree``."""

    sent: Span
    doc: Doc
    quoted: set[int]
    shared: dict[int, set[int]]

    if TYPE_CHECKING:  # provided by the decomposer

        def subtree(self, token: Token) -> set[int]: ...

    def coordination(self, selected: set[int]) -> list[Group]:
        groups: list[Group] = []
        claimed: set[int] = set()
        for i in sorted(selected):
            token = self.doc[i]
            if i in claimed:
                continue
            members = self.members(token)
            if len(members) < 2 or not all(m.i in selected and m.i not in self.quoted for m in members):
                continue
            regions, glue = [], set()
            if not self.tiles(members):
                continue
            for member in members:
                region = self.subtree(member)
                for child in member.children:
                    if child.dep_ == "conj":
                        region -= self.subtree(child)
                    elif child.dep_ in ("cc", "preconj") or (child.dep_ == "punct" and child.text == ","):
                        region.discard(child.i)
                        glue.add(child.i)
                regions.append(region)
            last = members[-1]
            for clause in (c for m in members for c in m.children):
                if clause.dep_ == "relcl" and clause.i > last.i and _partitive_which(clause):
                    # "58 paintings, 11 drawings and five sketchbooks, most of which ...": the clause is about
                    # all of them, so no one item's claim takes it
                    glue.update(t.i for t in clause.subtree)
                    if self.doc[clause.left_edge.i - 1].text == ",":
                        glue.add(clause.left_edge.i - 1)
            group = Group(members, regions, glue)
            # a place or date after the last of two nouns is read as theirs; after a longer list it
            # belongs to the last item ("colonies in Japan and greenhouses in Belgium")
            shareable = members[0].pos_ in ("NOUN", "PROPN") and len(members) == 2
            # "the capital and the largest metropolis in Africa": a place after a superlative is its scope
            shareable = shareable and not any(
                c.tag_ in ("JJS", "RBS") or c.ent_type_ == "ORDINAL" for c in last.children
            )
            def placed(member: Token) -> list[Token]:
                return [
                    child
                    for child in member.children
                    if child.dep_ == "prep"
                    and any(t.ent_type_ in SHARED_ENTS for t in child.subtree if t.dep_ == "pobj" or t.head == child)
                ]

            # "a ward in November and the respiratory ward in early March": a member with its own date keeps it
            own = any(placed(m) for m in members[:-1])
            for child in placed(last) if shareable and not own else ():
                group.shared |= self.subtree(child)
            for member in members[:-1]:
                self.shared[member.i] = set(group.shared)
            first, second = members[0], members[-1]
            if first.pos_ == "VERB" and not any(c.dep_ == "aux" for c in second.children):
                # "scheduled to begin in March and finish by 2025": both take the "to"
                group.left |= {c.i for c in first.children if c.dep_ == "aux" and c.i < first.i}
            elif first.pos_ == "NOUN" or (len(members) == 2 and first.pos_ == "PROPN"):
                # "an American actor, producer and director": "a producer", "a director"
                own = [c for m in members[1:] for c in m.children if c.dep_ in ("det", "poss", "amod")]
                if not own:
                    for child in first.children:
                        if child.dep_ in ("det", "poss") and child.i < first.i:
                            group.left |= self.subtree(child)
            claimed.update(m.i for m in members)
            groups.append(group)
        return groups

    def members(self, token: Token) -> list[Token]:
        """``token`` and its chain of coordinated nouns (or prepositions), when splitting is safe."""
        nominal = token.pos_ in ("NOUN", "PROPN") and token.dep_ in ("dobj", "pobj", "attr")
        prepositional = token.dep_ == "prep" and token.pos_ == "ADP"
        verbal = token.dep_ == "xcomp" and token.pos_ == "VERB"
        if not (nominal or prepositional or verbal):
            return []
        if nominal and token.dep_ == "pobj" and token.head.lower_ in NO_SPLIT_PREPS:
            return []
        if nominal and token.dep_ != "pobj" and sum(c.dep_ == token.dep_ for c in token.head.children) > 1:
            return []  # a verb with two objects is a misparse of a longer list: split there, items would mix
        if nominal and token.dep_ == "pobj" and token.head.lower_ == "of" and token.pos_ == "NOUN":
            return []  # "a mixture of stone and timber", "the coat of arms and flag": one thing of both
        if nominal and token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lemma_ in COLLECTIVES:
            return []  # "the pair of Kelsey Ortiz and Hannah Bright won": the pair is both, never one of them
        if nominal and token.dep_ == "pobj" and token.head.head.pos_ == "PROPN" and token.pos_ == "PROPN":
            return []  # "Center for Predictive Engineering and Computational Sciences" is one name
        members = [token]
        node = token
        while True:
            ccs = [c for c in node.children if c.dep_ == "cc"]
            if any(c.lower_ not in ("and", "as well as") for c in ccs):
                return []
            nxt = next((c for c in node.children if c.dep_ == "conj"), None)
            if nxt is None:
                break
            if nominal and (nxt.pos_ != token.pos_ or bool(nxt.ent_type_) != bool(token.ent_type_)):
                # "borders Sweden in the east and Finland ...": a place coordinated with a direction is a
                # misparse, and a name with a common noun is not a list of like things; kept whole
                return []
            if prepositional and nxt.pos_ != "ADP":
                return []
            if verbal and (nxt.pos_ != "VERB" or subject_of(nxt) is not None):
                return []
            members.append(nxt)
            node = nxt
        after = members[-1].right_edge.i + 1
        if len(members) > 1 and after < len(self.doc) and self.doc[after].lower_ in TOGETHER_WORDS:
            return []  # "held for men and women alike": one statement about both, never one about each
        if len(members) > 1 and prepositional:
            words = {m.lower_ for m in members}
            names = {m.i for m in members}
            if any(c.dep_ == "prep" and c.lower_ in words and c.i not in names for c in token.head.children):
                # "raises spending on roads by 9% and on transit by 4%": the verb's second "by" is the
                # gapped figure of the second member, which a split would lose or give to the first
                return []
        if len(members) > 1 and nominal:
            if _one_title(members):
                return []  # "for Best Makeup and Hairstyle": one award's name
            if self.named_together(members):
                return []  # "in favour of Skyline Airways and Orla Air, the two carriers": one pair
            for ent in ents_in(self.sent):
                span = range(ent.start, ent.end)
                if token.i in span and members[1].i in span:
                    return []  # "Bosnia and Herzegovina" is one name
            if self.total_elsewhere(token, members):
                return []
        return members

    def tiles(self, members: list[Token]) -> bool:
        """The members are unbroken stretches of text, in order, with only commas and "and" between them.

        A parse that hangs "Harbour Lights (2015) by Tomas Reed" partly on the first film and partly on
        the second gives members that interleave; split there, a list comes out garbled, so it stays whole.
        """
        previous_end = None
        for k, member in enumerate(members):
            region = self.subtree(member)
            nxt = members[k + 1] if k + 1 < len(members) else None
            if nxt is not None:
                region -= self.subtree(nxt)
            region -= {c.i for c in member.children if c.dep_ in ("cc", "preconj", "punct") and c.text in (",", "and")}
            for clause in member.children:
                if clause.dep_ == "relcl" and _partitive_which(clause):
                    region -= {t.i for t in clause.subtree}  # "..., most of which": about the whole list
            if not region:
                return False
            if nxt is not None:
                # what the parser hung on a member after the whole list ("..., born in 1967") is not in the way
                region = {i for i in region if i < min(self.subtree(nxt))}
            if not region:
                return False
            start, end = min(region), max(region)
            if end - start + 1 != len(region):
                return False
            inner = "".join(self.doc[i].text for i in region)
            if inner.count("(") != inner.count(")") or inner.count("[") != inner.count("]"):
                return False
            if previous_end is not None:
                between = [t for t in self.doc[previous_end + 1 : start]]
                if any(t.text not in (",", "and", "as", "well", ";") for t in between):
                    return False
            previous_end = end
        return True

    def named_together(self, members: list[Token]) -> bool:
        """A plural aside right after the list names its items as one group ("..., the two carriers,")."""
        if any(c.dep_ == "appos" and c.tag_ in ("NNS", "NNPS") for m in members for c in m.children):
            return True
        after = members[-1].right_edge.i + 1
        if after + 1 >= self.sent.end or self.doc[after].text != ",":
            return False
        aside = self.doc[after + 1]
        while aside.i < self.sent.end - 1 and aside.dep_ in ("det", "nummod", "amod", "compound"):
            aside = self.doc[aside.i + 1]
        return aside.dep_ == "appos" and aside.tag_ in ("NNS", "NNPS")

    def total_elsewhere(self, token: Token, members: list[Token]) -> bool:
        """A count outside the coordinated nouns is a total over them: "followed 19,114 people in Australia
        and the United States" is not 19,114 in each. A place hung on a relative clause is read with the
        clause's noun too, when that noun is the one counted ("identified 27 victims, the oldest of whom is 94,
        across the town and villages")."""
        inside = set().union(*(self.subtree(m) for m in members))

        def counted(noun: Token) -> bool:
            return any(
                c.dep_ == "nummod" and c.like_num and c.ent_type_ not in ("DATE", "TIME", "ORDINAL")
                and c.i not in inside
                for c in noun.children
            )

        verb = token
        # up to the clause's verb, past participles that only modify a noun ("people aged 70 in ...")
        while (verb.pos_ not in ("VERB", "AUX") or verb.dep_ in ("amod", "acl")) and verb.head.i != verb.i:
            verb = verb.head
        arguments = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")]
        hung = token.dep_ == "pobj" and verb.dep_ == "relcl"  # a place, not what the clause is about
        return any(counted(argument) for argument in arguments) or (hung and counted(verb.head))

    def variants(self, selected: set[int], groups: list[Group]) -> list[set[int]]:
        variants = [set(selected)]
        for group in groups:
            if len(variants) * len(group.members) > MAX_VARIANTS:
                break
            out = []
            for variant in variants:
                if group.members[0].i not in variant:
                    out.append(variant)
                    continue
                for k, _member in enumerate(group.members):
                    chosen = set(variant)
                    for j, region in enumerate(group.regions):
                        if j != k:
                            cut(chosen, region & chosen, self.doc)
                    chosen -= group.glue
                    if k < len(group.members) - 1:
                        chosen |= group.shared
                    if k > 0:
                        chosen |= group.left
                    out.append(chosen)
            variants = out
        return variants


def _partitive_which(clause: Token) -> bool:
    """ "most of which have never been shown", "all of whom": a relative clause about a part of a whole."""
    first = clause.left_edge
    following = first.doc[first.i + 1 : first.i + 3]
    return first.lower_ in PARTITIVES and [t.lower_ for t in following][:1] == ["of"] and any(
        t.lower_ in ("which", "whom") for t in following
    )


def _one_title(members: list[Token]) -> bool:
    """ "Best Makeup and Hairstyle": a capitalised modifier before the first item and bare capitalised words after
    it are one name in title case, not a list."""
    first, rest = members[0], members[1:]
    opened = any(
        c.i < first.i and c.dep_ in ("amod", "compound") and c.text[:1].isupper() and c.i > c.sent.start
        for c in first.children
    )
    bare = all(
        m.text[:1].isupper() and not any(c.dep_ not in ("cc", "punct", "conj") for c in m.children) for m in rest
    )
    return opened and bare and first.text[:1].isupper()
