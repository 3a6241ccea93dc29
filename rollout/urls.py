from django.urls import path

from rollout import views

app_name = "rollout"

urlpatterns = [
    path("", views.RolloutListView.as_view(), name="list"),
    path("new/", views.RolloutCreateView.as_view(), name="create"),
    path("<int:pk>/", views.RolloutDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.RolloutEditView.as_view(), name="edit"),
    path("<int:pk>/remind/", views.RolloutRemindView.as_view(), name="remind"),
    path("<int:pk>/compile/", views.RolloutCompileView.as_view(), name="compile"),
    path("nominations/<int:pk>/decide/", views.NominationDecideView.as_view(), name="nomination-decide"),
    path("offices/", views.OfficeIndexView.as_view(), name="office-index"),
    path("<int:pk>/office/<str:unit_code>/", views.OfficeNominationsView.as_view(), name="office"),
    path("<int:pk>/office/<str:unit_code>/export/<str:fmt>/", views.OfficeFormExportView.as_view(),
         name="office-form-export"),
    path("nominations/<int:pk>/withdraw/", views.NominationWithdrawView.as_view(), name="nomination-withdraw"),
]
