from __future__ import annotations

import io

import docx
import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from factcheck.newsrooms.models import Membership, Newsroom, Role

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True  # the hook below writes its own row

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """The user's address, verified (the desk asks for one before a password login);
        ``UserFactory(verified_email=False)`` leaves it unverified."""
        if create and obj.email:
            EmailAddress.objects.get_or_create(
                user=obj,
                email=obj.email,
                defaults={"verified": extracted is not False, "primary": True},
            )


class NewsroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Newsroom
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Newsroom {n}")
    slug = factory.Sequence(lambda n: f"newsroom-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    newsroom = factory.SubFactory(NewsroomFactory)
    role = Role.EDITOR


def make_docx(paragraphs: list[str], heading: str = "") -> bytes:
    """A real .docx (made with python-docx) holding an optional heading and paragraphs."""
    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_story(units: int) -> str:
    """A news story of exactly ``units`` units: a headline and ``units - 1`` sentences, four
    to a paragraph."""
    lines = [
        f"Kitchen {i} in Tallow Bridge served hot soup to {100 + i} people on Tuesday."
        for i in range(units - 1)
    ]
    paragraphs = [" ".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]
    return "Valley Soup Kitchens\n\n" + "\n\n".join(paragraphs) + "\n"
