from urllib.parse import urlencode

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path

from staff import views


def _admin_login(request):  # noqa: ANN001, ANN202
    """The admin signs in through the console's own login page (with its lockout)."""
    return redirect("/login/?" + urlencode({"next": request.GET.get("next", "/admin/")}))


admin.site.login = _admin_login
admin.site.site_header = "Staff console: accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("content/", views.content_list, name="content"),
    path("content/<str:key>/", views.record_view, name="record"),
    path("content/<str:key>/history/", views.history_view, name="history"),
    path("content/<str:key>/restore/<int:entry_id>/<str:which>/", views.restore_view, name="restore"),
    path("api/check/<str:key>/", views.api_check, name="api_check"),
    path("audit/", views.audit_view, name="audit"),
    path("analytics/", views.analytics_view, name="analytics"),
    path("analytics/export.csv", views.analytics_csv, name="analytics_csv"),
    path("admin/", admin.site.urls),
]
