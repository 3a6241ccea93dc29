"""Assignment orders through the API: record (pending), confirm (the second pair of eyes), list and read, with the
screens' menu (menu_record_orders), scope and authority to grant, all decided by lifecycle.services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.exceptions import OutOfScope, conflict_when_not_pending
from api.generics import ScopedListCreateView, list_create_schema
from api.permissions import menu_scope
from api.schema import ErrorSerializer
from api.serializers_orders import (
    OrderQuerySerializer,
    OrderRecordedSerializer,
    OrderRecordSerializer,
    OrderSerializer,
)
from core.http import client_ip
from lifecycle import services as lifecycle
from rights.access import order_access
from rights.models import AssignmentOrder, OrderLine
from rights.selectors import orders_awaiting_confirmation

ORDER_TAGS = ["คำสั่งมอบหมาย"]
MENU = "menu_record_orders"


def _orders(scope):
    lines = OrderLine.objects.select_related("role", "unit", "position", "level", "recorded_by", "confirmed_by")
    return (
        order_access.filter(AssignmentOrder.objects.all(), scope)
        .select_related("issuing_unit", "recorded_by")
        .prefetch_related(Prefetch("lines", queryset=lines.order_by("pk")))
    )


@list_create_schema(
    tags=ORDER_TAGS, list_id="orders_list", create_id="orders_record",
    list_summary="คำสั่งมอบหมายของหน่วยงานในขอบเขต พร้อมสถานะรอยืนยันของแต่ละรายการ",
    create_summary="บันทึกคำสั่งมอบหมาย (รอผู้มีอำนาจอีกคนหนึ่งยืนยัน จึงจะให้สิทธิ์)",
    create_description="บทบาทที่ผู้บันทึกไม่มีอำนาจให้ และรายการที่ระบุตัวผู้บันทึกเอง ถูกปฏิเสธ (403 GRANT_ABOVE_AUTHORITY, "
                       "SELF_DEALING) และบันทึกการปฏิเสธไว้",
)
class OrderListCreateView(ScopedListCreateView):
    serializer_class = OrderSerializer
    query_serializer_class = OrderQuerySerializer
    create_serializer_class = OrderRecordSerializer
    created_serializer_class = OrderRecordedSerializer
    menu = MENU

    def get_queryset(self):
        return _orders(self.scope).order_by("-order_date", "-pk")

    def filter_queryset(self, orders):
        state = self.query.get("state")
        if state == "pending":
            pending = OrderLine.objects.pending_confirmation().filter(order=OuterRef("pk"))
            orders = orders.filter(Exists(pending))
        elif state == "mine":
            awaiting = orders_awaiting_confirmation(scope=self.scope, viewer=self.request.user)
            orders = orders.filter(pk__in=awaiting.values("pk"))
        return orders

    def perform_create(self, data):
        lines = [
            lifecycle.OrderLineInput(
                national_id=line["national_id"], written_name=line["written_name"], role=line["role"],
                unit=line["unit"], position=line["position"], level=line["level"],
                effective_from=line["effective_from"], effective_to=line["effective_to"],
            )
            for line in data["lines"]
        ]
        order = lifecycle.order_record(
            number=data["number"], order_date=data["order_date"], issuing_unit=data["issuing_unit"],
            signer=data["signer"], actor=self.request.user, scope=self.scope, ip_address=client_ip(self.request),
            lines=lines,
        )
        recorded = _orders(self.scope).get(pk=order.pk)
        recorded.warnings = lifecycle.order_people_not_on_record(lines=lines, scope=self.scope)
        return recorded

    def get_created_url(self, order):
        return reverse("api:order", args=[order.pk])


class OrderDetailView(GenericAPIView):
    serializer_class = OrderSerializer

    @extend_schema(operation_id="orders_read", tags=ORDER_TAGS, summary="คำสั่งมอบหมายหนึ่งฉบับ",
                   responses=OrderSerializer)
    def get(self, request, pk: int):
        order = _orders(menu_scope(request, MENU)).filter(pk=pk).first()
        if order is None:
            raise OutOfScope()
        return Response(OrderSerializer(order).data)


class OrderConfirmView(GenericAPIView):
    serializer_class = OrderSerializer

    @extend_schema(
        operation_id="orders_confirm",
        tags=ORDER_TAGS,
        summary="ยืนยันรายการที่รอยืนยันของคำสั่ง (ผู้มีอำนาจอีกคนหนึ่ง ไม่ใช่ผู้บันทึก)",
        description="ผู้บันทึกคำสั่งยืนยันเองไม่ได้ (403 RECORDER_CONFIRMS); ต้องมีอำนาจให้ทุกรายการที่รอยืนยัน",
        request=None,
        responses={200: OrderSerializer,
                   409: OpenApiResponse(ErrorSerializer, description="ไม่มีรายการรอยืนยัน หรือคำสั่งถูกยกเลิกแล้ว (NOT_PENDING)")},
    )
    def post(self, request, pk: int):
        scope = menu_scope(request, MENU)
        order = _orders(scope).filter(pk=pk).first()
        if order is None:
            raise OutOfScope()
        try:
            lifecycle.order_confirm(order=order, actor=request.user, scope=scope, ip_address=client_ip(request))
        except ValidationError as exc:
            conflict_when_not_pending(exc)
            raise
        return Response(OrderSerializer(_orders(scope).get(pk=pk)).data)
