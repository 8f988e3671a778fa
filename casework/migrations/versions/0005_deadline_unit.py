"""Each deadline keeps the unit it is counted in.

The unit was inferred from a due time of 23:59 (a 24-hour deadline anchored at 23:59 London
time was taken for a day rule); it is now stored, and the rows a board already has get it from
their rule's own words ("24 hours after notification"), in one statement.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UNIT_FROM_RULE = """
UPDATE deadline SET unit = CASE
    WHEN rule LIKE '% hour after %' OR rule LIKE '% hours after %' THEN 'hours'
    WHEN rule LIKE '% working day after %' OR rule LIKE '% working days after %'
        THEN 'working_days'
    WHEN rule LIKE '% week after %' OR rule LIKE '% weeks after %' THEN 'weeks'
    WHEN rule LIKE '% month after %' OR rule LIKE '% months after %' THEN 'months'
    WHEN rule LIKE '% day after %' OR rule LIKE '% days after %' THEN 'days'
    ELSE 'date' END
"""


def upgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit", sa.String(length=20), nullable=False,
                                      server_default="date"))
    op.execute(UNIT_FROM_RULE)


def downgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_column("unit")
