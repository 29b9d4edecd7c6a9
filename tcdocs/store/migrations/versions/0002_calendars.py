"""A secret for each case's calendar feed.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendars",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_calendars_case_id_cases")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_calendars")),
        sa.UniqueConstraint("secret", name=op.f("uq_calendars_secret")),
    )


def downgrade() -> None:
    op.drop_table("calendars")
