"""Practice's reading of the notes: what a line says about a thing, for the question generator.

The question generator (assistant/practice.py) asks what a line of the notes says a thing IS for. These
helpers read that from a line of the reading layer (assistant/reading.py): whether a name reads as a thing
to choose, what a table row, a sentence whose subject the thing is, or a flash card says of it, and which
labels and lines say nothing of their own. Only general English patterns and the notes' structure are used.
"""

from __future__ import annotations

import re

from .reading import (
    FRONTED_PHRASE,
    ROLE_LABEL,
    ROLE_PUT_FORWARD,
    SIDE_BY_SIDE,
    Entity,
    Line,
    asks_how,
    command_phrase,
    commands_in,
    is_code_identifier,
    name_key,
    split_how_to,
)
from .vocabulary import (
    ANSWER_LABELS,
    CATEGORY_HEADS,
    CONSTRUCT_WORDS,
    DISCOURSE_LABELS,
    FUNCTION_WORDS,
    RUNBOOK_LABELS,
    SETTING_WORDS,
    VENDOR_WORDS,
)
from .wording import base_of, known, looks_like_verb, lower_first, singular, strip_asides

# --- names and lines ----------------------------------------------------------------------------------


#: A name written as code that is one term: a key, a path or an API request ("`needs`", "`_cat/nodes?v`",
#: "`GET _cluster/health`"), not a setting with its value ("`node.roles: [ ]`") nor an expression.
_CODE_TERM = re.compile(r"(?:[A-Z]{3,7}\s+)?[\w./<>?&=*@~+-]+")


def choosable(entity: Entity, coded: bool = False) -> bool:
    """A name that reads as a thing to choose: not a sentence start mistaken for a name ("Manages EC2"),
    not a common word on its own ("Users"), not a list or a heading. `coded`: the notes write the name as
    code in its lines ("`needs`", "`_cat/nodes?v`"), so it is a term, everyday word or not."""
    name = entity.name
    words = name.split()
    if entity.literal and 0 < len(words) <= 3 and len(name) <= 40:
        return True  # "`always`", "`on-failure[:max-retries]`": a value the notes write as code, everyday word or not
    if coded and len(name) <= 40 and _CODE_TERM.fullmatch(name) and re.search(r"[A-Za-z]{2}", name):
        return True  # "`needs`", "`fail-fast`", "`_cat/allocation?v`": a key or a request, not prose
    if not words or len(words) > 7 or len(name) > 60 or re.search(r"[,:;?!\"“”]", name):
        return False
    first = words[0]
    rest_is_name = len(words) > 1 and (
        words[1].isupper() or re.search(r"\d|[a-z][A-Z]", words[1]) or known(words[1].lower()) < 3.0
    )
    if (
        first.lower() not in VENDOR_WORDS
        and rest_is_name
        and first[:1].isupper()
        and not first.isupper()
        and (looks_like_verb(first, words[1]) or first.lower().endswith("ing") and known(first.lower()) >= 2.5)
    ):
        return False  # "Optimize Athena", "Scanning S3 Buckets": a sentence's verb caught before a name
    if (
        len(words) == 1
        and not re.search(r"[A-Z].*[A-Z]|\d", first[1:] if first[:1].isupper() else first)
        and known(first.lower()) >= 4.0
        and not entity.proper
    ):
        return False  # "Users"; but "a Job", "the Secret", capitalised inside sentences, name things
    if re.search(r"\s(?:for|of)\s", name) and first.lower() not in VENDOR_WORDS:
        return False  # "APIs for External Data": a heading, not a name ("Amazon Managed Workflows for ..." is)
    significant = [w.lower() for w in words if w.lower() not in FUNCTION_WORDS and w.lower() not in VENDOR_WORDS]
    return not (not significant or all(w in DISCOURSE_LABELS or w in CATEGORY_HEADS for w in significant))


def names_any(text: str, spellings: set[str]) -> bool:
    low = text.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", low) for s in spellings if len(s) >= 2)


def is_to_label(label: str, entity: Entity) -> bool:
    match = re.match(r"(?i)^(?:to|into|from|via|with)\s+(.+)$", label.strip())
    return match is not None and name_key(match.group(1)) in ({entity.key} | set(entity.aliases))


