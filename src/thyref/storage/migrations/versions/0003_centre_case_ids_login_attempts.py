"""Case ids unique per centre, audit entries keyed by the internal case id, atomic
sign-in attempt counters (replacing the failure log).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite: the table is rebuilt with AUTOINCREMENT, so a deleted case's internal id is
    # never given to a new case (PostgreSQL sequences never give an id twice).
    with op.batch_alter_table(
        "cases", recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.drop_constraint("uq_cases_case_id", type_="unique")
        batch.create_unique_constraint("uq_cases_centre_case", ["centre_id", "case_id"])
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("case_pk", sa.Integer(), nullable=True))
        batch.create_index("ix_audit_events_case_pk", ["case_pk"])
    # Entries written before: the case id was unique then, so it names one case.
    op.execute(
        "UPDATE audit_events SET case_pk = "
        "(SELECT cases.id FROM cases WHERE cases.case_id = audit_events.case_id) "
        "WHERE case_id IS NOT NULL"
    )
    op.create_table(
        "login_attempts",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_attempts")),
    )
    op.drop_index("ix_login_failures_key_at", table_name="login_failures")
    op.drop_table("login_failures")


def downgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"])
    op.drop_table("login_attempts")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_case_pk")
        batch.drop_column("case_pk")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("uq_cases_centre_case", type_="unique")
        batch.create_unique_constraint("uq_cases_case_id", ["case_id"])
