"""Cases: whether the definitions of refractory disease give different verdicts (the case
list filters on it), filled for existing cases from their current stored assessment.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _differ(assessment_text: str) -> bool:
    """As ``repository.definitions_differ`` on the day of this migration (kept here so that
    the migration does not change when the code does)."""
    try:
        assessment = json.loads(assessment_text)
    except ValueError:
        return False
    if not isinstance(assessment, dict):
        return False
    statuses = {
        d.get("status")
        for d in assessment.get("definitions") or []
        if isinstance(d, dict) and d.get("status") != "not_applicable"
    }
    return len(statuses) > 1


# SQLite: if the table is rebuilt it keeps AUTOINCREMENT (see 0003)
_KEEP = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("cases", table_kwargs=_KEEP) as batch:
        batch.add_column(
            sa.Column("definitions_differ", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_index("ix_cases_definitions_differ", ["definitions_differ"])
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT cases.id, case_versions.assessment_fr FROM cases JOIN case_versions "
            "ON case_versions.case_pk = cases.id AND case_versions.version = cases.version"
        )
    )
    differing = [case_pk for case_pk, text in rows if _differ(text)]
    for case_pk in differing:
        connection.execute(
            sa.text("UPDATE cases SET definitions_differ = :yes WHERE id = :id"),
            {"yes": True, "id": case_pk},
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", table_kwargs=_KEEP) as batch:
        batch.drop_index("ix_cases_definitions_differ")
        batch.drop_column("definitions_differ")