def is_discourse_label(label: str) -> bool:
    words = [w for w in re.findall(r"[a-z]+", label.lower()) if w not in FUNCTION_WORDS]
    # A runbook's "Check:" or "Likely cause:" structures an incident as "Note:" structures a list.
    return bool(words) and all(w in DISCOURSE_LABELS or w in ANSWER_LABELS or w in RUNBOOK_LABELS for w in words)


def without_brackets(text: str | None) -> str:
    return re.sub(r"\s*\([^)]*\)", "", text or "").strip()


def quotable(line: Line, answer_only: bool = False) -> str:
    text = line.shown if line.kind != "card" else line.body if answer_only else line.text
    text = re.sub(r"\s*={3,}[^=]*={3,}\s*", " ", text)  # a deck's "=== Deck 2 ===" divider read into a card
    return re.sub(r"\s+", " ", text).strip().rstrip(".")


# --- what a line says of a thing ----------------------------------------------------------------------


#: Labels that say what a thing is for ("Use Case: ...", "Good for: ...").
PURPOSE_LABEL = re.compile(
    r"(?i)(?:typical\s+|main\s+|common\s+)?(?:use\s+cases?|uses?|purpose|good\s+for|best\s+for|"
    r"used\s+for|ideal\s+for|use\s+for|great\s+for|best\s+fit)"
)


def row_description(line: Line) -> str:
    """A table row's most telling cell: one headed as when to use it, else the longest."""
    cells = []
    for cell in line.body.split("; "):
        header, _, value = cell.partition(": ")
        cells.append((header.lower(), value or header))
    for header, value in cells:
        words = set(re.findall(r"[a-z]+", header))
        if (
            words & {"use", "good", "best", "when", "typical", "purpose", "cue", "for", "why", "fit"}
            and len(value.split()) >= 3
        ):
            if PURPOSE_LABEL.fullmatch(header.strip()) and not re.match(r"(?i)(?:for|to|when|if)\b", value):
                return f"For {lower_first(value)}"  # "Best for: Audit backups ...": what it is for
            return value
    return max((value for _, value in cells), key=lambda v: len(v.split()), default=line.body)


def after_name(text: str, entity: Entity) -> str | None:
    """What a sentence says after naming its subject: "Amazon Athena is ideal for querying ..." -> "is ideal
    for querying ...", "Use X for connecting ..." -> "for connecting ..."."""
    text = strip_asides(text)
    low = text.lower()
    spans = []
    for spelling in sorted(entity.spellings, key=len, reverse=True):
        index = low.find(spelling.lower())
        if index >= 0:
            spans.append((index, index + len(spelling)))
    if not spans:
        return None
    start, end = min(spans)
    boundary = max(text.rfind(". ", 0, start), text.rfind("; ", 0, start))
    if boundary >= 0:
        # "`--cpus=1.5` caps ... . `--cpu-shares` (default 1024) is only ...": the name opens a later sentence.
        start, end, text = start - boundary - 2, end - boundary - 2, text[boundary + 2 :]
    before = text[:start].strip(" ,`")  # "`docker compose ps` lists ...": code marks are no words
    value = re.match(r":\s[^`]{1,30}`", text[end:]) if text[start - 1 : start] == "`" else None
    if value:
        end += value.end()  # "`continue-on-error: true` lets ...": the key set to a value is the subject
    if re.match(r"^\s*[-\w]+(?:\s+[-\w]+)?\s+[-–—:]\s", text[end:]):
        return None  # "Pod anti-affinity - Rules that ...": the name starts a longer term the line is about
    after = re.sub(r"^\s*(?:service|services)\b", "", text[end:].lstrip("`"), flags=re.IGNORECASE)
    # ", formerly called X, is ...", ", usually shortened to Y, runs ...": an aside about its name.
    after = re.sub(r"^\s*,\s*[^,]{1,60},\s*(?=(?:is|are|was|has|have|\w+s)\b)", " ", after)
    if re.match(r"\s*(?:/|&|,|and\b|or\b)", after):
        return None  # "Prefer Parquet or ORC ...": about both (a choose-two item, not this one's line)
    rest = after.strip(" ,.:")
    words = rest.split()
    if (
        len(words) > 2
        and not looks_like_verb(words[0], words[1])
        and words[1].lower().endswith("s")
        and looks_like_verb(words[1], words[2])
        and words[0].lower() not in ("is", "are")
    ):
        rest = " ".join(words[1:])  # "SNMP polling uses UDP 161": the subject is "SNMP polling"
    if before and not re.fullmatch(r"(?i)(?:.*\b)?(?:use|using|choose|pick|enable|consider|prefer|the|an?)", before):
        return None  # the name is not the sentence's subject or object of its advice
    rest = re.sub(r"^(?:is|are)\s+(?=(?:an?|the)\s+)", "", rest, flags=re.IGNORECASE)  # keeps "a": a noun phrase
    rest = re.sub(r"^(?:is|are)\s+(?!not\b)", "", rest, flags=re.IGNORECASE)
    return rest or None


