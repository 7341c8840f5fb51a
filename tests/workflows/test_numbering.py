import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from workflows.models import Case
from workflows.numbering import ManualNumbering, NumberingError, next_file_mark, next_reference_number


@pytest.mark.django_db
def test_pattern_and_year_sequences():
    assert next_reference_number(year=2026) == "KK/1/SV/2026"
    assert next_reference_number(year=2026) == "KK/2/SV/2026"
    assert next_reference_number(year=2027) == "KK/1/SV/2027"
    assert next_file_mark(year=2026) == "SZ KK/1/SV/2026"


@pytest.mark.django_db
def test_rolled_back_caller_gives_its_number_back():
    next_reference_number(year=2030)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            assert next_reference_number(year=2030) == "KK/2/SV/2030"
            raise RuntimeError("render failed")
    assert next_reference_number(year=2030) == "KK/2/SV/2030"


@pytest.mark.django_db
def test_manual_numbers_must_be_given_and_unique():
    backend = ManualNumbering()
    with pytest.raises(NumberingError, match="Zadejte číslo jednací"):
        backend.reference_number(manual="  ")
    assert backend.file_mark(manual="KUKK/123/2026") == "KUKK/123/2026"
    Case.objects.create(kind="letter", title="x", file_mark="KUKK/123/2026")
    with pytest.raises(NumberingError, match="už je použita"):
        backend.file_mark(manual="KUKK/123/2026")


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_get_twenty_consecutive_numbers():
    next_reference_number(year=2031)  # the sequence row exists, as on any working day

    def issue(_):
        try:
            with transaction.atomic():
                return next_reference_number(year=2031)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        numbers = list(pool.map(issue, range(20)))
    seqs = sorted(int(re.match(r"KK/(\d+)/SV/2031", n).group(1)) for n in numbers)
    assert seqs == list(range(2, 22)), numbers


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_numbers_of_a_new_year_do_not_collide():
    def issue(_):
        try:
            with transaction.atomic():
                return next_reference_number(year=2040)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(issue, range(10)))
    assert sorted(numbers, key=lambda n: int(n.split("/")[1])) == [f"KK/{i}/SV/2040" for i in range(1, 11)]
