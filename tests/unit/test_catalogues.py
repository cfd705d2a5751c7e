"""The catalogues cover the code, completely, in every language the bot speaks.

The texts the code asks for are extracted here exactly as `make i18n` extracts them (the same
mapping file), and each catalogue must translate every one of them: no entry missing, empty or
fuzzy, every plural entry with all the forms its language needs (three in Russian), and each
translation keeping its message's placeholders and HTML tags. The bot reads the `.po` files
themselves: what it answers is what they say, and nothing else needs to be there.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot import i18n
from bot.i18n import DOMAIN, LOCALES_DIR
from bot.services.learners import LANGUAGES
from tests.support.i18n import catalogue_path, forms, read_catalogue

ROOT = LOCALES_DIR.parents[1]  # `make i18n` extracts from the checkout's root
PLURAL_FORMS = {"en": 2, "ru": 3}
PLACEHOLDER = re.compile(r"{(\w*)}")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def extracted_ids() -> set[str]:
    """The message id of every text the code asks for (a plural's by its singular)."""
    with (LOCALES_DIR / "babel.cfg").open() as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, "babel.cfg")  # type: ignore[no-untyped-call]
    catalog = Catalog()
    for _filename, _line, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        catalog.add(message, context=context)
    return {message_id(m) for m in catalog if m.id}


def message_id(message: Message) -> str:
    """A message's key: its singular id."""
    return forms(message.id)[0]


def problems(catalog: Catalog, expected_ids: set[str], plural_forms: int) -> list[str]:
    """Everything wrong with `catalog` as the translation of `expected_ids`, one line each."""
    found: list[str] = []
    if catalog.fuzzy:
        found.append("the header is fuzzy")
    if catalog.num_plurals != plural_forms:
        found.append(f"Plural-Forms says {catalog.num_plurals} forms, not {plural_forms}")
    ids = {message_id(m): m for m in catalog if m.id}
    found += [f"missing: {i!r}" for i in sorted(expected_ids - ids.keys())]
    found += [f"not in the code (run make i18n): {i!r}" for i in sorted(ids.keys() - expected_ids)]
    for key, message in ids.items():
        translations = forms(message.string)
        if message.fuzzy:
            found.append(f"fuzzy: {key!r}")
        if message.pluralizable:
            # Babel reads a form the file leaves out as an empty one.
            translations += [""] * (plural_forms - len(translations))
            found += [
                f"plural form {index} of {plural_forms} missing: {key!r}"
                for index, form in enumerate(translations)
                if not form
            ]
        elif not translations[0]:
            found.append(f"untranslated: {key!r}")
        sources = forms(message.id)
        placeholders = {p for s in sources for p in PLACEHOLDER.findall(s)}
        tags = sorted(TAG.findall(sources[-1]))
        for translation in filter(None, translations):
            if set(PLACEHOLDER.findall(translation)) != placeholders:
                found.append(f"placeholders differ: {translation!r} for {key!r}")
            if sorted(TAG.findall(translation)) != tags:
                found.append(f"HTML tags differ: {translation!r} for {key!r}")
    return found


@pytest.fixture(scope="module")
def code_ids() -> set[str]:
    ids = extracted_ids()
    assert len(ids) > 50, "the extraction found (almost) no texts: is the mapping right?"
    return ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_translates_every_text_of_the_code(language: str, code_ids: set[str]) -> None:
    catalog = read_catalogue(catalogue_path(language))
    assert problems(catalog, code_ids, PLURAL_FORMS[language]) == []


def test_template_is_up_to_date(code_ids: set[str]) -> None:
    template = read_catalogue(LOCALES_DIR / f"{DOMAIN}.pot")
    assert {message_id(m) for m in template if m.id} == code_ids, "run make i18n"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_bot_answers_what_its_catalogue_says(language: str) -> None:
    translations = i18n.read_translations(catalogue_path(language))
    checked = 0
    for message in read_catalogue(catalogue_path(language)):
        if not message.id:
            continue
        source, translation = forms(message.id), forms(message.string)
        if message.pluralizable:
            got = {translations.ngettext(source[0], source[1], n) for n in range(30)}
            assert got == set(translation), source[0]
        else:
            assert translations.gettext(source[0]) == translation[0], source[0]
        checked += 1
    assert checked > 50