#: Where a compound sentence's next clause starts with its own subject ("..., the Volume Gateway presents ...,
#: and the Tape Gateway replaces ..."; "...; X does ..."; "... whereas X is ...").
_CLAUSE_START = re.compile(r";\s+|:\s+(?=`)|,\s+(?:and\s+|but\s+|while\s+|whereas\s+)?|\s+(?:while|whereas)\s+")


#: A later clause with its own named subject ("..., the Volume Gateway presents ..."): where what a sentence
#: (or one of its clauses) says of its subject ends. A bare capital after a comma may be a list item ("S3,
#: Redshift"), so it ends nothing.
_NEXT_NAMED_SUBJECT = re.compile(
    r";\s+|,\s+(?:and\s+|but\s+|while\s+|whereas\s+)?the\s+[A-Z]"
    # "nginx -s quit stops gracefully and nginx -s stop stops at once": a command line or a snake_case setting
    # opening the next clause is its subject.
    r"|,?\s+(?:and|but|while|whereas)\s+(?=[a-z][\w\-]*\s+-{1,2}[A-Za-z]|[a-z][a-z0-9]*_[a-z0-9_]+\s+[a-z]+s\b)"
    # "`_cat/nodes?v` shows ..., `_cat/shards?v` lists ...": a name written as code opening the next clause.
    r"|,\s+(?:and\s+)?(?=`[^`]+`\s+[a-z]+s\b)"
)


def subject_clause(text: str, entity: Entity) -> tuple[str, bool] | None:
    """What a sentence says of a thing that is its subject ("The Domain Name System turns names into
    addresses" -> "turns names into addresses"), also after a fronted phrase ("For data in SaaS apps, X is
    ...") or in a later clause ("..., and the Tape Gateway replaces ..."); and whether the thing is the
    subject of the whole sentence (False: of a clause, whose sentence's other subjects are not about it).
    None when the thing is no subject."""
    text = strip_asides(text)
    found = _clause_predicate(text, entity)
    if found:
        following = _NEXT_NAMED_SUBJECT.search(found)
        return (found[: following.start()] if following else found), True
    # "For single objects uploaded far away, X routes ...": a fronted phrase sets the scene; the subject follows.
    fronted = FRONTED_PHRASE.match(text)
    starts = [fronted.group("rest")] if fronted else []
    # A later clause is tried only when the sentence does not open with the thing: a list after the verb
    # ("delivers to S3, Redshift, ...") must not cut the first clause short. The clause ends where the next
    # one starts with its own subject ("..., and the Tape Gateway ...").
    for match in _CLAUSE_START.finditer(text):
        clause = text[match.end() :]
        following = _NEXT_NAMED_SUBJECT.search(clause)
        starts.append(clause[: following.start()] if following else clause)
    for start in starts:
        found = _clause_predicate(start, entity, exact=True)
        if found:
            following = _NEXT_NAMED_SUBJECT.search(found)
            return (found[: following.start()] if following else found), False
    return None


#: A noun naming a configuration value ("the `permissions` key", "the `retries` option"): SETTING_WORDS.
_SETTING_NOUNS = "|".join(sorted(SETTING_WORDS, key=len, reverse=True))


