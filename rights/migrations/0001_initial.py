
import core.national_id
import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


MOVED = ['role', 'policy', 'assignmentorder', 'orderline']


def content_types_follow(apps, schema_editor, *, source, target):
    """The content types (and so the permissions) of the moved models change app, unless the target exists."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    content_types_follow(apps, schema_editor, source="accounts", target="rights")


def backwards(apps, schema_editor):
    content_types_follow(apps, schema_editor, source="rights", target="accounts")


class Migration(migrations.Migration):
    """Roles, policies and orders move from accounts to rights with their tables unchanged."""

    initial = True

    dependencies = [
        ('accounts', '0008_activation_code'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay as they are (accounts_*): only Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AssignmentOrder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='สร้างเมื่อ')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='แก้ไขเมื่อ')),
                        ('number', models.CharField(max_length=20, validators=[django.core.validators.RegexValidator('^\\d{1,6}/\\d{4}$', 'ใช้รูปแบบ 123/2569')], verbose_name='เลขที่คำสั่ง')),
                        ('order_date', models.DateField(verbose_name='วันที่ออกคำสั่ง')),
                        ('signer', models.CharField(blank=True, max_length=200, verbose_name='ผู้ลงนาม')),
                        ('scan', models.FileField(blank=True, upload_to='orders/%Y/', verbose_name='ไฟล์คำสั่ง (PDF)')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='ยกเลิกเมื่อ')),
                        ('revocation_reason', models.CharField(blank=True, max_length=255, verbose_name='เหตุผลที่ยกเลิก')),
                        ('number_year', models.GeneratedField(db_persist=True, expression=django.db.models.functions.comparison.Cast(django.db.models.functions.text.Substr('number', django.db.models.expressions.CombinedExpression(django.db.models.functions.text.Length('number'), '-', models.Value(3))), models.IntegerField()), output_field=models.IntegerField(), verbose_name='ปีของเลขที่คำสั่ง')),
                        ('number_serial', models.GeneratedField(db_persist=True, expression=django.db.models.functions.comparison.Cast(django.db.models.functions.text.Substr('number', 1, django.db.models.expressions.CombinedExpression(django.db.models.functions.text.Length('number'), '-', models.Value(5))), models.IntegerField()), output_field=models.IntegerField(), verbose_name='ลำดับของเลขที่คำสั่ง')),
                        ('issuing_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='issued_orders', to='accounts.unit', verbose_name='หน่วยงานที่ออกคำสั่ง')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='บันทึกโดย')),
                    ],
                    options={
                        'verbose_name': 'คำสั่งมอบหมาย',
                        'verbose_name_plural': 'คำสั่งมอบหมาย',
                        'db_table': 'accounts_assignmentorder',
                        'ordering': ['-order_date', 'number'],
                    },
                ),
                migrations.CreateModel(
                    name='Role',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=40, unique=True, validators=[django.core.validators.RegexValidator('^[A-Z][A-Z0-9_]*$')], verbose_name='รหัส')),
                        ('name_th', models.CharField(max_length=200, verbose_name='ชื่อภาษาไทย')),
                        ('name_en', models.CharField(max_length=200, verbose_name='ชื่อภาษาอังกฤษ')),
                        ('national_scope', models.BooleanField(default=False, verbose_name='ขอบเขตทั่วประเทศ')),
                        ('requires_second_factor', models.BooleanField(default=False, help_text='ผู้ถือบทบาทนี้ต้องลงทะเบียนและใช้รหัสจากแอปยืนยันตัวตน (TOTP) ทุกครั้งที่เข้าสู่ระบบ', verbose_name='ต้องยืนยันตัวตนสองขั้นตอน')),
                        ('granted_by', models.CharField(choices=[('centre', 'ส่วนกลาง (ผู้มีขอบเขตทั่วประเทศ)'), ('province', 'ที่ทำการปกครองจังหวัดที่อยู่เหนือหน่วยงาน หรือส่วนกลาง'), ('district', 'ที่ทำการปกครองอำเภอของหน่วยงานนั้นขึ้นไป')], default='centre', help_text='หน่วยงานที่บันทึกคำสั่ง ยืนยันคำสั่ง และปรับสิทธิ์ตามคำสั่งสำหรับบทบาทนี้ได้', max_length=16, verbose_name='ผู้มีอำนาจให้สิทธิ์')),
                        ('menus', models.ManyToManyField(blank=True, related_name='menu_of_roles', to='auth.permission', verbose_name='เมนู')),
                        ('permission', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='role', to='auth.permission', verbose_name='สิทธิ์การถือบทบาท')),
                    ],
                    options={
                        'verbose_name': 'บทบาท',
                        'verbose_name_plural': 'บทบาท',
                        'db_table': 'accounts_role',
                        'ordering': ['code'],
                        'permissions': [('menu_issue_receipts', 'ออกและยกเลิกใบเสร็จรับเงิน'), ('menu_review_accounts', 'ตรวจสอบสิทธิ์ผู้ใช้งานในหน่วยงาน'), ('menu_decide_change_requests', 'พิจารณาคำขอเปลี่ยนแปลงข้อมูล'), ('menu_report_leavers', 'รายงานผู้พ้นจากหน้าที่'), ('menu_import_registry', 'นำเข้าข้อมูลทะเบียน'), ('menu_record_orders', 'บันทึกคำสั่งมอบหมาย'), ('menu_deactivate_accounts', 'ระงับการใช้งานบัญชี'), ('menu_manage_reference_data', 'ดูแลข้อมูลอ้างอิงและเงื่อนไขสิทธิ์'), ('menu_view_event_log', 'ดูบันทึกเหตุการณ์')],
                    },
                ),
                migrations.CreateModel(
                    name='Policy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='สร้างเมื่อ')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='แก้ไขเมื่อ')),
                        ('name', models.CharField(max_length=200, verbose_name='ชื่อ')),
                        ('source', models.CharField(blank=True, help_text='หนังสือสั่งการที่เป็นที่มาของเงื่อนไข', max_length=255, verbose_name='หนังสือสั่งการ')),
                        ('effective_from', models.DateField(verbose_name='มีผลตั้งแต่')),
                        ('effective_to', models.DateField(blank=True, null=True, verbose_name='มีผลถึง')),
                        ('max_holders_per_unit', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='จำนวนผู้ถือสิทธิ์สูงสุดต่อหน่วยงาน')),
                        ('allowed_positions', models.ManyToManyField(blank=True, to='accounts.position', verbose_name='ตำแหน่งที่อนุญาต')),
                        ('minimum_levels', models.ManyToManyField(blank=True, to='accounts.level', verbose_name='ระดับขั้นต่ำในแต่ละประเภท')),
                        ('role', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='policies', to='rights.role', verbose_name='บทบาท')),
                    ],
                    options={
                        'verbose_name': 'เงื่อนไขสิทธิ์',
                        'verbose_name_plural': 'เงื่อนไขสิทธิ์',
                        'db_table': 'accounts_policy',
                        'ordering': ['role__code', 'effective_from'],
                    },
                ),
                migrations.CreateModel(
                    name='OrderLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('written_name', models.CharField(blank=True, max_length=200, verbose_name='ชื่อ-นามสกุลตามคำสั่ง')),
                        ('effective_from', models.DateField(verbose_name='มีผลตั้งแต่')),
                        ('effective_to', models.DateField(blank=True, null=True, verbose_name='มีผลถึง')),
                        ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='ยืนยันเมื่อ')),
                        ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ยืนยันโดย')),
                        ('level', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.level', verbose_name='ระดับ')),
                        ('official', models.ForeignKey(db_column='national_id', db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='order_lines', to='accounts.official', to_field='national_id', validators=[core.national_id.validate_national_id], verbose_name='เลขประจำตัวประชาชน')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='rights.assignmentorder', verbose_name='คำสั่ง')),
                        ('position', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.position', verbose_name='ตำแหน่ง')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='บันทึกโดย')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='order_lines', to='accounts.unit', verbose_name='หน่วยงาน')),
                        ('role', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='order_lines', to='rights.role', verbose_name='บทบาท')),
                    ],
                    options={
                        'verbose_name': 'รายการในคำสั่ง',
                        'verbose_name_plural': 'รายการในคำสั่ง',
                        'db_table': 'accounts_orderline',
                        'ordering': ['order', 'pk'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='assignmentorder',
                    constraint=models.UniqueConstraint(fields=('issuing_unit', 'number'), name='order_number_unique_per_issuer'),
                ),
                migrations.AddConstraint(
                    model_name='policy',
                    constraint=models.CheckConstraint(condition=models.Q(('effective_to__isnull', True), ('effective_to__gte', models.F('effective_from')), _connector='OR'), name='policy_valid_range'),
                ),
                migrations.AddIndex(
                    model_name='orderline',
                    index=models.Index(fields=['official', 'effective_from'], name='orderline_person_from_idx'),
                ),
                migrations.AddConstraint(
                    model_name='orderline',
                    constraint=models.CheckConstraint(condition=models.Q(('effective_to__isnull', True), ('effective_to__gte', models.F('effective_from')), _connector='OR'), name='order_line_valid_range'),
                ),
                migrations.AddConstraint(
                    model_name='orderline',
                    constraint=models.CheckConstraint(condition=models.Q(('official__isnull', False)), name='order_line_names_a_person'),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
