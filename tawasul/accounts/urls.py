from django.urls import path

from tawasul.accounts import views

app_name = "accounts"
urlpatterns = [
    path("people/", views.user_list, name="users"),
    path("people/<str:user_id>/", views.user_detail, name="user_detail"),
    path("people/<str:user_id>/disable/", views.user_disable, name="user_disable"),
    path("people/<str:user_id>/enable/", views.user_enable, name="user_enable"),
    path("profile/", views.profile, name="profile"),
    # Shadows allauth's e-mail management at the same address (this list is included
    # before allauth's): addresses are kept by administrators.
    path("email/", views.email_managed_by_admin, name="email"),
]
