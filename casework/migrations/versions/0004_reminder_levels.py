"""The scheduler"s pointer on each deadline: its next reminder or escalation, the last issued.

Open deadlines get their pointer from `casework init` after the upgrade (it needs the board"s
policy from the config file, which a migration does not read).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_level_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("level_reached", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_deadline_next_level_at"), ["next_level_at"],
                              unique=False)



def downgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadline_next_level_at"))
        batch_op.drop_column("level_reached")
        batch_op.drop_column("next_level_at")

