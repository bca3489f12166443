"""Tell an arguable sentence from narration by the language it uses.

Opinion writing announces itself: modals ("should", "would"), evaluations ("a mistake"),
comparisons, contrasts and causes ("but", "because"), hedges and stance ("I think", "seems"),
forecasts and rhetorical questions. Background facts read differently: dates and figures, reported
speech, past-tense narration, the writer talking about the blog. Each cue adds or removes weight
and a logistic squashes the sum into a score in [0, 1]. The weights were set by hand and checked
against the labelled posts in `data/extraction/written/`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


@dataclass(frozen=True)
class _Words:
    """A sentence prepared once for every cue: lower-cased, with straight apostrophes."""

    text: str
    tokens: tuple[str, ...]
    vocabulary: frozenset[str]


def _prepare(sentence: str) -> _Words:
    text = sentence.lower().replace("’", "'").replace("‘", "'")
    tokens = tuple(_TOKEN.findall(text))
    return _Words(text=text, tokens=tokens, vocabulary=frozenset(tokens))


class Lexicon:
    """Words and phrases that signal one kind of cue.

    `entries` is a comma-separated list: a plain word matches that word, `word*` any word starting
    so, and an entry with spaces the phrase. `patterns` are regular expressions for what a list
    cannot say ("my ... guess is"). Words are looked up in a set, which keeps scoring fast.
    """

    def __init__(self, entries: str, *patterns: str) -> None:
        items = [item.strip() for item in entries.split(",") if item.strip()]
        self.words = frozenset(item for item in items if " " not in item and "*" not in item)
        self.prefixes = tuple(item[:-1] for item in items if item.endswith("*"))
        phrases = [re.escape(item) for item in items if " " in item] + list(patterns)
        self.pattern = re.compile(r"\b(?:" + "|".join(phrases) + r")\b") if phrases else None

    def count(self, words: _Words) -> int:
        hits = sum(
            token in self.words or (bool(self.prefixes) and token.startswith(self.prefixes))
            for token in words.tokens
        )
        return hits + (len(self.pattern.findall(words.text)) if self.pattern else 0)

    def found_in(self, words: _Words) -> bool:
        if not self.words.isdisjoint(words.vocabulary):
            return True
        if self.prefixes and any(token.startswith(self.prefixes) for token in words.tokens):
            return True
        return bool(self.pattern and self.pattern.search(words.text))


# --- cues that a sentence argues -------------------------------------------------------------

NORMATIVE = Lexicon(
    """should, shouldn't, must, mustn't, ought, cannot, can't, require, requires, deserve,
    deserves, need to, needs to, has to, have to, it is time, had better""",
    r"(?:the|our|its|their|\w+'s) (?:task|job|challenge|priority|aim|goal|duty) is",
)
HYPOTHETICAL = Lexicon("would, wouldn't, could, couldn't, might, may")
FUTURE = Lexicon(
    """will, won't, shall, likely, unlikely, probably, predict, going to, bound to, set to,
    poised to, on track to, my guess, my bet, is expected to, are expected to, my prediction,
    our prediction, heading for, heading towards, heading toward, headed for, on course for,
    on course to, the odds, odds of, odds are, chances are, the chances of, better than even,
    a safe bet""",
    r"(?:^|(?:i|we) (?:\w+ )?)expect",
)
# A horizon in time: "by 2030", "within the next two years", "later in the decade".
FUTURE_TIME = re.compile(
    r"\b(?:(?:by|before|ahead of|as early as|as late as|no later than)"
    r" (?:the (?:end|middle|start) of |the mid-|mid-)?(?:20\d\d|the 20\d0s)"
    r"|within (?:the next|the coming|a|an|two|three|four|five|ten|\d+) \w+"
    r"|in the (?:next|coming) \w+(?: \w+)?"
    r"|next (?:\w+ )?(?:year|month|decade|election|government|administration|president|summit)"
    r"|this decade|later (?:this|in the) (?:year|decade|century)|sooner or later|eventually"
    r"|soon|from now|in the long run|in (?:the )?years to come)\b"
)
# Phrases in which "will" is a noun, not the future.
NOT_FUTURE_WILL = re.compile(
    r"\b(?:free will|political will|goodwill|good will|ill will|the will of|if you will)\b"
)
STANCE = Lexicon(
    """seem, seems, appear, appears, apparently, arguably, clearly, surely, obviously, evidently,
    undoubtedly, indeed, frankly, honestly, perhaps, maybe, possibly, certainly, somehow,
    precisely, partly, largely, mostly, mainly, essentially, effectively, ultimately, of course,
    no doubt, in fact, at last, dare i say, in effect, in practice, in reality, at heart, at best,
    at worst""",
    r"i (?:also |still |really )?(?:think|believe|suspect|fear|doubt|expect|hope|worry)",
    r"(?:my|our) (?:\w+ )?(?:guess|bet|view|sense|hunch|fear|worry|expectation|conclusion)",
    r"in (?:my|our) (?:view|opinion)",
    r"we (?:argue|believe|recommend|think|expect|conclude)",
    r"(?:this|the) (?:brief|paper|report|article|essay|analysis) (?:argues|shows|finds|recommends)",
    r"the (?:truth|reality|trouble|problem|point|lesson|answer|irony|honest answer) is",
    # "That looks like encirclement", "They have a point": the writer's reading of something.
    r"(?:looks|sounds|feels|seems) like",
    r"(?:has|have|had) a point",
)
# "What France lost was ...", "What it means is that ...": the writer singling something out.
PSEUDO_CLEFT = re.compile(r"^what (?:\w+ ){1,4}(?:is|was|are|were|matters|counts)\b")
# "That was a mistake.", "It was not a military defeat.": a verdict on what came before.
VERDICT = re.compile(r"^(?:that|this|it|which) (?:is|was|would be|will be|seems|looks|remains)\b")
# "First, ...", "Finally, ...": the writer laying out an argument point by point.
ENUMERATION = re.compile(
    r"^(?:first|firstly|second|secondly|third|thirdly|fourth|fifth|finally|lastly|above all)\b"
)
EVALUATIVE = Lexicon(
    """good, bad, better, worse, best, worst, great, mistake, mistakes, mistaken, error, errors,
    blunder, blunders, failure, failures, fail, fails, failed, failing, success, successful,
    scandal, scandalous, disgrace, shameful, wrong, right, rational, irrational, naive, clever,
    foolish, reckless, wise, unwise, sensible, absurd, serious, real, decisive, welcome, honest,
    terrible, tragic, dangerous, risky, risk, risks, threat, vulnerab*, exposed, weak, weaker,
    weakness, strong, stronger, adequate, inadequate, relevant, irrelevant, complacen*, hard,
    harder, easy, easier, matter, matters, significan*, important, crucial, essential, vital, key,
    necessary, unnecessary, credib*, effective, ineffective, useless, pointless, futile,
    legitimate, illegitimate, reasonable, unreasonable, civilised, civilized, barbaric, valuable,
    worth, costly, fair, unfair, unjust, justice, blame, responsible, irresponsible, recipe, leaky,
    shallow, troubling, worrying, alarming, encouraging, hopeless, possible, impossible,
    inevitable, obvious, doubtful, dubious, convenient, inconvenient, comfortable, uncomfortable,
    awkward, profit, free-ride, overstated, overestimate, underestimate, exaggerated, genuine,
    genuinely, tangible, compatible, incompatible, appeasement, aggression, betrayal, humiliation,
    resolve, leverage, patience, transform, transforms, transformed, undermine, undermines,
    undermined, erode, strengthen, weaken, backfire, help, helps, hurt, hurts, harm, harms,
    benefit, benefits, advantage, advantages, prize, loss, lose, win, outweigh, outweighs,
    afterthought, only, too, enough, simply, merely, hardly, barely, badly, deeply, truly,
    steadily, fully, corrupt, popular, unpopular, competent, incompetent, aggressive, hostile,
    brutal, cynical, hypocritical, arrogant, moral, immoral, realistic, unrealistic, sustainable,
    unsustainable, acceptable, unacceptable, limited, fragile, robust, stable, unstable, flawed,
    troubled, disaster*, catastroph*, misguided, short-sighted, cowardly, brave, bold, timid,
    feeble, toothless, hollow, empty, meaningless, reversible, irreversible, overdue, premature,
    excessive, insufficient, generous, conditional, unconditional, opportunity, opportunities,
    problem, dilemma, victory, defeat, priorit*, no longer, make sense, makes sense, made sense,
    expensive, danger, dangers, greater, bottleneck, miscalculation""",
    r"how \w+ly",
    r"(?<!so )far",
)
_MONTHS = "january|february|march|april|june|july|august|september|october|november|december"
_NUMBER_WORDS = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    "|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
)
_UNITS = "hundred|thousand|million|billion|dozen|century|decade|year|month|week|day|half|third"
# "more than a century", "more than 400 kilograms", "fewer than three percent": an amount, which
# states a figure rather than weighing one thing against another.
_AMOUNT = rf" (?:\d|(?:{_NUMBER_WORDS})\b|an? (?:{_UNITS})\b|half\b|twice\b)"
# "harder than", "more isolated than", "rather than", "not X but Y", "X but not Y", "the most
# likely", "the same logic applies".
COMPARISON = re.compile(
    rf"\b\w+er than\b(?!{_AMOUNT})"
    rf"|\b(?:more|less|fewer|further|rather|other)(?: [\w-]+){{0,3}} than\b(?!{_AMOUNT})"
    r"|\bthe same (?:logic|argument|reasoning|principle|lesson|is true)\b"
    r"|\b(?:much|far|even|ever|no) (?:more|less|better|worse|stronger|weaker)\b"
    r"|\bas \w+ as\b|\binstead of\b|\bnot (?:\w+ ){0,3}but\b|, not \w|\bthe (?:most|least)\b"
    # "exploited that resentment, but it did not create it": a correction, as "not X but Y" is.
    # A bare "paid for but not delivered" only qualifies a noun.
    r"|(?:, but (?:\w+ ){0,2}|\bbut (?:\w+ ){1,2})(?:not|never)\b"
    r"|\b(?:most|least) \w+(?:ly|ous|ive|ful|able|ible|ant|ent|ic|al)\b"
    r"|\b(?:strong|weak|fast|big|larg|great|high|low|clear|saf|hard|eas|cheap|simpl|sur|clos"
    r"|rich|poor|dead|new|old)i?est\b"
)
CONTRAST = Lexicon(
    """but, yet, although, though, however, whereas, despite, nevertheless, nonetheless, even,
    still, instead"""
)
CAUSE = Lexicon(
    """because, therefore, thus, hence, means, meaning, show, shows, showed, shown, suggest,
    suggests, prove, proves, invite, invites, reward, rewards, encourage, encourages, explain,
    explains, if, unless, this means, lead to, leads to, led to, depend on, depends on, result in,
    results in, in order to, as a result, that is why""",
    # "since they live there" gives a reason; "since 2022", "since November", "since the
    # company discovered oil" give a starting point in time.
    rf"since(?! (?:19|20)\d\d| then\b| (?:{_MONTHS}|last|early|late)\b"
    r"| (?:\w+ ){0,3}(?:was|were|began|became|\w+ed)\b)",
    r"(?:^|[,;] )so(?! far)",
)
SWEEPING = Lexicon(
    """rarely, always, never, every, any, all, none, nobody, nothing, increasingly, ever, neither,
    no one"""
)
NEGATION = Lexicon("not, no, never, nothing, none, neither, nor, without", r"\w+n't")
RHETORICAL = Lexicon(
    """really, seriously, anyone, anybody, isn't, aren't, wouldn't, would it not, why should,
    why does, why do, how long, is it possible, what exactly, who can, can anyone, does anyone,
    is this, is that, are we"""
)

# --- cues that a sentence narrates or reports --------------------------------------------------

REPORTING = re.compile(
    r"\b(?:said|says|say|told|tells(?! us)|according to|announced|announces|insists?|insisted"
    r"|claims?|claimed|describes?|described|estimates?|estimated|argues?|argued|warns?|warned"
    r"|noted|added|answers? that|answered|complain(?:s|ed)?|reports?|reported|quoted|stated"
    r"|declared|pledged|assumed|concluded|cautions|cautioned|caution (?:against|that)|thinks"
    r"|believes|urges|urged|acknowledges|acknowledged|admits|admitted|points? out|pointed out"
    # "The court is expected to rule ...": an agentless report of what others say or think.
    r"|(?:is|are|was|were) (?:widely |generally )?(?:expected|said|reported|believed|thought)"
    r" to"
    # "The usual answer is that ...": a view the writer reports, often to dispute it.
    r"|the (?:usual|common|standard|conventional|official|received) (?:answer|view|argument"
    r"|wisdom|line|response|reply|objection) is)\b"
)
# "Some French officials blame ...", "Critics make one strong point": a sentence whose subject is
# other people holding a view reports that view, with or without a verb of saying.
OTHERS_AS_SUBJECT = re.compile(
    r"^(?:some|other|many) (?:\w+ )?(?:officials|critics|analysts|diplomats|experts|observers"
    r"|commentators|politicians|governments|ministers|economists|scholars|voices)\b"
    r"|^(?:critics|opponents|supporters|sceptics|skeptics|proponents|defenders)\b"
)
# "This brief argues that ...", "I argue": the author reporting their own view.
AUTHOR_AS_SUBJECT = re.compile(
    r"\b(?:i|we|this (?:brief|paper|report|article|essay|post|analysis|piece))\s+(?:\w+\s+)?$"
)
QUOTATION = re.compile(r"[\"“][^\"”]*\s[^\"”]*\s[^\"”]*[\"”]")
FIGURE = re.compile(
    r"\d|\b(?:percent|per cent|(?:billion|million|thousand|hundred|dozen)s?|kilomet\w+|miles"
    r"|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b"
    # "ten to fourteen days", "three months", "more than a century": amounts of time.
    rf"|\b(?:{_NUMBER_WORDS}) (?:\w+ )?(?:days|weeks|months|years|decades|centuries|times)\b"
    rf"|\b(?:more|less|fewer) than{_AMOUNT}"
)
DATE = re.compile(
    rf"\b(?:{_MONTHS}"
    r"|last (?:year|month|week|spring|summer|autumn|fall|winter)|yesterday"
    r"|(?:in|since|during) (?:19|20)\d\d|on (?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
)
NARRATIVE_OPENING = re.compile(
    r"^(?:after|over the (?:past|last)|until (?:19|20)\d\d|last (?:year|month|week)"
    r"|in (?:19|20)\d\d|for (?:decades|years|centuries|most of|much of)|earlier this"
    r"|on (?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
)
ABOUT_THE_WRITING = Lexicon(
    """i remember, i recall, i have been, i've been, i am not a, i am not an, i'm not a,
    i'm not an, let me, let's, here is, here are, here's, this post, this blog, regular readers,
    readers will, i will be back, i'll be back, there is also a question,
    there is also the question, my post, in my last post, in my previous post, i spotted,
    i expect to get""",
    r"consider (?:where|how|what|the|this)",
    r"as i (?:wrote|said|argued|noted)",
)
# "There is a deeper problem, too.", "The harder question is ...", "This brief assesses ...": the
# writer announcing what comes next. Often followed by the claim itself, sometimes the claim
# ("The problem is that ..."), so the learned scorer weighs it with the rest of the sentence.
SIGNPOST = re.compile(
    r"^(?:(?:and|but|so) )?(?:there (?:is|are)|here (?:is|are)|here's|then there is"
    r"|now (?:for )?the|that points to|this brings|which brings|put all"
    r"|the (?:\w+ )?(?:question|test|problem|point|issue|case|answer|story|fix|reason|lesson)s?"
    r" (?:is|are|comes|goes|has)\b"
    r"|(?:this|the) (?:brief|paper|report|post|piece|newsletter|essay|analysis)"
    r" (?:reviews|assesses|sets out|looks|examines|explains|describes))"
)
FIRST_PERSON = Lexicon("i, me, my, myself")
# Simple past with no present or modal verb: the sentence tells what happened.
PAST_VERB = Lexicon(
    """was, were, had, did, wasn't, weren't, hadn't, didn't, came, went, made, took, gave, sent,
    grew, fell, rose, led, left, began, became, brought, bought, built, held, kept, met, paid, ran,
    saw, sold, spent, stood, struck, thought, fought, knew, lost, found, shook, broke, chose,
    drove, flew, spoke, threw, wrote, sank, withdrew, won, told, said""",
    # A regular past form, unless it follows "is", "has", "the" or a comma (a participle), or a
    # hyphen ("a half-hearted presence").
    r"(?<!, )(?<!\bbe )(?<!\bis )(?<!\bare )(?<!\bhas )(?<!\bhave )(?<!\bbeen )(?<!\bthe )"
    r"(?<!\ba )(?<!\ban )(?<!-)(?!hundred\b|sacred\b|naked\b|wicked\b)[a-z]{2,}[^e\W]ed",
)
# "has moved", "have already protested", "have been waiting": the present perfect tells what
# has happened, as the simple past does, though its auxiliary reads as present tense.
_PARTICIPLE = (
    r"(?:been|done|put|made|become|come|gone|had|cut|set|let|held|kept|left|lost|met|paid|sent"
    r"|spent|built|brought|bought|thought|fought|taught|caught|found|given|taken|shown|grown"
    r"|known|begun|run|won|struck|told|said|led|fallen|risen|chosen|driven|written|broken"
    r"|spoken|stood|seen|[a-z]{2,}ed)"
)
PERFECT = re.compile(
    r"\b(?:has|have|hasn't|haven't)(?: (?:already|now|also|just|long|since|\w+ly))?"
    rf" {_PARTICIPLE}\b"
)
SUBJUNCTIVE_WERE = re.compile(r"\bif (?:\w+ ){0,2}were\b")
PRESENT_OR_MODAL = Lexicon(
    """is, are, am, isn't, aren't, has, have, hasn't, haven't, does, do, doesn't, don't, will,
    won't, would, wouldn't, should, can, cannot, can't, could, couldn't, may, might, must, shall,
    seems, remains, needs, means, it's, that's, there's"""
)

