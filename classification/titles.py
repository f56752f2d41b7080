"""Seeding the Title table from the constants the rules use, so the two never drift."""

from classification.standard import TITLES


def ensure_titles(apps, using: str = "default") -> None:
    Title = apps.get_model("classification", "Title")
    for rank, title in enumerate(TITLES, start=1):
        Title.objects.using(using).update_or_create(
            code=title.code, defaults={"name": title.name, "grade": title.grade, "rank": rank}
        )
