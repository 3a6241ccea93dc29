"""Assignment orders through the API: record (pending), confirm (the second pair of eyes), list and read, with the
screens' menu (menu_record_orders), scope and authority to grant, all decided by lifecycle.services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.exceptions import OutOfScope, conflict_when_not_pending
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


class OrderListCreateView(GenericAPIView):
    serializer_class = OrderSerializer

    @extend_schema(
        operation_id="orders_list",
        tags=ORDER_TAGS,
        summary="คำสั่งมอบหมายของหน่วยงานในขอบเขต พร้อมสถานะรอยืนยันของแต่ละรายการ",
        parameters=[OrderQuerySerializer],
        responses=OrderSerializer(many=True),
    )
    def get(self, request):
        scope = menu_scope(request, MENU)
        query = OrderQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        orders = _orders(scope)
        state = query.validated_data.get("state")
        if state == "pending":
            pending = OrderLine.objects.pending_confirmation().filter(order=OuterRef("pk"))
            orders = orders.filter(Exists(pending))
        elif state == "mine":
            orders = orders.filter(pk__in=orders_awaiting_confirmation(scope=scope, viewer=request.user).values("pk"))
        page = self.paginate_queryset(orders.order_by("-order_date", "-pk"))
        return self.get_paginated_response(OrderSerializer(page, many=True).data)

    @extend_schema(
        operation_id="orders_record",
        tags=ORDER_TAGS,
        summary="บันทึกคำสั่งมอบหมาย (รอผู้มีอำนาจอีกคนหนึ่งยืนยัน จึงจะให้สิทธิ์)",
        description="บทบาทที่ผู้บันทึกไม่มีอำนาจให้ และรายการที่ระบุตัวผู้บันทึกเอง ถูกปฏิเสธ (403 GRANT_ABOVE_AUTHORITY, "
                    "SELF_DEALING) และบันทึกการปฏิเสธไว้",
        request=OrderRecordSerializer,
        responses={201: OrderRecordedSerializer},
    )
    def post(self, request):
        scope = menu_scope(request, MENU)
        form = OrderRecordSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
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
            signer=data["signer"], actor=request.user, scope=scope, ip_address=client_ip(request), lines=lines,
        )
        recorded = _orders(scope).get(pk=order.pk)
        recorded.warnings = lifecycle.order_people_not_on_record(lines=lines, scope=scope)
        return Response(OrderRecordedSerializer(recorded).data, status=status.HTTP_201_CREATED)


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