WEIGHTS: dict[str, float] = {
    "bias": 0.0,
    "normative": 1.6,
    "hypothetical": 1.0,
    "future": 1.2,
    "stance": 1.0,
    "pseudo_cleft": 0.8,
    "verdict": 0.6,
    "enumeration": 0.8,
    "evaluative": 0.7,
    "evaluative_more": 0.4,
    "comparison": 0.8,
    "contrast": 0.5,
    "cause": 0.5,
    "sweeping": 0.4,
    "negation": 0.4,
    "rhetorical_question": 1.2,
    "bare_question": -3.0,
    "reported_speech": -1.8,
    "quotation": -0.8,
    "figures_or_date": -0.8,
    "narrative_opening": -0.8,
    "about_the_writing": -2.5,
    "first_person_narrative": -1.0,
    "past_narration": -1.0,
    # A sentence wholly in brackets is an aside, not the point being argued.
    "parenthetical": -2.5,
    "short": -0.6,
    "bare_report": -0.6,
}


@dataclass(frozen=True)
class Cues:
    """Which cues a sentence shows, kept so a score can be explained and tested."""

    found: tuple[str, ...]
    raw: float

    @property
    def score(self) -> float:
        return 1.0 / (1.0 + math.exp(-self.raw))


def _question_cue(sentence: str, words: _Words) -> str | None:
    """Rhetorical questions argue ("Does anyone seriously believe ...?"); short bare ones
    ("What should Europe do now?") only introduce the writer's answer."""
    if not sentence.rstrip("\"'”’)").endswith("?"):
        return None
    if RHETORICAL.found_in(words):
        return "rhetorical_question"
    return "bare_question" if len(words.tokens) <= 8 else None


