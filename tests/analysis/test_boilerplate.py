from __future__ import annotations

from factcheck.analysis import boilerplate
from factcheck.analysis.segment import BOILERPLATE, segment


def kinds(text: str) -> dict[str, str]:
    return {text[u.start : u.end]: u.kind for u in segment(text)}


def test_a_comment_form_and_a_plea_at_the_foot_are_furniture() -> None:
    text = (
        "Bridge Reopens\n\nThe bridge reopened on Friday after repairs costing 3 million euros.\n\n"
        "Support independent journalism\n\n"
        "Our newsroom depends on readers. Every contribution keeps our reporting free.\n\n"
        "Share this:\n\nLeave a comment\n\nYour email address will not be published.\n"
    )
    result = kinds(text)
    assert (
        result["The bridge reopened on Friday after repairs costing 3 million euros."]
        != BOILERPLATE
    )
    for furniture in (
        "Support independent journalism",
        "Our newsroom depends on readers.",
        "Every contribution keeps our reporting free.",
        "Share this:",
        "Leave a comment",
        "Your email address will not be published.",
    ):
        assert result[furniture] == BOILERPLATE, furniture


def test_an_article_about_journalism_and_subscribers_is_not_furniture() -> None:
    text = (
        "Streaming Service Gains Subscribers\n\n"
        "The service added 5 million subscribers, its chief executive said.\n\n"
        "Advertisement\n\n"
        "Paying readers now fund most of the local journalism it bought last year.\n\n"
        "Analysts said the growth would slow in 2026.\n\n"
        "Regulators are reviewing the deal.\n\n"
        "The company declined to comment.\n\n"
        "Shares rose 4 per cent.\n\n"
        "Rivals cut prices in response.\n\n"
        "A decision is expected in March.\n\n"
        "The deal is worth 2 billion euros.\n\n"
        "Talks began in 2024.\n\n"
        "More hearings are planned.\n"
    )
    result = kinds(text)
    assert result["Advertisement"] == BOILERPLATE
    assert (
        result["Paying readers now fund most of the local journalism it bought last year."]
        != BOILERPLATE
    )
    assert (
        result["The service added 5 million subscribers, its chief executive said."] != BOILERPLATE
    )


def test_a_prompt_at_the_end_of_an_article_paragraph_is_the_only_furniture_in_it() -> None:
    text = (
        "Town Votes on Budget\n\n"
        "The council approved the budget by 7 votes to 4. Taxes will rise 2 per cent. "
        "Click here to read the full budget.\n\n"
        "The mayor welcomed the result.\n"
    )
    result = kinds(text)
    assert result["Click here to read the full budget."] == BOILERPLATE
    assert result["Taxes will rise 2 per cent."] != BOILERPLATE
    assert result["The mayor welcomed the result."] != BOILERPLATE


def test_one_line_alone_is_furniture_only_on_a_strong_cue() -> None:
    # A loader that marks a page's headings asks line by line (a heading's region would
    # override the segmenter's own reading).
    for line in ("Comments", "Share this story", "Related articles:", "Leave a Reply"):
        assert boilerplate.is_furniture_line(line), line
    for line in ("Readers pay for journalism", "Council comments on the budget", "Prices rose"):
        assert not boilerplate.is_furniture_line(line), line
