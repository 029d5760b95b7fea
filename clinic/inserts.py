"""One row inserted unless a unique constraint already holds it: no SELECT before, no savepoint around.

`insert_unless_conflict` runs `INSERT … ON CONFLICT DO NOTHING RETURNING id` (SQLite: `INSERT OR
IGNORE … RETURNING id`) through Django's own insert compiler, so field defaults, `auto_now_add` and
value conversion behave as in `save()`. A conflict leaves the transaction usable (an IntegrityError
would abort it on PostgreSQL, which is why the usual get-or-create needs a savepoint), so a hot path
can insert first and read the existing row only when the insert did nothing. Django's
`bulk_create(ignore_conflicts=True)` cannot say whether the row was new or return its id.

No `save()` override and no `pre_save`/`post_save` receiver runs: use it only for models without them.
"""

from django.db import router
from django.db.models import Model
from django.db.models.constants import OnConflict
from django.db.models.sql.subqueries import InsertQuery


def insert_unless_conflict(instance: Model) -> bool:
    """Insert `instance` and set its pk; False (and nothing written) when a unique constraint refused it."""
    model = type(instance)
    meta = model._meta
    database = router.db_for_write(model)
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE)
    query.insert_values([field for field in meta.local_concrete_fields if not field.primary_key], [instance])
    rows = query.get_compiler(using=database).execute_sql(returning_fields=[meta.pk])
    if not rows or rows[0] is None:
        return False
    instance.pk = rows[0][0]
    instance._state.adding, instance._state.db = False, database
    return True
