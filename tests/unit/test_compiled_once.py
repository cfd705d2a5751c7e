"""The dialects' INSERT variants, which SQLAlchemy cannot cache, compiled once per dialect into
text it can: the review card's upsert, written on nearly every answer."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.engine import Dialect

from db.repositories._dialect import compiled_once
from db.repositories.review_answer import record_answer_statement


@pytest.mark.parametrize("dialect", [mysql.dialect(), sqlite.dialect()], ids=["mysql", "sqlite"])
def test_the_card_upsert_is_compiled_once_into_a_cacheable_statement(dialect: Dialect) -> None:
    # As built, SQLAlchemy compiles it afresh on every execution.
    assert record_answer_statement(dialect)._generate_cache_key() is None

    once = compiled_once(dialect, record_answer_statement)

    assert compiled_once(dialect, record_answer_statement) is once
    assert once._generate_cache_key() is not None
    conflict = "ON DUPLICATE KEY UPDATE" if dialect.name == "mysql" else "ON CONFLICT"
    assert conflict in once.text
    # The parameters keep their names and their columns' types (datetimes as the dialect
    # stores them); the constants of the update keep their values.
    binds = once._bindparams
    assert {"user_id", "exercise_id", "due_at", "created_at"} <= set(binds)
    assert binds["due_at"].type.__class__.__name__ != "NullType"
    constants = [b.value for b in binds.values() if not b.required]
    assert 0 in constants and None in constants  # a retired card's reviews and retired_at