# "whatever the mediators say": a concession, not a report of what they said.
CONCEDED_SPEECH = re.compile(r"\b(?:whatever|no matter what)(?: [\w']+){0,4} $")


def _reported_by_someone_else(words: _Words) -> bool:
    """Reported speech, unless the reporter is the author ("This brief argues that ...")."""
    if OTHERS_AS_SUBJECT.search(words.text):
        return True
    for match in REPORTING.finditer(words.text):
        before = words.text[: match.start()]
        if not (AUTHOR_AS_SUBJECT.search(before) or CONCEDED_SPEECH.search(before)):
            return True
    return False


def _mentions_future(words: _Words, narrates_the_past: bool) -> bool:
    """A future verb, or a horizon in time unless the sentence narrates the past ("traffic fell
    by half within three months")."""
    text = NOT_FUTURE_WILL.sub(" ", words.text)
    if FUTURE.found_in(_prepare(text)):
        return True
    return not narrates_the_past and bool(FUTURE_TIME.search(text))


# "We will continue to support Ukraine", "I will not accept it": a speaker's commitment, which
# labellers count as a position to vote on, not a forecast to track.
COMMITMENT = re.compile(
    r"\b(?:we|i)(?: (?:also|still|always|now|never|again))?(?:'ll| will| shall| won't)\b"
)


