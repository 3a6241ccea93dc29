"""The schema and its browsable docs, served with local assets (drf-spectacular-sidecar) under a `'self'`-only CSP."""

from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    # JSON first: schemathesis and most clients ask for it; ?format=yaml still gives YAML.
    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script served as a file (no inline script) and our page without inline CSS."""

    template_name = "api/docs_swagger.html"


class RedocView(SpectacularRedocView):
    template_name = "api/docs_redoc.html"
