"""/api/v1/. DRF views are exempt from LoginRequiredMiddleware (DRF authenticates by token or session and answers
401 as JSON); the docs pages opt back in, see views_docs."""

from django.urls import path, re_path

from api import views, views_docs, views_import, views_lifecycle, views_orders, views_receipts

app_name = "api"

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("audit/", views.AuditReportView.as_view(), name="audit"),
    path("receipts/", views_receipts.ReceiptListCreateView.as_view(), name="receipts"),
    path("receipts/<str:number>/", views_receipts.ReceiptDetailView.as_view(), name="receipt"),
    path("receipts/<str:number>/void/", views_receipts.ReceiptVoidView.as_view(), name="receipt-void"),
    path("receipts/<str:number>/pdf", views_receipts.ReceiptPdfView.as_view(), name="receipt-pdf"),
    path("change-requests/", views_lifecycle.ChangeRequestListCreateView.as_view(), name="change-requests"),
    path(
        "change-requests/<int:pk>/decide/",
        views_lifecycle.ChangeRequestDecideView.as_view(),
        name="change-request-decide",
    ),
    path("leaver-reports/", views_lifecycle.LeaverReportListCreateView.as_view(), name="leaver-reports"),
    path(
        "leaver-reports/<int:pk>/decide/", views_lifecycle.LeaverReportDecideView.as_view(), name="leaver-report-decide"
    ),
    path("orders/", views_orders.OrderListCreateView.as_view(), name="orders"),
    path("orders/<int:pk>/", views_orders.OrderDetailView.as_view(), name="order"),
    path("orders/<int:pk>/confirm/", views_orders.OrderConfirmView.as_view(), name="order-confirm"),
    path("imports/<str:kind>/", views_import.RegistryImportView.as_view(), name="registry-import"),
    path("import-jobs/<str:token>/", views_import.RegistryImportJobView.as_view(), name="registry-import-job"),
    path("schema/", views_docs.SchemaView.as_view(), name="schema"),
    path("docs/", views_docs.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: every other path answers a JSON 404 (no HTML page, no slash-appending redirect that would drop a POST).
    re_path(r"^", views.NotFoundView.as_view(), name="not-found"),
]
