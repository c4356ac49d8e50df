"""General vocabulary the reader relies on: how English notes and questions are worded.

Every list here is general English or general cloud/IT vocabulary, never words taken from one set of
notes; tests/test_vocabulary.py checks each list on its own. Word frequencies come from wordfreq's
small English list, read straight from its data file (importing wordfreq costs every cold start ~0.4 s).
"""

from __future__ import annotations

import logging
import math
import re
from functools import lru_cache

logger = logging.getLogger(__name__)

#: Words that start product names; stripped when comparing names ("Amazon Macie" is "Macie").
VENDOR_WORDS = frozenset({"aws", "amazon", "apache", "azure", "google", "microsoft", "gcp", "oracle", "ibm", "cisco"})

#: Words naming a way to reach a service rather than a service ("AWS CLI", "JDBC / ODBC", "Python SDK"):
#: general computing vocabulary. Such a name is no option among services, nor a service among them.
INTERFACE_WORDS = frozenset(
    {"cli", "sdk", "sdks", "api", "apis", "console", "shell", "terminal", "jdbc", "odbc", "driver", "drivers"}
)

#: Qualities almost every managed service claims ("integrates with AWS services", "fully managed and highly
#: available", "operational efficiency"): general cloud vocabulary. A requirement made only of these names no
#: task, so it cannot single out one service.
GENERIC_QUALITIES = frozenset(
    {
        "integrate",
        "integrates",
        "integrated",
        "integration",
        "integrations",
        "efficiency",
        "efficient",
        "operational",
        "managed",
        "fully",
        "highly",
        "available",
        "availability",
        "scalable",
        "scalability",
        "reliable",
        "reliability",
        "flexible",
        "flexibility",
        "easy",
        "easily",
        "organizational",
        "comprehensive",
        "capabilities",
        "capability",
        "features",
        "feature",
        "data",
        "information",
        "cloud",
        "various",
        "multiple",
        "other",
    }
)

#: Words that end a product name without changing what it names ("Amazon OpenSearch Service").
NAME_SUFFIXES = frozenset({"service", "services"})

#: Words that end a heading about a product without being part of its name ("Amazon EMR Infrastructure").
NAME_TAILS = frozenset(
    {
        "overview",
        "infrastructure",
        "architecture",
        "ecosystem",
        "internals",
        "setup",
        "configuration",
        "integration",
        "basics",
        "fundamentals",
        "introduction",
        "summary",
        "essentials",
        "deep-dive",
        "primer",
        "recap",
        "notes",
    }
)

#: Labels that weigh up the thing they follow ("EMR Advantages", "Glue Limitations"): the points beneath are
#: about that thing.
MERIT_LABELS = frozenset(
    [
        "advantage",
        "advantages",
        "disadvantage",
        "disadvantages",
        "benefit",
        "benefits",
        "pros",
        "cons",
        "strengths",
        "weaknesses",
        "limitations",
        "drawbacks",
        "features",
        "capabilities",
        "overview",
        "summary",
    ]
)

