"""The two shapes of the API's collection endpoints, written once, in the manner of DRF's ListModelMixin and
CreateModelMixin: around the caller's scope and our services, where DRF's are around a model's queryset and save().

A view sets `serializer_class` (what a row looks like) and writes the hooks; the schema stays on the view, given with
`extend_schema_view` for the `get` and `post` these classes provide.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.permissions import MenuPermission

# No class docstrings here: drf-spectacular would print them as the description of every operation without one.


class ScopedListMixin:
    query_serializer_class = None
    filter_fields: tuple[str, ...] = ()  # the query's values that the rows must equal, when it gives them
    menu: str

    def get_list_scope(self):
        """Where the caller may look: the units of the view's menu (api.permissions.MenuPermission)."""
        return self.scope

    def filter_queryset(self, queryset):
        given = {name: self.query[name] for name in self.filter_fields if self.query.get(name)}
        return queryset.filter(**given) if given else queryset

    def list(self, request, *args, **kwargs):
        """GET: where the caller may look (403 when nowhere), the query checked, the rows there, filtered, one page.

        Set `query_serializer_class` and `menu` (or write get_list_scope), and write get_queryset() from
        `self.scope`; filter_queryset() narrows it by `self.query`, the checked query (by `filter_fields`, unless
        written otherwise).
        """
        self.scope = self.get_list_scope()
        query = self.query_serializer_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        self.query = query.validated_data
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ServiceCreateMixin:
    create_serializer_class = None
    created_serializer_class = None  # what the answer looks like; the rows' serializer_class if not given
    created_many = False  # the service made several at once
    menu: str

    def get_create_scope(self):
        """Where the caller may create: the units of the view's menu (api.permissions.MenuPermission)."""
        return self.scope

    def get_create_serializer_context(self) -> dict:
        return self.get_serializer_context()

    def perform_create(self, data: dict):
        raise NotImplementedError

    def get_created_status(self, created) -> int:
        return status.HTTP_201_CREATED

    def get_created_url(self, created) -> str | None:
        """The path of what was made, for `Location`; None when it has no address of its own."""
        return None

    def create(self, request, *args, **kwargs):
        """POST: where the caller may create (403 when nowhere), the body checked, the service called, and the
        answer: what it made, read back as a list shows it, with 201 and its address (`Location`) when it has one.

        Set `create_serializer_class` and `menu` (or write get_create_scope), and write perform_create(data), which
        calls the service (the scope is `self.scope`) and returns what to answer.
        """
        self.scope = self.get_create_scope()
        form = self.create_serializer_class(data=request.data, context=self.get_create_serializer_context())
        form.is_valid(raise_exception=True)
        created = self.perform_create(form.validated_data)
        answer = (self.created_serializer_class or self.get_serializer_class())(created, many=self.created_many)
        code = self.get_created_status(created)
        url = self.get_created_url(created) if code == status.HTTP_201_CREATED else None
        headers = {"Location": request.build_absolute_uri(url)} if url else None
        return Response(answer.data, status=code, headers=headers)


class ScopedAPIView(GenericAPIView):
    permission_classes = [IsAuthenticated, MenuPermission]


class ScopedListView(ScopedListMixin, ScopedAPIView):
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class ScopedListCreateView(ScopedListMixin, ServiceCreateMixin, ScopedAPIView):
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.create(request, *args, **kwargs)


def list_create_schema(*, tags: list[str], list_id: str, list_summary: str, create_id: str, create_summary: str,
                       list_description: str | None = None, create_description: str | None = None,
                       create_parameters: list | None = None, created_responses: dict | None = None):
    """The OpenAPI description of a ScopedListCreateView, its serializers read from the class: rows of
    `serializer_class` filtered by `query_serializer_class`, created from `create_serializer_class` (201 with
    `created_serializer_class`, or the rows' serializer, many when `created_many`)."""

    def describe(view):
        created = view.created_serializer_class or view.serializer_class
        return extend_schema_view(
            get=extend_schema(
                operation_id=list_id, tags=tags, summary=list_summary, description=list_description,
                parameters=[view.query_serializer_class], responses=view.serializer_class(many=True),
            ),
            post=extend_schema(
                operation_id=create_id, tags=tags, summary=create_summary, description=create_description,
                request=view.create_serializer_class, parameters=create_parameters,
                responses=created_responses or {201: created(many=True) if view.created_many else created},
            ),
        )(view)

    return describe
