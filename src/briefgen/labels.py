"""Fixed text that templates and charts print, per language (en, ru, kk).

Templates use ``labels.<name>``; a name missing from a catalogue is an error
(StrictUndefined), never an empty heading, and every catalogue has the same
names (a test holds them to it). Dataset text (quotes, facts, names) stays in
the language it was curated in.
"""

from __future__ import annotations

ENGLISH = {
    "reference": "Reference",
    "date": "Date",
    "for": "For",
    "from": "From",
    "subject": "Subject",
    "critical_date": "Critical date",
    "routine": "Routine",
    "contact_officer": "Contact officer",
    "role": "Role",
    "phone": "Phone",
    "sources": "Sources",
    "question": "Q",
    "answer": "A",
    "page_x_of_y": "Page {page} of {pages}",
    "when": "When",
    "event": "Event",
    "figure": "Figure",
    "value": "Value",
    "point": "Point",
    "source": "Source",
    "who": "Who",
    "draft": "DRAFT",
    "releasable_edition": "RELEASABLE EDITION",
    "decision": "Decision",
    "agreed": "Agreed",
    "not_agreed": "Not agreed",
    "noted": "Noted",
    "please_discuss": "Please discuss",
    "signature": "Signature",
    "paragraph_n": "paragraph {n}",
    "page_paragraph_n": "p. {page}, para. {n}",
    "para_n": "para. {n}",
    "workstreams_lead_in": "The initiative's workstreams:",
    "workstream_lead_in_one": "One of the initiative's workstreams:",
    "date_not_given": "date not given in the source",
    "more_than": "more than {n}{ablative}",
    "timeline_title": "The initiative in time",
    "timeline_alt": "Timeline of the initiative",
    "states_title": "States supporting the initiative",
    "bar_founding-states": "Founding states",
    "bar_joined-states": "States that joined",
    "contents": "Contents",
    "category": "Briefing note",
    "open_quote": "\u201c",
    "close_quote": "\u201d",
    "unofficial_translation": "unofficial translation",
    "original_wording": "Original",
    "keyword_ihl": "international-humanitarian-law",
    "inferred_year": "year inferred",
    "inferred_month_year": "inferred",
    "inferred_date": "inferred",
}

RUSSIAN = {
    "reference": "Номер",
    "date": "Дата",
    "for": "Кому",
    "from": "От кого",
    "subject": "Тема",
    "critical_date": "Срок",
    "routine": "В рабочем порядке",
    "contact_officer": "Исполнитель",
    "role": "Должность",
    "phone": "Телефон",
    "sources": "Источники",
    "question": "Вопрос",
    "answer": "Ответ",
    "page_x_of_y": "Страница {page} из {pages}",
    "when": "Когда",
    "event": "Событие",
    "figure": "Показатель",
    "value": "Значение",
    "point": "Тезис",
    "source": "Источник",
    "who": "Кто",
    "draft": "ПРОЕКТ",
    "releasable_edition": "ВЕРСИЯ ДЛЯ РАСПРОСТРАНЕНИЯ",
    "decision": "Решение",
    "agreed": "Согласовано",
    "not_agreed": "Не согласовано",
    "noted": "Принято к сведению",
    "please_discuss": "Прошу обсудить",
    "signature": "Подпись",
    "paragraph_n": "абзац {n}",
    "page_paragraph_n": "с. {page}, абз. {n}",
    "para_n": "абз. {n}",
    "workstreams_lead_in": "Направления работы инициативы:",
    "workstream_lead_in_one": "Одно из направлений работы инициативы:",
    "date_not_given": "дата в источнике не указана",
    "more_than": "более {n}{ablative}",
    "timeline_title": "Хронология инициативы",
    "timeline_alt": "Хронология инициативы",
    "states_title": "Государства, поддерживающие инициативу",
    "bar_founding-states": "Государства-основатели",
    "bar_joined-states": "Присоединившиеся государства",
    "contents": "Содержание",
    "category": "Справка",
    "open_quote": "«",
    "close_quote": "»",
    "unofficial_translation": "неофициальный перевод",
    "original_wording": "Оригинал",
    "keyword_ihl": "международное гуманитарное право",
    "inferred_year": "год предположительно",
    "inferred_month_year": "предположительно",
    "inferred_date": "предположительно",
}

