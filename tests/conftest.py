import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as ids are reused between tests:
    Django's, and the question versions the answer service remembers."""
    from lessons.services import question_versions_forget

    cache.clear()
    question_versions_forget()
    yield
    cache.clear()
    question_versions_forget()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests make hundreds of accounts; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


SHIPPED_COURSE = "leiomyosarcoma"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the shipped course loaded once for the session:
    loading it costs about half a second, and each test's rolled-back
    transaction leaves it as it was."""
    with django_db_blocker.unblock():
        call_command("loaddata", SHIPPED_COURSE, verbosity=0)


@pytest.fixture
def course(db):
    """The shipped leiomyosarcoma course. Loaded with the test database; a
    transactional test (transactional_db, live_server) flushes the database
    when it ends, so after one the course is loaded again."""
    from lessons.models import Lesson

    if not Lesson.objects.filter(source__slug=SHIPPED_COURSE).exists():
        call_command("loaddata", SHIPPED_COURSE, verbosity=0)


@pytest.fixture
def student(db):
    return UserFactory(username="sam")


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def educator(db):
    user = UserFactory(username="edna", is_staff=True)
    user.groups.add(Group.objects.get(name="Educators"))
    return user


@pytest.fixture
def instructor(db):
    user = UserFactory(username="ivan", is_staff=True)
    user.groups.add(Group.objects.get(name="Instructors"))
    return user
