from django.urls import path

from audit import event_views as views

app_name = "events"

urlpatterns = [
    path("", views.EventLogView.as_view(), name="log"),
    path("export/<str:fmt>/", views.EventLogExportView.as_view(), name="log-export"),
]
