"""Reads for sources that the backends share with the services (the backends sit below the
services, which send the tasks that run the backends)."""

from __future__ import annotations

from factcheck.newsrooms.models import Newsroom
from factcheck.prepared import Prepared
from factcheck.sources.models import SourceSettings


def source_settings_for(newsroom: Newsroom | int) -> SourceSettings:
    """The newsroom's source settings, created with the defaults on first use."""
    newsroom_id = newsroom if isinstance(newsroom, int) else newsroom.pk
    found = _SETTINGS(newsroom=newsroom_id)  # every mark reads them: prepared
    if found:
        return found[0]
    return SourceSettings.objects.get_or_create(newsroom_id=newsroom_id)[0]


_SETTINGS = Prepared(lambda newsroom: SourceSettings.objects.filter(newsroom_id=newsroom))
