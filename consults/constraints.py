"""The database itself refuses two overlapping active consults for one expert.

PostgreSQL: an exclusion constraint (GiST over expert = and tstzrange(start, end) &&).
SQLite has no exclusion constraints, so the same rule is two triggers that abort the INSERT or
UPDATE; SQLite runs one writer at a time, so the trigger's check and the write are serialized.
Triggers vanish when a migration rebuilds the table, so they are (re)created after every migrate.
"""

from typing import Any

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func, Q

NO_OVERLAP_NAME = "consult_no_overlap_per_expert"
NO_OVERLAP_MESSAGE = "This expert already has a consult at that time. Choose another time."


class TsTzRange(Func):
    """tstzrange(start, end, '[)'): a consult occupies its start minute but not its end minute."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An ExclusionConstraint that other databases skip (they enforce the rule their own way)."""

    @staticmethod
    def _is_postgres(schema_editor: Any) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if self._is_postgres(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._is_postgres(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._is_postgres(schema_editor) else None

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)


def no_overlap_constraint(range_function: type[Func]) -> PostgresExclusionConstraint:
    return PostgresExclusionConstraint(
        name=NO_OVERLAP_NAME,
        expressions=[
            ("expert", RangeOperators.EQUAL),
            (range_function("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
        ],
        condition=~Q(status="cancelled"),
        violation_error_message=NO_OVERLAP_MESSAGE,
    )


# Built from constants only (no user input), hence the S608 exemption.
_OVERLAP_EXISTS = f"""
    SELECT RAISE(ABORT, '{NO_OVERLAP_NAME}')
    WHERE EXISTS (
        SELECT 1 FROM consults_consult AS other
        WHERE other.expert_id = NEW.expert_id
          AND other.status <> 'cancelled'
          AND other.id IS NOT NEW.id
          AND other."start" < NEW."end"
          AND other."end" > NEW."start"
    );
"""  # noqa: S608

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS consults_consult_no_overlap_insert
        BEFORE INSERT ON consults_consult WHEN NEW.status <> 'cancelled'
        BEGIN {_OVERLAP_EXISTS} END""",
    f"""CREATE TRIGGER IF NOT EXISTS consults_consult_no_overlap_update
        BEFORE UPDATE ON consults_consult WHEN NEW.status <> 'cancelled'
        BEGIN {_OVERLAP_EXISTS} END""",
]


def ensure_sqlite_overlap_triggers(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor != "sqlite":
        return
    if "consults_consult" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)


def is_overlap_violation(error: Exception) -> bool:
    """Whether an IntegrityError came from the no-overlap rule (either database)."""
    return NO_OVERLAP_NAME in str(error) or NO_OVERLAP_NAME in str(getattr(error, "__cause__", ""))


def on_post_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    ensure_sqlite_overlap_triggers(connections[using])
