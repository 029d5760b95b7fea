#!/usr/bin/env bash
# Restore drill: prove last night's kind of backup can actually be restored.
#
#   deploy/scripts/restore-drill.sh SOURCE_URL [DUMP_FILE]
#       Dump SOURCE_URL with pg_dump (custom format) — or take DUMP_FILE, an existing dump of it —
#       restore it into a new throwaway database on the same server, compare every table's row
#       count and content checksum with the source, check Django sees no missing migration, then
#       drop the throwaway database. Exit 0 and "RESTORE DRILL PASSED" only if all of that held.
#   deploy/scripts/restore-drill.sh --compare SOURCE_URL TARGET_URL
#       Only the comparison step, between two existing databases.
#
# URLs are libpq URIs (postgres://user@host:5432/dbname). DRILL_ADMIN_URL names the database used
# to create/drop the throwaway one (default: the source server's "postgres" database).
# KEEP_RESTORED=1 keeps the restored database for inspection. Run it against a standby or at a
# quiet hour: pg_dump takes a consistent snapshot but reads every table.
set -euo pipefail
shopt -s inherit_errexit

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_ROOT="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-$PROJECT_ROOT/.venv/bin/python}"

die() { echo "RESTORE DRILL FAILED: $*" >&2; exit 1; }
psql_value() { psql "$1" --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1 --command "$2"; }

# One line per table: "name rows md5". Sorting the rows' text makes the checksum independent of
# physical order, which a restore does not preserve.
table_fingerprints() {
    local url="$1" table
    for table in $(psql_value "$url" "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
        echo "$table $(psql_value "$url" "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') FROM public.$table t")"
    done
}

compare() {
    local source="$1" target="$2" source_prints target_prints
    psql_value "$source" "SELECT 1" >/dev/null || die "cannot connect to the source database"
    psql_value "$target" "SELECT 1" >/dev/null || die "cannot connect to the restored database"
    source_prints="$(table_fingerprints "$source")" || die "cannot read the source database"
    target_prints="$(table_fingerprints "$target")" || die "cannot read the restored database"
    [[ -n "$source_prints" ]] || die "the source database has no tables in schema public"
    if [[ "$source_prints" != "$target_prints" ]]; then
        diff <(echo "$source_prints") <(echo "$target_prints") | sed 's/^/    /' >&2 || true
        die "restored tables differ from the source (< source, > restored)"
    fi
    echo "tables: $(echo "$source_prints" | wc -l), rows: $(echo "$source_prints" | awk '{s += $2} END {print s}'), all identical"
}

if [[ "${1:-}" == "--compare" ]]; then
    [[ $# -eq 3 ]] || die "usage: $0 --compare SOURCE_URL TARGET_URL"
    compare "$2" "$3"
    exit 0
fi
[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 SOURCE_URL [DUMP_FILE]"
SOURCE="$1"
SERVER="${SOURCE%/*}"
ADMIN="${DRILL_ADMIN_URL:-$SERVER/postgres}"
TARGET_NAME="carethread_restore_drill_$(date +%s)_$$"
TARGET="$SERVER/$TARGET_NAME"
WORK="$(mktemp -d)"
created=0

cleanup() {
    if [[ $created == 1 && "${KEEP_RESTORED:-0}" != 1 ]]; then
        psql_value "$ADMIN" "DROP DATABASE IF EXISTS \"$TARGET_NAME\" WITH (FORCE)" >/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if [[ $# -eq 2 ]]; then
    DUMP="$2"
    [[ -r "$DUMP" ]] || die "cannot read dump file $DUMP"
    echo "dump: $DUMP (given)"
else
    DUMP="$WORK/carethread.dump"
    started=$SECONDS
    pg_dump --format=custom --no-owner --no-privileges --file "$DUMP" --dbname "$SOURCE" || die "pg_dump failed"
    echo "dump: $(du -h "$DUMP" | cut -f1) in $((SECONDS - started)) s"
fi
pg_restore --list "$DUMP" >/dev/null || die "$DUMP is not a readable pg_dump archive"

psql_value "$ADMIN" "CREATE DATABASE \"$TARGET_NAME\"" >/dev/null || die "cannot create $TARGET_NAME"
created=1
started=$SECONDS
pg_restore --exit-on-error --no-owner --no-privileges --dbname "$TARGET" "$DUMP" || die "pg_restore failed"
echo "restore into $TARGET_NAME: $((SECONDS - started)) s"

compare "$SOURCE" "$TARGET"

# The schema the code expects: no migration missing in the restored copy. DJANGO_DEBUG=true only
# spares this read-only check the production secret checks; it serves nothing.
if [[ -x "$PYTHON" ]]; then
    (cd "$PROJECT_ROOT" && DATABASE_URL="$TARGET" DJANGO_DEBUG=true "$PYTHON" manage.py migrate --check >/dev/null) \
        || die "the restored database is missing migrations the code expects"
    echo "migrations: all applied"
fi
[[ "${KEEP_RESTORED:-0}" == 1 ]] && echo "kept restored database: $TARGET"
echo "RESTORE DRILL PASSED"
