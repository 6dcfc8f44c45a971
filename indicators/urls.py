from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:number>/members/", views.catalogue_members, name="catalogue_members"),
    path("export.xlsx", views.catalogue_export, name="catalogue_export"),
]
