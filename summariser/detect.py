"""Deterministic detectors over the article: what the brief should contain, and what must not reach
the model.

They need no model and run in milliseconds, so every brief is checked against them: quoted passages
of six words or more, casualty figures, and passages that address instructions to an AI. Every
finding carries its span in the source as read.
"""

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from summariser import normalise
from summariser.brief import Span

QUOTE_MIN_WORDS = 6
_OPENING = "“„‟«"
_CLOSING = "”»"
_QUOTE_CHARS = re.compile(r'[\n"“”„‟«»]')

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundred|a hundred|dozens|a dozen|scores|hundreds|thousands|tens of thousands|millions"
)
_HEDGES = (
    r"(?:about|around|at least|more than|over|nearly|almost|some|up to|as many as|roughly|an estimated|"
    r"approximately|fewer than|less than)"
)
_FIGURE = (
    rf"(?:{_HEDGES}\s+)?(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?|"
    rf"\b(?:{_NUMBER_WORDS})\b)"
)
_HARM = (
    r"killed|dead|died|deaths?|wounded|injured|hurt|missing|displaced|detained|arrested|casualties|"
    r"fled|evacuated|lost their lives|death toll|toll|bodies|victims|fatalities|homeless|from their homes"
)
_LINKS = (
    r"(?:to|at|of|has|had|have|is|was|were|now|rose|risen|climbed|reached|stood|stands|by|passed|topped|"
    r"exceeded|surpassed|grown|grew|including|included)"
)
_HARM_WORD = re.compile(rf"\b(?:{_HARM})\b", re.IGNORECASE)
# a figure, then at most six words, then the word for harm ("about 200 dead", "thousands
# of people have been killed"); or the word for harm, linking words, then the figure ("the toll rose
# to 35")
_FIGURE_BEFORE = re.compile(rf"(?P<f>{_FIGURE})(?:\W+\w+){{0,6}}?\W+$", re.IGNORECASE)
_FIGURE_AFTER = re.compile(rf"\W+(?:{_LINKS}\W+){{0,4}}?(?P<f>{_FIGURE})", re.IGNORECASE)
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
# French and Russian set out a figure and its harm word as English does, and Russian also puts the
# harm first ("погибли 12 человек"); Chinese runs the figure, its measure word and the harm together
# ("至少12人死亡"), with no word breaks for `\W` to find.
_DIGITS = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+"
_FIGURE_FR = (
    r"(?:(?:environ|au moins|plus de|près de|quelque|jusqu['’]à|pas moins de)\s+)?"
    rf"(?:(?:{_DIGITS})(?:\s+(?:mille|millions?))?|\b(?:des|plusieurs)\s+(?:dizaines|centaines|milliers)\b)"
)
_HARM_FR = (
    r"\b(?:morts|tu[ée]e?s?|bless[ée]e?s?|disparue?s|d[ée]plac[ée]e?s|victimes|d[ée]c[èe]s|"
    r"d[ée]c[ée]d[ée]e?s|[ée]vacu[ée]e?s|sans-abri)\b"
)
_FIGURE_RU = (
    r"(?:(?:около|не\s+менее|не\s+меньше|более|свыше|почти|по\s+меньшей\s+мере|по\s+крайней\s+мере|"
    r"примерно|порядка)\s+)?"
    rf"(?:(?:{_DIGITS})(?:\s+(?:тысяч[аи]?|миллион\w*))?|\b(?:десятки|сотни|тысячи|десятков|сотен|тысяч)\b)"
)
_HARM_RU = (
    r"\b(?:погиб\w*|убит(?:ы|а|о|ых|ыми)?|ранен\w*|пострадал\w*|пострадавш\w*|пропал\w*\s+без\s+вести|"
    r"жертв\w*|умер\w*|скончал\w*|эвакуирован\w*)\b"
)
_RU_LINKS = r"(?:возросло|выросло|достигло|составило|составляет|превысило|увеличилось|до)"
_FIGURE_ZH = r"(?:大约|约|至少|超过|逾|将近|近|多达|不少于)?(?:\d+(?:[,，]\d{3})*|数[十百千万]+)"
_HARM_ZH = r"死亡|遇难|丧生|罹难|受伤|失踪|伤亡"
# (harm word, figure before it, figure after it), one rule a language
_CASUALTY_RULES: list[tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str] | None]] = [
    (_HARM_WORD, _FIGURE_BEFORE, _FIGURE_AFTER),
    (
        re.compile(_HARM_FR, re.IGNORECASE),
        re.compile(rf"(?P<f>{_FIGURE_FR})(?:\W+\w+){{0,4}}?\W+$", re.IGNORECASE),
        None,
    ),
    (
        re.compile(_HARM_RU, re.IGNORECASE),
        re.compile(rf"(?P<f>{_FIGURE_RU})(?:\W+\w+){{0,4}}?\W+$", re.IGNORECASE),
        re.compile(rf"\W+(?:{_RU_LINKS}\W+){{0,3}}?(?P<f>{_FIGURE_RU})", re.IGNORECASE),
    ),
    (
        re.compile(_HARM_ZH),
        re.compile(rf"(?P<f>{_FIGURE_ZH})[多余]?[名人位]?[^\d\s。！？，,、；;]{{0,4}}?$"),
        re.compile(rf"人数(?:已经?)?(?:升至|上升至|增至|增加到|达到?|为)(?P<f>{_FIGURE_ZH})"),
    ),
]