KAZAKH = {
    "reference": "Нөмірі",
    "date": "Күні",
    "for": "Кімге",
    "from": "Кімнен",
    "subject": "Тақырыбы",
    "critical_date": "Мерзімі",
    "routine": "Шұғыл емес",
    "contact_officer": "Орындаушы",
    "role": "Лауазымы",
    "phone": "Телефон",
    "sources": "Дереккөздер",
    "question": "С",
    "answer": "Ж",
    "page_x_of_y": "{pages} беттің {page}-беті",
    "when": "Қашан",
    "event": "Оқиға",
    "figure": "Көрсеткіш",
    "value": "Мәні",
    "point": "Тезис",
    "source": "Дереккөз",
    "who": "Кім",
    "draft": "ЖОБА",
    "releasable_edition": "ТАРАТУҒА АРНАЛҒАН НҰСҚА",
    "decision": "Шешім",
    "agreed": "Келісілді",
    "not_agreed": "Келісілмеді",
    "noted": "Назарға алынды",
    "please_discuss": "Талқылауды сұраймын",
    "signature": "Қолы",
    "paragraph_n": "{n}-абзац",
    "page_paragraph_n": "{page}-бет, {n}-абзац",
    "para_n": "{n}-абз.",
    "workstreams_lead_in": "Бастаманың жұмыс бағыттары:",
    "workstream_lead_in_one": "Бастаманың жұмыс бағыттарының бірі:",
    "date_not_given": "дереккөзде күні көрсетілмеген",
    "more_than": "{n}{ablative} астам",
    "timeline_title": "Бастама уақыт бойынша",
    "timeline_alt": "Бастаманың хронологиясы",
    "states_title": "Бастаманы қолдайтын мемлекеттер",
    "bar_founding-states": "Құрылтайшы мемлекеттер",
    "bar_joined-states": "Қосылған мемлекеттер",
    "contents": "Мазмұны",
    "category": "Анықтама",
    "open_quote": "«",
    "close_quote": "»",
    "unofficial_translation": "ресми емес аударма",
    "original_wording": "Түпнұсқа",
    "keyword_ihl": "халықаралық гуманитарлық құқық",
    "inferred_year": "жылы болжам бойынша",
    "inferred_month_year": "болжам бойынша",
    "inferred_date": "болжам бойынша",
}

CATALOGUES = {"en": ENGLISH, "ru": RUSSIAN, "kk": KAZAKH}

# Kazakh "more than 27" is "27-ден астам": the ablative suffix follows the sound of the
# numeral's last word (жеті → -ден, тоқсан → -нан). Last word by the number's last
# non-zero digit group: units, else tens, else hundreds and beyond (жүз, мың → -ден).
KAZAKH_UNITS = {1: "-ден", 2: "-ден", 3: "-тен", 4: "-тен", 5: "-тен", 6: "-дан", 7: "-ден",
                8: "-ден", 9: "-дан"}  # fmt: skip
KAZAKH_TENS = {1: "-нан", 2: "-дан", 3: "-дан", 4: "-тан", 5: "-ден", 6: "-тан", 7: "-тен",
               8: "-нен", 9: "-нан"}  # fmt: skip


def kazakh_ablative(number: int) -> str:
    if number % 10:
        return KAZAKH_UNITS[number % 10]
    if number % 100:
        return KAZAKH_TENS[number % 100 // 10]
    return "-ден"


def more_than(number: int, language: str) -> str:
    ablative = kazakh_ablative(number) if language == "kk" else ""
    return CATALOGUES[language]["more_than"].format(n=number, ablative=ablative)


def labels_for(language: str) -> dict[str, str]:
    return CATALOGUES[language]
