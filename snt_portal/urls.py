from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from snt_portal import otp_views, views
from snt_portal.health import healthz
from wards.forms import SignInForm

admin.site.site_header = "SNT Portal administration"
admin.site.site_title = "SNT Portal admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    # The second step of signing in for roles that need it (snt_portal/otp.py).
    path("sign-in/code/", otp_views.verify, name="otp_verify"),
    path("sign-in/authenticator/", otp_views.enrol, name="otp_enrol"),
    path("", include("wards.urls")),
    path("", include("engagement.urls")),
    path("", include("crime.urls")),
    path("", include("panels.urls")),
    path("", include("priorities.urls")),
    path("", include("epic.urls")),
    path("", include("privacy.urls")),
    path("", include("audit.urls")),
    # The authenticated API (api/v1/, api/schema/, api/docs/) before the open data, whose
    # police.uk paths (api/<force>/<id>) would otherwise swallow them.
    path("api/", include("api.urls")),
    path("api/", include("opendata.urls")),
    path("admin/", admin.site.urls),
]