def _clause_predicate(text: str, entity: Entity, exact: bool = False) -> str | None:
    """The predicate of a clause whose subject is the thing; with `exact`, its name must open the clause
    (after "the"): inside a sentence, "the Volume Gateway" is not "Gateway"."""
    modifier = "" if exact else r"(?:[a-z][\w\-]*\s+)?"
    for spelling in sorted(entity.spellings, key=len, reverse=True):
        # "`_cat/nodes?v` shows ...": code marks around the name are no words.
        match = re.match(rf"(?i)^(?:the|an?|each|every)?\s*{modifier}`?{re.escape(spelling)}`?(?![\w-])", text)
        if not match:
            continue
        # "The `concurrency` key places runs ...": a noun after a name written as code says what kind it is;
        # the name is still the subject.
        end = match.end()
        opened_code = "`" in match.group(0) and not match.group(0).endswith("`")
        value = re.match(r":\s[^`]{1,30}`", text[end:]) if opened_code else None
        if value:
            end += value.end()  # "`continue-on-error: true` lets ...": the key set to a value is the subject
        named = re.match(rf"(?i)\s+(?:{_SETTING_NOUNS})(?![\w-])", text[end:])
        if named and match.group(0).endswith("`"):
            end += named.end()
        opened = match.group(0).lower().lstrip("`")
        if opened.split()[0] not in ("the", "a", "an", "each", "every") and not opened.startswith(spelling.lower()):
            continue  # "Static NAT maps ...": a word before the name makes it another thing
        rest = text[end:]
        rest = re.sub(r"^\s*,\s*[^,]{1,60},\s*(?=(?:is|are|was|has|have|\w+s)\b)", " ", rest).strip()
        # "EXPOSE only documents ...", "X simply delivers ...": an adverb before the verb.
        rest = re.sub(r"(?i)^(?:only|also|simply|just|always|never|usually|often|mainly)\s+(?=\w+s\b)", "", rest)
        words = rest.split()
        if len(words) >= 3 and (
            words[0].lower() in ("is", "are")
            or looks_like_verb(words[0], words[1], words[2])
            and words[0].lower().endswith("s")
        ):
            rest = re.sub(r"^(?:is|are)\s+(?=(?:an?|the)\s+)", "", rest, flags=re.IGNORECASE)
            return re.sub(r"^(?:is|are)\s+(?!not\b)", "", rest, flags=re.IGNORECASE).rstrip(".")
    return None


#: Where one clause of a prose sentence ends and the next instruction starts ("..., then run X", "...; set
#: X ...", "... and run X"), for reading the clause that names a thing as the tool of an instruction.
_INSTRUCTION_BREAK = re.compile(r"(?<=[.!?])\s+|;\s+|:\s+|,\s+(?:and\s+|then\s+)?|\s+(?:and|then)\s+(?=[a-z]+\s)")
_INSTRUMENT_WORDS = r"(?:with|through|using|via)"
#: "Use `X` to see ...", "check `X` to find ...": a verb that puts a tool to a purpose.
_USE_VERBS = r"(?:use|run|call|check|query|send|try)"


def instrument_purpose(text: str, entity: Entity) -> str | None:
    """What a prose instruction does with a thing written as code as its tool: "Register a snapshot repository
    with `PUT _snapshot/<repo>`." -> "register a snapshot repository"; "Use `_cat/allocation?v` to see disk per
    node" -> "see disk per node". None when no clause of the text instructs so (a statement, or a verb that is
    no instruction: "It is used with `X`")."""
    spellings = "|".join(re.escape(s) for s in sorted(entity.spellings, key=len, reverse=True))
    if not spellings:
        return None
    code = rf"`(?:{spellings})`(?:\s*\([^)]*\))?"
    for clause in _INSTRUCTION_BREAK.split(strip_asides(text.strip())):
        clause = clause.strip().rstrip(".")
        used = re.fullmatch(rf"(?i){_USE_VERBS}\s+(?:the\s+)?{code}\s+to\s+(?P<doing>[a-z].+)", clause)
        if used:
            doing = used.group("doing")
        else:
            tool = re.fullmatch(rf"(?P<doing>[A-Za-z][^`]+?)\s+{_INSTRUMENT_WORDS}\s+(?:the\s+)?{code}", clause)
            if not tool:
                continue
            doing = tool.group("doing")
        words = re.findall(r"[A-Za-z']+", doing)
        if len(words) < 2 or words[0].lower() in FUNCTION_WORDS:
            continue
        if {w.lower() for w in words} & {"it", "them", "they", "this", "these", "those"}:
            continue  # "Attach it through ...": what it acts on is in another sentence
        verb = looks_like_verb(words[0], words[1], words[2] if len(words) > 2 else "")
        if verb != words[0].lower():
            continue  # "The cluster waits with ...", "Attached it with ...": no instruction's base-form verb
        return doing[:1].lower() + doing[1:]
    return None


# --- what a flash card says of a thing ----------------------------------------------------------------


#: The fronted situations an instruction to run something can be given in ("After logrotate moves the files, run
#: X ..."): when, not where or what for.
_WHEN_LEADS = frozenset({"after", "before", "once", "when", "whenever", "if"})


