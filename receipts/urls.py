from django.urls import path

from receipts import views

app_name = "receipts"

urlpatterns = [
    path("", views.ReceiptListView.as_view(), name="receipt-list"),
    path("new/", views.ReceiptCreateView.as_view(), name="receipt-create"),
    path("<int:pk>/", views.ReceiptDetailView.as_view(), name="receipt-detail"),
    path("<int:pk>/receipt.pdf", views.ReceiptPdfView.as_view(), name="receipt-pdf"),
    path("<int:pk>/void/", views.ReceiptVoidView.as_view(), name="receipt-void"),
    path("daily-summary/", views.DailySummaryView.as_view(), name="daily-summary"),
    path("daily-summary/export/<str:fmt>/", views.DailySummaryView.as_view(), name="daily-summary-export"),
    path("payin-slips/", views.PayInSlipListView.as_view(), name="payin-list"),
    path("payin-slips/new/", views.PayInSlipCreateView.as_view(), name="payin-create"),
    path("payin-slips/<int:pk>/", views.PayInSlipDetailView.as_view(), name="payin-detail"),
    path("payin-slips/<int:pk>/slip.pdf", views.PayInSlipPdfView.as_view(), name="payin-pdf"),
    path("payin-slips/<int:pk>/pay/", views.PayInSlipPayView.as_view(), name="payin-pay"),
]
