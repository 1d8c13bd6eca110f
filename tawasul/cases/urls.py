from django.urls import URLPattern, URLResolver, path

from tawasul.cases import document_views, export_views, views

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.case_list, name="list"),
    path("open/<uuid:person_id>/", views.case_open, name="open"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<uuid:task_id>/complete/", views.task_complete, name="task_complete"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/break-glass/", views.case_break_glass, name="break_glass"),
    path("<uuid:case_id>/notes/", views.case_add_note, name="add_note"),
    path("<uuid:case_id>/services/", views.case_record_service, name="record_service"),
    path("<uuid:case_id>/status/", views.case_change_status, name="change_status"),
    path("<uuid:case_id>/tasks/", views.task_add, name="add_task"),
    path("<uuid:case_id>/documents/", views.case_upload_document, name="upload_document"),
    path("documents/<uuid:document_id>/", document_views.document_download,
         name="document_download"),
    path("export.csv", export_views.export_csv, name="export_csv"),
    path("export.xlsx", export_views.export_xlsx, name="export_xlsx"),
]
