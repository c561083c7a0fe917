"""The English check: prose in English passes, prose in other languages does not, and too little
text to tell is given the benefit of the doubt."""

from __future__ import annotations

import pytest

from factcheck.analysis.language import MIN_WORDS, english_share, looks_english

ENGLISH = (
    "Emergency crews worked through the night after the river burst its banks for the second "
    "time in a week. The mayor said that more than 300 homes had been evacuated and that the "
    "army would be asked to help. Officials warned that the water could rise again on Friday, "
    "when more rain is expected across the valley."
)
GERMAN = (
    "Rettungskräfte arbeiteten die ganze Nacht, nachdem der Fluss zum zweiten Mal in einer "
    "Woche über die Ufer getreten war. Der Bürgermeister sagte, mehr als 300 Häuser seien "
    "geräumt worden und die Armee werde um Hilfe gebeten. Beamte warnten, dass das Wasser am "
    "Freitag erneut steigen könnte, wenn im ganzen Tal weiterer Regen erwartet wird."
)
FRENCH = (
    "Les secours ont travaillé toute la nuit après que la rivière est sortie de son lit pour la "
    "deuxième fois en une semaine. Le maire a déclaré que plus de 300 maisons avaient été "
    "évacuées et que l'armée serait appelée à l'aide. Les autorités ont averti que l'eau "
    "pourrait encore monter vendredi, lorsque de nouvelles pluies sont attendues dans la vallée."
)
SPANISH = (
    "Los equipos de emergencia trabajaron toda la noche después de que el río se desbordara por "
    "segunda vez en una semana. El alcalde dijo que más de 300 viviendas habían sido evacuadas "
    "y que se pediría ayuda al ejército. Las autoridades advirtieron que el agua podría volver a "
    "subir el viernes, cuando se espera más lluvia en todo el valle."
)


def test_english_prose_looks_english() -> None:
    share, words = english_share([ENGLISH])
    assert words >= MIN_WORDS
    assert share > 0.3, share
    assert looks_english([ENGLISH])


@pytest.mark.parametrize("text", [GERMAN, FRENCH, SPANISH], ids=["de", "fr", "es"])
def test_other_languages_do_not(text: str) -> None:
    share, words = english_share([text])
    assert words >= MIN_WORDS
    assert share < 0.1, share
    assert not looks_english([text])


def test_a_few_english_names_and_quotes_in_another_language_do_not_make_it_english() -> None:
    mixed = GERMAN + " „We will rebuild“, sagte sie, und der Bürgermeister stimmte zu."
    assert not looks_english([mixed])


def test_too_little_text_to_tell_counts_as_english() -> None:
    assert looks_english(["Der Fluss steigt."])
    assert looks_english([])


def test_units_are_read_together() -> None:
    assert not looks_english(GERMAN.split(". "))
    assert looks_english(ENGLISH.split(". "))