#: Labels that structure notes rather than name a thing: "Benefit: ...", "Exam Tip: ...", "Use Case: ...".
DISCOURSE_LABELS = frozenset(
    [
        "overview",
        "summary",
        "introduction",
        "intro",
        "note",
        "notes",
        "tip",
        "tips",
        "exam",
        "hint",
        "focus",
        "example",
        "examples",
        "e.g",
        "benefit",
        "benefits",
        "advantage",
        "advantages",
        "disadvantage",
        "disadvantages",
        "pro",
        "pros",
        "con",
        "cons",
        "feature",
        "features",
        "key",
        "capability",
        "capabilities",
        "functionality",
        "function",
        "purpose",
        "use",
        "usage",
        "case",
        "cases",
        "solution",
        "solutions",
        "scenario",
        "scenarios",
        "answer",
        "question",
        "important",
        "imp",
        "warning",
        "caution",
        "caveat",
        "remember",
        "reminder",
        "recap",
        "review",
        "takeaway",
        "takeaways",
        "conclusion",
        "definition",
        "description",
        "details",
        "detail",
        "general",
        "special",
        "additional",
        "resource",
        "resources",
        "reference",
        "references",
        "see",
        "also",
        "alternative",
        "alternatives",
        "commonality",
        "difference",
        "differences",
        "similarity",
        "similarities",
        "comparison",
        "why",
        "when",
        "how",
        "what",
        "where",
        "who",
        "which",
        "result",
        "results",
        "outcome",
        "goal",
        "goals",
        "requirement",
        "requirements",
        "context",
        "background",
        "best",
        "practice",
        "practices",
        "recommendation",
        "recommendations",
        "preference",
        "limitation",
        "limitations",
        "constraint",
        "constraints",
        "consideration",
        "considerations",
        "cost",
        "costs",
        "pricing",
        "performance",
        "security",
        "step",
        "steps",
        "option",
        "options",
        "approach",
        "approaches",
        "method",
        "methods",
        "way",
        "ways",
        "type",
        "types",
        "kind",
        "kinds",
        "category",
        "categories",
        "component",
        "components",
        "part",
        "parts",
        "tool",
        "tools",
        "service",
        "services",
        "source",
        "sources",
        "target",
        "targets",
        "common",
        "other",
        "misc",
        "miscellaneous",
        "more",
        "aside",
        "tl;dr",
        "q",
        "a",
        "faq",
    ]
)

#: Plural head nouns of headings that group things ("Cluster Types", "Log Collection Methods").
CATEGORY_HEADS = frozenset(
    [
        "types",
        "kinds",
        "methods",
        "options",
        "components",
        "features",
        "capabilities",
        "sources",
        "tools",
        "services",
        "examples",
        "steps",
        "practices",
        "tips",
        "benefits",
        "advantages",
        "disadvantages",
        "considerations",
        "categories",
        "strategies",
        "approaches",
        "patterns",
        "basics",
        "fundamentals",
        "concepts",
        "terms",
        "definitions",
        "modes",
        "models",
        "levels",
        "stages",
        "phases",
        "formats",
    ]
)

#: Verbs that put the thing after them forward: "use X", "enable X", "go with X".
RECOMMEND_VERBS = (
    "use",
    "enable",
    "choose",
    "consider",
    "prefer",
    "select",
    "pick",
    "adopt",
    "leverage",
    "go with",
    "opt for",
    "turn on",
    "rely on",
    "switch to",
    "move to",
    "migrate to",
)

#: Labels that introduce the recommended thing: "Solution: Enable X", "AWS Service: X", "Best choice: X".
ANSWER_LABELS = frozenset(
    {
        "solution",
        "solutions",
        "answer",
        "service",
        "services",
        "tool",
        "tools",
        "recommendation",
        "recommended",
        "choice",
        "pick",
        "preferred",
        "best",
        "option",
        "fix",
        "remedy",
    }
)

#: Predicates that say a thing fits: "X is ideal for", "X is the best choice", "X is designed for".
FIT_WORDS = (
    "ideal",
    "best",
    "suited",
    "suitable",
    "optimal",
    "recommended",
    "preferred",
    "designed",
    "perfect",
    "great",
    "good fit",
    "go-to",
    "right choice",
    "correct choice",
    "relevant",
    "the answer",
    "the way to",
    "well suited",
    "favoured",
    "favored",
    "simplest",
    "cheapest",
    "fastest",
    "most cost-effective",
    "lowest-cost",
    "built for",
    "meant for",
    "intended for",
    "used for",
    "useful for",
    "helps",
    "excels",
    "specialises",
    "specializes",
)

#: Words that set a thing aside: "Alternatives: X", "X rather than Y", "avoid X", "mostly a distractor".
CONTRAST_WORDS = (
    "instead of",
    "rather than",
    "alternative",
    "alternatives",
    "distractor",
    "avoid",
    "not recommended",
    "not likely",
    "unlike",
    "not suited",
    "not suitable",
    "not ideal",
    "overkill",
    "overcomplicat",
    "rarely",
    "deprecated",
    "retired",
    "legacy",
    "not needed",
    "unnecessary",
)

