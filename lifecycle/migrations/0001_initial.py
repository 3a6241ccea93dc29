
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ['changerequest', 'leaverreport']


def content_types_follow(apps, schema_editor, *, source, target):
    """The content types (and so the permissions) of the moved models change app, unless the target exists."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    content_types_follow(apps, schema_editor, source="accounts", target="lifecycle")


def backwards(apps, schema_editor):
    content_types_follow(apps, schema_editor, source="lifecycle", target="accounts")


class Migration(migrations.Migration):
    """Change requests and leaver reports move from accounts to lifecycle with their tables unchanged."""

    initial = True

    dependencies = [
        ('accounts', '0008_activation_code'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay as they are (accounts_*): only Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ChangeRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='สร้างเมื่อ')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='แก้ไขเมื่อ')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='พิจารณาเมื่อ')),
                        ('decision_reason', models.TextField(blank=True, verbose_name='เหตุผลการพิจารณา')),
                        ('order_number', models.CharField(max_length=20, validators=[django.core.validators.RegexValidator('^\\d{1,6}/\\d{4}$', 'ใช้รูปแบบ 123/2569')], verbose_name='เลขที่คำสั่งอ้างอิง')),
                        ('order_date', models.DateField(verbose_name='วันที่ของคำสั่ง')),
                        ('attachment', models.FileField(blank=True, upload_to='change-requests/%Y/', verbose_name='สำเนาคำสั่ง (PDF)')),
                        ('note', models.TextField(blank=True, verbose_name='คำชี้แจง')),
                        ('status', models.CharField(choices=[('pending', 'รอพิจารณา'), ('approved', 'อนุมัติแล้ว'), ('rejected', 'ไม่อนุมัติ'), ('withdrawn', 'ถอนคำขอแล้ว')], db_index=True, default='pending', max_length=16, verbose_name='สถานะ')),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='change_requests', to=settings.AUTH_USER_MODEL, verbose_name='บัญชีผู้ใช้งาน')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ผู้พิจารณา')),
                        ('filed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ผู้ยื่นคำขอ')),
                        ('level', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.level', verbose_name='ระดับที่ขอแก้ไขเป็น')),
                        ('position', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.position', verbose_name='ตำแหน่งที่ขอแก้ไขเป็น')),
                        ('previous_level', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.level', verbose_name='ระดับเดิม')),
                        ('previous_position', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.position', verbose_name='ตำแหน่งเดิม')),
                        ('previous_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.unit', verbose_name='หน่วยงานเดิม')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.unit', verbose_name='หน่วยงานที่ขอแก้ไขเป็น')),
                    ],
                    options={
                        'verbose_name': 'คำขอเปลี่ยนแปลงข้อมูลผู้ปฏิบัติงาน',
                        'verbose_name_plural': 'คำขอเปลี่ยนแปลงข้อมูลผู้ปฏิบัติงาน',
                        'db_table': 'accounts_changerequest',
                        'ordering': ['-created_at'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('account',), name='change_request_one_pending_per_account')],
                    },
                ),
                migrations.CreateModel(
                    name='LeaverReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='สร้างเมื่อ')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='แก้ไขเมื่อ')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='พิจารณาเมื่อ')),
                        ('decision_reason', models.TextField(blank=True, verbose_name='เหตุผลการพิจารณา')),
                        ('reason', models.CharField(choices=[('retired', 'เกษียณอายุราชการ'), ('transferred', 'ย้ายไปปฏิบัติราชการที่อื่น'), ('resigned', 'ลาออก'), ('deceased', 'ถึงแก่กรรม')], max_length=16, verbose_name='เหตุที่พ้นจากหน้าที่')),
                        ('left_on', models.DateField(verbose_name='วันที่พ้นจากหน้าที่')),
                        ('evidence', models.FileField(blank=True, upload_to='leavers/%Y/', verbose_name='หลักฐาน (PDF)')),
                        ('note', models.TextField(blank=True, verbose_name='หมายเหตุ')),
                        ('status', models.CharField(choices=[('pending', 'รอส่วนกลางพิจารณา'), ('accepted', 'ระงับการใช้งานแล้ว'), ('returned', 'ส่งคืน')], db_index=True, default='pending', max_length=16, verbose_name='สถานะ')),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='leaver_reports', to=settings.AUTH_USER_MODEL, verbose_name='บัญชีผู้ใช้งาน')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ผู้พิจารณา')),
                        ('reported_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ผู้รายงาน')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='leaver_reports', to='accounts.unit', verbose_name='หน่วยงาน')),
                    ],
                    options={
                        'verbose_name': 'รายงานผู้พ้นจากหน้าที่',
                        'verbose_name_plural': 'รายงานผู้พ้นจากหน้าที่',
                        'db_table': 'accounts_leaverreport',
                        'ordering': ['-created_at'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('account',), name='leaver_report_one_pending_per_account')],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
