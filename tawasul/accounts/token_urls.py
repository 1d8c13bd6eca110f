from django.urls import path

from tawasul.accounts import token_views

app_name = "tokens"
urlpatterns = [
    path("", token_views.token_list, name="list"),
    path("new/", token_views.token_create, name="create"),
    path("<str:token_id>/revoke/", token_views.token_revoke, name="revoke"),
]