# An instruction to an AI, in seven languages, is judged sentence by sentence on text folded by
# `summariser.normalise`. Orders reported in the news use the same verbs ("residents were told to
# ignore the previous instructions"), so a verb counts only where it gives the order itself: at the
# head of a clause, after "please", or in a form that can only be an imperative.
_OVERRIDE_PATTERN = re.compile(
    r"\b(?P<verb>ignore|disregard|forget|override|bypass|(?:ignorieren|vergessen|missachten)\s+sie|ignoriere|"
    r"ignorier|ignorieren|vergiss|vergesst|"
    r"missachte|ignorez|oublie|oubliez|négligez|ignora|ignoren|olvida|olvide|olviden|игнорируй(?:те)?|"
    r"забудь(?:те)?|не\s+обращай(?:те)?\s+внимания\s+на|ігноруй(?:те)?)\s+(?:\S+\s+){0,3}?"
    r"(?:instructions?|prompts?|rules|guidelines|directions|directives|guidance|programming|anweisung\w*|"
    r"instruktion\w*|regeln|vorgaben|befehle|consignes?|règles|directives|instrucciones|indicaciones|reglas|"
    r"órdenes|directrices|инструкци\w*|указани\w*|правил\w*|команд\w*|інструкці\w*|вказівк\w*)\b"
    r"|(?P<verb_zh>忽略|无视|忘记|忘掉|不要理会)[^。！？]{0,12}?(?:指令|指示|说明|规则|提示)"
    r"|\b(?:anweisung|instruktion|regel|vorgabe)\w*\s+(?:\S+\s+){0,3}?(?P<zu>zu\s+)?(?P<infinitive>ignorieren|vergessen)\b",
    re.IGNORECASE,
)
_IMPERATIVE_ONLY = re.compile(
    r"ignoriere|vergiss|vergesst|(?:ignorieren|vergessen|missachten)\s+sie|ignorez|oubliez|игнорируй|забудь|не\s+обращай|ігноруй",
    re.I,
)
_OPENER = re.compile(
    r"(?:^|[:;,(\[—–\"“«„‘'\-：；，]|\b(?:please|kindly|now|simply|just|also|and|then|first|instead|bitte|"
    r"por\s+favor|пожалуйста|будь\s+ласка|you\s+(?:must|should|will|need\s+to|have\s+to|are\s+to|shall)|"
    r"(?:want|ask|need)\s+you\s+to)|请|你)\s*$",
    re.IGNORECASE,
)
Rule = tuple[tuple[str, ...], re.Pattern[str]]


def _rule(gate: tuple[str, ...], pattern: str) -> Rule:
    """A pattern run only on a sentence that holds one of the `gate` words (lowered): one long
    pattern of many branches costs a tenth of a millisecond a sentence, and articles about AI or
    orders bring hundreds of sentences to judge."""
    return gate, re.compile(pattern, re.IGNORECASE)


