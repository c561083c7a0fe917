from __future__ import annotations

from django.contrib import admin

from factcheck.claims.models import Claim


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["short_text", "draft", "status", "created_by", "created_at"]
    list_filter = ["status", "draft__newsroom", "created_at"]
    search_fields = ["text", "draft__title"]
    list_select_related = ["draft", "created_by"]
    raw_id_fields = ["draft", "revision", "sentence", "created_by"]

    @admin.display(description="Claim")
    def short_text(self, obj: Claim) -> str:
        return obj.text if len(obj.text) <= 100 else obj.text[:99] + "…"