#: Kinds of answer that name a configuration value ("which lifecycle setting", "which producer option"): an
#: identifier written in snake_case ("create_before_destroy", "max_active_runs") is one by its shape.
SETTING_WORDS = frozenset(
    [
        "setting",
        "settings",
        "option",
        "options",
        "parameter",
        "parameters",
        "argument",
        "arguments",
        "attribute",
        "attributes",
        "property",
        "properties",
        "flag",
        "flags",
        "field",
        "fields",
        "key",
        "keys",
        "variable",
        "variables",
        "config",
    ]
)

#: General IT: nouns for a construct written in code or configuration ("a data block", "a lifecycle hook",
#: "a PodDisruptionBudget resource"): the word before them names which one, so "Use a data block" puts the
#: block forward.
CONSTRUCT_WORDS = frozenset(
    {"block", "blocks", "file", "files", "directive", "directives", "hook", "hooks", "resource", "module", "command"}
    | {"script", "function", "template", "trigger", "operator", "sensor", "plugin", "policy", "rule", "annotation"}
    | {"label", "selector", "flag", "setting", "option", "parameter", "argument", "variable"}
)

#: Of CONSTRUCT_WORDS, those whose kinds are named by the word before them ("a data block", "a pre-start hook",
#: "a sql sensor"), so a word the notes never put there names a kind they do not cover; not "file" or "setting",
#: which any everyday word may qualify.
KIND_NAMED_CONSTRUCTS = frozenset({"block", "directive", "hook", "operator", "sensor", "plugin", "annotation"})

#: What a "which ..." question may ask for without naming a kind of thing: any candidate fits.
GENERIC_ANSWER_TYPES = frozenset(
    [
        "service",
        "services",
        "tool",
        "tools",
        "solution",
        "solutions",
        "option",
        "options",
        "approach",
        "approaches",
        "product",
        "products",
        "offering",
        "offerings",
        "technology",
        "technologies",
        "platform",
        "platforms",
        "choice",
        "choices",
        "way",
        "ways",
        "thing",
        "things",
        "one",
        "aws",
        "amazon",
        "managed",
        "fully",
        "best",
        "right",
        "correct",
        "appropriate",
        "suitable",
        "recommended",
        "combination",
        "setup",
        "method",
        "methods",
        "resource",
        "resources",
        "feature",
        "features",
        "capability",
        "capabilities",
    ]
)

#: Answer types that ask for a product or service (a proper name) rather than a feature or a term.
PRODUCT_ANSWER_TYPES = frozenset(
    {"service", "services", "product", "products", "offering", "offerings", "platform", "platforms", "tool", "tools"}
)

#: Units of measure: a question's "10 TB" or "5 Gbps" names no product.
UNITS = frozenset(
    [
        "b",
        "kb",
        "mb",
        "gb",
        "tb",
        "pb",
        "eb",
        "kib",
        "mib",
        "gib",
        "tib",
        "bps",
        "kbps",
        "mbps",
        "gbps",
        "tbps",
        "ms",
        "s",
        "sec",
        "secs",
        "min",
        "mins",
        "h",
        "hr",
        "hrs",
        "ms",
        "us",
        "ns",
        "hz",
        "khz",
        "mhz",
        "ghz",
        "kw",
        "mw",
        "iops",
        "rps",
        "rpm",
        "qps",
        "tps",
        "usd",
        "eur",
        "gbp",
        "cpu",
        "cpus",
        "vcpu",
        "vcpus",
        "ram",
    ]
)

#: English words that state an amount without digits: a line holding one can answer "how many",
#: "how long" or "how much" ("retained indefinitely", "a single Availability Zone", "free"). Not "one" or
#: "once": mostly pronoun and conjunction ("if one key gets more traffic", "once it starts").
AMOUNT_WORDS = frozenset(
    [
        "zero",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "fifteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "million",
        "millions",
        "billion",
        "billions",
        "dozen",
        "dozens",
        "single",
        "double",
        "triple",
        "twice",
        "half",
        "quarter",
        "indefinitely",
        "forever",
        "unlimited",
        "infinite",
        "free",
        "none",
    ]
)

#: Words that state a price without digits: "free of charge" ("Retrieval fee: None" is read beside its word of paying).
MONEY_WORDS = frozenset({"free", "dollar", "dollars", "cents", "euro", "euros"})

