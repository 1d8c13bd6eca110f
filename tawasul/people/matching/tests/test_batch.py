import datetime

from tawasul.people.matching.blocking import blocking_keys, key_year, lookup_keys
from tawasul.people.matching.clustering import find_clusters, find_links
from tawasul.people.matching.records import PersonRecord

D = datetime.date


def test_spellings_in_both_scripts_share_a_blocking_key():
    a = PersonRecord(id=1, names_ar="محمد أحمد الكواري", date_of_birth=D(1980, 5, 1))
    b = PersonRecord(id=2, names_latin="Mohamed Al-Kuwari", date_of_birth=D(1980, 5, 1))
    c = PersonRecord(id=3, names_latin="Mahmoud Al-Kuwari", date_of_birth=D(1980, 5, 1))
    shared = blocking_keys(a) & blocking_keys(b)
    assert any(k.startswith("gfy:") for k in shared)
    assert not {k for k in blocking_keys(a) & blocking_keys(c) if k.startswith("gfy:")} - {
        k for k in blocking_keys(a) & blocking_keys(b) if k.startswith("gfy:")
    }


def test_estimated_birth_dates_share_year_keys_within_the_tolerance():
    exact = PersonRecord(id=1, names_latin="Sara Khan", date_of_birth=D(1990, 6, 1))
    estimated = PersonRecord(
        id=2, names_latin="Sara Khan", date_of_birth=D(1988, 1, 1), dob_estimated=True
    )
    too_far = PersonRecord(
        id=3, names_latin="Sara Khan", date_of_birth=D(1985, 1, 1), dob_estimated=True
    )

    def year_keys(r):
        return {k for k in blocking_keys(r) if k.startswith("gfy:")}

    assert year_keys(exact) & year_keys(estimated)
    assert not year_keys(exact) & year_keys(too_far)
    assert not any(k.startswith("gdob:") for k in blocking_keys(estimated))


def test_identifier_and_phone_keys():
    r = PersonRecord(id=1, identifiers={"qid": "290 7615 9099"}, phone="+974 5555 1234")
    assert {"id:qid:29076159099", "ph:55551234"} <= blocking_keys(r)


def test_a_name_typed_family_name_first_looks_up_the_date_keys_of_both_readings():
    stored = PersonRecord(id=1, names_latin="Nasima Islam", date_of_birth=D(1993, 3, 4))
    typed = PersonRecord(id=None, names_latin="Islam Nasima", date_of_birth=D(1993, 3, 4))
    date_keys = {k for k in blocking_keys(stored) if k.startswith(("gdob:", "fdob:"))}
    # Stored keys read the name one way only; the lookup reads it both ways.
    assert date_keys and not date_keys & blocking_keys(typed)
    assert date_keys <= lookup_keys(typed)
    estimated = PersonRecord(id=None, names_latin="Islam Nasima", date_of_birth=D(1993, 7, 1),
                             dob_estimated=True)
    assert not any(k.startswith(("gdob:", "fdob:")) for k in lookup_keys(estimated))


def test_key_year():
    keys = blocking_keys(PersonRecord(id=1, names_latin="Mohammed Ahmed Al-Kuwari",
                                      date_of_birth=D(1980, 5, 1)))
    assert {key_year(k) for k in keys if k.startswith(("gfy:", "gpy:"))} == {1980}
    assert {key_year(k) for k in keys if not k.startswith(("gfy:", "gpy:"))} == {None}


def test_find_clusters_groups_duplicates_and_keeps_relatives_apart():
    records = [
        PersonRecord(id=1, names_ar="فاطمة علي السليطي", date_of_birth=D(1990, 2, 2), sex="F"),
        PersonRecord(
            id=2,
            names_latin="Fatma Ali Al Sulaiti",
            date_of_birth=D(1990, 2, 2),
            sex="F",
            phone="55501234",
        ),
        # Registered elsewhere with an estimated date: her phone number ties her in.
        PersonRecord(
            id=3,
            names_latin="Fatima Al-Sulaiti",
            date_of_birth=D(1990, 1, 1),
            dob_estimated=True,
            sex="F",
            phone="+974 5550 1234",
        ),
        # Her sister and her brother: same father and family.
        PersonRecord(id=4, names_ar="مريم علي السليطي", date_of_birth=D(1992, 3, 3), sex="F"),
        PersonRecord(id=5, names_ar="خالد علي السليطي", date_of_birth=D(1990, 2, 2), sex="M"),
        # Same QID, name typed differently.
        PersonRecord(id=6, names_latin="Khalid Al-Sulaity", identifiers={"qid": "29063400001"}),
        PersonRecord(id=7, names_ar="خالد السليطي", identifiers={"qid": "29063400001"}),
    ]
    clusters = find_clusters(records, 0.9)
    assert {1, 2, 3} in clusters
    assert {6, 7} in clusters
    assert not any(4 in c or 5 in c for c in clusters)


def test_find_links_is_one_to_one():
    left = [
        PersonRecord(id="a1", names_latin="Omar Yousef", date_of_birth=D(2000, 1, 2)),
        PersonRecord(id="a2", names_latin="Omar Yousef", date_of_birth=D(1960, 9, 9)),
    ]
    right = [
        PersonRecord(id="b1", names_ar="عمر يوسف", date_of_birth=D(2000, 1, 2)),
        PersonRecord(id="b2", names_ar="عمر يوسف", date_of_birth=D(2000, 1, 2)),
    ]
    links = find_links(left, right, 0.5)
    assert [(x, y) for x, y, _ in links] == [("a1", "b1")]