def _predicts(words: _Words) -> bool:
    """A future verb, or a horizon that is not a demand's deadline ("should act by 2030"); a
    speaker's own "we will" is a commitment, not a future verb."""
    text = COMMITMENT.sub(" ", NOT_FUTURE_WILL.sub(" ", words.text))
    if FUTURE.found_in(_prepare(text)):
        return True
    return bool(FUTURE_TIME.search(text)) and not NORMATIVE.found_in(words)


def _opens_narrative(words: _Words) -> bool:
    """An opening that sets a scene in time. "When" counts only with a past verb: "When Houthi
    attacks disrupted shipping, ..." narrates, "When donors pull out, others move in" argues."""
    if NARRATIVE_OPENING.search(words.text):
        return True
    return words.text.startswith("when ") and PAST_VERB.found_in(words)


def _narrates_the_past(words: _Words) -> bool:
    """A past-tense verb and no present or modal one: "China issued statements"."""
    text = SUBJUNCTIVE_WERE.sub(" ", words.text)
    return PAST_VERB.found_in(_prepare(text)) and not PRESENT_OR_MODAL.found_in(words)


def cue_checks(sentence: str) -> dict[str, bool]:
    """Which cue families a sentence shows, by name: what `read_cues` weighs, and the flags the
    features in `bot.extraction.features` start from."""
    words = _prepare(sentence)
    text = words.text
    in_the_past = _narrates_the_past(words)
    # A horizon in a sentence about the past is a duration, so it counts as a figure instead.
    undated = text if in_the_past else FUTURE_TIME.sub(" ", text)
    checks = {
        "normative": NORMATIVE.found_in(words),
        "hypothetical": HYPOTHETICAL.found_in(words),
        "future": _mentions_future(words, in_the_past),
        "stance": STANCE.found_in(words),
        "pseudo_cleft": bool(PSEUDO_CLEFT.search(text)),
        "verdict": bool(VERDICT.search(text)),
        "enumeration": bool(ENUMERATION.search(text)),
        "comparison": bool(COMPARISON.search(text)),
        "contrast": CONTRAST.found_in(words),
        "cause": CAUSE.found_in(words),
        "sweeping": SWEEPING.found_in(words),
        "negation": NEGATION.found_in(words),
        "reported_speech": _reported_by_someone_else(words),
        "quotation": bool(QUOTATION.search(sentence)),
        "figures_or_date": bool(FIGURE.search(undated) or DATE.search(text)),
        "narrative_opening": _opens_narrative(words),
        "about_the_writing": ABOUT_THE_WRITING.found_in(words),
        "parenthetical": text.startswith("("),
        "short": len(sentence.split()) < 6,
    }
    checks["first_person_narrative"] = FIRST_PERSON.found_in(words) and not checks["stance"]
    checks["past_narration"] = in_the_past and not (checks["verdict"] or checks["pseudo_cleft"])
    evaluations = EVALUATIVE.count(words)
    checks["evaluative"] = evaluations >= 1
    checks["evaluative_more"] = evaluations >= 2
    question = _question_cue(sentence, words)
    checks["rhetorical_question"] = question == "rhetorical_question"
    checks["bare_question"] = question == "bare_question"
    # "Brazil has moved troops to its frontier" with no cue of arguing at all: a reported fact,
    # whatever its tense looks like.
    arguing = any(hit and WEIGHTS[name] > 0 for name, hit in checks.items())
    checks["bare_report"] = PERFECT.search(text) is not None and not arguing
    return checks