#: Units of time in words: "Minutes to hours" answers "how long" as a line with digits does.
TIME_WORDS = frozenset(
    [
        "millisecond",
        "milliseconds",
        "microsecond",
        "microseconds",
        "second",
        "seconds",
        "minute",
        "minutes",
        "hour",
        "hours",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "daily",
        "hourly",
        "weekly",
        "monthly",
        "yearly",
        "annually",
    ]
)


def states_amount(text: str, amount: str | None) -> bool:
    """Whether a text gives a figure of the kind asked for: digits or an amount in words ("indefinitely", "a
    single AZ"); for a duration, units of time in words too ("Minutes to hours"); for a cost, money
    ("$0.023 per GB", "free"), not any number ("hundreds of terabytes" says nothing of what it costs)."""
    lowered = text.lower()
    found = set(re.findall(r"[a-z]+", lowered))
    if amount == "money":
        return bool(
            re.search(r"[$€£]\s?\d|\d\s?(?:usd|eur|gbp|dollars?|cents?|euros?)\b", lowered)
            or found & MONEY_WORDS
            # "costs nothing", "no charge": nothing is a price only beside a word of paying ("nothing may store it"
            # is not one).
            or re.search(
                r"\b(?:costs?|charges?|charged|pay|pays|paid|fees?|price)\W+(?:\w+\W+){0,2}?(?:nothing|none)\b"
                r"|\bno (?:charge|cost|fee)s?\b",
                lowered,
            )
        )
    if re.search(r"(?<![A-Za-z])\d", text):  # "250", "24 hours"; not the 3 of "S3" or the 2 of "EC2"
        return True
    return bool(found & AMOUNT_WORDS or (amount == "duration" and found & TIME_WORDS))


#: Kinds of software too broad to tell two things apart: a "framework", an "engine" and a "tool" can all
#: answer one exam question ("open-source framework" Hadoop beside "query engine" Presto).
SOFTWARE_KINDS = frozenset(
    {"framework", "engine", "application", "app", "system", "software", "library", "program", "suite", "database"}
)

#: General IT English: the labels of a runbook's lines ("Symptom:", "Likely cause:", "Fix:", "Check:"): they
#: structure an incident; they name nothing.
RUNBOOK_LABELS = frozenset(
    {"symptom", "symptoms", "cause", "causes", "likely", "root", "check", "checks", "fix", "fixes", "diagnosis"}
    | {"resolution", "workaround", "incident", "impact"}
)

#: Chat shorthand learners type for everyday words ("which role shud i use", "pls explain"), read as the word.
CHAT_SHORTHAND: dict[str, str] = {
    "shud": "should",
    "shld": "should",
    "cud": "could",
    "wud": "would",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "wat": "what",
    "wht": "what",
    "hw": "how",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "thx": "thanks",
    "btwn": "between",
    "diff": "difference",
}

#: Words that ask for an explanation and say nothing of what is explained ("what does X mean", "the purpose of X").
EXPLAINING_WORDS = frozenset(
    {
        "explain",
        "describe",
        "tell",
        "mean",
        "means",
        "meaning",
        "purpose",
        "define",
        "definition",
        "overview",
        "summary",
        "role",
        "about",
        "do",
        "does",
        "work",
        "works",
        "for",
    }
)

#: A runbook's answer labels ("Fix:", "Workaround:"): a long answer after one is an instruction; "Service Choice:
#: Select ... ranging from simple (X) to advanced (Y)" is advice, and puts nothing forward by its first name.
FIX_LABELS = frozenset({"fix", "fixes", "resolution", "workaround", "remedy"})

#: A runbook's labels for what is seen ("Symptom:", "Problem:"): the situation its fix is for.
SYMPTOM_LABELS = frozenset({"symptom", "symptoms", "problem", "issue", "error"})

#: General English: verbs that run a program's command ("run terraform init -upgrade", "execute kubectl rollout
#: undo"); not "use" ("use parquet files" names no command).
RUN_VERBS = frozenset({"run", "runs", "execute", "executes", "invoke", "invokes"})

#: General English: words before a command a question names ("using terraform test", "via kubectl debug").
COMMAND_LEADS = RUN_VERBS | frozenset({"running", "use", "using", "with", "via", "call"})

