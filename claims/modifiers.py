"""Modifiers cut out of a clause and restated as claims of their own.

A mixin of the sentence decomposer (``claims.decompose``): relative clauses ("the mission, which was
established in 2002"), participle modifiers, appositions, places ("where ministers had gathered"),
bracket and dash insertions, and a person's life dates in brackets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from claims.context import subject_of
from claims.inflect import copula, past, present
from claims.lexicon import (
    DIRECTIONS,
    EXAMPLE_PREPS,
    LOCATIVE,
    NOT_ONE_THING,
    PERSON_NOUN_ENDINGS,
    PERSON_NOUNS,
    SUMMARY_NOUNS,
)
from claims.render import BRACKETS, Replacement, cut, render
from claims.types import ClaimKind

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from claims.drafts import Lead


class ModifierRules:
    """Needs the decomposer's sentence, replacements and its clause, emit and noun-phrase methods."""

    sent: Span
    doc: Doc
    quoted: set[int]
    reps: dict[int, Replacement]

    if TYPE_CHECKING:  # provided by the decomposer

        def subtree(self, token: Token) -> set[int]: ...

        def emit(
            self,
            pieces: Iterable[int | str],
            kind: ClaimKind,
            attributed_to: str,
            local: dict[int, Replacement] | None = None,
        ) -> None: ...

        def np_tokens(self, head: Token) -> list[int]: ...

        def definite(self, phrase: Sequence[int]) -> dict[int, Replacement]: ...

        def clause(
            self, verb: Token, lead: Lead | None, attributed_to: str, local: dict[int, Replacement] | None = None
        ) -> None: ...

        def participle_clause(self, adv: Token) -> bool: ...

    # The speaker of the reported speech being taken apart ("" in the article's own voice): what a relative
    # clause or an aside inside "X said that ..." states is X's word too.
    speaking: str = ""

    def modifiers(self, selected: set[int], past_tense: bool, own: int | None = None) -> None:
        """Restate the modifiers inside ``selected`` (except its own head ``own``) and cut them out."""
        for i in sorted(selected):
            if i not in selected or i == own or i in self.quoted:
                continue
            token = self.doc[i]
            if token.dep_ == "relcl":
                self.relative(token, selected, past_tense)
            elif token.dep_ == "acl" and self.participle_clause(token):
                self.participle(token, token.head, selected, past_tense)
            elif (
                token.dep_ == "advcl"
                and token.tag_ in ("VBN", "VBD")
                and subject_of(token) is None
                and token.i - 1 in selected
                and token.i - 1 not in self.subtree(token)
                and self.doc[token.i - 1].pos_ in ("NOUN", "PROPN")
                and not any(c.dep_ in ("mark", "aux", "auxpass", "dobj") for c in token.children)
            ):
                # the small parser often hangs "a council meant to promote" on the verb
                self.participle(token, self.doc[token.i - 1], selected, past_tense)
            elif token.dep_ == "appos":
                self.apposition(token, selected)

    def about_the_clause(self, pronoun: Token, rel: Token) -> bool:
        """A ", which ..." after a verb ("when they enrolled, which allowed"), or whose verb agrees with no noun
        before it ("the reserves, which means that"): it stands for the clause before, not a noun."""
        before = self.doc[pronoun.i - 1]
        if before.text != "," or pronoun.i - 2 < self.sent.start:
            return False
        last = self.doc[pronoun.i - 2]
        if last.pos_ in ("VERB", "AUX", "ADV") and last.dep_ not in ("npadvmod",):
            return True
        singular_verb = rel.tag_ == "VBZ" or rel.lower_ == "was"
        singular_verb |= any(c.tag_ == "VBZ" or c.lower_ == "was" for c in rel.children if c.dep_ in ("aux", "auxpass"))
        return singular_verb and last.tag_ == "NNS" and last.i == rel.head.i  # "Skyline Airways, which operates"

    def relative(self, rel: Token, selected: set[int], past_tense: bool) -> None:
        pronoun = next(
            (t for t in rel.subtree if t.tag_ in ("WDT", "WP", "WP$") and (t.head == rel or t.tag_ == "WP$")),
            None,
        )
        if pronoun is None:
            self.place_relative(rel, selected, past_tense)
            return
        if pronoun.tag_ != "WP$" and pronoun.dep_ not in ("nsubj", "nsubjpass"):
            return
        if pronoun.lower_ == "which" and self.about_the_clause(pronoun, rel):
            return  # "..., when they enrolled, which allowed the team to record": the whole clause did
        if any(c.dep_ == "det" and c.lower_ in NOT_ONE_THING for c in rel.head.children):
            return  # "any deal that delayed the closure": a condition on deals, not a deal that did
        before = pronoun.i - 1
        while before > self.sent.start and self.doc[before].is_punct:
            before -= 1
        candidate = self.doc[before]
        head = rel.head
        if candidate.pos_ in ("NOUN", "PROPN") and candidate.i in self.subtree(head):
            head = candidate
        if head.pos_ == "PROPN" and head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.pos_ == "PROPN":
            head = head.head.head  # "The Federation of Manufacturers, which represents": the whole name does
        head = self.outside_brackets(head, rel) or head
        if head.pos_ not in ("NOUN", "PROPN"):
            return
        outer = head.head.head if head.dep_ == "pobj" else None
        if (
            outer is not None
            and head.head.lower_ in LOCATIVE
            and head.ent_type_ in ("GPE", "LOC")
            and outer.pos_ == "NOUN"
            and self.doc[pronoun.i - 1].text == ","
        ):
            # "NATO's liaison mission in Moscow, which was set up in 2008": the mission was, not Moscow
            head = outer
        if outer is not None and head.head.lower_ == "of" and outer.lemma_ in DIRECTIONS and outer.dep_ == "pobj":
            # "a structure to the north of the furnaces, which may have been a dwelling": the structure or the
            # furnaces; the clause stays where the article put it
            return
        maker = head.head if head.dep_ == "pobj" and head.head.lower_ == "by" else None
        if pronoun.lower_ == "which" and maker is not None and maker.head.pos_ in ("NOUN", "PROPN"):
            # "Harbour Lights (2015) by Tomas Reed, which earned her ...": the work earned it, not its maker
            head = maker.head
        if pronoun.lower_ == "which" and head.ent_type_ == "PERSON":
            return  # "Spotlight by Thomas McCarthy, which earned him": a film earned it, not the person
        if pronoun.lower_ in ("who", "whom") and head.ent_type_ in ("ORG", "GPE", "LOC", "FAC", "DATE"):
            return
        if pronoun.lower_ in ("who", "whom") and head.pos_ == "NOUN" and not _personal(head):
            # "Two people familiar with the plans, who asked not to be named": the people asked, not the plans
            owner = next((a for a in head.ancestors if a.pos_ in ("NOUN", "PROPN")), None)
            if owner is not None and _personal(owner):
                head = owner
        copular_subject = subject_of(head.head) if head.dep_ == "attr" else None
        restrictive = self.doc[pronoun.i - 1].text not in BRACKETS and pronoun.i > self.sent.start
        if copular_subject is not None and copular_subject.pos_ == "PROPN":
            head = copular_subject  # "Ben Davis was a footballer who signed ...": Ben Davis signed
        elif restrictive and head.pos_ == "NOUN" and not any(c.lower_ in ("a", "an") for c in head.children):
            # "rules that were the responsibility of the authority" says which rules: cut out and restated,
            # the clause would make the claim about every rule ("a move that would cost" is one move: restated)
            return
        noun = [i for i in self.np_tokens(head) if i not in self.subtree(rel)]
        while noun and self.doc[noun[-1]].is_punct:
            noun.pop()
        cut(selected, self.subtree(rel), self.doc)
        text = render(self.doc, noun, {**self.reps, **self.definite(noun)}, finish=False)
        if pronoun.tag_ == "WP$":
            plural_s = head.tag_ in ("NNS", "NNPS") and head.text.endswith("s")
            text += "'" if plural_s else "'s"
        # the clause is restated whole, coordinated verbs and all, with the pronoun as its noun
        restated = {pronoun.i: Replacement(pronoun.i, pronoun.i + 1, text, source=tuple(noun))}
        self.clause(rel, None, self.speaking, restated)

    def place_relative(self, rel: Token, selected: set[int], past_tense: bool) -> None:
        """ "... in Brussels, where ministers had gathered" gives "Ministers had gathered in Brussels"."""
        where = next((c for c in rel.children if c.lower_ == "where" and c.tag_ == "WRB"), None)
        head = rel.head
        if where is None or head.pos_ not in ("NOUN", "PROPN") or subject_of(rel) is None:
            return
        noun = [i for i in self.np_tokens(head) if i not in self.subtree(rel)]
        predicate = self.subtree(rel) - {where.i}
        cut(selected, self.subtree(rel), self.doc)
        self.modifiers(predicate, past_tense, rel.i)
        prep = "in" if head.ent_type_ in ("GPE", "LOC") else "at"
        self.emit([*sorted(predicate), prep, *noun], ClaimKind.FACT, self.speaking, self.definite(noun))

    def bracketed_tokens(self) -> set[int]:
        """Tokens between round or square brackets: glosses, pronunciations, asides."""
        inside: set[int] = set()
        depth = 0
        for token in self.sent:
            if token.text in (")", "]"):
                depth = max(0, depth - 1)
            if depth:
                inside.add(token.i)
            if token.text in ("(", "["):
                depth += 1
        return inside

    def outside_brackets(self, noun: Token, clause: Token) -> Token | None:
        """The noun a modifier outside brackets describes, when the parser hung it on a word inside them.

        "Javier Hernández (Spanish pronunciation: [xaˈβjer erˈnandes]), born June 1, 1988": a
        pronunciation is never who was born; the name before the brackets is.
        """
        inside = self.bracketed_tokens()
        if noun.i not in inside or clause.i in inside:
            return noun
        opener = min(i for i in inside if i <= noun.i and (i - 1) not in inside) - 1
        before = self.doc[opener - 1] if opener - 1 >= self.sent.start else None
        if before is None or before.pos_ not in ("NOUN", "PROPN"):
            return None
        return before

    def participle(self, part: Token, noun: Token, selected: set[int], past_tense: bool) -> None:
        found = self.outside_brackets(noun, part)
        if found is None or found.pos_ not in ("NOUN", "PROPN") or len(self.subtree(part)) < 2:
            return
        if part.tag_ == "VBG" and found.ent_type_ in ("MONEY", "PERCENT", "QUANTITY", "CARDINAL"):
            return  # "had spent 900 million dollars developing the drug": the spender develops it, not the money
        plural = found.tag_ in ("NNS", "NNPS")
        noun = found
        phrase = [i for i in self.np_tokens(noun) if i not in self.subtree(part)]
        described = subject_of(noun.head) if noun.dep_ == "attr" else None
        if described is not None and described.pos_ == "PROPN" and described.i < noun.i:
            # "Maleficent is an American fantasy film directed by Ronning": the film so described is
            # Maleficent, named without its glosses ("Studio Ghibli (Japanese: ...)") and asides
            noun = described
            aside = self.bracketed_tokens().union(
                *(
                    self.subtree(c)
                    for c in described.children
                    if c.dep_ in ("appos", "acl", "relcl", "punct") or (c.dep_ == "prep" and c.lower_ != "of")
                )
            )
            phrase = [i for i in self.np_tokens(noun) if i not in aside and not self.doc[i].is_bracket]
        dated = any(self.doc[i].ent_type_ == "DATE" for i in self.subtree(part))
        cop = copula(past_tense or dated, plural)
        # "an artist born in 1928 in Pittsburgh and died in 1987": a past tense coordinated with the participle is
        # a second claim about the same noun, already finite
        conjs = [c for c in part.children if c.dep_ == "conj" and c.tag_ in ("VBN", "VBG", "VBD")]
        predicate = self.subtree(part)
        for conj in conjs:
            predicate -= self.subtree(conj)
        predicate -= {c.i for c in part.children if c.dep_ == "cc"}
        # "Helena Bonham Carter (born 26 May 1966)": the brackets around the participle are not the claim's
        predicate -= {c.i for c in part.children if c.dep_ == "punct" and c.text in ("(", ")", "[", "]")}
        cut(selected, self.subtree(part), self.doc)
        for head, pred in [(part, predicate), *((c, self.subtree(c)) for c in conjs)]:
            self.modifiers(pred, past_tense, head.i)
            local = self.definite(phrase)
            if head.tag_ == "VBD":
                self.emit([*phrase, *sorted(pred)], ClaimKind.FACT, self.speaking, local)
            elif head.tag_ == "VBG":
                # "an edition restoring the songs": "The edition restored the songs"
                verb = past(head.lemma_) if past_tense else present(head.lemma_, plural)
                local[head.i] = Replacement(head.i, head.i + 1, verb)
                self.emit([*phrase, *sorted(pred)], ClaimKind.FACT, self.speaking, local)
            else:
                self.emit([*phrase, cop, *sorted(pred)], ClaimKind.FACT, self.speaking, local)

    def apposition(self, appos: Token, selected: set[int]) -> None:
        noun = appos.head
        if noun.pos_ not in ("NOUN", "PROPN"):
            return
        if appos.ent_type_ in ("GPE", "LOC") or noun.ent_type_ in ("GPE", "LOC"):
            return  # "Moscow, Russia", "University of California, Santa Cruz": an address, not an identity
        if noun.pos_ == "PROPN" and appos.pos_ == "PROPN":
            return  # two names side by side are a list or an acronym more often than an identity
        if any(c.dep_ == "conj" for c in (*noun.children, *appos.children)) or noun.dep_ == "conj":
            return  # "Sweeney Todd, Alice in Wonderland and Dark Shadows": a list the parser read as an aside
        if appos.ent_type_ in ("DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"):
            return
        root = self.sent.root
        if noun.dep_ == "pobj" and appos.i < root.i and root.pos_ in ("VERB", "AUX") and subject_of(root) is None:
            return  # "In a statement on its website, the chief executive, Daniel Okafor, apologised": the subject
        if noun.dep_ == "appos" and noun.pos_ == "NOUN" and not any(c.dep_ == "det" for c in noun.children):
            return  # "the series My So-Called Life, Juliet in Romeo + Juliet, ...": a list read as asides
        verbless = noun.dep_ == "ROOT" and not any(t.pos_ in ("VERB", "AUX") for t in self.sent)
        if verbless or (noun.dep_ == "pobj" and noun.head.lower_ in EXAMPLE_PREPS):
            return  # "including My Beautiful Boy, A Rainy Day in New York": examples listed, not one thing
        region = self.subtree(appos)
        opener = min(region) - 1
        if opener < 0 or self.doc[opener].text not in BRACKETS:
            return  # "the pop group The Pretty Things": a name that restricts, not an aside
        if opener - 1 < 0 or (opener - 1) not in self.subtree(noun):
            return  # the parser hung the aside on a noun it does not follow
        if any(c.dep_ == "advmod" for c in appos.children):
            return  # "birds, particularly nestlings": an example, not an identity
        if (noun.tag_ in ("NNS", "NNPS")) != (appos.tag_ in ("NNS", "NNPS")) and appos.pos_ == noun.pos_ == "NOUN":
            return  # "in Disney Digital 3D, RealD 3D and IMAX 3D formats": a misparse, not an identity
        indefinite = any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in noun.children)
        own = [i for i in self.np_tokens(noun) if i not in region]
        # the description keeps its own modifiers: "an instrument built by the European Space Agency"
        # "Baxter's chief executive, Karen Doyle, who has led it since 2019,": the name, not its own asides
        asides: set[int] = set()
        if appos.pos_ == "PROPN":
            asides = asides.union(*(self.subtree(c) for c in appos.children if c.dep_ in ("relcl", "acl")))
        other = sorted(region - asides)
        while other and (self.doc[other[-1]].text in BRACKETS or self.doc[other[-1]].is_punct):
            other.pop()
        bracketed = self.doc[opener].text in ("(", "[")
        if bracketed:
            return  # "(a method known as ...)", "(Center for ...)": a gloss; brackets() cuts it
        if appos.pos_ == "NOUN" and appos.lemma_.lower() in SUMMARY_NOUNS and noun.pos_ == "PROPN":
            # "near Llanrhydd, a discovery they say could ...": it sums up the clause, and Llanrhydd is no discovery
            # ("the new plan, a move that will cost jobs" may well be the plan)
            cut(selected, region, self.doc)
            return
        cop = "are" if noun.tag_ in ("NNS", "NNPS") else "is"
        if appos.pos_ == "PROPN" and noun.pos_ == "NOUN" and indefinite and noun.head.lemma_ == "have":
            # "Emma has a brother, John Smith": "has John Smith" would say another thing; the aside goes
            cut(selected, region, self.doc)
            return
        if appos.pos_ == "PROPN" and noun.pos_ == "NOUN":
            # keep the name in the clause; restate the description unless it is empty ("the planet")
            cut(selected, own, self.doc)
            for i in (min(region) - 1, max(region) + 1):
                if i in selected and self.doc[i].text in BRACKETS:
                    selected.discard(i)
            if len([i for i in own if not self.doc[i].is_punct]) > 2:
                self.emit([*other, cop, *own], ClaimKind.FACT, self.speaking)
            return
        cut(selected, region, self.doc)
        # "Ingrid Solheim, the mission's flight director, who has worked on it since 2014": the "who" is the
        # person's, and what it says is a claim of its own about them, not part of what the person is
        people = [
            c for c in appos.children
            if c.dep_ == "relcl" and noun.pos_ == "PROPN" and appos.pos_ == "NOUN"
            and any(t.dep_ == "nsubj" and t.lower_ == "who" for t in c.children)
        ]  # fmt: skip
        if people:
            cut_out = set().union(*(self.subtree(c) for c in people))
            other = [i for i in other if i not in cut_out]
            while other and (self.doc[other[-1]].text in BRACKETS or self.doc[other[-1]].is_punct):
                other.pop()
        self.emit([*own, cop, *other], ClaimKind.FACT, self.speaking, self.definite(own))
        for clause in people:
            pronoun = next(t.i for t in clause.children if t.dep_ == "nsubj" and t.lower_ == "who")
            words = [i for i in sorted(self.subtree(clause)) if i != pronoun]
            while words and self.doc[words[-1]].is_punct:
                words.pop()
            self.emit([*own, *words], ClaimKind.FACT, self.speaking)

    def brackets(self, selected: set[int]) -> None:
        """Cut what sits between brackets or a pair of dashes; restate it when it is a clause."""
        opened: dict[str, int] = {}
        pairs = {"(": ")", "[": "]"}
        for i in sorted(selected):
            text = self.doc[i].text
            if text in pairs:
                opened[pairs[text]] = i
            elif text in (")", "]") and text in opened:
                self.bracketed(opened.pop(text), i, selected)
            elif text in ("—", "–", "--"):
                if "dash" in opened:
                    self.bracketed(opened.pop("dash"), i, selected)
                else:
                    opened["dash"] = i

    def bracketed(self, start: int, end: int, selected: set[int]) -> None:
        inner = {i for i in range(start + 1, end) if i in selected}
        if not inner or len(inner) == len(selected) - 2:
            return
        if self.measure(inner) and self.doc[start].text == "(":
            return  # "borders Germany (577 km)", "Les Misérables (2012)": the figure belongs to its noun
        self.life_dates(start, end)
        clause = next((self.doc[i] for i in inner if subject_of(self.doc[i]) is not None), None)
        selected -= inner | {start, end}
        if clause is not None and self.subtree(clause) <= inner:
            self.clause(clause, None, self.speaking)

    def measure(self, inner: set[int]) -> bool:
        """A short figure: a year, a date, an amount with its unit, and nothing else."""
        tokens = [self.doc[i] for i in sorted(inner)]
        words = [t for t in tokens if not t.is_punct]
        return (
            0 < len(words) <= 4
            and any(t.like_num for t in words)
            and all(t.like_num or (t.pos_ in ("NOUN", "PROPN", "SYM") and len(t.text) <= 5) for t in words)
            and not any(t.pos_ in ("VERB", "AUX") for t in tokens)
        )

    def life_dates(self, start: int, end: int) -> None:
        """ "Brian Pendleton (13 April 1944 – 16 May 2001) was ..." also says when he was born and died."""
        person = self.doc[start - 1] if start > self.sent.start else None
        if person is None or person.pos_ != "PROPN" or person.ent_type_ != "PERSON":
            return
        inner = self.doc[start + 1 : end]
        dash = next((t.i for t in inner if t.text in ("–", "-", "—")), None)
        if dash is None:
            return
        born = [t.i for t in inner if t.i < dash and t.ent_type_ == "DATE"]
        died = [t.i for t in inner if t.i > dash and t.ent_type_ == "DATE"]
        if not born or not died:
            return
        name = [t.i for t in person.subtree if t.i < start and (t.pos_ == "PROPN" or t.i == person.i)]
        on = "on" if len(born) > 1 else "in"
        self.emit([*name, "was born", on, *born], ClaimKind.FACT, "")
        on = "on" if len(died) > 1 else "in"
        self.emit([*name, "died", on, *died], ClaimKind.FACT, "")


# Nouns that name people without a telltale ending; "-er"/"-or"/"-ist" nouns are taken as people too.
_PEOPLE = frozenset({"people", "person", "man", "woman", "men", "women", "child", "children", "resident", "staff"})


def _personal(noun: Token) -> bool:
    """A noun a "who" can stand for: a person's name, or a word for people ("people", "officials", "a lawyer")."""
    lemma = noun.lemma_.lower()
    return (
        noun.ent_type_ in ("PERSON", "NORP")
        or noun.lower_ in _PEOPLE
        or lemma in _PEOPLE
        or lemma in PERSON_NOUNS
        or lemma.endswith(PERSON_NOUN_ENDINGS)
    )
