"""Laying out one very long word with WeasyPrint: clipped, broken by CSS, or broken by
briefgen (issue 14; see briefgen.longwords).

Run from the repository root:

    python benchmarks/long_words.py                # about a minute
    python benchmarks/long_words.py --anywhere 2000 4000 8000 16000

For each length, one paragraph holding a word of that many letters on A4 is laid
out (``HTML.render()``, no PDF written), three ways:

- as it is: the word runs off the page, clipped (one page, the letters lost);
- ``overflow-wrap: anywhere``: WeasyPrint tries the word's prefixes one by one,
  so the time grows with the square of the length (its own lengths, kept short);
- briefgen's way: a zero-width space every 30 letters (``breakable``): as fast as
  the same number of letters in ordinary words, which is what it then is.
"""

from __future__ import annotations

import argparse
import time

from weasyprint import HTML

from briefgen.longwords import breakable

PAGE = (
    "<html><head><style>@page {{ size: A4 }} p {{ font-size: 11pt; {css} }}</style></head>"
    "<body><p>Before {word} after.</p></body></html>"
)


def lay_out(word: str, css: str = "") -> tuple[float, int]:
    started = time.perf_counter()
    document = HTML(string=PAGE.format(css=css, word=word)).render()
    return time.perf_counter() - started, len(document.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--anywhere", type=int, nargs="*", default=[1000, 2000, 4000, 8000])
    args = parser.parse_args()
    lay_out("warm-up")
    for length in args.lengths:
        word = "A" * length
        prose = " ".join(["AAAAAAAAA"] * (length // 10))  # the same letters in words
        cases = [("as it is (clipped)", word), ("briefgen's breaks", breakable(word))]
        for name, text in [*cases, ("ordinary words, for scale", prose)]:
            seconds, pages = lay_out(text)
            print(f"{length:>7} letters  {name:<28} {seconds:7.2f} s  {pages} pages")
    for length in args.anywhere:
        seconds, pages = lay_out("A" * length, "overflow-wrap: anywhere")
        print(
            f"{length:>7} letters  {'overflow-wrap: anywhere':<28} {seconds:7.2f} s  {pages} pages"
        )


if __name__ == "__main__":
    main()
