"""The patterns an instruction to an AI is judged by, in seven languages, as data: each rule is a
pattern and the gate words (lowered) without one of which it cannot match, so it runs only on a
sentence that holds one. `summariser.extract.instructions` applies them."""

import re

# An instruction to an AI, in seven languages, is judged sentence by sentence on text folded by
# `summariser.extract.folding`. Orders reported in the news use the same verbs ("residents were told to
# ignore the previous instructions"), so a verb counts only where it gives the order itself: at the
# head of a clause, after "please", or in a form that can only be an imperative.
OVERRIDE_PATTERN = re.compile(
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


IMPERATIVE_ONLY = re.compile(
    r"ignoriere|vergiss|vergesst|(?:ignorieren|vergessen|missachten)\s+sie|ignorez|oubliez|игнорируй|забудь|не\s+обращай|ігноруй",
    re.I,
)


OPENER = re.compile(
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


ADDRESS = [
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
VOCATIVE = re.compile(
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


CONTROL = [
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
ROLE_PATTERN = re.compile(
    r"(?:^|\n)\s*(?:system|assistant)\s*:|\byou\s+are\s+now\b|\bfrom\s+now\s+on\s+you\b|\bnew\s+instructions?\s*:"
    r"|\bdu\s+bist\s+(?:jetzt|nun)\b|\btu\s+es\s+maintenant\b|\bahora\s+eres\b|\bты\s+теперь\b|\bти\s+тепер\b"
    r"|你现在是",
    re.IGNORECASE,
)


SECOND_PERSON = re.compile(
    r"\b(?:you|your|yours|dein\w*|tu|vous|ton|ta|tes|votre|vos|tú|tus|usted|eres|ты|тебя|твой|твоё|твои|вы|ваш\w*|"
    r"ти|твій|твоє|твої)\b|你",
    re.IGNORECASE,
)


# a sentence that reports what someone said or ordered is news, whatever it quotes
REPORTED = re.compile(
    r"\b(?<!you\s)(?:said|says|told|tells|according\s+to|wrote|posted|added|warned|urged|announced|read|"
    r"argued?|argues|noted|claimed|insisted|explained|stated|"
    r"sagte|sagten|erklärte|laut|a\s+déclaré|a\s+dit|selon|dijo|según|afirmó|заявил\w*|сказал\w*|сообщил\w*|"
    r"по\s+данным|заявив|сказав|повідомил\w*)\b|表示|说(?!明)|据",
    re.IGNORECASE,
)


OVERRIDE: list[Rule] = [
    (
        (
            *("ignor", "disregard", "forget", "overrid", "bypass", "vergiss", "vergesst", "vergessen"),
            *("missacht", "oubli", "néglig", "olvid", "игнор", "забудь", "не обращай", "ігнор", "忽略"),
            *("无视", "忘记", "忘掉", "不要理会"),
        ),
        OVERRIDE_PATTERN,
    )
]


ROLE: list[Rule] = [
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
        ROLE_PATTERN,
    )
]
