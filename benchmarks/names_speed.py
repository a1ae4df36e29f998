"""How long the people table and the offers take as an article grows: they must stay linear (a
1 M-character article's in under 10 s on the 2-core machine). Prints seconds for 10 k, 100 k and
1 M characters of a list of the dead, the worst case for names (every line a new person), and of
the seed repeated.

    .venv/bin/python benchmarks/names_speed.py
"""

import random
import time
from pathlib import Path

from summariser.extract.text import SourceText

SEED = Path(__file__).resolve().parents[1] / "seeds" / "kreminna.txt"
FIRST = ["Anna", "Ivo", "Luka", "Marta", "Petra", "Tomas", "Ilona", "Oskar", "Vera", "Jonas", "Mila"]
LAST = ["Kovac", "Varga", "Lind", "Kowal", "Hanak", "Novak", "Horvat", "Babic", "Maric", "Juric"]


def dead_list(chars: int) -> str:
    rnd = random.Random(7)
    lines = ["The ministry published the names of the dead on Monday."]
    while sum(len(line) + 1 for line in lines) < chars:
        who = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}{rnd.randrange(1000)}"
        lines.append(
            f"{who}, {rnd.randrange(18, 90)}, a teacher from Velmar, was killed when the school was hit."
        )
    return "\n".join(lines)


def repeated_seed(chars: int) -> str:
    seed = SEED.read_text(encoding="utf-8")
    return "\n".join([seed] * (chars // len(seed) + 1))[:chars]


def timed(text: str) -> float:
    started = time.perf_counter()
    source = SourceText(text)
    source.names.everyone()
    source.choices_for()
    return time.perf_counter() - started


if __name__ == "__main__":
    for size in (10_000, 100_000, 1_000_000):
        dead, seed = timed(dead_list(size)), timed(repeated_seed(size))
        print(f"{size:>9,} chars: list of the dead {dead:6.2f} s · seed repeated {seed:6.2f} s")
