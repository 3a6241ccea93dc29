from collections.abc import Callable

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import UnitUserObjectPermission, User
from core.admin_mixins import NoDeleteMixin, ReadOnlyMixin
from core.http import client_ip
from events.admin_audit import AuditedChangesMixin
from events.services import event_record
from rights.models import AssignmentOrder, OrderLine, Policy, ReviewDelegation, Role
from rights.rules import AuthorityRefused
from rights.services import account_deactivate, account_unlock


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


class AccountAddForm(forms.ModelForm):
    """A new account made by the centre has no password: its holder activates it with a one-time code or link that a
    reviewer of the unit issues from the account's page (signin.activation), so no password is ever handed out."""

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


NO_PASSWORD_FOR_OTHERS = _(
    "ไม่มีการตั้งรหัสผ่านให้ผู้อื่น: ให้ผู้ตรวจสอบของหน่วยงานออกรหัสหรือลิงก์เปิดใช้งานจากหน้าบัญชี "
    "หรือให้เจ้าของบัญชีตั้งรหัสผ่านใหม่เองทางอีเมลจากหน้าเข้าสู่ระบบ"
)


class AccountChangeForm(UserChangeForm):
    """The password shows only its state: nobody sets another person's password here (UserAdmin.user_change_password)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = NO_PASSWORD_FOR_OTHERS


@admin.register(User)
class UserAdmin(AuditedChangesMixin, NoDeleteMixin, DjangoUserAdmin):
    add_form = AccountAddForm
    form = AccountChangeForm
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
        # Nobody sets another person's password, the centre included: a password someone else chose is a shared one.
        # The holder sets it through an activation code or link, or the emailed reset.
        account = self.get_object(request, unquote(id))
        if account is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, id)
        if not self.has_change_permission(request, account):
            raise PermissionDenied
        if request.method == "POST":
            event_record(action="admin.password.refused", actor=request.user, target=account,
                         unit=account.registered_unit, ip_address=client_ip(request),
                         data={"username": account.username})
        messages.error(request, NO_PASSWORD_FOR_OTHERS)
        return redirect("admin:accounts_user_change", account.pk)

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


class SnapshotLoggedMixin:
    """Every save is logged as `changed_action` with the record's values before and after (`snapshot(obj)`, lists
    included), the record, its lists and the log entry in one transaction."""

    snapshot: Callable
    changed_action: str

    def changeform_view(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        request._snapshot_before = self.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        event_record(
            action=self.changed_action, actor=request.user, target=form.instance, ip_address=client_ip(request),
            data={"before": request._snapshot_before, "after": self.snapshot(form.instance)},
        )


@admin.register(Role)
class RoleAdmin(SnapshotLoggedMixin, NoDeleteMixin, admin.ModelAdmin):
    """Central admins keep who may grant each role (granted_by, rights.rules.may_grant) and its menus here; every
    save is logged with the values before and after, as a change of authority."""

    list_display = ["code", "name_th", "name_en", "national_scope", "granted_by"]
    list_filter = ["granted_by", "national_scope"]
    filter_horizontal = ["menus"]
    readonly_fields = ["permission"]

    def has_add_permission(self, request):
        # A role needs its holding permission; new roles come through the reference data.
        return False

    snapshot = staticmethod(role_snapshot)
    changed_action = "accounts.role_authority.changed"


@admin.register(Policy)
class PolicyAdmin(SnapshotLoggedMixin, NoDeleteMixin, admin.ModelAdmin):
    """Policies are edited here by central admins; every save is logged with the values before and after."""

    list_display = ["name", "role", "effective_from", "effective_to", "max_holders_per_unit"]
    list_filter = ["role"]
    filter_horizontal = ["allowed_positions", "minimum_levels"]
    snapshot = staticmethod(policy_snapshot)
    changed_action = "accounts.policy.changed"


class OrderLineInline(ReadOnlyMixin, admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ["national_id", "written_name", "role", "unit", "position", "level", "effective_from", "effective_to", "recorded_by",
              "confirmed_by", "confirmed_at"]
    readonly_fields = fields


@admin.register(AssignmentOrder)
class AssignmentOrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: orders are recorded, confirmed by a second person and revoked in the app (lifecycle.services),
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


# Groups carry Django permissions, hence menus: their changes are logged like any other right-bearing record.
admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedChangesMixin, NoDeleteMixin, GroupAdmin):
    pass


# django-axes' records of failed logins: looked up here, never changed or deleted. Deleting an attempt would unlock
# an account past rights.services.account_unlock, which checks who may unlock whom and logs it.
for axes_model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(axes_model):
        axes_admin = type(admin.site._registry[axes_model])
        admin.site.unregister(axes_model)
        admin.site.register(axes_model, type(f"ReadOnly{axes_admin.__name__}", (ReadOnlyMixin, axes_admin), {}))

# Second-factor devices hold secrets: the admin neither shows nor edits them. A lost phone is reset through
# signin.second_factor.second_factor_reset, which checks who may reset whom and logs it.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(ReviewDelegation)
class ReviewDelegationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: reviewers delegate and end delegations on their review pages (rights.delegation), each logged."""

    list_display = ["delegator", "delegate", "unit", "starts_on", "ends_on", "ended_at", "created_at"]
    list_filter = ["starts_on", "ends_on"]
    search_fields = ["delegator__username", "delegate__username", "unit__code"]
    list_select_related = ["delegator", "delegate", "unit"]
