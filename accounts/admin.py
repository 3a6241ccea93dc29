"""The admin of the organisation and the HR record: units, levels, positions, officials, refused requests."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import DeniedAccess, Level, Official, Position, Unit
from core.admin_mixins import NoDeleteMixin, ReadOnlyMixin
from events.admin_audit import AuditedChangesMixin


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


@admin.register(DeniedAccess)
class DeniedAccessAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["hour", "account", "ip_address", "count", "forbidden", "not_found", "refused", "last_path"]
    list_filter = ["hour"]
    search_fields = ["account__username", "ip_address"]
    list_select_related = ["account"]