#: General English: nouns that say only that a term is some thing ("An object that holds settings", "a unit of
#: work", "data kept apart"): a definition opening with one tells nothing of its kind against another's.
VAGUE_KINDS = frozenset(
    {"object", "objects", "unit", "units", "data", "item", "items", "entity", "element", "thing", "piece", "part"}
    | {"kind", "type", "way", "means", "place", "set", "collection", "record", "value", "values"}
)

#: General English: adverbs of time, frequency and degree that are not -ly words ("the backend ever sees", "nginx
#: always sees", "run nginx -t first"): never a command's subcommand or a flag's value.
PLAIN_ADVERBS = frozenset(
    {"ever", "never", "always", "first", "again", "still", "already", "often", "sometimes", "later", "next"}
    | {"last", "instead", "even", "soon", "yet", "anyway", "together", "twice", "once", "alone", "too", "also"}
    | {"quite", "rather", "almost", "enough", "here", "there", "now", "then", "just", "only", "anymore", "afterwards"}
)

#: Headings of a list of ways to do something ("Log Collection Methods", "Steps", "Options"): a how-to answers
#: with the whole list.
WAYS_WORDS = frozenset(
    {"methods", "method", "ways", "steps", "options", "approaches", "techniques", "strategies", "procedure", "how"}
)

#: General English: adverbs that may open advice ("Always use ...", "you should usually use ...") or describe
#: what a subject does ("Scheduled runs always use ..."), and the words before them that make them advice.
ADVICE_ADVERBS = frozenset(
    {"always", "also", "just", "simply", "instead", "rather", "generally", "usually", "typically", "often"}
)
ADVISING_WORDS = frozenset({"you", "we", "i", "should", "must", "can", "could", "would", "will", "then", "to"})

#: General IT English: words learners clip in chat ("on-prem", "prod db", "the repo"), each with the word it
#: stands for. Only clippings with one common reading in IT writing ("docs" may be documents or
#: documentation, "min" minutes or minimum, "temp" temporary or temperature: left out).
CLIPPED_WORDS: dict[str, str] = {
    "prem": "premises",
    "prod": "production",
    "env": "environment",
    "envs": "environments",
    "repo": "repository",
    "repos": "repositories",
    "config": "configuration",
    "configs": "configurations",
    "cfg": "configuration",
    "db": "database",
    "dbs": "databases",
    "dir": "directory",
    "dirs": "directories",
    "info": "information",
    "auth": "authentication",
    "admin": "administrator",
    "admins": "administrators",
    "app": "application",
    "apps": "applications",
    "stats": "statistics",
    "perf": "performance",
    "msg": "message",
    "msgs": "messages",
    "dev": "development",
    "devs": "developers",
    "dep": "dependency",
    "deps": "dependencies",
    "pkg": "package",
    "pkgs": "packages",
    "lib": "library",
    "libs": "libraries",
    "cert": "certificate",
    "certs": "certificates",
    "creds": "credentials",
    "infra": "infrastructure",
    "req": "request",
    "reqs": "requests",
    "resp": "response",
    "secs": "seconds",
    "mins": "minutes",
    "hr": "hour",
    "hrs": "hours",
    "num": "number",
    "var": "variable",
    "vars": "variables",
    "param": "parameter",
    "params": "parameters",
    "arg": "argument",
    "args": "arguments",
    "mgmt": "management",
    "svc": "service",
    "svcs": "services",
    "addr": "address",
    "perm": "permission",
    "perms": "permissions",
}

#: General English: the words that open a noun phrase naming one thing of a kind ("a Flask app", "our Redis
#: cache"), so the name after them says which one, and the noun after the name what kind.
DETERMINERS = frozenset({"a", "an", "the", "our", "my", "your", "their", "his", "her", "its", "this", "that", "each"})

#: Headings of a list of terms of any kind ("Glossary", "Key terms", "Definitions").
GLOSSARY_WORDS = frozenset({"glossary", "glossaries", "terms", "terminology", "definitions", "vocabulary", "lexicon"})

