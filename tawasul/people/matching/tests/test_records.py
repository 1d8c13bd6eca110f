import datetime

from tawasul.people.matching.records import PersonRecord, compare, rank_candidates

D = datetime.date


def person(pid, **kwargs):
    return PersonRecord(id=pid, **kwargs)


def test_same_qid_is_near_certain_even_with_a_different_spelling():
    a = person(1, names_latin="Mohamed Al-Kuwari", identifiers={"qid": "29076159099"})
    b = person(2, names_ar="محمد الكواري", identifiers={"qid": "٢٩٠٧٦١٥٩٠٩٩"})
    result = compare(a, b)
    assert result.score > 0.999
    assert result.reasons[0].code == "same_identifier"
    assert result.reasons[0].params == {"type": "qid"}


def test_a_different_passport_of_the_same_country_is_negative_evidence():
    base = dict(names_latin="Ahmed Ali Hassan", date_of_birth=D(1990, 3, 4), sex="M")
    a = person(1, identifiers={"passport:EGY": "A1234567"}, **base)
    same = person(2, identifiers={"passport:EGY": "A1234567"}, **base)
    other = person(3, identifiers={"passport:EGY": "B7654321"}, **base)
    no_passport = person(4, **base)
    assert compare(a, other).score < compare(a, no_passport).score < compare(a, same).score
    assert "different_identifier" in compare(a, other).codes


def test_passports_of_different_countries_are_not_compared():
    a = person(1, names_latin="Ahmed Ali", identifiers={"passport:EGY": "A1234567"})
    b = person(2, names_latin="Ahmed Ali", identifiers={"passport:SDN": "P0000001"})
    assert not {"different_identifier", "same_identifier"} & set(compare(a, b).codes)


def test_arabic_name_matching_latin_name_with_same_birth_year_is_the_stated_reason():
    a = person(1, names_ar="يوسف علي الكواري", date_of_birth=D(1985, 1, 1), dob_estimated=True)
    b = person(2, names_latin="Youssef Ali Alkuwari", date_of_birth=D(1985, 6, 12))
    result = compare(a, b)
    assert result.reasons[0].code == "arabic_matches_latin_same_birth_year"
    assert result.score > 0.9


def test_same_name_same_birth_date():
    a = person(1, names_latin="Fatima Hassan", date_of_birth=D(2001, 2, 3), sex="F")
    b = person(2, names_latin="Fatma Hassan", date_of_birth=D(2001, 2, 3), sex="F")
    result = compare(a, b)
    assert result.reasons[0].code == "same_name_same_birth_date"
    assert result.score > 0.95


def test_estimated_birth_date_within_tolerance_counts_for_and_beyond_it_against():
    a = person(1, names_latin="Khalid Al-Marri", date_of_birth=D(1980, 1, 1), dob_estimated=True)
    near = person(2, names_ar="خالد المري", date_of_birth=D(1982, 5, 5))
    far = person(3, names_ar="خالد المري", date_of_birth=D(1990, 5, 5))
    near_result = compare(a, near)
    assert "estimated_birth_date_within_tolerance" in near_result.codes
    assert "different_birth_date" in compare(a, far).codes
    assert compare(a, far).score < near_result.score


def test_exact_birth_dates_far_apart_and_different_sex_are_negative():
    base = dict(names_latin="Noor Ahmed Al-Naimi")
    a = person(1, date_of_birth=D(1970, 4, 4), sex="F", **base)
    b = person(2, date_of_birth=D(1995, 8, 8), sex="F", **base)
    c = person(3, date_of_birth=D(1970, 4, 4), sex="M", **base)
    d = person(4, date_of_birth=D(1970, 4, 4), sex="F", **base)
    assert "different_birth_date" in compare(a, b).codes
    assert "different_sex" in compare(a, c).codes
    assert compare(a, b).score < 0.1
    assert compare(a, c).score < compare(a, d).score


def test_a_one_digit_birth_date_typo_still_counts_for():
    a = person(1, names_latin="Sara Khan", date_of_birth=D(1999, 12, 1))
    b = person(2, names_latin="Sara Khan", date_of_birth=D(1999, 12, 7))
    assert "similar_birth_date" in compare(a, b).codes


def test_name_detail_reasons_are_reported():
    a = person(1, names_ar="محمد أحمد علي الكواري", date_of_birth=D(1960, 1, 1))
    b = person(2, names_latin="Al-Kuwari Mohammed", date_of_birth=D(1960, 1, 1))
    codes = compare(a, b).codes
    assert "name_order_differs" in codes
    assert "missing_middle_name" in codes
    typo = compare(
        person(1, names_latin="Hamad Al-Sulaiti", date_of_birth=D(1960, 1, 1)),
        person(2, names_latin="Hamad Al-Sulaity", date_of_birth=D(1960, 1, 1)),
    )
    assert typo.score > 0.9


def test_reasons_have_codes_messages_and_weights():
    a = person(1, names_latin="Aisha Al-Ansari", phone="+974 5555 1234")
    b = person(2, names_ar="عائشة الأنصاري", phone="0097455551234")
    for reason in compare(a, b).reasons:
        assert reason.code and reason.message
        assert isinstance(reason.weight, float)
    assert "same_phone" in compare(a, b).codes


def test_rank_candidates_puts_the_true_duplicate_first():
    candidate = person(
        None, names_latin="Abdulrahman Jassim Al-Mohannadi", date_of_birth=D(1975, 7, 1), sex="M"
    )
    existing = [
        person(10, names_ar="عبد الرحمن قاسم المهندي", date_of_birth=D(1975, 7, 1), sex="M"),
        person(11, names_ar="عبد الرحمن جاسم المهندي", date_of_birth=D(1975, 7, 1), sex="M"),
        person(12, names_ar="عبد العزيز جاسم المهندي", date_of_birth=D(1975, 7, 1), sex="M"),
        person(13, names_ar="عبد الرحمن جاسم المهندي", date_of_birth=D(1975, 7, 1), sex="F"),
    ]
    ranked = rank_candidates(candidate, existing)
    assert ranked[0].record.id == 11
    assert ranked[0].result.score > 0.99
    scores = [r.result.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
