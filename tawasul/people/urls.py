from django.urls import URLPattern, URLResolver, path

from tawasul.people import consent_views, merge_views, views

app_name = "people"
urlpatterns: list[URLPattern | URLResolver] = [
    path("register/", views.person_register, name="register"),
    path("register/suggestions/", views.person_suggestions, name="suggestions"),
    path("<uuid:person_id>/", views.person_detail, name="detail"),
    path("<uuid:person_id>/merge/", merge_views.person_merge, name="merge"),
    path("merges/", merge_views.merge_history, name="merge_history"),
    path("merges/<uuid:merge_id>/undo/", merge_views.merge_undo, name="merge_undo"),
    path("<uuid:person_id>/consents/new/", consent_views.consent_record,
         name="consent_record"),
    path("consents/<uuid:consent_id>/withdraw/", consent_views.consent_withdraw,
         name="consent_withdraw"),
    path("consents/<uuid:consent_id>/evidence/", consent_views.consent_evidence,
         name="consent_evidence"),
]
