from django.urls import path, register_converter

from manual import views
from manual.personas import SLUG_PATTERN


class PersonaConverter:
    regex = SLUG_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PersonaConverter, "persona")

app_name = "manual"

urlpatterns = [
    path("", views.ManualIndexView.as_view(), name="index"),
    path("report-form.pdf", views.ReportFormPdfView.as_view(), name="report-form-pdf"),
    path("report-form.xlsx", views.ReportFormXlsxView.as_view(), name="report-form-xlsx"),
    path("<persona:persona>/", views.ManualPageView.as_view(), name="page"),
    path("<persona:persona>.pdf", views.ManualPdfView.as_view(), name="pdf"),
]
