"""Tumour-board meetings, their agenda and append-only decisions.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('regional', 'national')", name=op.f("ck_meetings_kind")),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_meetings_centre_id_centres")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_meetings_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_index(op.f("ix_meetings_centre_id"), "meetings", ["centre_id"], unique=False)
    op.create_index(op.f("ix_meetings_held_on"), "meetings", ["held_on"], unique=False)
    op.create_table(
        "meeting_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("case_pk", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_pk"],
            ["cases.id"],
            name=op.f("fk_meeting_cases_case_pk_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_cases_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_cases")),
        sa.UniqueConstraint("meeting_id", "case_pk", name="uq_meeting_cases_meeting_case"),
    )
    op.create_index(
        op.f("ix_meeting_cases_meeting_id"), "meeting_cases", ["meeting_id"], unique=False
    )
    op.create_index(op.f("ix_meeting_cases_case_pk"), "meeting_cases", ["case_pk"], unique=False)
    op.create_table(
        "board_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("amends_id", sa.Integer(), nullable=True),
        sa.Column("case_version", sa.Integer(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("free_text", sa.Text(), nullable=False),
        sa.Column("specialties", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.Date(), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["amends_id"],
            ["board_decisions.id"],
            name=op.f("fk_board_decisions_amends_id_board_decisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_board_decisions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["meeting_cases.id"],
            name=op.f("fk_board_decisions_item_id_meeting_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_decisions")),
        sa.UniqueConstraint("amends_id", name=op.f("uq_board_decisions_amends_id")),
    )
    op.create_index(
        op.f("ix_board_decisions_item_id"), "board_decisions", ["item_id"], unique=False
    )
    op.create_index(
        "uq_board_decisions_first",
        "board_decisions",
        ["item_id"],
        unique=True,
        sqlite_where=sa.text("amends_id IS NULL"),
        postgresql_where=sa.text("amends_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_board_decisions_first", table_name="board_decisions")
    op.drop_index(op.f("ix_board_decisions_item_id"), table_name="board_decisions")
    op.drop_table("board_decisions")
    op.drop_index(op.f("ix_meeting_cases_case_pk"), table_name="meeting_cases")
    op.drop_index(op.f("ix_meeting_cases_meeting_id"), table_name="meeting_cases")
    op.drop_table("meeting_cases")
    op.drop_index(op.f("ix_meetings_held_on"), table_name="meetings")
    op.drop_index(op.f("ix_meetings_centre_id"), table_name="meetings")
    op.drop_table("meetings")
