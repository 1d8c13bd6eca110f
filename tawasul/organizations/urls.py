from django.urls import path

app_name = "organizations"
urlpatterns: list = []