def run_so_purpose(text: str, entity: Entity) -> str | None:
    """What an instruction to run a thing does, when it says so with "so": "After logrotate moves the files, run
    nginx -s reopen (or send USR1 to the master) so nginx writes to new files." -> "make nginx write to new files
    after logrotate moves the files". None for any other sentence."""
    spellings = "|".join(re.escape(s) for s in sorted(entity.spellings, key=len, reverse=True))
    if not spellings:
        return None
    text = strip_asides(text.strip()).rstrip(".")
    when = ""
    fronted = FRONTED_PHRASE.match(text)
    if fronted:
        if fronted.group("lead").lower() not in _WHEN_LEADS:
            return None
        when, text = f" {fronted.group('lead').lower()} {fronted.group('phrase').strip()}", fronted.group("rest")
    match = re.fullmatch(
        rf"(?i)(?:run|use|call|send)\s+`?(?:{spellings})`?\s+so(?:\s+that)?\s+(?P<subject>[\w\-]+)\s+"
        rf"(?P<verb>[a-z]+s)\s+(?P<rest>[^,;]+)",
        text,
    )
    if not match or match.group("subject").lower() in FUNCTION_WORDS:
        return None
    base = base_of(match.group("verb"))
    if not base or base == match.group("verb").lower():
        return None
    return f"make {match.group('subject')} {base} {match.group('rest').strip()}{when}"


def asks_when_to_use(line: Line) -> bool:
    """ "When do you use a StatefulSet instead of a Deployment? When each replica needs ...": a card whose
    answer is the situation that calls for the thing."""
    return line.kind == "card" and bool(re.match(r"(?i)^when\b.*\buse\b", line.label or ""))


def instructed_by(line: Line, entity: Entity, asked: str | None = None) -> bool:
    """A how-to card whose answer puts this one thing forward ("How do I move to a newer provider version? ...
    run terraform init -upgrade ..."): the card's question is what the thing is for. `asked`: the question
    a line that is no card answers (a runbook's fix, asked by its symptom)."""
    if asked is None and (line.kind != "card" or not line.label or not asks_how(line.label)):
        return False
    keys = {entity.key} | {name_key(s) for s in entity.spellings}
    forward = {s.key for s in line.subjects if s.cue > 0 and s.role >= ROLE_PUT_FORWARD}
    first = re.split(r"(?<=[.!?])\s+", (line.body or "").strip())[0]
    if len(commands_in(first)) >= 2 and re.search(r"(?i)\b(?:then|later|afterwards|and after)\b", first):
        return False  # "Run X to see ..., then Y to write it": a sequence; neither alone answers the card
    return len(forward) == 1 and bool(forward & keys)


def how_to_purpose(question: str) -> str | None:
    """What a how-to card's question asks to do, as a verb phrase: "How do I pin which provider versions are
    allowed?" -> "pin which provider versions are allowed"; None for "What now?" (the situation says it)."""
    split = split_how_to(question)
    if split is None or split[1] is None:
        return None
    doing = re.sub(r"(?i)\b(?:my|our)\b", "its", split[1])
    return re.sub(r"(?i)\b(?:me|us)\b", "it", doing)


def card_description_of_task(question: str) -> str:
    """What a how-to card's question asks to do, as its things' descriptions say it: "pin a module", "a run
    crashed and the lock was never released", or "a VM is broken; make Terraform rebuild it"."""
    purpose = how_to_purpose(question)
    situation = split[0] if (split := split_how_to(question)) else ""
    if purpose and situation and re.search(r"(?i)\b(?:it|that|this|them)\b", purpose):
        return f"{situation}; {purpose}"
    return purpose or situation


