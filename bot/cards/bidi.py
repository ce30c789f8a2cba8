"""Right-to-left text with Latin digits, so that numbers and punctuation stay in place.

In a right-to-left paragraph the Unicode bidi algorithm reorders '116 016' as '016 116':
the space between two digit groups takes the paragraph's direction. A left-to-right mark
(LRM) before a number makes its digits and inner spaces left-to-right (rule W7), and one
after it keeps the following punctuation from attaching to the number. A right-to-left mark
(RLM) at the start of each line makes the line right-to-left even when it begins with a
digit or a Latin word (a German team name), so every line aligns on the right. Telegram's
clients and fpdf2 both follow these marks; isolates (LRI/PDI) are not supported everywhere.
"""

from __future__ import annotations

from bot.cards.numbers import number_spans

LRM = "\u200e"
RLM = "\u200f"


def protect_numbers(text: str) -> str:
    """``text`` with every phone number between two LRMs."""
    out = []
    last = 0
    for start, end in number_spans(text):
        out.append(text[last:start])
        out.append(f"{LRM}{text[start:end]}{LRM}")
        last = end
    out.append(text[last:])
    return "".join(out)


def rtl_line(text: str) -> str:
    """One line of a right-to-left card: RLM first, numbers protected."""
    return RLM + protect_numbers(text)