# The checks themselves, on catalogues with one thing wrong each.
HEADER = """msgid ""
msgstr ""
"Language: ru\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && \
(n%100<10 || n%100>=20) ? 1 : 2);\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"""
GOOD = """
msgid "{n} lesson"
msgid_plural "{n} lessons"
msgstr[0] "{n} урок"
msgstr[1] "{n} урока"
msgstr[2] "{n} уроков"

msgid "<b>Hi</b>, {name}!"
msgstr "<b>Привет</b>, {name}!"
"""
IDS = {"{n} lesson", "<b>Hi</b>, {name}!"}


def russian(body: str) -> Catalog:
    return read_po(io.StringIO(HEADER + body))


def test_a_complete_catalogue_has_no_problems() -> None:
    assert problems(russian(GOOD), IDS, 3) == []


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        (GOOD.replace('msgstr[2] "{n} уроков"', ""), "plural form 2 of 3 missing: '{n} lesson'"),
        (GOOD.replace('msgstr[1] "{n} урока"', 'msgstr[1] ""'), "plural form 1 of 3 missing"),
        (GOOD.replace('"<b>Привет</b>, {name}!"', '""'), "untranslated: '<b>Hi</b>, {name}!'"),
        (GOOD.replace('\nmsgid "<b>Hi', '\n#, fuzzy\nmsgid "<b>Hi'), "fuzzy: '<b>Hi</b>, {name}!'"),
        (GOOD.split("\n\n")[0], "missing: '<b>Hi</b>, {name}!'"),
        (GOOD.replace("Привет</b>, {name}", "Привет</b>, {имя}"), "placeholders differ"),
        (GOOD.replace("<b>Привет</b>", "<b>Привет"), "HTML tags differ"),
        (GOOD + '\nmsgid "gone"\nmsgstr "ушло"\n', "not in the code (run make i18n): 'gone'"),
    ],
)
def test_each_problem_is_caught(broken: str, problem: str) -> None:
    found = problems(russian(broken), IDS, 3)
    assert any(line.startswith(problem) for line in found), found


def copy_catalogues(target: Path, languages: list[str]) -> None:
    for language in languages:
        source = catalogue_path(language)
        copied = target / language / "LC_MESSAGES" / source.name
        copied.parent.mkdir(parents=True)
        copied.write_bytes(source.read_bytes())


def test_the_po_files_alone_are_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_catalogues(tmp_path, list(LANGUAGES))  # no .mo anywhere, as in a fresh clone
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)

    catalogues = i18n.create_i18n()

    assert set(catalogues.available_locales) == set(LANGUAGES)
    with catalogues.context(), catalogues.use_locale("ru"):
        assert catalogues.gettext("⚙️ Settings") == "⚙️ Настройки"
        assert catalogues.gettext("{n} exercise", "{n} exercises", 3) == "{n} упражнения"
        assert catalogues.gettext("{n} exercise", "{n} exercises", 5) == "{n} упражнений"


def test_a_missing_catalogue_stops_the_bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_catalogues(tmp_path, [language for language in LANGUAGES if language != "ru"])
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)

    with pytest.raises(i18n.CataloguesMissing, match=r"no catalogue for ru"):
        i18n.create_i18n()


def test_a_broken_catalogue_stops_the_bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_catalogues(tmp_path, list(LANGUAGES))
    broken = tmp_path / "ru" / "LC_MESSAGES" / f"{DOMAIN}.po"
    broken.write_text('msgid "a"\nmsgstr "b"\nwhat is this\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)

    with pytest.raises(i18n.CataloguesMissing, match=r"cannot read the catalogue"):
        i18n.create_i18n()