_AI = (
    r"(?:AI|A\.I\.|artificial\s+intelligence|automated|assistants?|chatbots?|bots?|language\s+models?|LLMs?|"
    r"summari[sz](?:ers?|ation|ing)|models?)"
)
_ADDRESS = [
    _rule(
        ("note", "message", "instruction", "attention", "memo", "reminder", "notice", "request"),
        rf"\b(?:note|message|instructions?|attention|memo|reminder|notice|request)\s+(?:to|for)\s+"
        rf"(?:any\s+|all\s+|the\s+)?{_AI}\b",
    ),
    _rule(("if you are",), rf"\bif\s+you\s+are\s+(?:an?\s+)?{_AI}\b"),
    _rule(
        ("reading th", "summarising th", "summarizing th", "processing th", "parsing th"),
        rf"\b{_AI}\s+(?:tools?|systems?|readers?|agents?)?\s*(?:reading|summari[sz]ing|processing|parsing)\s+"
        r"(?:this|the)\b",
    ),
    _rule(
        (" must", " should", " are to", " need to", " shall"),
        rf"\b(?:all|any|every)\s+{_AI}\s+(?:must|should|are\s+to|need\s+to|shall)\b",
    ),
    _rule(
        ("dear", "hey", "hi ", "hello", "attention"),
        r"(?:^|[\[(:;])\s*(?:dear|hey|hi|hello|attention)\s+(?:ChatGPT|GPT-?\d*|Claude|Gemini|Copilot|Bard|"
        r"Perplexity|Llama|Grok|Qwen|Mistral|DeepSeek|assistants?|AI|chatbots?|summari[sz]ers?)\b",
    ),
    _rule(
        ("hinweis", "nachricht", "anweisung", "achtung", "wenn du"),
        r"\b(?:hinweis|nachricht|anweisung|achtung)\s+(?:an|für)\s+(?:alle\s+|die\s+)?(?:KI|künstlich|"
        r"assistent|sprachmodell|chatbot|automatisch)|\bwenn\s+du\s+(?:eine?\s+)?(?:KI|sprachmodell|assistent)",
    ),
    _rule(
        ("note", "message", "consigne", "avis", "attention", "si tu es", "si vous"),
        r"\b(?:note|message|consigne|avis|attention)\s+(?:aux?|à|pour)\s+(?:l'attention\s+des?\s+)?(?:les\s+|l')?"
        r"(?:IA|intelligences?\s+artificielles?|assistants?|modèles?\s+de\s+langage|outils?|chatbots?)"
        r"|\bsi\s+(?:tu\s+es|vous\s+êtes)\s+une?\s+(?:IA|assistant|modèle)",
    ),
    _rule(
        ("nota", "mensaje", "aviso", "atención", "si eres", "si usted"),
        r"\b(?:nota|mensaje|aviso|atención)\s+(?:para|a)\s+(?:los\s+|las\s+|la\s+|el\s+)?(?:IA|inteligencias?\s+"
        r"artificial|asistentes?|modelos?\s+de\s+lenguaje|herramientas?|chatbots?)"
        r"|\bsi\s+(?:eres|usted\s+es)\s+una?\s+(?:IA|asistente|modelo)",
    ),
    _rule(
        ("примечание", "сообщение", "внимание", "указание", "обращение", "если ты"),
        r"(?:примечание|сообщение|внимание|указание|обращение)\s+(?:для|к)\s+(?:всех\s+)?(?:ИИ|искусственн|"
        r"ассистент|нейросет|языков|чат-?бот)|если\s+ты\s+(?:ИИ|нейросеть|ассистент|языковая)",
    ),
    _rule(
        ("примітка", "повідомлення", "увага", "звернення", "якщо ти"),
        r"(?:примітка|повідомлення|увага|звернення)\s+(?:для|до)\s+(?:всіх\s+)?(?:ШІ|штучн|асистент|нейромереж|"
        r"мовн|чат-?бот)|якщо\s+ти\s+(?:ШІ|асистент|нейромереж)",
    ),
    _rule(
        ("致", "给", "对", "如果你是"),
        r"(?:致|给|对)(?:所有)?(?:AI|人工智能|智能助手|语言模型|聊天机器人|自动摘要工具)|如果你是(?:AI|人工智能|语言模型|助手)",
    ),
]
# an assistant called by name at the head of a clause, then told what to do
_VOCATIVE = re.compile(
    r"(?:^|[\[(:;])\s*(?:(?:dear|hey|hi|hello|attention)\s+)?(?:ChatGPT|GPT-?\d*|Claude|Gemini|Copilot|Bard|"
    r"Perplexity|Llama|Grok|Qwen|Mistral|DeepSeek|assistants?|AI|chatbots?|summari[sz]ers?|bots?|models?)"
    r"\s*[,:]\s*(?:please\s+)?(?:you|ignore|disregard|forget|write|say|set|report|state|describe|omit|leave|"
    r"do\s+not|don't|never|always|only|summari[sz]e|tell|output|respond|make|change|replace|remove|include|"
    r"exclude|treat|stop|call|refer|mention|when)\b"
    r"|(?:^|[\[(])\s*(?:AI|人工智能)(?:助手|模型)?\s*[：:，,]",
    re.IGNORECASE,
)
# what the brief should say or leave out; an order only when imperative or addressed to "you"
_YOUR = ("summary", "brief", "headline", "answer", "output", "response")
_CONTROL = [
    _rule(("headline", "title"), r"\b(?:set|change|make|replace)\s+the\s+(?:headline|title)\b"),
    _rule(
        ("no casualt", "no death", "no dead", "no victim", "no one"),
        r"\b(?:report|say|state|write|claim)\s+(?:that\s+)?(?:there\s+(?:were|was|are)\s+)?no\s+"
        r"(?:casualt|deaths?|dead|victims?|one\s+(?:was|died))",
    ),
    _rule(
        (
            "not mention",
            "n't mention",
            "never mention",
            "not report",
            "n't report",
            "never report",
            "not say",
        ),
        r"\b(?:do\s+not|don't|never)\s+(?:mention|report|include|say)\b",
    ),
    _rule(
        ("when you",),
        r"\bwhen\s+you\s+(?:write|summari[sz]e|produce|generate|draft|create)\s+(?:the|this|your|a)\s+"
        r"(?:brief|summary|article|headline|report|story|page)\b",
    ),
    _rule(
        tuple(f"{whose} {what}" for whose in ("your", "the") for what in _YOUR),
        r"\b(?:in|for)\s+(?:your|the)\s+(?:summary|brief|answer|output|response|headline)\b"
        r"|\byour\s+(?:summary|brief|headline|answer|output|response)\b"
        r"|\bthe\s+(?:summary|brief|headline)\s+(?:should|must)\s+(?:say|read|state)\b",
    ),
    _rule(
        ("leave out", "keep out", "omit", "respond only"),
        r"\b(?:leave|keep)\s+out\b|\bomit\b|\brespond\s+only\b",
    ),
    _rule(("describe",), r"\bdescribe\s+(?:the\s+|this\s+|these\s+)?\w+(?:\s+\w+)?\s+as\b"),
    _rule(
        ("überschrift", "schlagzeile", "zusammenfassung", "erwähn", "nenne"),
        r"\b(?:setze|ändere|schreibe|schreiben\s+sie)\b[^.!?]{0,40}\b(?:überschrift|schlagzeile|zusammenfassung)"
        r"|\b(?:erwähne|nenne|erwähnen\s+sie)\s+(?:keine|nicht)\b|\bin\s+(?:deiner|der)\s+zusammenfassung\b",
    ),
    _rule(
        ("titre", "résumé", "ne menti", "ne signal", "ne cit"),
        r"\b(?:écris|écrivez|mets|mettez|indique|indiquez|change|changez)\b[^.!?]{0,40}\b(?:titre|résumé)"
        r"|\bne\s+(?:mentionne|mentionnez|signale|signalez|cite|citez)\s+(?:pas|aucun)|\bdans\s+(?:ton|votre)\s+résumé\b",
    ),
    _rule(
        ("titular", "título", "resumen", "no menci", "no inform", "no incluy", "cuando"),
        r"\b(?:escribe|escriba|pon|ponga|cambia|cambie|indica|indique)\b[^.!?]{0,40}\b(?:titular|título|resumen)"
        r"|\bno\s+(?:menciones|mencione|informes|incluyas|incluya)\b|\ben\s+(?:tu|su)\s+resumen\b"
        r"|\bcuando\s+(?:escribas|redactes|resumas)\b",
    ),
    _rule(
        (
            "заголов",
            "резюме",
            "сводк",
            "кратк",
            "жертв",
            "погибш",
            "не упомина",
            "не сообща",
            "не указыва",
            "в ",
        ),
        r"(?:напиши|напишите|укажи|укажите|поставь|поставьте|измени|измените)[^.!?]{0,40}"
        r"(?:заголов|резюме|сводк|кратк|жертв|погибш)"
        r"|\bне\s+(?:упоминай|упоминайте|сообщай|сообщайте|указывай|указывайте)"
        r"|\bв\s+(?:своём|своем|твоём|твоем|вашем)\s+(?:резюме|ответе|пересказе|сводке)",
    ),
    _rule(
        (
            "заголов",
            "резюме",
            "зведен",
            "підсум",
            "жертв",
            "загибл",
            "не згаду",
            "не повідомля",
            "не вказу",
            "у ",
        ),
        r"(?:напиши|напишіть|вкажи|вкажіть|постав|зміни|змініть)[^.!?]{0,40}(?:заголов|резюме|зведен|підсум|жертв|загибл)"
        r"|\bне\s+(?:згадуй|згадуйте|повідомляй|повідомляйте|вказуй|вказуйте)"
        r"|\bу\s+(?:своєму|твоєму|вашому)\s+(?:резюме|підсумку|відповіді)",
    ),
    _rule(
        ("标题", "题目", "不要", "别", "请勿", "摘要", "总结", "简报", "只写"),
        r"(?:标题|题目)(?:改为|写成|设为|设置为|应为)|(?:不要|别|请勿)(?:提及|提到|报道|报告|写)"
        r"|在(?:你的)?(?:摘要|总结|简报)中|只写",
    ),
]
# a role handed to the model; no news sentence does this
_ROLE_PATTERN = re.compile(
    r"(?:^|\n)\s*(?:system|assistant)\s*:|\byou\s+are\s+now\b|\bfrom\s+now\s+on\s+you\b|\bnew\s+instructions?\s*:"
    r"|\bdu\s+bist\s+(?:jetzt|nun)\b|\btu\s+es\s+maintenant\b|\bahora\s+eres\b|\bты\s+теперь\b|\bти\s+тепер\b"
    r"|你现在是",
    re.IGNORECASE,
)
_SECOND_PERSON = re.compile(
    r"\b(?:you|your|yours|dein\w*|tu|vous|ton|ta|tes|votre|vos|tú|tus|usted|eres|ты|тебя|твой|твоё|твои|вы|ваш\w*|"
    r"ти|твій|твоє|твої)\b|你",
    re.IGNORECASE,
)
# a sentence that reports what someone said or ordered is news, whatever it quotes
_REPORTED = re.compile(
    r"\b(?<!you\s)(?:said|says|told|tells|according\s+to|wrote|posted|added|warned|urged|announced|read|"
    r"argued?|argues|noted|claimed|insisted|explained|stated|"
    r"sagte|sagten|erklärte|laut|a\s+déclaré|a\s+dit|selon|dijo|según|afirmó|заявил\w*|сказал\w*|сообщил\w*|"
    r"по\s+данным|заявив|сказав|повідомил\w*)\b|表示|说(?!明)|据",
    re.IGNORECASE,
)
# words without one of which no pattern above can match, in Latin script: looked up in the set of
# the article's words, so an article with none of them costs one split. Cyrillic and Chinese ones
# are stems or run together, found with `find`, and only where the text has such letters.
_ANCHORS = frozenset(
    [
        "ignore",
        "disregard",
        "forget",
        "override",
        "bypass",
        "ignoriere",
        "ignorier",
        "ignorieren",
        "vergiss",
        "vergesst",
        "vergessen",
        "missachte",
        "ignorez",
        "oublie",
        "oubliez",
        "négligez",
        "ignora",
        "ignoren",
        "olvida",
        "olvide",
        "olviden",
        "note",
        "notes",
        "message",
        "messages",
        "instruction",
        "instructions",
        "attention",
        "memo",
        "reminder",
        "notice",
        "request",
        "ai",
        "ki",
        "ia",
        "automated",
        "assistant",
        "assistants",
        "chatbot",
        "chatbots",
        "bot",
        "bots",
        "model",
        "models",
        "llm",
        "llms",
        "language",
        "intelligence",
        "summariser",
        "summarisers",
        "summarizer",
        "summarizers",
        "summarisation",
        "summarization",
        "summarising",
        "summarizing",
        "hinweis",
        "nachricht",
        "anweisung",
        "anweisungen",
        "achtung",
        "sprachmodell",
        "assistent",
        "assistenten",
        "consigne",
        "consignes",
        "avis",
        "modèle",
        "modèles",
        "outils",
        "nota",
        "mensaje",
        "aviso",
        "atención",
        "asistente",
        "asistentes",
        "modelo",
        "modelos",
        "herramientas",
        "chatgpt",
        "gpt",
        "claude",
        "gemini",
        "copilot",
        "bard",
        "perplexity",
        "llama",
        "grok",
        "qwen",
        "mistral",
        "deepseek",
        "headline",
        "headlines",
        "title",
        "mention",
        "report",
        "write",
        "summarise",
        "summarize",
        "summary",
        "summaries",
        "brief",
        "answer",
        "output",
        "response",
        "leave",
        "omit",
        "respond",
        "describe",
        "überschrift",
        "schlagzeile",
        "zusammenfassung",
        "erwähne",
        "nenne",
        "erwähnen",
        "titre",
        "résumé",
        "mentionne",
        "mentionnez",
        "signale",
        "signalez",
        "cite",
        "citez",
        "titular",
        "título",
        "resumen",
        "menciones",
        "mencione",
        "informes",
        "incluyas",
        "incluya",
        "escribas",
        "redactes",
        "resumas",
        "system",
        "now",
        "bist",
        "maintenant",
        "eres",
    ]
)
_PUNCTUATION = ".,;:!?\"'“”‘’«»„()[]{}<>—–…*_/\\"
_TRIGGERS_CYRILLIC = (
    "игнор",
    "забудь",
    "не обращай",
    "ігнор",
    "примечание",
    "сообщение",
    "внимание",
    "указание",
    "обращение",
    "если ты",
    "примітка",
    "повідомлення",
    "увага",
    "звернення",
    "якщо ти",
    "заголов",
    "резюме",
    "сводк",
    "кратк",
    "жертв",
    "погибш",
    "не упомина",
    "не сообща",
    "не указыва",
    "в своём",
    "в своем",
    "в твоём",
    "в твоем",
    "в вашем",
    "зведен",
    "підсум",
    "загибл",
    "не згаду",
    "не повідомля",
    "не вказу",
    "у своєму",
    "у твоєму",
    "у вашому",
    "ты теперь",
    "ти тепер",
    "ии",
    "ші",
)
_TRIGGERS_CJK = (
    "忽略",
    "无视",
    "忘记",
    "忘掉",
    "不要理会",
    "致",
    "给",
    "对所有",
    "对ai",
    "对人工智能",
    "如果你是",
    "人工智能",
    "标题",
    "题目",
    "不要",
    "别提",
    "别写",
    "别报",
    "请勿",
    "摘要",
    "总结",
    "简报",
    "只写",
    "你现在是",
)
_OVERRIDE: list[Rule] = [
    (
        (
            *("ignor", "disregard", "forget", "overrid", "bypass", "vergiss", "vergesst", "vergessen"),
            *("missacht", "oubli", "néglig", "olvid", "игнор", "забудь", "не обращай", "ігнор", "忽略"),
            *("无视", "忘记", "忘掉", "不要理会"),
        ),
        _OVERRIDE_PATTERN,
    )
]
_ROLE: list[Rule] = [
    (
        (
            *("system:", "system :", "assistant:", "assistant :", "you are now", "from now on you"),
            *(
                "new instruction",
                "du bist",
                "tu es maintenant",
                "ahora eres",
                "ты теперь",
                "ти тепер",
                "你现在是",
            ),
        ),
        _ROLE_PATTERN,
    )
]
_CYRILLIC_OR_CJK = re.compile("[\u0400-\u052f\u3000-\u9fff]")
_TERMINATORS = ".!?。！？"
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?。！？]+[\"'”’»]?")
_CLOSING_MARKS = "\"'”’»"