def read_cues(sentence: str) -> Cues:
    """Weigh the argumentative and narrative cues of one sentence."""
    found = tuple(name for name, hit in cue_checks(sentence).items() if hit)
    raw = WEIGHTS["bias"] + sum(WEIGHTS[name] for name in found)
    return Cues(found=found, raw=raw)


# --- forecasts -------------------------------------------------------------------------------

# "could unravel", "might decide": a possible event, not a present possibility ("could be"), a
# past ability ("could not protect") or a hypothetical's shape ("what a deal could look like").
POSSIBLE_EVENT = re.compile(
    r"(?<!\bwhat )(?<!\bhow )(?<!\bwho )(?<!\bthat )\b(?:could|might|may)"
    r"\s+(?:still\s+|well\s+|easily\s+|soon\s+|even\s+|also\s+)?+(?!be\b|have\b|not\b|\d)\w+"
)
# "Most analysts do not expect an invasion": an expectation the writer relays is still a forecast
# once the sentence is a claim, whoever holds it.
# "None expected that Ukraine would strike back", "than Putin had expected": a past expectation
# is narration, so "expected" counts only as "is expected to".
EXPECTATION = re.compile(
    r"(?<!\bas )\b(?:expects?|expecting)\b|\b(?:is|are|be|been|being|widely) expected to\b"
)


def is_forecast(sentence: str) -> bool:
    """Whether a sentence says what will happen, so it can be tracked until it resolves.

    "will", "going to", "likely", "expect", "my guess is" and dated horizons ("by 2030", "within
    the next two years") mark a forecast. "could", "may" and "might" do when they name an event
    ("could unravel", "might decide"), not a present possibility ("could be"). A horizon on a
    demand ("NATO should admit Ukraine soon") is a deadline, not a forecast.
    """
    words = _prepare(sentence)
    if _predicts(words) or EXPECTATION.search(words.text):
        return True
    return bool(POSSIBLE_EVENT.search(words.text))
