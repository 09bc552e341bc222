"""name_key and fold_lookalikes: table-driven cases and properties."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linker.names import fold_lookalikes, name_key

SAME_KEY = [
    ("shchukin", ["Щукин", "Shchukin", "Shhukin", "Scukin", "Ščukin", "Chtchoukine", "SHCHUKIN"]),
    ("ivanov", ["Иванов", "Ivanov", "IVANOV", "ivanov "]),
    ("aleksei", ["Алексей", "Aleksei", "Aleksey", "Alexei", "Alexey", "Aleksej", "Alekseĭ"]),
    ("dmitri", ["Дмитрий", "Dmitry", "Dmitriy", "Dmitrii", "Dmitrij", "Dmitri"]),
    ("sergei", ["Сергей", "Sergei", "Sergey", "Sergej"]),
    ("iuri", ["Юрий", "Yuri", "Yuriy", "Iurii", "Jurij", "Yury", "Iouri"]),
    ("fedor", ["Фёдор", "Федор", "Fyodor", "Fedor", "Fëdor", "Fiodor"]),
    ("artem", ["Артём", "Артем", "Artyom", "Artem", "Artiom"]),
    ("semenov", ["Семёнов", "Семенов", "Semyonov", "Semenov", "Semionov"]),
    ("rodenov", ["Родионов", "Rodionov"]),
    ("andrei", ["Андрей", "Andrei", "Andrey", "Andrej"]),
    ("khrushev", ["Хрущёв", "Khrushchev", "Khrushchyov", "Xrushhyov", "Khrouchtchev"]),
    ("tsvetkov", ["Цветков", "Tsvetkov", "Tcvetkov", "Czvetkov", "Cvetkov"]),
    ("zhukov", ["Жуков", "Zhukov", "Žukov", "Joukov"]),
    ("natalia", ["Наталья", "Natalya", "Natalia", "Natal'ya", "Natalʹja", "Nataliya", "Наталия"]),
    ("evgeni", ["Евгений", "Yevgeny", "Evgeny", "Evgenii", "Evgenij", "Evgueni"]),
    ("ksenia", ["Ксения", "Ksenia", "Kseniya", "Xenia", "Kseniia"]),
    ("vorobev", ["Воробьёв", "Vorobyov", "Vorobev", "Vorobiev", "Vorob'ev", "Vorob’yëv"]),
    ("ilin", ["Ильин", "Ilyin", "Il'in", "Ilin", "Il`in"]),
    ("maria", ["Мария", "Maria", "Mariya", "Mariia", "Marija"]),
    ("gurev", ["Гурьев", "Guryev", "Gurev", "Gur'ev", "Gur’yev"]),
    ("putin", ["Путин", "Putin", "Poutine"]),
    ("genadi", ["Геннадий", "Gennady", "Gennadiy", "Guennadi"]),
    ("filipov", ["Филиппов", "Filippov", "Filipov"]),
    ("vasotski", ["Высоцкий", "Vysotsky", "Vysotskiy", "Vysotskii", "Vysockij", "Vysoczkij", "Vysockii"]),
]


@pytest.mark.parametrize(
    ("key", "spelling"),
    [(k, s) for k, spellings in SAME_KEY for s in spellings],
    ids=[f"{k}-{s}" for k, spellings in SAME_KEY for s in spellings],
)
def test_every_spelling_gets_one_key(key: str, spelling: str) -> None:
    expected = name_key(spellings_of(key)[0])
    assert name_key(spelling) == expected


def spellings_of(key: str) -> list[str]:
    return dict(SAME_KEY)[key]


@pytest.mark.parametrize(
    ("a", "b"),
    [("Иванов", "Иванова"), ("Петров", "Петренко"), ("Сергей", "Сергеевич"), ("Шишкин", "Шашкин"),
     ("Козлов", "Казлов"), ("Ким", "Кем"), ("Юрий", "Юлий"), ("Андрей", "Андреев")],
    ids=lambda v: v,
)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", ""), ("   ", ""), (None, ""), ("-", ""), ("Иванов", "ivanov"), ("ИВАНОВ", "ivanov"),
     ("Римский-Корсаков", "rimski korsakov"), ("  Иванов   Иван  ", "ivanov ivan"),
     ("Иванов, Иван", "ivanov ivan"), ("Ивaнов", "ivanov"), ("И.", "i"), ("123", "")],
    ids=["empty", "spaces", "none", "dash", "plain", "caps", "hyphen", "multi", "comma", "lookalike",
         "initial", "digits"],
)
def test_name_key_table(text: str | None, expected: str) -> None:
    assert name_key(text) == expected  # type: ignore[arg-type]


def test_key_is_ascii_lowercase() -> None:
    for s in ["Щёкин", "Ŝukin", "Ébert", "Ølstad", "Ахмед"]:
        k = name_key(s)
        assert k.isascii() and k == k.lower()


_ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЕКМНОРСТХУabcdefghijklmnopqrstuvwxyzžčšëʹ'- "


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=14))
def test_name_key_is_idempotent(text: str) -> None:
    k = name_key(text)
    assert name_key(k) == k


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET + "0123456789", max_size=14))
def test_fold_lookalikes_is_idempotent(text: str) -> None:
    once = fold_lookalikes(text)
    assert fold_lookalikes(once) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Ивaнов", "Иванов"),  # Latin a in a Cyrillic word
     ("Ivаnоv", "Ivanov"),  # Cyrillic а о in a Latin word
     ("CEPГЕЙ", "СЕРГЕЙ"),  # Latin C E P in a Cyrillic word
     ("AБ-123456", "АБ-123456"),
     ("Иванов Ivanov", "Иванов Ivanov"),  # words in one script are left alone
     ("", ""), ("  ", "  "), ("123", "123")],
    ids=["lat-in-cyr", "cyr-in-lat", "caps", "personal-number", "two-words", "empty", "spaces", "digits"],
)
def test_fold_lookalikes_table(text: str, expected: str) -> None:
    assert fold_lookalikes(text) == expected
