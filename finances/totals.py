"""The programme list's money (``programmes.ProgrammeMoney``), kept exact by the database.

The programme list sorts and filters up to 100,000 programmes by budget and by spending. Working
out each programme's current budgets and spending on every request would read every money
row, so each programme's totals per currency are stored, and triggers rewrite a programme's
rows in the statement that changes its money:

- a budget or a transaction added, changed or deleted;
- a programme's single total (``budget``, ``currency``) set or changed, which counts while it
  has no budget by period; a programme added with one; a programme deleted.

Triggers rather than calls from the services: money is written by the admin's inlines, the
approval of a revision, the IATI importer, bulk imports, ``QuerySet.update()``, ``COPY`` in
the benchmark. The database sees every one of them, and the totals change in the same
transaction (a revision being proposed, then rolled back, rolls them back too).

What is counted is the rule of ``finances.selectors``, in SQL: of the budgets of one period
and currency, a revised one replaces the original, and of two of one type the later value
date counts (then the later row); a programme with no budget row keeps its single total;
commitments, disbursements and expenditure are summed each on its own, and ``spent`` is
disbursements and expenditure. Sums per currency, never across currencies.

On PostgreSQL one statement-level trigger per table and operation reads the rows the
statement changed (its transition tables) and rewrites the totals of their programmes once,
set-wise: a bulk insert of two million transactions is one rewrite. It first locks those
programmes' rows, so two transactions changing one programme's money take turns and the
second counts what the first wrote. On SQLite (``make run``) row triggers do the same, one
programme at a time. ``install_triggers`` runs after every ``migrate`` (as the publication
version's do: SQLite drops a table's triggers when a migration rebuilds it) and recomputes
every programme's totals.
"""

# The SQL is built from the models' table names and constants only, never from a value from
# outside.
# ruff: noqa: S608
from django.db import connections

from programmes.iati_codes import BudgetType, TransactionType
from programmes.models import Programme, ProgrammeMoney

from .models import Budget, Transaction

PREFIX = "finances_programme_money"


def _names() -> dict[str, str]:
    return {
        "money": ProgrammeMoney._meta.db_table,
        "programme": Programme._meta.db_table,
        "budget": Budget._meta.db_table,
        "transaction": Transaction._meta.db_table,
        "revised": BudgetType.REVISED.value,
        "committed": TransactionType.OUTGOING_COMMITMENT.value,
        "disbursed": TransactionType.DISBURSEMENT.value,
        "expended": TransactionType.EXPENDITURE.value,
    }


def totals_sql(among: str) -> str:
    """``SELECT programme_id, currency, budget, committed, disbursed, expended, spent`` of the
    programmes whose id is ``among`` (an SQL condition on an id, such as ``= ANY(ids)``), one
    row per currency with money. Plain SQL both databases run (no CTE: SQLite allows none in a
    trigger)."""
    n = _names()

    def rank(row: str) -> str:
        return f"CASE WHEN {row}.type = '{n['revised']}' THEN 1 ELSE 0 END"

    # ``later`` replaces ``b``: revised over original, then the later value date, then row.
    replaces = (
        f"({rank('later')} > {rank('b')} OR ({rank('later')} = {rank('b')} AND "
        "(later.value_date > b.value_date "
        "OR (later.value_date = b.value_date AND later.id > b.id))))"
    )
    none = "CAST(NULL AS NUMERIC)"

    def of_type(*codes: str) -> str:
        listed = ", ".join(f"'{code}'" for code in codes)
        return f"CASE WHEN t.type IN ({listed}) THEN t.value END"

    return f"""
    SELECT programme_id, currency, SUM(budget), SUM(committed), SUM(disbursed), SUM(expended),
        SUM(spent)
    FROM (
        SELECT b.programme_id, b.currency, b.value AS budget, {none} AS committed,
            {none} AS disbursed, {none} AS expended, {none} AS spent
        FROM {n["budget"]} b
        WHERE b.programme_id {among} AND NOT EXISTS (
            SELECT 1 FROM {n["budget"]} later
            WHERE later.programme_id = b.programme_id AND later.currency = b.currency
                AND later.period_start = b.period_start AND later.period_end = b.period_end
                AND {replaces})
        UNION ALL
        SELECT p.id, p.currency, p.budget, {none}, {none}, {none}, {none}
        FROM {n["programme"]} p
        WHERE p.id {among} AND p.budget IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM {n["budget"]} b WHERE b.programme_id = p.id)
        UNION ALL
        SELECT t.programme_id, t.currency, {none}, {of_type(n["committed"])},
            {of_type(n["disbursed"])}, {of_type(n["expended"])},
            {of_type(n["disbursed"], n["expended"])}
        FROM {n["transaction"]} t
        WHERE t.programme_id {among}
            AND t.type IN ('{n["committed"]}', '{n["disbursed"]}', '{n["expended"]}')
    ) AS amounts
    GROUP BY programme_id, currency"""


def _rewrite_sql(among: str) -> list[str]:
    names = _names()
    return [
        f"DELETE FROM {names['money']} WHERE programme_id {among}",
        f"INSERT INTO {names['money']} "
        "(programme_id, currency, budget, committed, disbursed, expended, spent) "
        + totals_sql(among),
    ]


