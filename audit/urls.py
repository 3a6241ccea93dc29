from django.urls import path

from audit import delegation_views, round_views, views

app_name = "audit"

urlpatterns = [
    path("", views.ReviewHomeView.as_view(), name="review"),
    path("units/<str:unit_code>/accounts/", views.AccountListView.as_view(), name="account-list"),
    path("units/<str:unit_code>/accounts/export/<str:fmt>/", views.AccountListExportView.as_view(),
         name="account-list-export"),
    path("units/<str:unit_code>/people-without-record/export/<str:fmt>/", views.PeopleWithoutRecordExportView.as_view(),
         name="people-without-record-export"),
    path("accounts/<int:pk>/", views.AccountDetailView.as_view(), name="account-detail"),
    path("provinces/<str:province_code>/", views.ProvinceSummaryView.as_view(), name="province-summary"),
    path("provinces/<str:province_code>/export/<str:fmt>/", views.ProvinceSummaryExportView.as_view(),
         name="province-summary-export"),
    path("provinces/<str:province_code>/report.pdf", views.ProvinceReportPdfView.as_view(), name="province-summary-pdf"),
    path("national/", views.NationalSummaryView.as_view(), name="national-summary"),
    path("national/export/<str:fmt>/", views.NationalSummaryExportView.as_view(), name="national-summary-export"),
    # Review delegated to an acting reviewer (audit/delegation_views.py)
    path("delegations/", delegation_views.DelegationListView.as_view(), name="delegations"),
    path("delegations/<int:pk>/end/", delegation_views.DelegationEndView.as_view(), name="delegation-end"),
    # Review rounds (audit/round_views.py)
    path("rounds/", round_views.RoundListView.as_view(), name="round-list"),
    path("rounds/open/", round_views.RoundOpenView.as_view(), name="round-open"),
    path("rounds/<int:pk>/", round_views.RoundDetailView.as_view(), name="round-detail"),
    path("rounds/<int:pk>/close/", round_views.RoundCloseView.as_view(), name="round-close"),
    path("rounds/<int:pk>/offices/<str:unit_code>/", round_views.RoundOfficeView.as_view(), name="round-office"),
    path("rounds/items/<int:pk>/decide/", round_views.RoundItemDecideView.as_view(), name="round-item-decide"),
    path("rounds/<int:pk>/offices/<str:unit_code>/decide/", round_views.RoundItemsDecideView.as_view(),
         name="round-items-decide"),
    path("rounds/<int:pk>/offices/<str:unit_code>/confirm-clean/", round_views.RoundConfirmCleanView.as_view(),
         name="round-confirm-clean"),
]