def card_description(line: Line, entity: Entity, role: float) -> tuple[str, float] | None:
    """What a flash card says of a thing: its whole answer when the card asks what the thing is ("What is a
    Pod?", "What does X do?", "X?"), else a sentence of the answer whose subject it is ("USER switches to an
    unprivileged user ..."). A card about two things ("CMD or ENTRYPOINT?", "the difference between RUN and
    CMD") is read sentence by sentence only."""
    label = line.label or ""
    if instructed_by(line, entity):
        # What the thing is for: what the card asks to do, or the situation its "What now?" is about ("...
        # keeps changing a tag ...; stop that").
        task = card_description_of_task(label)
        return (task, 1.0) if task else None
    asks = (
        re.match(r"(?i)^(?:what|who)\s+(?:is|are|does|do)\b|^(?:why|when)\b.*\buse\b", label) or len(label.split()) <= 4
    ) and not SIDE_BY_SIDE.search(label)
    if role >= ROLE_LABEL and line.body and asks and _asks_about_itself(label, entity):
        # "What does a liveness probe do? It checks whether ...": the answer's "It" is the thing asked about.
        return re.sub(r"^It\s+(?=[a-z]+s\b)", "", line.body), 1.0
    if not names_any(label, {s.lower() for s in entity.spellings}):
        return None  # "What is a headless Service? ... DNS returns ...": the card is about another thing
    for sentence in re.split(r"(?<=[.;])\s+", line.body or ""):
        clause = subject_clause(sentence, entity)
        if clause and clause[1]:
            return clause[0], 0.9
    return None


#: Verbs that end the noun phrase of a "What is X used for?" / "What does X mean?" question.
_QUESTION_VERBS = frozenset(["used", "mean", "means", "work", "works", "control", "controls", "stand"])


def _asks_about_itself(label: str, entity: Entity) -> bool:
    """ "What is a Pod?", "What does a NodePort Service do?", "What is a Deployment used for?": the thing's name
    ends the noun phrase the card asks about. Not "What are the two Deployment update strategies?" (it asks
    for strategies) nor "What is the default Service type?" (a type): there the name only qualifies it."""
    asked = re.match(r"(?i)^(?:what|who)\s+(?:is|are|does|do)\s+(.*)$", without_brackets(label).strip(" ?"))
    if not asked:
        return True  # "When do you use X?", "X?": other shapes of question, read as before
    phrase: list[str] = []
    for word in asked.group(1).split():
        low = word.strip(",").lower()
        if phrase and (low in FUNCTION_WORDS or low in _QUESTION_VERBS):
            break  # "a Deployment used for", "a NodePort Service do"
        phrase.append(low)
    if len(phrase) > 1 and re.match(r"(?i)^what\s+(?:does|do)\s", label) and phrase == asked.group(1).lower().split():
        phrase = phrase[:-1]  # "What does terraform validate check?": its last word is the question's verb
    if not phrase:
        return True
    ends = {
        singular(spelling.split()[-1].lower())
        for spelling in [*entity.spellings, entity.name, *entity.aliases]
        if spelling.split()
    }
    return singular(phrase[-1]) in ends


def leading_term(answer: str) -> str | None:
    """The term a flash card's answer starts with - a command with its options, a path, a setting -
    or None when it starts with words ("Owner gets 7 ...", "Use access control lists ...")."""
    text = answer.strip()
    first = text.split()[0] if text.split() else ""
    if not first or not (first[0].islower() or first[0] in "/~") or first.lower() in FUNCTION_WORDS:
        return None
    segment = re.split(
        r"\s\(|\s[-–—]\s|;\s|\.\s|\s{2,}|,\s|:\s|\.$|\s(?=(?:on|to|for|with|and|or|then|in|at|from|"
        r"after|before|if|when|so|as|is|are|means)\s)",
        text,
        maxsplit=1,
    )[0].strip()
    tokens = segment.split()
    if not 1 <= len(tokens) <= 6 or len(segment) > 50:
        return None
    if not any(re.search(r"[^A-Za-z]", t) or known(t.lower()) < 3.0 for t in tokens):
        return None  # plain English words, not a term
    if len(tokens) > 1 and all(known(t.lower()) >= 3.0 for t in tokens[1:]) and len(tokens) > 3:
        return None  # a term followed by a sentence
    return segment


#: "Declare input variables with variable blocks, ...": an instruction whose tool is a construct (its verb in
#: the base form, then "with" and a word naming which construct).
_WITH_CONSTRUCT = re.compile(
    r"^(?P<verb>[A-Z][a-z]+)\s+(?P<object>[^,.;:]{0,60}?)\s*\bwith\s+(?:an?\s+|the\s+)?"
    r"(?P<which>[a-z][\w\-]*)\s+(?P<construct>[a-z]+)\b"
)


