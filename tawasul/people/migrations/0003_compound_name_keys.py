"""The compound-name keys (`gc:`) of the persons already registered, which the case search
reads for a name typed as words that make one compound ("Abdul Rahman", "Shirin Uddin").
New and changed persons get them from refresh_match_keys; this adds them to the others.

It computes them with the matching engine as it is when the migration runs (the same
code that refresh_match_keys calls): the keys are derived data, rewritten whenever a
person changes, so a later engine computes the same or rewrites them.
"""

from django.db import migrations

BATCH = 5000


def add_compound_keys(apps, schema_editor):
    from tawasul.people import duplicates
    from tawasul.people.matching import blocking, records

    Person = apps.get_model("people", "Person")
    PersonMatchKey = apps.get_model("people", "PersonMatchKey")
    fields = duplicates.RECORD_FIELDS
    last = None
    while True:
        rows = Person.objects.order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.values("pk", *fields)[:BATCH])
        if not batch:
            return
        last = batch[-1]["pk"]
        keys = [
            PersonMatchKey(person_id=row["pk"], key=key[:duplicates.KEY_MAX_LENGTH], kind="gc")
            for row in batch
            for key in blocking.compound_keys(records.prepare(duplicates._record(row["pk"], row, {})))
        ]
        PersonMatchKey.objects.bulk_create(keys, ignore_conflicts=True, batch_size=1000)


def remove_compound_keys(apps, schema_editor):
    apps.get_model("people", "PersonMatchKey").objects.filter(kind="gc").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0002_person_merge"),
    ]

    operations = [
        migrations.RunPython(add_compound_keys, remove_compound_keys, elidable=True),
    ]
