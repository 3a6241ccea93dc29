from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.EventLogView.as_view(), name="log"),
    path("export/<str:fmt>/", views.EventLogExportView.as_view(), name="log-export"),
]
