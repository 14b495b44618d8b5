"""CDS Hooks: card feedback, and the JWT ids seen (replay check).

Revision ID: 0005
Revises: 0002 (the lead re-chains it after the migrations merged before it)
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cds_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("card_uuid", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("accepted_suggestions", sa.String(length=400), nullable=False),
        sa.Column("override_reason", sa.String(length=200), nullable=False),
        sa.Column("outcome_at", sa.DateTime(), nullable=True),
        sa.Column("client", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('accepted', 'overridden')", name=op.f("ck_cds_feedback_outcome")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cds_feedback")),
    )
    op.create_index("ix_cds_feedback_service_at", "cds_feedback", ["service_id", "received_at"])
    op.create_table(
        "cds_token_ids",
        sa.Column("jti", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_cds_token_ids")),
    )
    op.create_index(
        op.f("ix_cds_token_ids_expires_at"), "cds_token_ids", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_cds_token_ids_expires_at"), table_name="cds_token_ids")
    op.drop_table("cds_token_ids")
    op.drop_index("ix_cds_feedback_service_at", table_name="cds_feedback")
    op.drop_table("cds_feedback")