#: Who a scenario is about: people and organisations ("A data engineer ...", "Our analytics team ...").
ACTOR_NOUNS = frozenset(
    {
        "administrator",
        "admin",
        "analyst",
        "architect",
        "business",
        "client",
        "company",
        "consultant",
        "customer",
        "department",
        "developer",
        "engineer",
        "enterprise",
        "firm",
        "group",
        "manager",
        "operator",
        "organisation",
        "organization",
        "owner",
        "person",
        "retailer",
        "scientist",
        "startup",
        "student",
        "team",
        "user",
        "vendor",
    }
)


#: English conjunctions and subordinators: a clause after one of them ("when we're", "so we'd") belongs to the
#: sentence before it; after any other word a subject pronoun with its verb starts a sentence of its own.
CLAUSE_JOINERS = frozenset(
    [
        "after",
        "also",
        "although",
        "and",
        "as",
        "because",
        "before",
        "but",
        "cause",
        "cuz",
        "except",
        "if",
        "lest",
        "now",
        "once",
        "or",
        "since",
        "so",
        "than",
        "that",
        "then",
        "though",
        "till",
        "unless",
        "until",
        "what",
        "whatever",
        "when",
        "whenever",
        "where",
        "whereas",
        "wherever",
        "whether",
        "which",
        "while",
        "who",
        "why",
        "how",
        "yet",
    ]
)

#: English modal verbs: one needs the verb it governs after it, so a phrase does not end on one ("how long a
#: job may" is a clause cut short).
MODAL_VERBS = frozenset(["can", "could", "may", "might", "must", "shall", "should", "will", "would"])


#: English function words and question scaffolding: no topic in them.
FUNCTION_WORDS = frozenset(
    [
        # Quantifiers open a noun phrase as articles do ("Every shelf has ...", "Several nodes ..."): never a name.
        "every",
        "several",
        "many",
        "neither",
        "another",
        "much",
        "less",
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "cannot",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "either",
        "else",
        "etc",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "me",
        "might",
        "more",
        "most",
        "must",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "via",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
    ]
)

#: Words a question uses to ask rather than to describe ("Which service should we use?").
QUESTION_WORDS = frozenset(
    [
        "which",
        "what",
        "who",
        "how",
        "why",
        "when",
        "where",
        "whats",
        "should",
        "would",
        "could",
        "can",
        "must",
        "need",
        "needs",
        "needed",
        "want",
        "wants",
        "wanted",
        "use",
        "uses",
        "used",
        "using",
        "best",
        "way",
        "ways",
        "one",
        "ones",
        "something",
        "thing",
        "things",
        "team",
        "company",
        "teams",
        "companies",
        "we",
        "our",
        "us",
        "organization",
        "organisation",
        "organizations",
        "i",
        "my",
        "me",
        "you",
        "your",
        "please",
        "help",
        "recommend",
        "recommended",
        "recommendation",
        "suggest",
        "suggestion",
        "option",
        "options",
        "choose",
        "choice",
        "pick",
        "select",
        "fits",
        "fit",
        "suits",
        "suit",
        "right",
        "correct",
    ]
)


@lru_cache(maxsize=65536)
def english_frequency(word: str) -> float:
    """Zipf frequency of a word in wordfreq's small English list (rare and unknown words read 0)."""
    table = small_english_table() if word.isascii() else None
    if table is not None:
        if re.search(r"\d", word):
            return 0.0  # "s3", "2018": codes and numbers, never everyday English words here
        parts = [p for p in re.split(r"[-/]", word) if p]
        if parts and all(p.isalpha() and p.islower() for p in parts):
            if len(parts) == 1:
                return table.get(parts[0], 0.0)
            # A compound ("real-time") is as rare as wordfreq makes it: 1/f = 1/f1 + 1/f2 + ...
            zipfs = [table.get(p, 0.0) for p in parts]
            if not all(zipfs):
                return 0.0
            return round(math.log10(1.0 / sum(10 ** (9 - z) for z in zipfs)) + 9, 2)
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en", wordlist="small"))


