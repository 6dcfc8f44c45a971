from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

# No namespace: "login", "logout" and "password_change" are the names Django itself reverses.
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("session/keepalive/", views.session_keepalive, name="session_keepalive"),
]
