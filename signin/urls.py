from django.urls import path

from lifecycle import views as lv
from registry import views as import_views
from signin import activation_views, second_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("me/", views.ProfileView.as_view(), name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("me/second-factor/", second_factor_views.SecondFactorView.as_view(), name="second-factor"),
    path("<int:pk>/activation/", activation_views.ActivationIssueView.as_view(), name="activation-issue"),
    path("<int:pk>/second-factor/reset/", second_factor_views.SecondFactorResetView.as_view(),
         name="second-factor-reset"),
    # The account lifecycle (lifecycle/views.py)
    path("me/change-requests/", lv.MyChangeRequestsView.as_view(), name="change-request-mine"),
    path("me/change-requests/new/", lv.ChangeRequestCreateView.as_view(), name="change-request-create"),
    path("change-requests/", lv.ChangeRequestQueueView.as_view(), name="change-request-queue"),
    path("change-requests/<int:pk>/", lv.ChangeRequestDetailView.as_view(), name="change-request-detail"),
    path("change-requests/<int:pk>/decide/", lv.ChangeRequestDecideView.as_view(), name="change-request-decide"),
    path("change-requests/<int:pk>/withdraw/", lv.ChangeRequestWithdrawView.as_view(), name="change-request-withdraw"),
    path("change-requests/<int:pk>/attachment.pdf", lv.ChangeRequestAttachmentView.as_view(),
         name="change-request-attachment"),
    path("leavers/", lv.LeaverReportListView.as_view(), name="leaver-list"),
    path("leavers/candidates/", lv.LeaverCandidatesView.as_view(), name="leaver-candidates"),
    path("leavers/new/", lv.LeaverReportCreateView.as_view(), name="leaver-report-create"),
    path("leavers/<int:pk>/evidence.pdf", lv.LeaverEvidenceView.as_view(), name="leaver-evidence"),
    path("leavers/queue/", lv.LeaverQueueView.as_view(), name="leaver-queue"),
    path("leavers/queue/accept/", lv.LeaverAcceptView.as_view(), name="leaver-accept"),
    path("leavers/<int:pk>/return/", lv.LeaverReturnView.as_view(), name="leaver-return"),
    path("orders/", lv.OrderListView.as_view(), name="order-list"),
    path("orders/new/", lv.OrderCreateView.as_view(), name="order-create"),
    path("orders/<int:pk>/", lv.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/confirm/", lv.OrderConfirmView.as_view(), name="order-confirm"),
    path("orders/<int:pk>/revoke/", lv.OrderRevokeView.as_view(), name="order-revoke"),
    path("orders/<int:pk>/scan.pdf", lv.OrderScanView.as_view(), name="order-scan"),
    path("order-lines/<int:line_pk>/move-account/", lv.AccountMoveView.as_view(), name="account-move"),
    path("rights/sync/", lv.RightsSyncView.as_view(), name="rights-sync"),
    path("locked/", lv.LockedAccountsView.as_view(), name="locked-accounts"),
    path("<int:pk>/unlock/", lv.AccountUnlockView.as_view(), name="account-unlock"),
    # The registry import (registry/views.py)
    path("import/", import_views.RegistryImportView.as_view(), name="import-registry"),
    path("import/<str:token>/", import_views.RegistryImportPreviewView.as_view(), name="import-preview"),
    path("import/<str:token>/confirm/", import_views.RegistryImportConfirmView.as_view(), name="import-confirm"),
    path("import/<str:token>/cancel/", import_views.RegistryImportCancelView.as_view(), name="import-cancel"),
]
