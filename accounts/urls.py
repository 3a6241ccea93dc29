from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.ProfileView.as_view(), name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
]
