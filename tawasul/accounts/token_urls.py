from django.urls import path

app_name = "tokens"
urlpatterns: list = []
