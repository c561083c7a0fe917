from __future__ import annotations

from django.apps import AppConfig


class NewsroomsConfig(AppConfig):
    name = "factcheck.newsrooms"
    verbose_name = "Newsrooms"
