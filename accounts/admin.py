from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    AssignmentOrder,
    ChangeRequest,
    DeniedAccess,
    LeaverReport,
    Level,
    Official,
    OrderLine,
    Policy,
    Position,
    Role,
    Unit,
    UnitUserObjectPermission,
    User,
)
from accounts.rules import AuthorityRefused
from accounts.services import account_deactivate, account_unlock
from events.admin_audit import AuditedChangesMixin
from events.services import event_record


def policy_snapshot(policy: Policy) -> dict:
    return {
        "role": policy.role.code,
        "name": policy.name,
        "effective_from": policy.effective_from,
        "effective_to": policy.effective_to,
        "allowed_positions": sorted(p.name_th for p in policy.allowed_positions.all()),
        "minimum_levels": sorted(lv.code for lv in policy.minimum_levels.all()),
        "max_holders_per_unit": policy.max_holders_per_unit,
    }


class NoDeleteMixin:
    """Nothing a user did is ever deleted: deactivate, revoke or supersede instead."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(NoDeleteMixin):
    """Records made through the app's screens and services: looked up here, never added, changed or deleted.

    Their decisions happen only through the services, which check the decider's scope and log the event; an edit
    here would do neither. The view permission stays, so central admins still open the list and each record.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProvinceListFilter(admin.SimpleListFilter):
    """The province a record's unit lies in (the unit's subtree by its path): 77 choices instead of ~1,000 units."""

    title = _("จังหวัด")
    parameter_name = "province"
    unit_field = "unit"

    def lookups(self, request, model_admin):
        provinces = Unit.objects.filter(kind=Unit.Kind.PROVINCE).order_by("name_th")
        return list(provinces.values_list("code", "name_th"))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        province = Unit.objects.filter(kind=Unit.Kind.PROVINCE, code=self.value()).first()
        if province is None:
            return queryset.none()
        return queryset.filter(**{f"{self.unit_field}__path__startswith": province.path})


class AccountNationalIdColumn:
    """The account's national ID as a column, headed by the model's own verbose name."""

    @admin.display(description=Official._meta.get_field("national_id").verbose_name, ordering="account__official_id")
    def account_national_id(self, obj):
        return obj.account.official_id


@admin.register(Unit)
class UnitAdmin(AuditedChangesMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "kind", "parent", "is_bma"]
    list_filter = ["kind", "is_bma"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]


