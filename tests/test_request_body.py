"""Request bodies the site cannot read: one 400 and one log line, never a 500."""

import pytest
from django.test import Client

from tests.factories import PASSWORD

FORM_PAGES = ["/accounts/login/", "/accounts/signup/"]


def csrf_client(url: str) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(url)
    return client, client.cookies["csrftoken"].value


@pytest.mark.django_db
@pytest.mark.parametrize("url", FORM_PAGES)
@pytest.mark.parametrize(
    "content_type",
    [
        # Django refuses a form body declared in any charset but UTF-8, and
        # raises again on every later read of request.POST.
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=latin-1",
    ],
)
def test_a_form_body_in_another_charset_is_one_400_and_one_log_line(caplog, url, content_type):
    client, token = csrf_client(url)
    caplog.clear()
    body = f"username=sam&password=x&csrfmiddlewaretoken={token}".encode()

    response = client.generic("POST", url, body, content_type=content_type)

    assert response.status_code == 400
    assert b"UTF-8" in response.content
    assert len(caplog.records) == 1, [record.getMessage() for record in caplog.records]


@pytest.mark.django_db
@pytest.mark.parametrize("url", FORM_PAGES)
def test_too_many_form_fields_is_one_400_and_one_log_line(caplog, settings, url):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client, token = csrf_client(url)
    caplog.clear()
    body = "&".join(f"f{n}=x" for n in range(20)) + f"&csrfmiddlewaretoken={token}"

    response = client.generic(
        "POST", url, body.encode(), content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert len(caplog.records) == 1, [record.getMessage() for record in caplog.records]


@pytest.mark.django_db
def test_a_form_body_with_an_unknown_charset_is_read_as_utf8(client, student):
    # Django ignores a charset Python does not know, so the sign-in just works.
    response = client.generic(
        "POST",
        "/accounts/login/",
        f"username=sam&password={PASSWORD}".encode(),
        content_type="application/x-www-form-urlencoded; charset=no-such-charset",
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(student.pk)


@pytest.mark.django_db
def test_a_body_over_the_memory_limit_is_one_400_and_one_log_line(caplog, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client, token = csrf_client("/accounts/login/")
    caplog.clear()
    body = f"username=sam&password={'x' * 2000}&csrfmiddlewaretoken={token}"

    response = client.generic(
        "POST", "/accounts/login/", body.encode(), content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert b"too large" in response.content
    assert len(caplog.records) == 1, [record.getMessage() for record in caplog.records]


@pytest.mark.django_db
def test_a_multipart_body_without_a_boundary_is_one_400_and_one_log_line(caplog):
    client, _token = csrf_client("/accounts/login/")
    caplog.clear()

    response = client.generic(
        "POST", "/accounts/login/", b"username=sam", content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert len(caplog.records) == 1, [record.getMessage() for record in caplog.records]


@pytest.fixture
def disk_writes(monkeypatch):
    """The chunks the temporary-file upload handler was given to write to disk."""
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    written = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def receive_data_chunk(self, raw_data, start):
        written.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", receive_data_chunk)
    return written


@pytest.mark.django_db
@pytest.mark.parametrize("url", FORM_PAGES)
def test_a_file_part_over_the_upload_limit_is_refused_before_it_is_written(
    client, caplog, disk_writes, settings, url
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.bin", b"x" * (settings.UPLOAD_MAX_BYTES + 1))

    response = client.post(url, {"username": "sam", "password": "x", "file": big})

    assert response.status_code == 413
    assert disk_writes == []
    assert len(caplog.records) == 1, [record.getMessage() for record in caplog.records]


def test_the_upload_limit_is_above_the_largest_upload_form_allows():
    from django.conf import settings

    from lessons.admin import GIFT_MAX_BYTES
    from lessons.derive import MAX_BYTES

    # Room for the multipart framing and the other fields of the form.
    assert max(MAX_BYTES, GIFT_MAX_BYTES) + 64 * 1024 <= settings.UPLOAD_MAX_BYTES


def test_a_file_part_growing_past_the_limit_is_refused(settings):
    from django.core.exceptions import RequestDataTooBig

    from quizsite.request_body import UploadLimitHandler

    handler = UploadLimitHandler()
    assert handler.receive_data_chunk(b"x" * 10, 0) == b"x" * 10
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"x" * 10, settings.UPLOAD_MAX_BYTES - 5)


@pytest.mark.parametrize(
    "url",
    ["/admin/lessons/question/?status__exact=%00", "/instructor/?q=a%00b", "/?page=%00"],
)
def test_a_nul_in_the_query_string_is_a_400_on_any_page(client, educator, url):
    # PostgreSQL cannot compare text with a NUL: an admin filter given one was a 500.
    client.force_login(educator)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.django_db
def test_a_text_too_large_to_paste_gets_the_sites_page_with_a_way_back(settings):
    """An educator who pasted a 3 MB text into the derivation form met a bare
    line of text and no way back: the refusal is a page of the site that
    says the limit, that nothing was saved, and links back to the form."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client, token = csrf_client("/accounts/login/")
    body = f"text={'x' * 2000}&csrfmiddlewaretoken={token}"
    form = "http://testserver/admin/lessons/derivation/add/"

    response = client.generic(
        "POST",
        "/admin/lessons/derivation/add/",
        body.encode(),
        content_type="application/x-www-form-urlencoded",
        headers={"referer": form},
    )

    assert response.status_code == 413
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert 'class="site-header"' in page and "Too large to send" in page
    assert "at most 1000\xa0bytes" in page and "Nothing was saved" in page
    assert f'href="{form}"' in page


@pytest.mark.django_db
def test_the_refusal_links_back_only_to_this_site(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client, token = csrf_client("/accounts/login/")
    body = f"text={'x' * 2000}&csrfmiddlewaretoken={token}"

    response = client.generic(
        "POST",
        "/accounts/login/",
        body.encode(),
        content_type="application/x-www-form-urlencoded",
        headers={"referer": "https://evil.example/phish"},
    )

    assert response.status_code == 413
    assert "evil.example" not in response.content.decode()
