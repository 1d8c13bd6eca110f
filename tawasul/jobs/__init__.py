"""Background tasks: Django's tasks API (django-tasks) on its database backend
(django-tasks-db), plus what that backend lacks — retries, periodic jobs, and rescue of
tasks whose worker died.

Writing a task
    A task is a module-level function decorated with `@task()` (django_tasks). It takes
    ids and plain values, never model instances, fetches what it needs, and is safe to
    run twice: a retry or a rescue runs it again. A side effect outside the database
    (email) goes through `tawasul.jobs.idempotency.run_once`. A task that changes data
    writes its own audit entry (`tawasul.jobs.auditing.audit_task`, actor
    "system:<task>"). Put `@retryable()` (tawasul.jobs.retry) above `@task()` to have
    a failure retried with exponential backoff, up to TASK_MAX_ATTEMPTS attempts.

Enqueueing
    From a service, inside its transaction: `enqueue_on_commit(task, *ids)`
    (tawasul.jobs.queue), so the task never sees rows that were rolled back.

Running
    `manage.py run_worker`      a worker (several may run, on several machines);
    `manage.py run_scheduler`   enqueues the jobs of tawasul/jobs/schedule.py when due
                                (`--once` for one tick, e.g. from cron);
    `manage.py run_background`  both in one process, in threads, for one machine
                                (`make run` starts it beside `runserver`).
    SIGTERM or Ctrl-C lets the running task finish, then exits; a second one exits at
    once. Settings: TASK_MAX_ATTEMPTS, TASK_STALE_AFTER_SECONDS (a task RUNNING longer
    than this, whose worker has stopped sending heartbeats, is re-queued), and
    TASKS_IMMEDIATE=true to run tasks inline with no worker at all.

SQLite
    Two or more workers share one SQLite file safely: the database runs in WAL mode
    (readers never wait for the writer) with IMMEDIATE transactions (a writing
    transaction takes the write lock when it begins, so two of them queue on the 20 s
    busy timeout instead of failing half-way with "database is locked"), and a worker
    claims a task in an exclusive transaction, so two workers never claim the same one.
    A claim that still meets a locked database is simply tried again on the next turn.
    On PostgreSQL the claim is SELECT … FOR UPDATE SKIP LOCKED.
"""
