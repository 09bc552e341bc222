"""Full-name cells read with what the registry knows (names._lexicon, names._parse.choose)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from linker import names as N
from linker.columns import Mapping
from linker.names._columns import _clean_name, _parse_full_names
from linker.names._lexicon import NameLexicon
from linker.standardize import registry_lexicon, standardize

REG_MAP = Mapping((("surname", "s"), ("first_name", "f"), ("patronymic", "p")))
LIST_MAP = Mapping((("full_name", "fio"),))


def _registry() -> pd.DataFrame:
    rows = [("Гаврилович", "Борис", "Витальевич"), ("Петрович", "Олег", "Иванович"), ("Войтович", "Сергей", "Петрович"),
            ("Иванов", "Иван", "Петрович"), ("Сидоров", "Николай", "Петрович"), ("Петров", "Иван", "Николаевич"),
            ("Микушевич", "Даниил", "Сергеевич"), ("Гулиев", "Эмин", "Али оглы"), ("Ильин", "Пётр", "Ильич")]
    return pd.DataFrame(rows * 10, columns=["s", "f", "p"])


def _lexicon() -> NameLexicon:
    reg = _registry()
    lex = registry_lexicon(standardize(reg, REG_MAP), REG_MAP, LIST_MAP)
    assert lex is not None
    return lex


def test_registry_columns_decide_the_order_the_spelling_cannot() -> None:
    lex = _lexicon()
    # -ович surnames written given name first: the rules read the last word as a patronymic
    assert N.parse_full_name("Борис Витальевич Гаврилович") != ("Гаврилович", "Борис", "Витальевич")
    assert N.parse_full_name("Борис Витальевич Гаврилович", lex) == ("Гаврилович", "Борис", "Витальевич")
    # a word the registry holds both ways: the other words decide
    assert N.parse_full_name("Иван Николаевич Петрович", lex) == ("Петрович", "Иван", "Николаевич")
    assert N.parse_full_name("Петрович Олег Иванович", lex) == ("Петрович", "Олег", "Иванович")
    # a typo the registry never saw: the known words still place it
    assert N.parse_full_name("Сергей Петрович Вйтович", lex) == ("Вйтович", "Сергей", "Петрович")
    # Latin against a Cyrillic registry, a Ukrainian 'h' and a two-word Turkic patronymic
    assert N.parse_full_name("Emin Ali ohly Huliiev", lex) == ("Huliiev", "Emin", "Ali ohly")
    assert N.parse_full_name("Daniil Serhiiovych Mykushevych", lex) == ("Mykushevych", "Daniil", "Serhiiovych")


def test_the_rules_stand_unless_the_registry_is_far_surer() -> None:
    lex = _lexicon()
    for text in ["Сидоров Пётр Ильич", "Неизвестнов Неизвест Неизвестович", "Иванов Иван", "Иван Иванов",
                 "ГАВРИЛОВИЧ Борис Витальевич", "Борис Витальевич ГАВРИЛОВИЧ", "Гаврилович Б.В.", "Б. В. Гаврилович",
                 "Гаврилович, Борис Витальевич", "гв.рядовой Гаврилович Борис Витальевич"]:
        assert N.parse_full_name(text, lex) == N.parse_full_name(text), text
    # a caps-marked surname is the writer's word, whatever the registry says
    assert N.parse_full_name("Борис Витальевич ГАВРИЛОВИЧ", lex)[0] == "ГАВРИЛОВИЧ"
    # an empty patronymic column argues for no reading
    empty = NameLexicon({}, {}, {})
    assert empty.score("Витальевич") == (0.0, 0.0, 0.0)


def test_lexicon_only_when_the_registry_has_its_own_columns() -> None:
    reg = _registry()
    std = standardize(reg, REG_MAP)
    assert registry_lexicon(std, REG_MAP, Mapping((("surname", "a"), ("first_name", "b")))) is None
    full_reg = pd.DataFrame({"fio": reg["s"] + " " + reg["f"] + " " + reg["p"]})
    assert registry_lexicon(standardize(full_reg, LIST_MAP), LIST_MAP, LIST_MAP) is None
    assert NameLexicon.of(pd.DataFrame({"sn_stem": ["", ""]})) is None


def test_standardize_reads_the_list_with_the_lexicon() -> None:
    lex = _lexicon()
    lst = pd.DataFrame({"fio": ["Борис Витальевич Гаврилович", "Гаврилович Борис Витальевич",
                                "Ivan Nikolaievich Petrovich"]})
    plain = standardize(lst, LIST_MAP)
    read = standardize(lst, LIST_MAP, lex)
    assert read["sn"].tolist()[:2] == [N.name_key("Гаврилович")] * 2
    assert read["fn_canon"].tolist()[0] == read["fn_canon"].tolist()[1] == N.canonical_given(N.name_key("Борис"))
    assert read["sn_stem"].tolist()[2] == N.surname_stem(N.name_key("Петрович"))
    assert plain["sn"].tolist()[0] != read["sn"].tolist()[0]


WORDS = ["Борис", "Витальевич", "Гаврилович", "Петрович", "Иван", "Николаевич", "Вйтович", "ГАВРИЛОВИЧ", "И.",
         "Али", "оглы", "ohly", "Huliiev", "гв.", "рядовой", "Сидоров", "X", ",", "Ilich", "Petrovich"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join), max_size=30))
def test_vectorized_reading_equals_the_scalar(texts: list[str]) -> None:
    lex = _lexicon()
    values = np.array(list(dict.fromkeys(texts)), dtype=object)
    got = _parse_full_names(values, lex)
    for i, text in enumerate(values):
        clean, _m, _r = _clean_name(text)
        assert tuple(col[i] for col in got[:3]) == N.parse_full_name(clean, lex), text


def test_latin_initial_y_reads_as_the_registry_shows_it() -> None:
    """"Y." writes Е (Yevgeny) as often as Ю/Я (Yury): the reading a registry person of the surname holds."""
    reg = pd.DataFrame({"s": ["Рассказов", "Голубев", "Юдин", "Кащеев"],
                        "f": ["Евгений", "Алексей", "Юрий", "Сергей"],
                        "p": ["Витальевич", "Евгеньевич", "Яковлевич", "Евгеньевич"]})
    lex = registry_lexicon(standardize(reg, REG_MAP), REG_MAP, LIST_MAP)
    lst = pd.DataFrame({"fio": ["Rasskazov Y.V.", "Golubev A.Y.", "Yudin Y.Y.", "Yudin Y.", "Kashcheiev S.Y.",
                                "Rasskazov Y.", "Petrov Y.", "Rasskazov I.V.", "Расказов Ю.В."]})
    got = standardize(lst, LIST_MAP, lex)
    assert got["fn_init"].tolist() == ["e", "a", "i", "i", "s", "e", "i", "i", "i"]
    assert got["pt_init"].tolist() == ["v", "e", "i", "", "e", "", "", "v", "v"]
    assert got["fn_is_init"].all()
    # without a registry the key's own reading (i) stands
    assert standardize(lst, LIST_MAP)["fn_init"].tolist()[0] == "i"


def test_a_latin_initial_may_head_a_letter_written_with_several() -> None:
    """C. heads Ch (Ч) as well as C/Ts/Cz (Ц): read as the registry's people of the surname show.
    Where they hold two readings beside the same given-name initial, the letter is left unknown (it agrees
    with neither), unless so many share the surname and initial that blocking would meet none of them."""
    from linker.blocking import INITIAL_BLOCK

    reg = pd.DataFrame({"s": ["Будаев", "Доржиев", "Доржиев", "Цыганов", "Комаров", "Комаров"],
                        "f": ["Алексей", "Саян", "Саян", "Олег", "Денис", "Денис"],
                        "p": ["Чингисович", "Цыремпилович", "Чингисович", "Цыренович", "Витальевич", "Олегович"]})
    lex = registry_lexicon(standardize(reg, REG_MAP), REG_MAP, LIST_MAP)
    lst = pd.DataFrame({"fio": ["Budaiev A.C.", "Dorzhiev S.C.", "Tsyganov O.C.", "Budaev A.S.", "Будаев А.Ц.",
                                "Komarov D.V."]})
    got = standardize(lst, LIST_MAP, lex)
    assert got["fn_init"].tolist() == ["a", "s", "o", "a", "a", "d"]
    # V. may write О only in one name's Belarusian form (Volha): that reading does not make the letter unknown
    assert got["pt_init"].tolist() == ["s", "", "t", "s", "t", "v"]
    assert got["pt_is_init"].all()
    crowd = pd.DataFrame({"s": ["Доржиев"] * (INITIAL_BLOCK + 1), "f": ["Сергей"] * (INITIAL_BLOCK + 1),
                          "p": ["Петрович"] * (INITIAL_BLOCK + 1)})
    lex = registry_lexicon(standardize(pd.concat([reg, crowd], ignore_index=True), REG_MAP), REG_MAP, LIST_MAP)
    assert lex.is_crowded("dorzhev", "s") and not lex.is_crowded("budaev", "a")
    assert standardize(lst, LIST_MAP, lex)["pt_init"].tolist()[1] == "t"    # the first reading among a crowd


def test_initials_of_ukrainian_and_belarusian_forms_read_as_the_registry_shows_them() -> None:
    """Mykola for Николай (M.), Oleksandr for Александр (O.), Uladzimir for Владимир (U.): a Latin initial of
    the name's national form reads as the Russian name's initial where the registry's people of that
    surname show it, and stays as written where they do not."""
    reg = pd.DataFrame({"s": ["Пастухов", "Бероев", "Усов", "Мельников"],
                        "f": ["Николай", "Александр", "Владимир", "Михаил"],
                        "p": ["Николаевич", "Левонович", "Олегович", "Николаевич"]})
    lex = registry_lexicon(standardize(reg, REG_MAP), REG_MAP, LIST_MAP)
    lst = pd.DataFrame({"fio": ["Pastukhov M.N.", "Pastukhov M.M.", "Beroiev O.L.", "Usov U.O.", "Melnykov M.M.",
                                "Пастухов М.Н."]})
    got = standardize(lst, LIST_MAP, lex)
    assert got["fn_init"].tolist() == ["n", "n", "a", "v", "m", "m"]
    assert got["pt_init"].tolist() == ["n", "n", "l", "o", "n", "n"]


def test_latin_o_reads_as_yo_where_the_registry_holds_only_that_surname() -> None:
    reg = pd.DataFrame({"s": ["Шевелёв", "Фёдоров", "Соловьёв", "Попов"], "f": ["Алексей"] * 4, "p": ["Иванович"] * 4})
    lex = registry_lexicon(standardize(reg, REG_MAP), REG_MAP, LIST_MAP)
    lst = pd.DataFrame({"fio": ["Shevelov A.S.", "Fodorov Oleh", "Solovov A.", "Popov A.", "Pupov A.", "Шевелов А."]})
    got = standardize(lst, LIST_MAP, lex)["sn"].tolist()
    assert got == [N.name_key("Шевелёв"), N.name_key("Фёдоров"), N.name_key("Соловьёв"), "popov", "pupov",
                   N.name_key("Шевелов")]
    assert standardize(lst, LIST_MAP)["sn"].tolist()[0] == "shevelov"


def test_display_names_show_the_reading_the_match_used() -> None:
    """The report's names: those standardize parsed, or parsed again with the lexicon the table was read
    with (Spark standardizes in its workers and records the lexicon on the driver)."""
    from linker.standardize import display_names, standardize_names

    lex = _lexicon()
    lst = pd.DataFrame({"fio": ["Борис Витальевич Гаврилович"]})
    _std, parsed = standardize_names(lst, LIST_MAP, lex)
    assert display_names(lst, LIST_MAP, parsed=parsed)["surname"].tolist() == ["Гаврилович"]
    assert display_names(lst, LIST_MAP)["surname"].tolist() == ["Борис"]      # the rules alone
    assert display_names(lst, LIST_MAP, lexicon=lex)["surname"].tolist() == ["Гаврилович"]
