"""The schema and its browsable docs, served with local assets (drf-spectacular-sidecar) under a `'self'`-only CSP.

Swagger UI only: Redoc's bundle injects <style> elements (styled-components), which the CSP blocks, and the page
then fails to render; Swagger UI renders and runs requests with no CSP violation (see test_docs_browser).
"""

from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    # JSON first: schemathesis and most clients ask for it; ?format=yaml (or Accept) still gives YAML.
    renderer_classes = [OpenApiJsonRenderer, OpenApiJsonRenderer2, OpenApiYamlRenderer, OpenApiYamlRenderer2]


class LoginPageForAnonymous:
    """DRF exempts its views from LoginRequiredMiddleware; the docs are pages for people, so send them to log in."""

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.login_required = True
        return view


class SwaggerView(LoginPageForAnonymous, SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script served as a file (no inline script) and our page without inline CSS."""

    template_name = "api/docs_swagger.html"
