from django.urls import URLPattern, URLResolver, path

from tawasul.coordination import views

app_name = "coordination"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.request_list, name="list"),
    path("approvals/", views.approvals, name="approvals"),
    path("new/<uuid:case_id>/", views.request_new, name="new"),
    path("<uuid:request_id>/", views.request_detail, name="detail"),
    path("<uuid:request_id>/approve/", views.request_approve, name="approve"),
    path("<uuid:request_id>/refuse/", views.request_refuse, name="refuse"),
    path("<uuid:request_id>/acknowledge/", views.request_acknowledge, name="acknowledge"),
    path("<uuid:request_id>/start/", views.request_start, name="start"),
    path("<uuid:request_id>/fulfil/", views.request_fulfil, name="fulfil"),
    path("<uuid:request_id>/decline/", views.request_decline, name="decline"),
    path("<uuid:request_id>/withdraw/", views.request_withdraw, name="withdraw"),
    path("<uuid:request_id>/messages/", views.request_message, name="message"),
    path("attachments/<uuid:attachment_id>/", views.attachment_download,
         name="attachment_download"),
    path("people/<uuid:person_id>/disclosures/", views.person_disclosures,
         name="person_disclosures"),
    path("people/<uuid:person_id>/disclosures.csv", views.person_disclosures_csv,
         name="person_disclosures_csv"),
    path("people/<uuid:person_id>/disclosures.xlsx", views.person_disclosures_xlsx,
         name="person_disclosures_xlsx"),
]
