from django.urls import URLPattern, URLResolver, path

from tawasul.referrals import embassy_views, views

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
    # Referrals from embassies: the embassy's side, the intake desk, the thread.
    path("embassy/", embassy_views.embassy_list, name="embassy_list"),
    path("embassy/new/", embassy_views.embassy_new, name="embassy_new"),
    path("intake/", embassy_views.intake_desk, name="intake_desk"),
    path("<uuid:referral_id>/link/", embassy_views.triage_link, name="triage_link"),
    path("<uuid:referral_id>/register-person/", embassy_views.triage_register,
         name="triage_register"),
    path("<uuid:referral_id>/match-again/", embassy_views.triage_match_again,
         name="triage_match_again"),
    path("<uuid:referral_id>/assign/", embassy_views.triage_assign, name="triage_assign"),
    path("<uuid:referral_id>/intake-decline/", embassy_views.triage_decline,
         name="triage_decline"),
    path("<uuid:referral_id>/thread/", embassy_views.embassy_message, name="embassy_message"),
    path("attachments/<uuid:attachment_id>/", embassy_views.attachment_download,
         name="attachment"),
]
