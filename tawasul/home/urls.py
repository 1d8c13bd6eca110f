from django.urls import path

from tawasul.home import views

urlpatterns = [path("", views.home, name="home")]
