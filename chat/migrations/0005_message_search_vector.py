"""PostgreSQL: the message's tsvector stored in a generated column, with the GIN index on it in
place of the index on the expression. Searching a user's chats checks the words row by row for
the rows of those chats, and with the expression index each check re-parsed the body
(to_tsvector per row: 170 ms for a searcher's 3,000 messages in tests/bench/test_chat_search_bench.py);
the stored vector is read instead. The column is computed by the database on every insert and
edit, so nothing in Django writes it. SQLite keeps its FTS5 table (migration 0002)."""

from django.db import migrations

POSTGRES_UP = [
    "ALTER TABLE chat_message ADD COLUMN search_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED",
    "CREATE INDEX chat_message_search_vector ON chat_message USING GIN (search_vector)",
    "DROP INDEX IF EXISTS chat_message_body_fts",
]
POSTGRES_DOWN = [
    "CREATE INDEX chat_message_body_fts ON chat_message USING GIN (to_tsvector('simple', body))",
    "DROP INDEX IF EXISTS chat_message_search_vector",
    "ALTER TABLE chat_message DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("chat", "0004_merge_bots_and_attachments")]

    operations = [migrations.RunPython(_run(POSTGRES_UP), _run(POSTGRES_DOWN))]
