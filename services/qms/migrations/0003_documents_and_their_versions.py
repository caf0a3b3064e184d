"""document control: documents (one procedure per process) and their versions"""

import sqlalchemy as sa
from alembic import op

revision: str = "qms_0003"
down_revision: str | None = "qms_0002"


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("process", sa.String(length=60), nullable=False),
        sa.Column("procedure_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_id"], ["documents.id"], name=op.f("fk_documents_procedure_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("code", name=op.f("uq_documents_code")),
    )
    op.create_index(
        "uq_documents_procedure_process",
        "documents",
        ["process"],
        unique=True,
        sqlite_where=sa.text("kind = 'procedure'"),
        postgresql_where=sa.text("kind = 'procedure'"),
    )
    op.create_table(
        "document_versions",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("change_note", sa.Text(), nullable=True),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approver", sa.String(length=100), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "approver IS NULL OR approver <> author",
            name=op.f("ck_document_versions_separation_of_duties"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_versions_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("document_id", "number", name=op.f("pk_document_versions")),
    )


def downgrade() -> None:
    op.drop_table("document_versions")
    op.drop_index("uq_documents_procedure_process", table_name="documents")
    op.drop_table("documents")