def _wordfreq_buckets(size: str) -> list[list[str]] | None:
    """wordfreq's English word list ("small" or "large") read from its data file, in wordfreq's documented
    "cBpack" format: a header, then lists of words; the list at index i holds the words of frequency
    10**(-i/100). None (logged once with the cause) when the file cannot be read or has another shape."""
    import gzip
    import importlib.util
    from pathlib import Path

    import msgpack

    try:
        spec = importlib.util.find_spec("wordfreq")
        if spec is None or not spec.submodule_search_locations:
            raise FileNotFoundError("wordfreq is not installed")
        path = Path(spec.submodule_search_locations[0]) / "data" / f"{size}_en.msgpack.gz"
        with gzip.open(path, "rb") as handle:
            data = msgpack.unpackb(handle.read(), raw=False)
    except Exception as error:  # any failure: the callers fall back (wordfreq itself, or no rare forms)
        logger.warning("could not read wordfreq's %s English list (%s)", size, error)
        return None
    header = data[0] if data else {}
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        logger.warning("wordfreq's %s English list has an unexpected header", size)
        return None
    return data[1:]


def _zipf(index: int) -> float:
    """The Zipf frequency of a cBpack bucket: log10(frequency * 1e9), frequency 10**(-index/100)."""
    return round(9 - index / 100, 2)


@lru_cache(maxsize=1)
def small_english_table() -> dict[str, float] | None:
    """wordfreq's small English list as a table; for plain lower-case words this is what `zipf_frequency`
    returns. None when the file cannot be read (then wordfreq itself is used: slower, same numbers)."""
    buckets = _wordfreq_buckets("small")
    if buckets is None:
        return None
    return {word: _zipf(index) for index, words in enumerate(buckets) for word in words}


@lru_cache(maxsize=1)
def large_english_table() -> dict[str, float]:
    """wordfreq's large English list as a table (read once, ~0.25 s; practice wording only, never on the
    question path). Empty when the file cannot be read: rarer forms then read as unknown."""
    buckets = _wordfreq_buckets("large") or []
    return {word: _zipf(index) for index, words in enumerate(buckets) for word in words}


def rare_english_frequencies(words: set[str]) -> dict[str, float]:
    """Zipf frequencies in wordfreq's large English list for a few words the small list lacks, found in
    one pass over its data file (building the whole table would cost every start ~0.3 s), or from the
    table when practice has built it already."""
    if not words:
        return {}
    if large_english_table.cache_info().currsize:
        table = large_english_table()
        return {word: table[word] for word in words if word in table}
    found: dict[str, float] = {}
    for index, bucket in enumerate(_wordfreq_buckets("large") or []):
        for word in words.intersection(bucket):
            found[word] = _zipf(index)
    return found


#: At or above this Zipf frequency a word is everyday English ("glue" is 3.8, "support" 5.5).
COMMON_ZIPF = 4.0


#: Languages learners commonly write in with the Latin script; wordfreq's small lists for them load in ~0.1 s.
OTHER_LATIN_LANGUAGES = ("de", "fr", "es", "pt", "it", "nl")


def looks_like_another_language(text: str) -> bool:
    """Whether a question seems written in a language other than English: mostly letters of another script,
    or, of its words, two or more (and a third or more) that another common language has and English does not
    ("funktioniert", "qué", "données"), one of them an everyday word of it. Technical English ("idempotent
    upserts") and names ("kafka msk") are no other language's everyday words."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    if sum(1 for ch in letters if ord(ch) > 0x24F) > len(letters) / 2:
        return True  # Cyrillic, Greek, CJK, Arabic ... (0x24F ends the Latin blocks)
    import wordfreq

    found = [w.lower() for w in re.findall(r"[^\W\d_]{2,}", text)]
    if len(found) < 3 or any(w in QUESTION_WORDS for w in found) or sum(w in FUNCTION_WORDS for w in found) >= 2:
        return False  # "Which MSK config ...": English asks with English words, whatever its names
    not_english = [w for w in found if english_frequency(w) == 0.0 and w not in FUNCTION_WORDS]
    for language in OTHER_LATIN_LANGUAGES:
        theirs = sum(1 for w in not_english if wordfreq.zipf_frequency(w, language, wordlist="small") > 0)
        # ... and one of that language's everyday words ("wie", "para", "les"): names ("kafka") are no sign.
        everyday = any(
            wordfreq.zipf_frequency(w, language, wordlist="small") >= 5.0 and english_frequency(w) < 4.0 for w in found
        )
        if theirs >= 2 and theirs >= len(found) / 3 and everyday:
            return True
    return False