@dataclass(frozen=True)
class Finding:
    kind: str  # "quote", "casualty", "injection" (withheld) or "possible_injection" (kept, shown)
    text: str
    span: Span


@dataclass
class Findings:
    quotes: list[Finding] = field(default_factory=list)
    casualties: list[Finding] = field(default_factory=list)
    injections: list[Finding] = field(default_factory=list)  # both kinds


def quoted_regions(text: str) -> list[Span]:
    """Stretches between double quotation marks; a quotation left open runs to its paragraph's end."""
    regions: list[Span] = []
    opened: int | None = None
    for m in _QUOTE_CHARS.finditer(text):
        ch, at = m.group(), m.start()
        if ch == "\n":
            if opened is not None:
                regions.append((opened, at))
            opened = None
        elif opened is None and ch not in _CLOSING:
            opened = at + 1
        elif opened is not None and ch not in _OPENING:
            regions.append((opened, at))
            opened = None
    if opened is not None:
        regions.append((opened, len(text)))
    return regions


def quotes(text: str, regions: list[Span] | None = None) -> list[Finding]:
    found = []
    for start, end in regions if regions is not None else quoted_regions(text):
        passage = text[start:end].strip()
        if len(re.findall(r"\w+", passage)) >= QUOTE_MIN_WORDS:
            offset = text.index(passage, start)
            found.append(Finding("quote", passage, (offset, offset + len(passage))))
    return found


