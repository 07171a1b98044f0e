"""The text index behind `package_search`'s free text (`q`, and `fq=text:…`): which public
datasets contain a word, as an index look-up instead of a `LIKE '%…%'` scan of every row.

`q` keeps its meaning: each word must be a substring of the dataset's lowercase search text
(code, title, description, tags, groups, organization), whatever the language; Chinese has no
spaces, and a word such as 空气 must find 空气质量. So the index holds characters and pairs of
adjacent characters, not words, each as an integer (a character: its code point; a pair:
first × 2**21 + second, always ≥ 2**21).

- SQLite: an FTS5 table, `opendata_search(grams, chars)`, contentless. `grams` is the text's
  pairs in order (the pair at each position, as numbers separated by spaces), `chars` its
  characters. A word of two or more characters is the FTS5 phrase of its pairs, which
  matches exactly where the pairs follow each other, that is where the word is; a word of one
  character is a look-up in `chars`. FTS5 answers from its inverted index; nothing is read
  per row. A contentless table forgets the values it indexed, and deleting an entry needs
  them, so `opendata_search_text(rowid, text)` keeps each indexed text (the grams are made
  from it again: change `_grams` only together with `rebuild()`).
- PostgreSQL: `opendata_search(rowid, grams bigint[])` with a GIN index on `grams`, the set of
  the text's characters and pairs, and the texts in `opendata_search_text(rowid, text)`. A
  text contains a word of one or two characters exactly when it has that character or pair,
  so `grams @> ARRAY[…]` answers from the index. A longer word's pairs may all be in a text
  without following each other, and for a word like 2024 they are in every text (years, the
  county code 330424), where the index saves nothing and the array table is six times the
  size of the texts; so a longer word is `strpos(text, word)` over the narrow text table
  (a few milliseconds for 20,000 datasets, whatever the word).

Either way the answer is exactly the substring test, as before the index. The tables are made
by migration 0002 (their SQL is spelled there); rows are written by `services.opendata_sync`
in the transaction that publishes or changes the dataset, only for public datasets, and a
deleted dataset's entry goes with it (signals.py). The row id is OpenDataset.id.
"""

# ruff: noqa: S608 - the SQL is built from this module's constant table names; every value
# (ids, texts, grams, words) is a query parameter.

import itertools
from collections.abc import Iterable

from django.db import connection

TABLE = "opendata_search"
TEXTS = "opendata_search_text"
_PAIR = 1 << 21  # above every code point (0x10FFFF < 2**21)


def _pairs(text: str) -> list[int]:
    codes = [ord(c) for c in text]
    return [a * _PAIR + b for a, b in itertools.pairwise(codes)]


def _grams(text: str) -> tuple[str, str]:
    """SQLite's two columns for a text: its pairs in order, its distinct characters."""
    return " ".join(map(str, _pairs(text))), " ".join(map(str, sorted({ord(c) for c in text})))


def _gram_set(text: str) -> list[int]:
    """PostgreSQL's array for a text: its distinct characters and pairs."""
    return sorted({ord(c) for c in text} | set(_pairs(text)))


def replace(rows: Iterable[tuple[int, str]]) -> None:
    """(Re)indexes each (OpenDataset id, lowercase search text)."""
    rows = list(rows)
    if not rows:
        return
    delete(row_id for row_id, _text in rows)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, grams, chars) VALUES (%s, %s, %s)",
                [(row_id, *_grams(text)) for row_id, text in rows],
            )
            cursor.executemany(f"INSERT INTO {TEXTS} (rowid, text) VALUES (%s, %s)", rows)
        else:
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, grams) VALUES (%s, %s)",
                [(row_id, _gram_set(text)) for row_id, text in rows],
            )
            cursor.executemany(f"INSERT INTO {TEXTS} (rowid, text) VALUES (%s, %s)", rows)


def delete(ids: Iterable[int]) -> None:
    ids = list(ids)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            if connection.vendor == "sqlite":
                cursor.execute(f"SELECT rowid, text FROM {TEXTS} WHERE rowid IN ({marks})", chunk)
                indexed = cursor.fetchall()
                cursor.executemany(
                    f"INSERT INTO {TABLE} ({TABLE}, rowid, grams, chars) "
                    "VALUES ('delete', %s, %s, %s)",
                    [(row_id, *_grams(text)) for row_id, text in indexed],
                )
                cursor.execute(f"DELETE FROM {TEXTS} WHERE rowid IN ({marks})", chunk)
            else:
                cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", chunk)
                cursor.execute(f"DELETE FROM {TEXTS} WHERE rowid IN ({marks})", chunk)


def rebuild() -> None:
    """Empties the index and indexes again every text it held (after a change of `_grams`,
    or to repair it); the caller holds a transaction."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, text FROM {TEXTS}")
        rows = cursor.fetchall()
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('delete-all')")
        else:
            cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"DELETE FROM {TEXTS}")
    replace(rows)


def containing_sql(word: str) -> tuple[str, list]:
    """SQL selecting the ids of the indexed datasets whose text contains `word` (non-empty,
    lowercase)."""
    if connection.vendor == "sqlite":
        pairs = _pairs(word)
        if pairs:
            match = 'grams : "' + " ".join(map(str, pairs)) + '"'
        else:
            match = f'chars : "{ord(word)}"'
        return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [match]
    if len(word) > 2:
        return f"SELECT rowid FROM {TEXTS} WHERE strpos(text, %s) > 0", [word]
    grams = [ord(word)] if len(word) == 1 else _pairs(word)
    return f"SELECT rowid FROM {TABLE} WHERE grams @> %s::bigint[]", [grams]
