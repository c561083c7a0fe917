from __future__ import annotations

from django.urls import path

from factcheck.reviews.views import clearance, queue, tasks

app_name = "reviews"

urlpatterns = [
    # Review queue (views/queue.py)
    path("", queue.review_queue, name="queue"),
    path("bulk/", queue.review_bulk, name="queue_bulk"),
    # Tasks (views/tasks.py)
    path("my-tasks/", tasks.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/move/", tasks.task_move_view, name="task_move"),
    path("tasks/<int:pk>/assign/", tasks.task_assign_view, name="task_assign"),
    path("tasks/<int:pk>/archive/", tasks.task_archive_view, name="task_archive"),
    path("tasks/<int:pk>/restore/", tasks.task_restore_view, name="task_restore"),
    path("tasks/<int:pk>/comments/", tasks.task_comment, name="task_comment"),
    path("drafts/<int:pk>/tasks/new/", tasks.task_new, name="task_new"),
    # Clearance (views/clearance.py)
    path("drafts/<int:pk>/clearance/", clearance.clearance_report, name="clearance"),
    path("drafts/<int:pk>/clearance.md", clearance.clearance_markdown, name="clearance_md"),
    path("drafts/<int:pk>/clearance.csv", clearance.clearance_csv, name="clearance_csv"),
    path("drafts/<int:pk>/clear/", clearance.draft_clear_view, name="clear"),
]
