"""On PostgreSQL the audit tables refuse UPDATE and DELETE at the database level as well.

(The models refuse them too; this also stops a stray raw query or a script. TRUNCATE, which
test databases use to reset, is a statement-level operation and is not affected.)
"""

from django.db import migrations

TABLES = ["scoring_submissionevent", "scoring_cycleevent"]

FORWARD = """
CREATE OR REPLACE FUNCTION fengtai_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION fengtai_append_only();
"""
    for table in TABLES
)

BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};" for t in TABLES) + (
    "DROP FUNCTION IF EXISTS fengtai_append_only();"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0002_scheme_review_notifications")]

    operations = [migrations.RunPython(forward, backward)]
