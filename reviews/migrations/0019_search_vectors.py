"""Full-text search (issue 16) on PostgreSQL: a tsvector kept by the database itself (a stored
generated column) and a GIN index, for progress updates, reviews, reports and evidence file names. Nothing on SQLite,
where search falls back to `icontains` (reviews/services/search.py): the migration is a no-op there."""

from django.db import migrations

COLUMNS = {
    "reviews_progressupdate": ("narrative",),
    "reviews_review": ("summary", "conclusion", "key_developments", "recommendation_detail"),
    "reviews_report": ("title", "commentary"),
    # A file's name is words joined by dots, dashes and underscores: split them first.
    "reviews_evidencefile": ("regexp_replace(original_name, '[._-]+', ' ', 'g')",),
}


def _vector(columns):
    weights = "ABCD"
    return " || ".join(
        f"setweight(to_tsvector('english', coalesce({column}, '')), '{weights[min(i, 3)]}')"
        for i, column in enumerate(columns)
    )


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in COLUMNS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({_vector(columns)}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {table}_search ON {table} USING GIN (search_vector)")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in COLUMNS:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0018_corrections_and_imports"),
    ]

    operations = [migrations.RunPython(add, remove, elidable=False)]