def instructed_construct(answer: str) -> str | None:
    """The construct a how-to answer's opening instruction tells to use as its tool: "Declare input variables
    with variable blocks, ..." -> "variable block"; None for any other answer."""
    match = _WITH_CONSTRUCT.match(answer.strip())
    if not match:
        return None
    construct, which = singular(match.group("construct").lower()), match.group("which").lower()
    following = (match.group("object").split() + ["", ""])[:2]
    if construct not in CONSTRUCT_WORDS or which in FUNCTION_WORDS:
        return None
    if looks_like_verb(match.group("verb"), *following) != match.group("verb").lower():
        return None  # "Terraform works with state files": a statement, not an instruction
    return f"{which} {construct}"


def card_kind(question: str, term: str) -> str:
    """What a card asks for: its own words ("Which command ...", "Which file ...") or the shape of the term."""
    match = re.match(
        r"(?i)^(?:which|what)\s+(?P<kind>[a-z][\w\-]*(?:\s+[a-z][\w\-]*)?)\s+(?:\w+s|is|are|do|does|can|"
        r"should|will|makes?|owns?)\b",
        question.strip(),
    )
    if match and not set(match.group("kind").lower().split()) & FUNCTION_WORDS:
        return singular(match.group("kind").lower())
    if term.startswith("/"):
        return "directory" if term.endswith("/") else "file"
    return "command"


#: A request to a service's HTTP API by its shape: a method in capitals and a path ("GET _cluster/health", "POST
#: <alias>/_rollover"), or a path with a query or an underscored endpoint ("_cat/nodes?v", "_slm/policy").
_API_REQUEST = re.compile(
    r"[A-Z]{3,7}\s+(?=\S*[/_])/?[\w.<>*~-]+(?:/[\w.<>*~-]*)*(?:\?\S*)?"
    r"|(?=\S*/)/?(?:[\w.<>*~-]+/)*_[a-z][\w.<>*~-]*(?:/[\w.<>*~-]*)*(?:\?\S*)?"
    r"|/?[\w.<>*~-]+(?:/[\w.<>*~-]+)+\?\S+"
)


def term_kind(term: str, programs: set[str] | None = None, said: str = "") -> str | None:
    """What kind of thing a term is by its shape: a command line ("terraform init -upgrade"; of one of
    `programs` when they are given), a flag ("--memory"), a setting ("create_before_destroy", "prevent_destroy
    = true"), or the construct its last word names ("data block"). What a line `said` of it refines that: "a
    required_providers block" is a block; "create_before_destroy = true inside a lifecycle block" a lifecycle
    setting (a setting of one construct is not one of another)."""
    words = term.split()
    if not words:
        return None
    if said:
        low, name = said.lower(), re.escape(term.lower())
        own = re.search(rf"(?<![\w-])`?{name}`?\s+(?P<construct>{'|'.join(sorted(CONSTRUCT_WORDS))})\b", low)
        if own:
            return singular(own.group("construct"))  # "a required_providers block"
        if re.search(rf"(?<![\w-])`{name}`\s+(?:{_SETTING_NOUNS})(?![\w-])", low):
            return "setting"  # "the `permissions` key": the notes say it is a setting
        inside = re.search(
            rf"(?<![\w-]){name}.{{0,40}}?\b(?:in|inside|within)\s+(?:its\s+|the\s+|an?\s+)?(?P<where>[a-z][\w\-]*)\s+block\b",
            low,
        )
        if inside and (is_code_identifier(words[0]) or "=" in term):
            return f"{inside.group('where')} setting"  # "create_before_destroy = true inside a lifecycle block"
    if words[-1].lower() in CONSTRUCT_WORDS and len(words) > 1:
        return singular(words[-1].lower())
    if command_phrase(term) == term and (programs is None or words[0].lower() in programs):
        return "command"
    if re.fullmatch(r"--?[a-z][\w\-]*(?:=\S+)?", term):
        return "flag"
    if _API_REQUEST.fullmatch(term):
        return "API"
    if is_code_identifier(words[0]) or "=" in term or re.fullmatch(r"[a-z]+(?:\.[a-z]+)+", words[0]):
        return "setting"
    if re.fullmatch(r"[a-z]{2,}(?:[A-Z][a-z0-9]+)+", term):
        return "setting"  # "backoffLimit", "maxSurge": a key in lowerCamelCase is code by its shape (not "iPhone")
    if re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+", term) and re.search(rf"`{re.escape(term)}(?:`|:\s)", said):
        # "`fail-fast`", "`timeout-minutes`", "`fail-fast: false`": a key in kebab case, written as code (not
        # "read-only").
        return "setting"
    return None
