import pytest

from accounts.models import Position
from rights.models import Role
from rights.reference_cache import reference_objects


@pytest.mark.django_db
def test_cache_is_cleared_when_reference_data_changes(django_assert_num_queries):
    first = reference_objects()
    with django_assert_num_queries(0):
        assert reference_objects() is first
    position = Position.objects.get(name_th="ปลัดอำเภอ")
    position.name_en = "Deputy District Chief"
    position.save()
    assert reference_objects().positions[position.pk].name_en == "Deputy District Chief"


@pytest.mark.django_db
def test_cache_follows_role_menus():
    role = Role.objects.get(code="ISV_USER")
    assert reference_objects().role_menus.get(role.pk, frozenset()) == frozenset()
    role.menus.add(Role.objects.get(code="CENTRAL_ADMIN").menus.first())
    assert len(reference_objects().role_menus[role.pk]) == 1


@pytest.mark.django_db
def test_unknown_id_reloads(django_assert_num_queries):
    reference_objects()
    with django_assert_num_queries(5):
        reference_objects(needs_units={10**9})
