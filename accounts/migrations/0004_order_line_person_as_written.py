"""An order line keeps the national ID as the written order names it, whether or not the HR record has it yet.

The line's `official` column was the HR record's primary key; it becomes the national ID itself (column
`national_id`, no database constraint), as User.official already is. Existing lines keep their person: the ID is
copied from the HR record they pointed at.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery

import core.national_id


def copy_national_ids(apps, schema_editor):
    OrderLine = apps.get_model("accounts", "OrderLine")
    Official = apps.get_model("accounts", "Official")
    OrderLine.objects.update(
        person_id=Subquery(Official.objects.filter(pk=OuterRef("official_id")).values("national_id")[:1])
    )


def copy_official_ids(apps, schema_editor):
    OrderLine = apps.get_model("accounts", "OrderLine")
    Official = apps.get_model("accounts", "Official")
    OrderLine.objects.update(
        official_id=Subquery(Official.objects.filter(national_id=OuterRef("person_id")).values("pk")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_grant_authority_four_eyes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="orderline", name="accounts_or_officia_ceb087_idx"),
        migrations.AddField(
            model_name="orderline",
            name="person",
            field=models.ForeignKey(
                db_column="national_id", db_constraint=False, null=True,
                on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="accounts.official",
                to_field="national_id",
            ),
        ),
        # Going back is possible while every line's person is in the HR record.
        migrations.AlterField(
            model_name="orderline",
            name="official",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="order_lines",
                to="accounts.official", verbose_name="ข้าราชการ",
            ),
        ),
        migrations.RunPython(copy_national_ids, copy_official_ids),
        migrations.RemoveField(model_name="orderline", name="official"),
        migrations.RenameField(model_name="orderline", old_name="person", new_name="official"),
        migrations.AlterField(
            model_name="orderline",
            name="official",
            field=models.ForeignKey(
                db_column="national_id", db_constraint=False, null=True,
                on_delete=django.db.models.deletion.DO_NOTHING, related_name="order_lines", to="accounts.official",
                to_field="national_id", validators=[core.national_id.validate_national_id],
                verbose_name="เลขประจำตัวประชาชน",
            ),
        ),
        migrations.AddField(
            model_name="orderline",
            name="written_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="ชื่อ-นามสกุลตามคำสั่ง"),
        ),
        migrations.AddIndex(
            model_name="orderline",
            index=models.Index(fields=["official", "effective_from"], name="orderline_person_from_idx"),
        ),
        migrations.AddConstraint(
            model_name="orderline",
            constraint=models.CheckConstraint(condition=Q(official__isnull=False), name="order_line_names_a_person"),
        ),
    ]
