"""Every word list that splitting, analysis, drafting and grouping read, in one
place, each with the reason it exists.

The lists are general English: nothing in them may name a thing of one text
(a word that only the shipped leiomyosarcoma text uses belongs in no list; a
rule that finds such words in any text does). Behaviour reads these lists
directly, so a change here shows in the golden outputs
(tests/golden/derive/*.json) and in the judged-set report
(tests/test_derive_judged.py).

Pure data and no imports from the rest of the project: lessons.text reads it
too (which the pipeline imports), so it sits beside both, not in lessons.derive.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ---------------------------------------------------------------------------
# Splitting sentences (lessons.text)

# Subject pronouns: the word after one is its verb ("It matters", "They
# differ"), whether or not a list knows that verb (lessons.text.looks_like_heading).
PRONOUN_SUBJECTS = _words("i you he she it we they")
# Words after which a word in -s or -ed is a noun or a participle, not a verb:
# "The two stages", "Other ways", "Selected works" (lessons.text.looks_like_heading).
HEADING_MODIFIERS = _words(
    """
    a an the this that these those two three four five six seven eight nine ten
    several many some few other another each every its their our your my his her
    """
)
# Words a sentence cannot leave hanging: one of these right before a dash or an
# ellipsis ("about —") means a word was lost, so the sentence is damaged.
DANGLING_WORDS = (
    "about",
    "of",
    "the",
    "a",
    "an",
    "to",
    "with",
    "for",
    "from",
    "by",
    "into",
    "than",
    "as",
    "at",
    "in",
    "on",
    "and",
    "or",
    "between",
)

# Words that open a new sentence when a web page ran two sentences together
# without a full stop ("... smooth muscle Cells There are ..."): a stray
# capitalised word after a lower-case one, then one of these. Function words
# open sentences in any text; a content word counts when it opens a sentence
# elsewhere in the same text (lessons.text.sentence_openers), so no text's own
# nouns need listing here.
RUN_ON_STARTERS = _words(
    """
    There It The This These They Those Most Many Some People In On At By During After
    Before When While Its Their He She We A An Since However Today
    """
)

# Calls to action of web pages ("Click here for more information"): a sentence
# that starts with the verb and ends with the place is noise, never taught.
NOISE_VERBS = ("click", "tap", "read", "learn", "see", "visit", "subscribe", "sign up", "share")
NOISE_TARGETS = ("here", "more", "information", "below", "this article", "this page", "newsletter")

# A web page's furniture, pasted with its text: lines that are never taught
# and never title a lesson (lessons.text.is_page_furniture). Buttons and
# slots that stand alone on their line:
PAGE_BUTTONS = _words(
    """
    advertisement advert sponsored promoted ad share tweet print email comments comment
    reply save bookmark subscribe menu search login
    """
)
# What opens a link to another page ("Related: Why bees ...", "Read more: ..."):
LINK_LEADS = (
    "related",
    "related articles",
    "related stories",
    "read more",
    "read next",
    "see also",
    "also read",
    "more from",
    "more on this",
    "recommended",
    "you may also like",
    "most popular",
    "trending",
    "next article",
    "previous article",
)
# A caption's or a byline's lead ("Photo: A worker bee ...", "Updated 12 May 2023"):
CAPTION_LEADS = (
    "photo",
    "photograph",
    "image",
    "picture",
    "illustration",
    "caption",
    "credit",
    "photo credit",
    "image credit",
    "source",
)
DATELINE_LEADS = (
    "published",
    "updated",
    "posted",
    "last updated",
    "last reviewed",
    "last modified",
    "reviewed",
    "medically reviewed",
    "fact checked",
    "written by",
)
# Headings of the back of a page or of its navigation: the heading and what
# follows it, up to the next heading, are furniture (a contents list up to
# the first paragraph).
BACK_MATTER_HEADINGS = (
    "sources",
    "references",
    "further reading",
    "see also",
    "external links",
    "bibliography",
    "footnotes",
    "citations",
    "works cited",
    "related articles",
    "read more",
    "more to explore",
)
CONTENTS_HEADINGS = ("contents", "table of contents", "in this article", "on this page", "jump to")

# A short line with none of these is a heading ("Signs and symptoms of X."),
# not a sentence: auxiliaries and the verbs definitions and descriptions use.
COMMON_VERBS = _words(
    """
    is are was were be been being am has have had do does did can could may might must
    shall should will would affects affect arises arise spreads spread includes include
    consists consist belongs belong develop develops refers refer means mean causes cause
    occurs occur forms form grows grow
    """
)

# Words ending in -s that are no plural: the rules of lessons.text.singular
# would cut them ("gas" to "ga").
NOT_PLURAL = frozenset(
    ["gas", "atlas", "canvas", "bias", "alias", "pancreas", "christmas", "thus", "always"]
)


# Past forms no ending shows (lessons.text._finite_verb_at reads -ed and -s
# by rule): English has about two hundred irregular verbs, these are their
# past forms that are no noun or adjective as well ("The plan went wrong",
# "Prices rose sharply"). "Found", "left", "set", "spread" and the like are
# left out: they also name or modify things in titles.
IRREGULAR_PAST = _words(
    """
    arose awoke became began bit blew broke brought built bought caught chose came crept
    dealt did dove drank drove dug ate fell fed felt fought fled flew forbade forgot forgave
    froze got gave went grew hung heard hid held knew laid led lent lay lost meant met paid
    ran rang rode rose sang sank sat saw sought sold sent shook shone shot shrank slept slid
    spoke spent spun sprang stood stole stuck stung strove struck swore swept swam swung
    took taught tore told thought threw understood woke wore wove wept won wrote withdrew
    """
)

# ---------------------------------------------------------------------------
# Finding key terms (lessons.derive.analysis)

# Function words and very common verbs and modifiers: never the first or last
# word of a key term, and a run of content words is cut at them.
STOPWORDS = _words(
    """
    a an the and or but nor if then than that which who whom whose what when where why how
    this these those it its they them their there here he she his her him we us our you your
    i me my is are was were be been being am do does did done has have had having can could
    may might must shall should will would of in on at by for with from to into onto over
    under about above below between among through during before after since until while as
    per via against within without along across behind beyond near around up down out off
    again also very most more less least much many some any each every all both either
    neither no not only other such same own so too just even still yet already often usually
    sometimes always never almost nearly about essentially relatively generally mainly
    mostly largely especially first second one ones thing things way ways type types kind
    kinds form forms group part called known referred termed named include includes
    including included contain contains consist consists consisting involve involves
    involved appear appears seem seems become becomes became make makes made take takes took
    taken give gives gave given get gets got use uses used using see seen find found show
    shows showed shown put puts set lead leads led help helps helped keep keeps kept begin
    begins began begun go goes went gone come comes came say says said think thought need
    needs needed look looks work works worked live lives lived remain remains remained reach
    reached build built open opened place placed hold held occur occurs occurred affect
    affects affected arise arises arose cause causes caused develop develops developed
    diagnose diagnosed spread spreads grow grows grew grown store stores stored fix fixes
    fixed pass passes passed absorb absorbs reflect reflects release releases released
    combine combines convert converts split surround surrounds originate originates
    originating designated classified characterized characterised invade invades invaded
    connect connects support supports supporting replace replaced struck strike follow
    follows followed die died destroy destroyed shock shocked question rebuilt rebuild
    framed design designed resist end ended gave renamed recognised recognized listed
    decorate decorated sail sailed capture captured raise raised add adds save saves
    concentrate concentrates depend depends speed happen happens lack lacks produce produces
    begins ruled rule rules took set sets stand stands standing follow still later soon
    today now new old great well like unlike whether although though because however
    therefore thus hence indeed rather quite really fairly highly mostly typically certain
    several various itself themselves himself herself ourselves yourself something anything
    everything rare common different important large small big high low long short early
    late exact whole main major minor single typical possible likely able special particular
    general normal similar good bad best better worst true false real key little few last
    next belong belongs recur recurs remain refer refers invade spreads lies lie
    """
)

# A sentence that starts with one of these leans on the one before it ("It
# spreads ..."): its subject must be resolved or the sentence is not asked.
PRONOUN_STARTS = _words(
    """
    it its they them their theirs this these those he she his her him such both
    """
)
# Of those, the ones that point at something no single earlier subject names
# ("These may include ...", "Both ..."): never resolved, the sentence is left.
UNRESOLVABLE_STARTS = _words("this these those such both")

# Openings that tie a sentence to the one before and add nothing to a prompt.
CONNECTIVES = (
    "however, ",
    "therefore, ",
    "thus, ",
    "moreover, ",
    "in addition, ",
    "also, ",
    "finally, ",
    # Openings that answer the sentence before ("In return, the coral gives
    # the algae shelter"): the fact stands without them (judged: "drop the
    # dangling 'In return'", "'by contrast' points to text that is not shown").
    "in return, ",
    "in exchange, ",
    "by contrast, ",
    "in contrast, ",
    "in turn, ",
    "as a result, ",
)
# The same words inside a sentence, between commas ("After the infection is
# cleared, however, some B cells remain"): dropped from the prompt too.
INNER_CONNECTIVES = _words("however therefore thus moreover") | {
    "by contrast",
    "in contrast",
    "in turn",
    "in return",
}

# A negated sentence swapped for a true/false draft says something ambiguous,
# and a definition that negates ("is not ...") says what a thing is not.
NEGATION_WORDS = ("not", "no", "never", "none", "nor", "neither", "cannot", "without")
# Hedged sentences ("may", "often") make a true/false draft hard to call false;
# the educator is told to check the hedge survives.
HEDGE_WORDS = (
    "may",
    "might",
    "can",
    "could",
    "often",
    "usually",
    "about",
    "around",
    "some",
    "most",
)

# Opposites whose swap turns a statement false whatever the subject, for
# true/false drafts ("a benign tumor" for "a malignant tumor"). Only words that
# keep the grammar when swapped, and are not hedges ("most") or negations
# ("never").
OPPOSITE_PAIRS = """
    benign:malignant voluntary:involuntary rare:common largest:smallest
    oldest:newest older:younger early:late first:last increase:decrease
    increases:decreases increased:decreased fastest:slowest faster:slower
    larger:smaller large:small higher:lower highest:lowest wide:narrow
    hot:cold dry:wet inside:outside absorbs:reflects absorb:reflect before:after
    above:below peaceful:violent powerful:weak uncontrolled:controlled
    abnormal:normal internal:external upper:lower strongly:weakly longer:shorter
    positive:negative maximum:minimum
