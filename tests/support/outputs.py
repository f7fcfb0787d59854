"""The one rule by which a page's shown output and a fresh run's output agree.

A snippet's recorded output (``snippets/output/NAME.txt``, shown on its page)
and what the snippet prints now agree when

* their text outside numbers is identical, character for character, and
* they hold the same numbers in the same order, and each printed number is
  within ``REL_TOL`` (relative) of the shown one, or within one unit of the
  shown number's last printed digit, whichever is larger.

Floating-point results move in their last bits with the CPU's instruction set
(AVX-512, AVX2, plain kernels, ARM NEON) and with the number of threads;
a page prints numbers at the precision a reader needs, and this rule lets the
digits beyond that move without a failure, on every CPU torch supports.
Integers (token ids, counts) are compared the same way and so must be equal
unless they are large.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass

REL_TOL = 1e-3
# A number as printed: sign, digits with optional thousands separators, a
# fraction, an exponent. "5,000" is one number; "-100, -100" is two.
NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Number:
    text: str

    @property
    def value(self) -> float:
        return float(self.text.replace(",", ""))

    @property
    def last_digit(self) -> float:
        """The value of one unit in the last printed digit: 0.01 for ``1.25``."""
        mantissa, _, exponent = self.text.lower().replace(",", "").partition("e")
        decimals = len(mantissa.partition(".")[2])
        return 10.0 ** (int(exponent or 0) - decimals)


def split(text: str) -> tuple[list[str], list[Number]]:
    """The text between the numbers, and the numbers."""
    return NUMBER.split(text), [Number(m) for m in NUMBER.findall(text)]


def close(shown: Number, printed: Number) -> bool:
    tolerance = max(REL_TOL * abs(shown.value), shown.last_digit)
    return math.isclose(shown.value, printed.value, rel_tol=0, abs_tol=tolerance * (1 + 1e-9))


def mismatches(shown: str, printed: str) -> list[str]:
    """Why ``printed`` does not agree with ``shown`` (empty if it does)."""
    shown_text, shown_numbers = split(shown)
    printed_text, printed_numbers = split(printed)
    if shown_text != printed_text or len(shown_numbers) != len(printed_numbers):
        return ["the text differs (outside its numbers)"]
    return [
        f"{a.text} is shown, {b.text} is printed (beyond {REL_TOL:g} relative "
        "and one unit of the last digit shown)"
        for a, b in zip(shown_numbers, printed_numbers, strict=True)
        if not close(a, b)
    ]


def agree(shown: str, printed: str) -> bool:
    return not mismatches(shown, printed)


def diff(shown: str, printed: str, shown_name: str, printed_name: str) -> str:
    """A unified diff from the shown output to the printed one."""
    return "".join(
        difflib.unified_diff(
            shown.splitlines(keepends=True),
            printed.splitlines(keepends=True),
            fromfile=shown_name,
            tofile=printed_name,
        )
    )
