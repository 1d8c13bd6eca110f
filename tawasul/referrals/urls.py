from django.urls import URLPattern, URLResolver, path

from tawasul.referrals import views

app_name = "referrals"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="inbox"),
    path("sent/", views.outbox, name="outbox"),
    path("send/<uuid:case_id>/", views.referral_send, name="send"),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("<uuid:referral_id>/accept/", views.referral_accept, name="accept"),
    path("<uuid:referral_id>/decline/", views.referral_decline, name="decline"),
    path("<uuid:referral_id>/withdraw/", views.referral_withdraw, name="withdraw"),
    path("<uuid:referral_id>/start/", views.referral_start, name="start"),
    path("<uuid:referral_id>/complete/", views.referral_complete, name="complete"),
    path("<uuid:referral_id>/messages/", views.referral_message, name="message"),
]