"""
OPPOSITES = {
    word: other
    for pair in OPPOSITE_PAIRS.split()
    for a, b in [pair.split(":")]
    for word, other in ((a, b), (b, a))
}

# Adjectives compared by an ending, not by "more"/"most": a false statement made
# by an opposite says "the rarest", never "the most rare". Base: (comparative,
# superlative). An opposite without an entry is compared with "more"/"most".
_COMPARED_BY_ENDING = """
    rare:rarer:rarest large:larger:largest small:smaller:smallest early:earlier:earliest
    late:later:latest low:lower:lowest high:higher:highest old:older:oldest new:newer:newest
    young:younger:youngest fast:faster:fastest slow:slower:slowest weak:weaker:weakest
    wide:wider:widest narrow:narrower:narrowest hot:hotter:hottest cold:colder:coldest
    dry:drier:driest wet:wetter:wettest long:longer:longest short:shorter:shortest
"""
COMPARED_BY_ENDING = {
    base: (comparative, superlative)
    for base, comparative, superlative in (e.split(":") for e in _COMPARED_BY_ENDING.split())
}

# Words that say what an opposite-able word says: beside one of them the swap
# contradicts the sentence itself and is false on its face ("the smallest reef
# system is the Great Barrier Reef", "the last time ... an initial public
# offering", "introduced large, portable editions"; judged "trivial",
# "nonsense swap"). Keyed by the word's plain form.
SAME_SENSE = {
    "large": _words("great greater greatest big bigger biggest huge giant vast major"),
    "small": _words("little tiny minor portable"),
    "first": _words("initial original earliest"),
    "last": _words("final latest"),
    "early": _words("initial original first"),
    "old": _words("ancient"),
    "new": _words("modern recent"),
    "abnormal": _words("uncontrolled irregular"),
    "fast": _words("quick quickly rapid rapidly"),
    "slow": _words("gradual gradually"),
}

# Counts written as words are numbers a question can ask for ("two stages").
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100,
}  # fmt: skip

# A number beside a month is the day of a date ("1 November"), no fact to learn.
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

# Single words with these endings are mostly adjectives ("genetic", "malignant"):
# good inside a term ("genetic code"), poor as a term of their own.
ADJECTIVE_ENDINGS = (
    "ic", "al", "ous", "ive", "ary", "ful", "less", "able", "ible", "ant", "ent", "ing", "ed",
)  # fmt: skip
# ... except these common nouns that happen to end that way.
NOUNS_WITH_ADJECTIVE_ENDINGS = _words(
    """
    animal capital hospital signal metal crystal mineral chemical agent patient plant
    element segment cement moment parent student ant enzyme chemical nucleic organic
    constant component environment treatment pigment king ring spring building sibling seed
    bed speed need reed feed
    """
)

# Adjectives without a telltale ending, so that "green plants" is not read as
# a compound noun the way "blood stream" is.
PLAIN_ADJECTIVES = _words(
    """
    green red blue yellow white black brown grey gray small tiny big great wide narrow
    long short high low old new young late early rare main whole same single other soft
    smooth hard hot cold dry wet warm cool fine good bad full free deep thin thick
    fast slow strong weak rich poor large near far few close light heavy
    """
)

# After one of these comes a verb ("can recur", "it spreads", "which arises"),
# never the start of a key term.
BEFORE_VERB = _words(
    """
    can could may might must will would should to not it they which that who also often
    never
    """
)

# Verbs that end the noun phrase a sentence opens with ("The city replaced ..."):
# the subject is the words before the first of them.
SUBJECT_ENDING_VERBS = _words(
    """
    is are was were has have had can could may might must will would should led took built
    replaced sailed captured set uses use takes take contains contain fixes reflects absorb
    absorbs depends spreads belongs develop develops arises arise consists affects
    shocked placed became ended opened struck showed combines includes include accounts
    """
)

# A list item starting with one of these is a clause, not an item
# ("..., which ...", "and then").
NOT_AN_ITEM = _words(
    """
    which that who whom whose and or but not when where while then first
    """
)

# A title before a name is no part of a longer name ("Dr. Jan Ingenhousz").
TITLES = _words("dr mr mrs ms prof sir saint st")
# Lower-case words inside names ("Vasco da Gama", "25 de Abril Bridge").
NAME_PARTICLES = _words("de da do dos das del du van von la le")


# ---------------------------------------------------------------------------
# Drafting questions (lessons.derive.drafting)

# Words that stand before any noun and so say nothing of a slot (unlike the
# wider STOPWORDS, which also hold verbs such as "called").
FUNCTION_WORDS = _words(
    """
    the a an of in on at to for by with from into over under and or but as than
    is are was were be been its their his her our your this that these those which who
    such some any many most more all each every one two
    """
)

# A definition with these leans on the sentence around it ("a benign tumor
# originating from the same tissue"): the educator is asked to say what.
LEANING_PHRASES = ("the same", "the other", "this", "these", "those", "such")

# List items that open with these are a catch-all or a quantity ("other
# organs", "many tissues"), not a thing the list names.
VAGUE_ITEM_STARTS = _words("other any many some")


# Endings cut to find a word's stem when a check asks whether the prompt
# repeats the answer in another form ("uterine" for "uterus", "older" beside
# "oldest"): inflections and the commonest derivational endings.
STEM_ENDINGS = _words(
    """
    ations ation ives ive ines ine ings ing ers er est ied ies ed es us ia s al ly ic
    """
)


# ---------------------------------------------------------------------------
# Grouping lessons (lessons.derive.grouping)

# Headings that say where a passage stands, not what it teaches: never a
# lesson's title.
GENERIC_HEADINGS = _words(
    """
    overview introduction summary background general discussion conclusion contents
    abstract notes more information
    """
)

# Heads of a definite noun phrase that, at the start of a clause, point back at
# something an earlier sentence named ("The city replaced Coimbra", "Each turn
# of the cycle", "The disaster shocked Europe"): a reader of the one sentence
# asks which. The judged drafts marked "unresolved reference" mostly lean so.
BACK_REFERRING_HEADS = _words(
    """
    city town site country state region area place cycle process reaction reactions
    disaster event revolution war reconstruction conquest siege bridge building
    condition disease tumor tumour cancer treatment study method system stage stages
    period time people project
    """
)
# Heads the same thing is called by in a text ("the Romans later called the
# town Olisipo" after "Lisbon is the capital and largest city").
SAME_THING_HEADS = {"town": "city", "city": "town"}
# "The second is dividends": a subject that only counts what came before.
COUNTING_SUBJECTS = _words("first second third fourth fifth last latter former next other rest")
# Words that make a capitalised name a person's ("the merchant Johann Fust",
# "Johannes Gutenberg, a goldsmith"): "he" or "she" may point at it.
PERSON_WORDS = _words(
    """
    king queen prince princess emperor empress pope duke duchess marquis count countess
    lord lady sir saint dr mr mrs ms prof professor president minister chancellor general
    doctor merchant goldsmith engineer scientist chemist physicist biologist botanist
    philosopher thinker poet writer author painter artist composer monk priest bishop
    explorer sailor navigator inventor printer scholar astronomer physician surgeon
    farmer soldier leader founder teacher
    """
)

# A modifier right before a blank that says nothing of what fills it ("new
# ____", "larger ____", "the greatest ____"): factories, offices or stores fit
# "new ____" alike (issue 15, second reading: "more than one answer fits").
GENERIC_MODIFIERS = _words(
    "new old larger smaller bigger greatest biggest main major other many several "
    "various different certain important common rising falling"
)
# Words that open, or stand before, an open list: the blank is one example
# among others the sentence does not name.
OPEN_LIST_MARKERS = ("such as", "like", "including", "includes", "include", "for example")
# Pairs of time words a false statement may not swap: "the first time ... an
# initial offering", "skeletons left by later ones" read as nonsense or give
# the swap away (judged stock-3, coral-2, print-9).
TIME_WORDS = _words("first last earlier later")