@admin.register(Level)
class LevelAdmin(AuditedChangesMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ["code", "track", "rank", "name_th", "name_en"]
    list_filter = ["track"]


@admin.register(Position)
class PositionAdmin(AuditedChangesMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ["name_th", "name_en", "track"]
    search_fields = ["name_th", "name_en"]


@admin.register(Official)
class OfficialAdmin(AuditedChangesMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ["national_id", "full_name", "position", "level", "unit", "status", "retirement_date"]
    list_filter = ["status", "level__track"]
    search_fields = ["national_id", "first_name", "last_name"]
    list_select_related = ["position", "level", "unit"]
    raw_id_fields = ["unit"]
    readonly_fields = ["retirement_date", "created_at", "updated_at"]


class AccountAddForm(forms.ModelForm):
    """A new account made by the centre has no password: its holder activates it with a one-time code or link that a
    reviewer of the unit issues from the account's page (accounts.activation), so no password is ever handed out."""

    class Meta:
        model = User
        fields = ["username", "official", "first_name", "last_name", "email", "registered_position",
                  "registered_level", "registered_unit"]

    def save(self, commit=True):
        account = super().save(commit=False)
        account.set_unusable_password()
        if commit:
            account.save()
        return account


@admin.register(User)
class UserAdmin(AuditedChangesMixin, NoDeleteMixin, DjangoUserAdmin):
    add_form = AccountAddForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": AccountAddForm.Meta.fields}),)
    list_display = ["username", "official_id", "registered_unit", "registered_position", "registered_level", "is_active", "last_login"]
    list_filter = ["is_active", "is_superuser"]
    search_fields = ["username", "official__national_id", "first_name", "last_name"]
    list_select_related = ["registered_unit", "registered_position", "registered_level"]
    raw_id_fields = ["registered_unit"]
    readonly_fields = ["last_login", "date_joined", "deactivated_at", "deactivation_reason", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("ข้อมูลบุคคล"), {"fields": ("official", "first_name", "last_name", "email")}),
        (_("ข้อมูลที่ลงทะเบียน"), {"fields": ("registered_position", "registered_level", "registered_unit")}),
        (_("สถานะ"), {"fields": ("is_active", "deactivated_at", "deactivation_reason", "is_staff", "is_superuser")}),
        (_("วันที่สำคัญ"), {"fields": ("last_login", "date_joined")}),
    )
    actions = ["deactivate_selected", "unlock_selected"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "official":
            kwargs["widget"] = admin.widgets.ForeignKeyRawIdWidget(db_field.remote_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("ระงับการใช้งานบัญชีที่เลือก (ไม่ลบ)"))
    def deactivate_selected(self, request, queryset):
        done = 0
        for account in queryset.filter(is_active=True).select_related("registered_unit"):
            account_deactivate(account=account, actor=request.user, reason="ระงับโดยผู้ดูแลระบบผ่านหน้าผู้ดูแล",
                               ip_address=request.META.get("REMOTE_ADDR"))
            done += 1
        messages.success(request, _("ระงับการใช้งานแล้ว %(n)d บัญชี") % {"n": done})

    @admin.action(description=_("ปลดล็อกบัญชีที่เลือก"))
    def unlock_selected(self, request, queryset):
        done = 0
        for account in queryset.select_related("registered_unit"):
            try:
                account_unlock(account=account, actor=request.user, ip_address=request.META.get("REMOTE_ADDR"))
            except AuthorityRefused as refusal:  # one's own account: refused and logged by the service
                messages.error(request, refusal.message)
            else:
                done += 1
        if done:
            messages.success(request, _("ปลดล็อกแล้ว %(n)d บัญชี") % {"n": done})

    def user_change_password(self, request, id, form_url=""):
        # Setting another person's password is a privileged change like any other: in the chain, with who and when.
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                account = User.objects.get(pk=id)
                event_record(action="admin.password.set", actor=request.user, target=account,
                             unit=account.registered_unit, ip_address=request.META.get("REMOTE_ADDR"),
                             data={"username": account.username})
        return response

    def get_readonly_fields(self, request, obj=None):
        # Nobody changes their own registration or powers here: the change request and the orders are the way.
        # is_staff and is_superuser are set only from the command line (set_staff_flags), logged: a superuser's
        # session in the browser must not be enough to make another one.
        readonly = [*super().get_readonly_fields(request, obj), "is_staff", "is_superuser"]
        if obj is not None and obj.pk == request.user.pk:
            readonly += ["official", "registered_position", "registered_level", "registered_unit"]
        return readonly


def role_snapshot(role: Role) -> dict:
    return {
        "code": role.code,
        "name_th": role.name_th,
        "national_scope": role.national_scope,
        "granted_by": role.granted_by,
        "menus": sorted(menu.codename for menu in role.menus.all()),
    }


@admin.register(Role)
class RoleAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Central admins keep who may grant each role (granted_by, accounts.rules.may_grant) and its menus here; every
    save is logged with the values before and after, as a change of authority."""

    list_display = ["code", "name_th", "name_en", "national_scope", "granted_by"]
    list_filter = ["granted_by", "national_scope"]
    filter_horizontal = ["menus"]
    readonly_fields = ["permission"]

    def has_add_permission(self, request):
        # A role needs its holding permission; new roles come through the reference data.
        return False

    def changeform_view(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        request._role_before = role_snapshot(Role.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        event_record(
            action="accounts.role_authority.changed", actor=request.user, target=form.instance,
            ip_address=request.META.get("REMOTE_ADDR"),
            data={"before": request._role_before, "after": role_snapshot(form.instance)},
        )


@admin.register(Policy)
class PolicyAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Policies are edited here by central admins; every save is logged with the values before and after."""

    list_display = ["name", "role", "effective_from", "effective_to", "max_holders_per_unit"]
    list_filter = ["role"]
    filter_horizontal = ["allowed_positions", "minimum_levels"]

    def changeform_view(self, request, *args, **kwargs):
        with transaction.atomic():  # the policy, its lists and the log entry land together or not at all
            return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        request._policy_before = policy_snapshot(Policy.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        event_record(
            action="accounts.policy.changed", actor=request.user, target=form.instance,
            ip_address=request.META.get("REMOTE_ADDR"),
            data={"before": request._policy_before, "after": policy_snapshot(form.instance)},
        )


class OrderLineInline(ReadOnlyMixin, admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ["national_id", "written_name", "role", "unit", "position", "level", "effective_from", "effective_to", "recorded_by",
              "confirmed_by", "confirmed_at"]
    readonly_fields = fields


@admin.register(AssignmentOrder)
class AssignmentOrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: orders are recorded, confirmed by a second person and revoked in the app (accounts.lifecycle),
    which checks each line against the actor's authority to grant; an edit here would bypass all of it."""

    list_display = ["number", "order_date", "issuing_unit", "signer", "revoked_at"]
    search_fields = ["number", "signer"]
    list_select_related = ["issuing_unit"]
    raw_id_fields = ["issuing_unit"]
    readonly_fields = ["recorded_by", "revoked_at", "revocation_reason"]
    inlines = [OrderLineInline]


@admin.register(UnitUserObjectPermission)
class HeldRoleAdmin(admin.ModelAdmin):
    """Read-only: roles are granted and revoked through the logged services, never edited here."""

    list_display = ["user", "permission", "content_object"]
    list_select_related = ["user", "permission", "content_object"]
    search_fields = ["user__username", "content_object__code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyMixin, AccountNationalIdColumn, admin.ModelAdmin):
    """Read-only: requests are filed, withdrawn and decided in the app (accounts.lifecycle), each logged."""

    list_display = [
        "__str__", "account", "account_national_id", "status", "unit", "position", "level", "order_number",
        "order_date", "created_at", "decided_by", "decided_at",
    ]
    list_filter = ["status", ProvinceListFilter, "created_at", "decided_at"]
    search_fields = ["account__username", "account__official__national_id", "order_number", "unit__code"]
    list_select_related = ["account", "unit", "position", "level", "decided_by"]
    date_hierarchy = "created_at"
    fields = [
        "account", "filed_by", "status", "position", "level", "unit", "order_number", "order_date", "attachment",
        "note", "previous_position", "previous_level", "previous_unit", "decided_by", "decided_at",
        "decision_reason", "created_at", "updated_at",
    ]
    readonly_fields = fields


@admin.register(LeaverReport)
class LeaverReportAdmin(ReadOnlyMixin, AccountNationalIdColumn, admin.ModelAdmin):
    """Read-only: reports are filed by offices and accepted or returned by the centre in the app, each logged."""

    list_display = [
        "__str__", "account", "account_national_id", "unit", "reason", "left_on", "status", "reported_by",
        "created_at", "decided_by", "decided_at",
    ]
    list_filter = ["status", "reason", ProvinceListFilter, "left_on", "created_at", "decided_at"]
    search_fields = ["account__username", "account__official__national_id", "unit__code"]
    list_select_related = ["account", "unit", "reported_by", "decided_by"]
    date_hierarchy = "created_at"
    fields = [
        "account", "unit", "reason", "left_on", "evidence", "note", "reported_by", "status", "decided_by",
        "decided_at", "decision_reason", "created_at", "updated_at",
    ]
    readonly_fields = fields


# Groups carry Django permissions, hence menus: their changes are logged like any other right-bearing record.
admin.site.unregister(Group)


@admin.register(DeniedAccess)
class DeniedAccessAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["hour", "account", "ip_address", "count", "forbidden", "not_found", "refused", "last_path"]
    list_filter = ["hour"]
    search_fields = ["account__username", "ip_address"]
    list_select_related = ["account"]


@admin.register(Group)
class AuditedGroupAdmin(AuditedChangesMixin, NoDeleteMixin, GroupAdmin):
    pass


# django-axes' records of failed logins: looked up here, never changed or deleted. Deleting an attempt would unlock
# an account past accounts.services.account_unlock, which checks who may unlock whom and logs it.
for axes_model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(axes_model):
        axes_admin = type(admin.site._registry[axes_model])
        admin.site.unregister(axes_model)
        admin.site.register(axes_model, type(f"ReadOnly{axes_admin.__name__}", (ReadOnlyMixin, axes_admin), {}))

# Second-factor devices hold secrets: the admin neither shows nor edits them. A lost phone is reset through
# accounts.second_factor.second_factor_reset, which checks who may reset whom and logs it.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
