from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from signin.activation_views import ActivateView
from signin.login import LoginView
from signin.password_reset_views import PasswordResetConfirmView, PasswordResetView
from signin.second_factor_views import LoginVerifyView
from signin.views import HomeView, favicon

admin.site.site_header = "rightsadmin กรมการปกครอง"
admin.site.site_title = "rightsadmin"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("login/verify/", LoginVerifyView.as_view(), name="login-verify"),
    path("password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("activate/", ActivateView.as_view(), name="activate"),
    path("activate/<str:secret>/", ActivateView.as_view(), name="activate-link"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("signin.urls")),
    path("audit/", include("audit.urls")),
    path("receipts/", include("receipts.urls")),
    path("manual/", include("manual.urls")),
    path("rollout/", include("rollout.urls")),
    path("events/", include("audit.event_urls")),
    path("api/v1/", include("api.urls")),
    path("accounts/me/tokens/", include("api.urls_tokens")),
    # One login for everyone, with its second factor: the admin's own login page would skip it.
    path("admin/login/", login_not_required(RedirectView.as_view(pattern_name="login", query_string=True))),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
