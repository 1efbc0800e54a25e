"""Every English word list the claims rules use, in one place, grouped by the module that reads it."""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a set (lists read better as prose)."""
    return frozenset(text.split())


# Verbs of saying: their subject is a source, their clausal complement a reported claim.
SPEECH = words(
    """
    say tell state announce claim add note warn insist argue explain report confirm deny write declare
    stress reply respond acknowledge admit allege assert suggest indicate reveal disclose maintain
    predict promise emphasize emphasise estimate tweet testify recall agree complain concede contend
    """
)


# -- boilerplate --------------------------------------------------------------------------------------
FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"})

EVALUATIVE = words(
    """
    good bad great terrible awful wonderful excellent horrible horrific shameful disgraceful outrageous
    ridiculous absurd stupid silly brilliant amazing fantastic beautiful ugly best worst better worse
    wrong unacceptable appalling disappointing impressive interesting boring sad tragic unfortunate
    fortunately unfortunately sadly obviously nice lovely incredible pathetic disastrous foolish wise
    deplorable admirable shocking disgusting awesome superb dreadful fine perfect laughable hopeless
    hopefully should must ought
    """
)

# -- context ------------------------------------------------------------------------------------------
# Heads of definite descriptions that stand for the most talked-about organisation or country.
ORG_HEADS = words(
    """
    alliance bloc organisation organization union coalition company firm group agency party club team
    corporation institution body federation confederation
    """
)

# Heads that also name groups the entity recogniser does not see ("the group" of residents, "the team" of
# doctors): never resolved to the article's most named organisation, only to a full name with that head.
LOOSE_ORG_HEADS = frozenset({"group", "team", "party", "body", "club"})

# What an encyclopedic first sentence calls a person ("an American actor", "a Slovenian footballer"): by the
# noun's ending, and the few person nouns no ending gives away.
PERSON_NOUN_ENDINGS = ("er", "or", "ist", "ian", "ess", "man", "woman", "person")
PERSON_NOUNS = words(
    """
    president student agent resident chef poet saint pope monk nun king queen prince princess judge athlete pilot
    diplomat astronaut bishop monarch entrepreneur surgeon playwright architect host personality celebrity
    socialite aristocrat magnate tycoon heir rabbi priest cleric imam general admiral officer spy pioneer
    official minister chief member child son daughter wife husband mother father brother sister
    """
)

# Words in an organisation's name that say what kind it is, by the bare description a later sentence uses:
# "the company" is the one organisation the article named "... Foods" or "... Ltd", "the court" the one "... Court".
KIND_NAME_WORDS = {
    "company": words(
        """
        ltd inc corp corporation co plc llc gmbh ag sa group holdings foods airways airlines pharma
        pharmaceuticals therapeutics logistics freight motors energy technologies systems industries capital
        partners media telecom mining steel shipping insurance retail brewery
        """
    ),
    "club": words("fc rovers united athletic wanderers albion rangers city town county"),
    "court": words("court tribunal"),
    "agency": words("agency authority"),
    "party": words("party alliance league front"),
    "union": words("union association federation confederation guild"),
}
KIND_NAME_WORDS["firm"] = KIND_NAME_WORDS["company"]
# Heads that say what kind of body they are: "the union" is only ever a name of that kind.
STRICT_KINDS = frozenset({"union", "court", "party", "agency"})
# The last word of a name that makes it an organisation's, whatever the entity recogniser says ("Velmora Foods
# said" is not a person speaking; "Redmarsh Rovers" is a club it may not tag at all).
ORG_NAME_WORDS = (
    KIND_NAME_WORDS["company"]
    | KIND_NAME_WORDS["court"]
    | KIND_NAME_WORDS["agency"]
    | KIND_NAME_WORDS["party"]
    | words(
        """
        council bank university ministry commission association union institute hospital school museum
        department board society foundation federation rovers wanderers fc
        """
    )
)
KIND_NAME_WORDS["team"] = KIND_NAME_WORDS["side"] = KIND_NAME_WORDS["club"]

# A character is named after these ("starred as Carrie Hale", "the role of the villain"): no later "she" is them.
ROLE_VERBS = words("play portray star appear voice cast depict")
ROLE_NOUNS = words("role part character portrayal voice")

# What an encyclopedic first sentence may call its subject that is never a person, however often the article
# says "he" (of a novel's author, a film's director): "David Copperfield is a novel by Charles Dickens".
THING_NOUNS = words(
    """
    novel book film movie album song single series show play opera poem painting sculpture game documentary
    magazine newspaper company studio river mountain city town village country island lake building bridge
    airport station ship aircraft airliner species disease virus treaty war battle festival draft tournament
    """
)

# "his previous novel, X", "another film, Y": a name for one of several, not what a later "the novel" means.
OTHER_WORDS = words("previous other another earlier later next first second last former new")

GPE_HEADS = frozenset({"country", "nation", "kingdom", "republic"})
# What an aside may call a place ("St Elowen, a village on the coast"): the name before it is no person.
PLACE_NOUNS = GPE_HEADS | {"village", "town", "hamlet", "city", "county", "island", "region", "province", "district"}

# Temporal and causal subordinators: "X did A after it did B" names two actors more often than one.
SUBORDINATORS = frozenset({"after", "before", "when", "while", "because", "since", "until", "once", "as"})

# "since then", "until then", "by then": "then" points at the time the previous sentence named.
THEN_PREPOSITIONS = frozenset({"since", "until", "till", "by"})

PARTITIVES = words("half majority most many some third quarter fifth percent all none few several minority share")

# Speech verbs that, as a participle hung on a clause ("..., suggesting that traders had pushed back their
# expectations"), give the writer's reading of what the clause says happened, which nobody said.
INFERENCE = frozenset({"suggest", "indicate", "imply", "signal"})
# Nouns of a place relative to a thing ("to the north of the furnaces", "on the edge of the town").
DIRECTIONS = frozenset(
    {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "side", "edge", "rear"}
    | {"front", "back", "centre", "center", "middle", "end", "top", "bottom", "outskirts"}
)
# Nouns for a group named by its members ("the pair of X and Y"): what the group did, no member did alone.
COLLECTIVES = frozenset({"pair", "team", "duo", "trio", "quartet", "couple", "partnership", "group", "consortium"})
# Verbs of a tag that reports the sentence around it: "..., the researchers found, ...".
REPORTING = SPEECH | {"find", "conclude", "show"}
# What such a verb's subject is when it is a measurement, not a speaker: "the results suggested that ...".
READINGS = frozenset({"result", "finding", "data", "figure", "number", "trend", "rise", "fall", "drop", "increase",
                      "decline", "evidence", "pattern", "sign", "reading", "measurement", "observation"})

SPEECH_HINTS = frozenset({"say", "tell", "add", "state", "announce", "claim", "note", "warn", "write"})

TITLE_WORDS = words(
    """
    minister president secretary general chancellor ambassador spokesman spokeswoman spokesperson chief
    director head leader governor mayor senator premier king queen envoy commander ceo chairman
    chairwoman chair deputy judge professor prosecutor attorney representative congressman congresswoman
    prince princess emperor pope bishop coach founder editor marshal commissioner inspector superintendent
    sergeant lieutenant colonel admiral councillor councilor alderman sheriff detective constable
    rector treasurer manager officer trustee
    """
)

# -- coordination -------------------------------------------------------------------------------------
# Relations that need all their members ("between A and B") or lists of examples ("such as A and B").
NO_SPLIT_PREPS = frozenset(
    {"between", "among", "amongst", "amid", "amidst", "versus", "vs", "like", "as", "including", "from"}
)
# Words after a list that make it one statement about all its members ("men and women alike").
TOGETHER_WORDS = frozenset({"alike", "together", "jointly", "respectively", "combined"})
# Prepositions that introduce examples: what follows them is a list, whatever commas the parser made asides of.
EXAMPLE_PREPS = frozenset({"like", "as", "including"})

# -- decompose ----------------------------------------------------------------------------------------
# Subordinate clauses the article asserts, so they can stand alone. "before", "until", "once", "if" and
# "unless" are left on their clause: "abandoned before construction was completed" does not say it was.
SPLIT_MARKS = frozenset({"after", "when", "while", "because", "since", "although", "though", "whereas"})

# Adverbs that link a clause to the text around it, not part of what it states ("NATO, however, said").
DISCOURSE = words(
    """
    also too however meanwhile moreover furthermore additionally nevertheless nonetheless indeed therefore
    thus likewise similarly instead
    """
)

# ... and a participle of result ("..., making it the best-selling jet", "..., marking the first time") says what
# the whole clause did, not what its subject did: both stay on their clause.
NOT_PARTICIPLES = words(
    """
    according including following regarding concerning excluding starting beginning considering given compared
    making marking reflecting resulting followed preceded
    """
)

# A claim ending on one of these lost its object in a cut.
DANGLING = words("of to in on at by for with from into about as than the a an and or but that which")

# Words a sentence-long claim may add to its parts and still say nothing more than they do.
JOINERS = frozenset(
    {"and", "but", "while", "whereas", "as", "well", "also", "both", "then", "which", "who", "that", "—"}
)

# A claim ending on one of these echoes a clause it no longer has ("The court did.").
BARE_AUXILIARIES = frozenset({"did", "does", "do", "has", "have", "had", "was", "were", "is", "are", "will", "would"})

# Finite verbs the rules write into a claim ("is", "was"): a claim needs one.
FINITE_WORDS = frozenset(
    {"is", "are", "was", "were", "has", "have", "had", "does", "do", "did", "will", "would", "can", "could"}
)

# -- hyphens ------------------------------------------------------------------------------------------
# Prefixes whose hyphen keeps the word whole: "re-elected", "co-founded".
PREFIXES = words(
    "re co pre non anti ex self post mid multi semi sub inter over under counter cross de dis mis out un vice"
)

# -- modifiers ----------------------------------------------------------------------------------------
# Prepositions that place a thing: "the mission in Moscow, which ..." is about the mission.
LOCATIVE = frozenset({"in", "at", "near", "outside", "inside"})

# Determiners of a noun that is no one thing: "any deal that delayed ..." states no deal did.
NOT_ONE_THING = frozenset({"any", "no", "every", "each", "all"})
# A subject with these names no one thing that a later "its" or "the bank" could point back to.
NOT_A_REFERENT = NOT_ONE_THING | frozenset({"neither", "either", "none"})
# "near the village of Llanrhydd, a discovery they say could change ...": an aside with one of these heads sums up
# the whole clause; it says nothing of the noun it follows.
SUMMARY_NOUNS = frozenset({
    "achievement", "blow", "boost", "breakthrough", "change", "decision", "departure", "development", "discovery",
    "finding", "first", "milestone", "move", "rebuke", "result", "reversal", "setback", "shift", "sign", "step",
    "success", "victory",
})  # fmt: skip
# "It is / marks / represents the first time that ...": the "it" of these verbs with "time" is an event.
FIRST_TIME_VERBS = frozenset({"be", "mark", "represent"})

# -- withheld -----------------------------------------------------------------------------------------
# "declined to comment", "refused to say whether": a refusal verb with one of these as its complement
REFUSALS = words("decline refuse")

WITHHELD_ACTS = words(
    """
    comment elaborate say discuss confirm disclose specify answer respond reply reveal identify name
    detail explain speculate give provide release share
    """
)

# "did not respond", "would not elaborate": these verbs negated withhold whatever follows
SILENT_WHEN_NEGATED = words("respond reply comment elaborate speculate")

# "would not say how many", "did not disclose whether": withholding only with an open question (or
# nothing) after them; "did not say that the talks failed" still reports a statement
ASKED_WHEN_NEGATED = words("say confirm disclose reveal specify explain detail")

QUESTION_WORDS = words("how whether if what when why who whom where which")

# "gave no further details", "did not provide an explanation"
OFFERS = words("give provide offer release share")

WITHHELD_THINGS = words("detail comment explanation elaboration specific specifics timeline")

MORE = words("more further additional other")

# "it is unclear whether", "it is not known how many", "nobody knows when"
UNKNOWN = words("unclear uncertain unknown")

KNOWN = words("clear known")

NOBODY = words("nobody")


# What a claim may leave to the article (``claims.unresolved``): words whose referent or date is outside it.
POINTING_PRONOUNS = words("he him his she her hers it its they them their theirs")
BARE_DESCRIPTIONS = words(
    """
    company firm group city town council club ministry drug plan mayor agency bank court government country
    party team museum project study trial deal ruling ban vote election region island state series film novel
    studio building site area report law bill scheme programme program
    """
)
RELATIVE_TIMES = (
    r"(?:last|this|next) (?:year|month|week|spring|summer|autumn|fall|winter|season)",
    r"(?:earlier|later) this (?:year|month|week)",
    r"(?:\w+|\d+) (?:years?|months?|weeks?|days?) (?:ago|later|earlier)",
    r"yesterday|today|tomorrow|since then",
)

# Words the claim rules write themselves (``claims.faithful``): copulas, "was born in", articles, possessives.
RULE_WORDS = words("is are was were be been the a an in on at of born died s that said has have had it its")
# ... and the words that only join a claim's parts, which say nothing of their own (``claims.faithful.content_words``).
JOINING_WORDS = words("and or but to for with by from as")

# -- kind: predictions and opinions (``claims.kind``) ---------------------------------------------------
# Modals of what may or will happen. "can" states an ability, a fact; "would" is the future of
# reported speech ("said Russia would end the mission") and is a prediction only in the article's voice.
FUTURE_MODALS = words("will 'll shall could might may")
NORMATIVE_MODALS = words("should must ought")
# Hedges that turn a statement into an expectation ("probably", "is likely to", "is expected to").
HEDGE_ADVERBS = words("probably possibly perhaps likely")
HEDGE_PREDICATES = words("likely unlikely expected set poised bound")
# Verbs that interpret an event rather than report it, when what they name is a judgement (JUDGING_WORDS).
INTERPRETING = words("mark signal underscore underline highlight symbolise symbolize herald epitomise epitomize")
JUDGING_WORDS = words(
    """
    deterioration escalation setback blow milestone turning low nadir success failure triumph disaster
    crisis breakthrough victory defeat embarrassment humiliation rebuke snub provocation
    important significant crucial vital dangerous unacceptable provocative worrying alarming
    disappointing regrettable welcome remarkable historic unprecedented outrageous absurd
    good bad best worst great terrible shameful reckless
    """
)
