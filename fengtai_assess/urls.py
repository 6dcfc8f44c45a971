from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from fengtai_assess import views as common_views

admin.site.site_header = "丰台区产改落实情况评价考核系统 · 管理后台"
admin.site.site_title = "产改考核管理后台"
admin.site.index_title = "管理首页"

# A database outage is a 503 with the product's page, any other fault the 500 page.
handler500 = "fengtai_assess.errors.server_error"

urlpatterns = [
    path("", common_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("catalogue/", include("indicators.urls")),
    path("", include("scoring.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]

if settings.FENGTAI_BENCH:  # make bench only (fengtai_assess/bench.py); off by default
    from fengtai_assess import bench

    urlpatterns.append(path("bench/ping/", bench.ping, name="bench_ping"))
