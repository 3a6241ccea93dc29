"""/api/v1/: every view opts out of LoginRequiredMiddleware, which would redirect a token caller to the login page;
DRF then authenticates (token or session) and answers 401 as JSON."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from api import views, views_docs

app_name = "api"

urlpatterns = [
    path("me/", login_not_required(views.MeView.as_view()), name="me"),
    path("audit/", login_not_required(views.AuditReportView.as_view()), name="audit"),
    path("schema/", login_not_required(views_docs.SchemaView.as_view()), name="schema"),
    # The docs pages are for people: the login page is the right answer to an anonymous browser.
    path("docs/", views_docs.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("docs/redoc/", views_docs.RedocView.as_view(url_name="api:schema"), name="redoc"),
]