def casualties(text: str) -> list[Finding]:
    return [figure for figure, _ in casualty_phrases(text)]


# the figures listed after one ("killed 25 militants and five civilians", "including 60 children, 15
# men and 15 women"), each with the word it counts
_LISTED = re.compile(
    rf"(?:\s+[a-z][\w-]*){{1,2}}?(?:,\s*(?:and\s+)?|\s+and\s+|\s+[-–—]\s+)(?P<f>{_FIGURE})(?=\s+[a-z])",
    re.IGNORECASE,
)
_TOLL = re.compile(
    rf"\btoll\b(?:[^.!?]|\.(?=\d)){{0,80}}?\b(?:rose|risen|climbed|reached|grown|grew|passed|topped|stood|stands|"
    rf"jumped|increased)\s+(?:to\s+|at\s+)?(?P<f>{_FIGURE})",
    re.IGNORECASE,
)


def _before(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[re.Match[str]]:
    """Every figure close enough before a harm word, hedge and all ("some 90"): "25 militants were
    among the 30 dead" counts both; none across a clause ("80 bodies …, and warned the toll")."""
    found = []
    at = start
    while (m := pattern.search(text, at, end)) is not None:
        at = m.end("f")
        if not _CLAUSE_BREAK.search(text, at, end):
            found.append(m)
    return found


_CLAUSE_BREAK = re.compile(r"[;:\n]|[.!?]\s|,\s*(?:and|but|while|as)\b")
_AGE = re.compile(r"[A-Z][\w’'-]+,\s*$")


def _age(text: str, m: re.Match[str]) -> bool:
    """A number set off after a name ("Aristide Biloa, 40, whose brother…") is an age, not a count;
    a year ("in 2014 … killed") is none either."""
    return (
        bool(_AGE.search(text, max(0, m.start("f") - 40), m.start("f")))
        and text[m.end("f") : m.end("f") + 1] == ","
    )


def _listed(text: str, at: int, harm: Span, found: dict[Span, Span]) -> dict[Span, Span]:
    """The figures listed after the one ending at `at`, each with the word after it and the harm
    word the list hangs on ("killed, including 60 children, 15 men")."""
    listed: dict[Span, Span] = {}
    for _ in range(6):
        m = _LISTED.match(text, at)
        if m is None or m.span("f") in found or _YEAR.match(m.group("f").split()[-1]):
            break
        if _HARM_WORD.match(text, m.end("f") + 1) or _HARM_WORD.search(text[m.end("f") : m.end("f") + 25]):
            break  # "… and more than 25 wounded": its own harm word says what it counts
        noun = re.match(r"\s+[a-z][\w-]*", text[m.end("f") :])
        end = m.end("f") + (noun.end() if noun else 0)
        listed[m.span("f")] = (min(harm[0], m.start("f")), max(harm[1], end))
        at = m.end("f")
    return listed


@functools.lru_cache(maxsize=4)
def casualty_phrases(text: str) -> tuple[tuple[Finding, Span], ...]:
    """Figures next to a word for harm, each with the span of the figure and that word ("about 200
    dead"), so a prompt can show why it counts without the whole sentence. The search starts from
    the (rarer) harm words; the article's anchors and its detectors both ask, so the last few
    articles' answers are kept."""
    found: dict[Span, Span] = {}
    for harm_word, figure_before, figure_after in _CASUALTY_RULES:
        for harm in harm_word.finditer(text):
            before = _before(figure_before, text, max(0, harm.start() - 80), harm.start())
            after = figure_after.match(text, harm.end(), harm.end() + 80) if figure_after else None
            for m in (*before, after):
                if m is not None and not _YEAR.match(m.group("f").split()[-1]) and not _age(text, m):
                    phrase = (min(m.start("f"), harm.start()), max(m.end("f"), harm.end()))
                    found.setdefault(m.span("f"), phrase)
                    if harm_word is _HARM_WORD:
                        found.update(_listed(text, m.end("f"), harm.span(), found))
    for toll in _TOLL.finditer(text):  # "the death toll from the quake has grown to more than 150"
        found.setdefault(toll.span("f"), toll.span())
    return tuple(
        (Finding("casualty", text[start:end], (start, end)), phrase)
        for (start, end), phrase in sorted(found.items())
    )


def injections(
    text: str, regions: list[Span] | None = None, casualty_mentions: list[Finding] | None = None
) -> list[Finding]:
    """Sentences (or HTML comments) that read as an instruction to an AI, judged on the text with its
    disguises undone. Only a confident instruction that stands as a sentence of its own is an
    `injection`, to be withheld: a sentence that also reports something (a quotation, a casualty
    figure, someone's words) is a `possible_injection`, kept for the model and shown to the editor,
    since a wrong guess must never hide a fact."""
    folded = normalise.folded(text)
    plain = folded.text
    comments = [m.span() for m in _COMMENT.finditer(plain)] if "<!--" in plain else []
    judged: dict[Span, tuple[bool, bool]] = {}
    passage = (-1, -1)
    for at in sorted(_trigger_hits(plain)):
        if passage[0] <= at < passage[1]:
            continue  # another anchor of the passage just judged
        passage = _enclosing(comments, at) or _sentence_around(plain, at)
        if passage not in judged:
            judged[passage] = _judge(plain[passage[0] : passage[1]])
    found: list[Finding] = []
    for passage, (reads, confident) in sorted(judged.items()):
        if not reads:
            continue
        start, end = folded.original(passage)
        if found and start < found[-1].span[1]:
            continue  # a comment holding a sentence already judged
        if confident and text.startswith("<!--", start):
            kind = "injection"  # no reader sees a comment: it reports nothing
        elif confident and not _reported(plain[passage[0] : passage[1]]):
            if regions is None:
                regions = quoted_regions(text)
            if casualty_mentions is None:
                casualty_mentions = casualties(text)
            held = _holds_a_report(text, (start, end), regions, casualty_mentions)
            kind = "possible_injection" if held else "injection"
        else:
            kind = "possible_injection"
        found.append(Finding(kind, text[start:end], (start, end)))
    return found


def _trigger_hits(plain: str) -> list[int]:
    """Where an anchor word stands; its sentence is then judged."""
    words = {word.strip(_PUNCTUATION).lower() for word in set(plain.split())}
    words |= {part for word in words if "-" in word for part in word.split("-")}
    anchors = sorted(words & _ANCHORS)
    stems: tuple[str, ...] = ()
    if not plain.isascii() and _CYRILLIC_OR_CJK.search(plain):
        stems = _TRIGGERS_CYRILLIC + _TRIGGERS_CJK
    if not anchors and not stems:
        return []
    lowered = plain.lower()
    hits = []
    for word in anchors:
        at = lowered.find(word)
        while at != -1:
            end = at + len(word)
            if not (at and lowered[at - 1].isalpha()) and not (end < len(lowered) and lowered[end].isalpha()):
                hits.append(at)
            at = lowered.find(word, end)
    for stem in stems:
        at = lowered.find(stem)
        while at != -1:
            hits.append(at)
            at = lowered.find(stem, at + 1)
    return hits


def _judge(sentence: str) -> tuple[bool, bool]:
    """(reads as an instruction to an AI, confidently so)."""
    lowered = sentence.lower()
    override = [m for m in _matches(_OVERRIDE, sentence, lowered) if not m.group("zu")]
    ordered = any(
        _IMPERATIVE_ONLY.match(m.group())
        or _imperative(sentence, m.start())
        or (m.group("infinitive") and "bitte" in lowered[: m.start()])  # "Bitte … ignorieren"
        for m in override
    )
    address = bool(_matches(_ADDRESS, sentence, lowered))
    control = _matches(_CONTROL, sentence, lowered)
    second = bool(control or address or override) and _SECOND_PERSON.search(sentence) is not None
    commanding = (
        ordered
        or bool(_matches(_ROLE, sentence, lowered))
        or _VOCATIVE.search(sentence) is not None
        or any(second or _imperative(sentence, m.start()) for m in control)
    )
    confident = commanding or (address and (bool(control) or second or bool(override)))
    return confident or address or (bool(override) and second), confident


def _matches(rules: list[Rule], sentence: str, lowered: str) -> list[re.Match[str]]:
    """The matches of each rule whose gate word the sentence holds."""
    return [
        m for gate, pattern in rules if any(w in lowered for w in gate) for m in pattern.finditer(sentence)
    ]


def _imperative(sentence: str, at: int) -> bool:
    """Whether the words at `at` open a clause, so that a verb there gives an order."""
    return _OPENER.search(sentence, 0, at) is not None


def _reported(sentence: str) -> bool:
    return _REPORTED.search(sentence) is not None


def _holds_a_report(text: str, span: Span, regions: list[Span], casualty_mentions: list[Finding]) -> bool:
    """Whether the passage stands in a quotation, holds a quotation of six words or more, or holds a
    casualty figure: then withholding it would hide what the article reports."""
    start, end = span
    for q_start, q_end in regions:
        if q_start <= start < q_end or q_start < end <= q_end:
            return True
        if (
            start <= q_start
            and q_end <= end
            and len(re.findall(r"\w+", text[q_start:q_end])) >= QUOTE_MIN_WORDS
        ):
            return True
    return any(start <= c.span[0] < end for c in casualty_mentions)


def _enclosing(spans: list[Span], at: int) -> Span | None:
    i = bisect_right([start for start, _ in spans], at) - 1
    return spans[i] if i >= 0 and at < spans[i][1] else None


def _sentence_around(text: str, at: int) -> Span:
    """The sentence holding `at`, cut where a run of full stops (and a closing quotation mark after
    it) ends; a line that ends mid-sentence, followed by one that starts in lower case, is the same
    sentence split across a line break."""
    line_start = text.rfind("\n", 0, at) + 1
    while line_start > 1 and _runs_on(text, line_start - 1):
        line_start = text.rfind("\n", 0, line_start - 1) + 1
    line_end = text.find("\n", at)
    while line_end != -1 and _runs_on(text, line_end):
        line_end = text.find("\n", line_end + 1)
    line_end = len(text) if line_end == -1 else line_end
    stop = max(text.rfind(t, line_start, at) for t in _TERMINATORS)
    start = line_start if stop == -1 else stop + 1 + (text[stop + 1 : stop + 2] in _CLOSING_MARKS)
    ended = _SENTENCE_END.search(text, at, line_end)
    end = line_end if ended is None else ended.end()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _runs_on(text: str, newline: int) -> bool:
    """Whether the line break at `newline` falls inside a sentence: no full stop before it, and a
    word in lower case after it."""
    before, after = text[newline - 1 : newline], text[newline + 1 : newline + 2]
    return bool(before) and before not in _TERMINATORS and after.islower()


def scan(text: str, regions: list[Span] | None = None) -> Findings:
    regions = quoted_regions(text) if regions is None else regions
    found = casualties(text)
    return Findings(
        quotes=quotes(text, regions), casualties=found, injections=injections(text, regions, found)
    )


PLACEHOLDER = "[passage withheld: it addressed instructions to an AI]"


def withhold(text: str, found: list[Finding]) -> str:
    """The article as the model sees it: each flagged passage replaced by a neutral placeholder.
    Spans are always computed on the original, so nothing downstream shifts."""
    out, at = [], 0
    for finding in found:
        start, end = finding.span
        out += [text[at:start], PLACEHOLDER]
        at = end
    out.append(text[at:])
    return "".join(out)
