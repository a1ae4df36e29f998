"""The words without one of which no instruction to an AI can be found, written once, as data: the
Latin-script words looked up in the set of an article's words, and the Cyrillic and Chinese stems
and phrases found with `find`, only where the text has such letters."""


def _listed(words: str, separator: str | None = None) -> tuple[str, ...]:
    """Words written as prose, a line of them at a time, rather than one to a line."""
    return tuple(word.strip() for word in words.split(separator))


# Latin-script words without one of which no rule can match: looked up in the set of the article's
# words, so an article with none of them costs one split.
ANCHORS = frozenset(
    _listed(
        """
    ignore disregard forget override bypass ignoriere ignorier ignorieren vergiss vergesst vergessen
    missachte ignorez oublie oubliez négligez ignora ignoren olvida olvide olviden note notes
    message messages instruction instructions attention memo reminder notice request ai ki ia
    automated assistant assistants chatbot chatbots bot bots model models llm llms language
    intelligence summariser summarisers summarizer summarizers summarisation summarization
    summarising summarizing hinweis nachricht anweisung anweisungen achtung sprachmodell assistent
    assistenten consigne consignes avis modèle modèles outils nota mensaje aviso atención asistente
    asistentes modelo modelos herramientas chatgpt gpt claude gemini copilot bard perplexity llama
    grok qwen mistral deepseek headline headlines title mention report write summarise summarize
    summary summaries brief answer output response leave omit respond describe überschrift
    schlagzeile zusammenfassung erwähne nenne erwähnen titre résumé mentionne mentionnez signale
    signalez cite citez titular título resumen menciones mencione informes incluyas incluya escribas
    redactes resumas system now bist maintenant eres
    """
    )
)

PUNCTUATION = ".,;:!?\"'“”‘’«»„()[]{}<>—–…*_/\\"

# Cyrillic and Chinese stems and phrases (some of two words), run together: found with `find`, and
# only where the text has such letters.
TRIGGERS_CYRILLIC = _listed(
    """
    игнор|забудь|не обращай|ігнор|примечание|сообщение|внимание|указание|обращение|если ты|
    примітка|повідомлення|увага|звернення|якщо ти|заголов|резюме|сводк|кратк|жертв|погибш|
    не упомина|не сообща|не указыва|в своём|в своем|в твоём|в твоем|в вашем|зведен|підсум|загибл|
    не згаду|не повідомля|не вказу|у своєму|у твоєму|у вашому|ты теперь|ти тепер|ии|ші
    """,
    "|",
)
TRIGGERS_CJK = _listed(
    """
    忽略|无视|忘记|忘掉|不要理会|致|给|对所有|对ai|对人工智能|如果你是|人工智能|标题|题目|不要|别提|别写|别报|请勿|摘要|总结|简报|只写|你现在是
    """,
    "|",
)