def install_triggers(*, using: str = "default", **kwargs) -> None:
    """(Re)creates the triggers and recomputes every programme's totals."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        statements = _postgresql()
    elif connection.vendor == "sqlite":
        statements = _sqlite()
    else:
        raise NotImplementedError(f"No money triggers for {connection.vendor}.")
    # Every programme (and only programmes: a JWP's rows have no programme_id).
    statements += _rewrite_sql("IS NOT NULL")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _postgresql() -> list[str]:
    names = _names()
    delete, insert = _rewrite_sql("= ANY(ids)")
    statements = [
        f"""
        CREATE OR REPLACE FUNCTION {PREFIX}_rewrite(ids bigint[]) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
            IF cardinality(ids) = 0 THEN
                RETURN;
            END IF;
            PERFORM 1 FROM {names["programme"]} WHERE id = ANY(ids) ORDER BY id
                FOR NO KEY UPDATE;
            {delete};
            {insert};
        END $$""",
        # Budgets and transactions: the programmes of the rows before and after.
        f"""
        CREATE OR REPLACE FUNCTION {PREFIX}_rows_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM {PREFIX}_rewrite(ARRAY(
                    SELECT DISTINCT programme_id FROM new_rows WHERE programme_id IS NOT NULL));
            ELSIF TG_OP = 'DELETE' THEN
                PERFORM {PREFIX}_rewrite(ARRAY(
                    SELECT DISTINCT programme_id FROM old_rows WHERE programme_id IS NOT NULL));
            ELSE
                PERFORM {PREFIX}_rewrite(ARRAY(
                    SELECT programme_id FROM new_rows WHERE programme_id IS NOT NULL
                    UNION SELECT programme_id FROM old_rows WHERE programme_id IS NOT NULL));
            END IF;
            RETURN NULL;
        END $$""",
        f"""
        CREATE OR REPLACE FUNCTION {PREFIX}_programmes_added() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM {PREFIX}_rewrite(ARRAY(
                SELECT id FROM new_rows WHERE budget IS NOT NULL));
            RETURN NULL;
        END $$""",
        f"""
        CREATE OR REPLACE FUNCTION {PREFIX}_total_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM {PREFIX}_rewrite(ARRAY[NEW.id]);
            RETURN NULL;
        END $$""",
        f"""
        CREATE OR REPLACE FUNCTION {PREFIX}_programmes_deleted() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM {names["money"]} WHERE programme_id IN (SELECT id FROM old_rows);
            RETURN NULL;
        END $$""",
    ]
    transitions = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows"}
    transitions["UPDATE"] = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
    for table in (names["budget"], names["transaction"]):
        for operation, referencing in transitions.items():
            trigger = f"{PREFIX}_{operation.lower()}"
            statements += [
                f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
                f"CREATE TRIGGER {trigger} AFTER {operation} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {PREFIX}_rows_changed()",
            ]
    programme = names["programme"]
    statements += [
        f"DROP TRIGGER IF EXISTS {PREFIX}_insert ON {programme}",
        f"CREATE TRIGGER {PREFIX}_insert AFTER INSERT ON {programme} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {PREFIX}_programmes_added()",
        # A column list and transition tables do not go together: a row trigger, for what is
        # a single programme's edit.
        f"DROP TRIGGER IF EXISTS {PREFIX}_update ON {programme}",
        f"CREATE TRIGGER {PREFIX}_update AFTER UPDATE OF budget, currency ON {programme} "
        f"FOR EACH ROW WHEN (OLD.budget IS DISTINCT FROM NEW.budget "
        f"OR OLD.currency IS DISTINCT FROM NEW.currency) "
        f"EXECUTE FUNCTION {PREFIX}_total_changed()",
        f"DROP TRIGGER IF EXISTS {PREFIX}_delete ON {programme}",
        f"CREATE TRIGGER {PREFIX}_delete AFTER DELETE ON {programme} "
        f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {PREFIX}_programmes_deleted()",
    ]
    return statements


def _sqlite() -> list[str]:
    names = _names()
    statements = []

    def trigger(name: str, event: str, table: str, among: str, when: str = "") -> None:
        body = ";\n".join(_rewrite_sql(among))
        statements.extend(
            [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                f"{f'WHEN {when} ' if when else ''}BEGIN {body}; END",
            ]
        )

    for table in (names["budget"], names["transaction"]):
        trigger(f"{PREFIX}_{table}_insert", "INSERT", table, "= NEW.programme_id")
        trigger(f"{PREFIX}_{table}_delete", "DELETE", table, "= OLD.programme_id")
        trigger(
            f"{PREFIX}_{table}_update",
            "UPDATE",
            table,
            "IN (OLD.programme_id, NEW.programme_id)",
        )
    programme = names["programme"]
    trigger(
        f"{PREFIX}_{programme}_insert",
        "INSERT",
        programme,
        "= NEW.id",
        when="NEW.budget IS NOT NULL",
    )
    trigger(
        f"{PREFIX}_{programme}_update",
        "UPDATE OF budget, currency",
        programme,
        "= NEW.id",
        when="OLD.budget IS NOT NEW.budget OR OLD.currency IS NOT NEW.currency",
    )
    statements.extend(
        [
            f"DROP TRIGGER IF EXISTS {PREFIX}_{programme}_delete",
            f"CREATE TRIGGER {PREFIX}_{programme}_delete AFTER DELETE ON {programme} "
            f"FOR EACH ROW BEGIN DELETE FROM {names['money']} "
            f"WHERE programme_id = OLD.id; END",
        ]
    )
    return statements
