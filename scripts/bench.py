"""Benchmark of the pages that grow with the registry: case list, case page, person search
and duplicate suggestions, each beside a bare Django view that renders the same rows.

Run: make bench                                  (SQLite, 10,000 persons)
     .venv/bin/python scripts/bench.py --db sqlite|postgres --persons N [--reuse]
     .venv/bin/python scripts/bench.py --report   (10k against 1M, from the saved results)
     .venv/bin/python scripts/bench.py --db sqlite|postgres --persons N --rounds R
                                                  (10k and N in turn, R times: the growth)
     options: --iterations 200 (measured requests per measure), --warmup 20,
              --time-limit SECONDS (per measure; for pages that take seconds),
              --database-url URL (a bench database of your own), --generate-only,
              --no-prewarm (skip reading the database into the page cache first),
              --only "person search,suggest" (only the measures named so, by prefix)

The data: a dedicated bench database per engine and size, never the development database
(var/tawasul.sqlite3) nor a test database: var/bench/bench-<n>.sqlite3, or the PostgreSQL
database tawasul_bench_<n> on 127.0.0.1:5432 (created when missing; DATABASE_URL of a
PostgreSQL server is honoured for the host and credentials). It is made by `migrate`,
`seed_demo` (the organizations and staff) and `generate_synthetic --persons N --fast-load`,
each a manage.py subprocess whose output goes to var/bench/generate-<db>-<n>.log; the time
taken is kept in var/bench/generated-<db>-<n>.json. --reuse measures an existing bench
database of that size again without regenerating it.

Before measuring, the bench database is read once into the operating system's page
cache (`prewarm`): a server that has been running holds it there, and a run that
follows another database's would otherwise measure the disk.

What is measured: the real views through the Django test Client in-process, signed in
(force_login) as a case manager of the same center at every size (BENCH_CENTER: the family
stability center, none of whose cases is restricted), so each request goes through the
whole middleware stack, the template, the access check and the audit entry.
Pages, cases and search terms are drawn at random (seeded) from the data, after a warm-up.
Each real view stands beside a bare view served by the same Client and middleware: a plain
queryset of the same rows (the center's cases, no access check, no audit) rendered with a
minimal template. A list page is judged against the bare rows rendered inside the site's
page layout (base.html: header, navigation, footer), as any page of the site is: the
layout is the same for every page, bare or not, and what the target bounds is the cost of
the list's access check, audit, filters and row markup. "<list> (bare rows)" also prints
the same real page against the bare rows alone, which adds the layout's cost to the ratio.
p50/p95/mean are wall-clock milliseconds per request. Connections persist between
requests, as deployed (DB_CONN_MAX_AGE, deploy/env.example).

The embassy inbox (/referrals/embassy/, signed in as a consular officer of the embassy with
the most referrals) and the intake desk's queue (/referrals/intake/, as an intake officer)
stand beside bare views of the same rows in the same order: that embassy's referrals
newest first; the undecided embassy referrals no center holds, most urgent then oldest.

--report also prints how many rows a person search and the duplicate suggestions showed
on average at each size: unlike a list page, their results grow with the registry.

The growth from 10k to 1M is best judged with --rounds: one p95 over a few hundred
requests of 10 to 40 ms moves by 10 to 20% from one run to the next on the same machine,
so the ratio of two single runs says as much about the machine as about the code.
--rounds R measures the 10k and the N bench databases of one engine in turn, R times,
each run a process of its own (after the prewarm, with its own warm-up) and each round
with its own seed, the same at both sizes; it prints every round's growth and their
median, the verdict, and keeps them in var/bench/growth-<db>.json (--report prints it).

Targets (issue 3): case list p50 <= 1.3 x baseline; every p95 at 1M <= 1.5 x its
p95 at 10k (--report; --rounds for the median of several rounds); duplicate suggestions
p95 <= 50 ms at 1M persons. (Issue 4): the embassy inbox and the intake queue <= 1.3 x
baseline at a million cases. The data has one case per person on average
(--cases-per-person 1.0), so the 1M bench has ~1M cases. The results are written to
var/bench/results-<db>-<n>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DEV_DATABASE = ROOT / "var" / "tawasul.sqlite3"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres"


# --- The bench database -------------------------------------------------------------


def database_url(db: str, persons: int, override: str | None) -> str:
    if override:
        url = override
    elif db == "sqlite":
        url = f"sqlite:///{BENCH_DIR / f'bench-{persons}.sqlite3'}"
    else:
        base = os.environ.get("DATABASE_URL", "")
        if not base.startswith(("postgres://", "postgresql://")):
            base = PG_DEFAULT
        parts = urlsplit(base)
        url = urlunsplit(parts._replace(path=f"/tawasul_bench_{persons}"))
    _refuse_non_bench(url)
    return url


def _refuse_non_bench(url: str) -> None:
    """Only a database meant for benchmarks: never the development file, never a test
    database (they would be wiped or filled with a million fabricated persons)."""
    if url.startswith("sqlite"):
        path = Path(urlsplit(url).path)
        if path.resolve() == DEV_DATABASE.resolve() or "bench" not in path.name:
            sys.exit(f"refusing {url}: the bench database's file name must contain 'bench'")
    else:
        name = urlsplit(url).path.lstrip("/")
        if "bench" not in name or name.startswith("test"):
            sys.exit(f"refusing {url}: the bench database's name must contain 'bench'")


def _recreate(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(urlsplit(url).path)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _manage(args: list[str], url: str, log: Any) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    log.write(f"$ manage.py {' '.join(args)}\n")
    log.flush()
    proc = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        log.write(line)
        log.flush()
        print(f"  {line.rstrip()}", flush=True)
    if proc.wait() != 0:
        sys.exit(f"manage.py {args[0]} failed (see {log.name})")


# A million cases at a million persons (issue 4 measures its queues at 1M cases).
CASES_PER_PERSON = 1.0


def _analyze(url: str) -> None:
    """Refresh the planner's statistics of the bench database (and PostgreSQL's
    visibility map)."""
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(urlsplit(url).path) as conn:
            conn.execute("ANALYZE")
    else:
        import psycopg

        # VACUUM too, as autovacuum would in time: an index-only scan (a deep page's ids)
        # reads the table for every row whose page the visibility map does not vouch for.
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")


def prewarm(url: str) -> None:
    """Read the whole bench database once, into the operating system's page cache, as a
    server that has been running holds it: a run right after another database's (or a
    reboot) would otherwise measure the disk. SQLite: the file, read through; PostgreSQL:
    pg_prewarm(..., 'read') of every table and index of the bench database (the extension
    ships with PostgreSQL; without it the run goes on cold, and says so)."""
    started = time.perf_counter()
    if url.startswith("sqlite"):
        path = Path(urlsplit(url).path)
        read = 0
        for part in (path, path.with_name(path.name + "-wal")):
            if part.exists():
                with open(part, "rb") as f:
                    while chunk := f.read(8 << 20):
                        read += len(chunk)
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            except psycopg.Error as exc:
                print(f"Not prewarmed (pg_prewarm: {exc}); the run may read the disk")
                return
            row = conn.execute(
                "SELECT coalesce(sum(pg_prewarm(c.oid, 'read')), 0) * "
                "current_setting('block_size')::bigint FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 't')").fetchone()
            read = int(row[0]) if row else 0
    print(f"Prewarmed: {read / 2**30:.1f} GiB read in {time.perf_counter() - started:.0f} s",
          flush=True)


def generated_path(db: str, persons: int) -> Path:
    return BENCH_DIR / f"generated-{db}-{persons}.json"


def generate(db: str, persons: int, url: str) -> dict[str, Any]:
    """A fresh bench database with `persons` synthetic persons; returns the timings."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    generated_path(db, persons).unlink(missing_ok=True)
    print(f"Generating {persons} persons into {url} (log: var/bench/generate-{db}-{persons}.log)")
    _recreate(url)
    timings: dict[str, Any] = {"db": db, "persons": persons, "database_url": url}
    with open(BENCH_DIR / f"generate-{db}-{persons}.log", "w", encoding="utf-8") as log:
        started = time.perf_counter()
        _manage(["migrate", "--verbosity", "0"], url, log)
        _manage(["seed_demo", "--quiet-logins"], url, log)
        timings["setup_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        _manage(["generate_synthetic", "--persons", str(persons), "--fast-load",
                 "--cases-per-person", str(CASES_PER_PERSON)], url, log)
        timings["generate_seconds"] = round(time.perf_counter() - started, 1)
    timings["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    generated_path(db, persons).write_text(json.dumps(timings, indent=2), encoding="utf-8")
    print(f"Generated {persons} persons in {timings['generate_seconds']:.0f} s "
          f"(+{timings['setup_seconds']:.0f} s migrate and seed_demo)")
    return timings


# --- Measuring ------------------------------------------------------------------------

# Targets of issue 3.
LIST_RATIO_MAX = 1.3
GROWTH_MAX = 1.5
SUGGESTIONS_P95_MAX_MS = 50.0
# Pages of the case list drawn from: the ones people page through.
MAX_PAGE = 20
MIN_SAMPLES = 5


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    # Persistent connections, as deployed (deploy/env.example): without them every request
    # opens a connection and, on PostgreSQL, plans its queries on cold catalog caches.
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tawasul.settings")
    # The demo staff sign in without an authenticator in demo mode (what force_login needs);
    # the rest is the development configuration, with DEBUG switched off below so that no
    # query log is kept and templates are not in debug mode.
    os.environ["TAWASUL_DEMO_MODE"] = "true"
    os.environ.setdefault("DEBUG", "true")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    settings.ROOT_URLCONF = _baseline_urlconf()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _stats(ms: list[float]) -> dict[str, float]:
    return {"n": len(ms), "p50": round(_percentile(ms, 0.5), 2),
            "p95": round(_percentile(ms, 0.95), 2), "mean": round(sum(ms) / len(ms), 2)}


# The bare views: a plain queryset of the same rows, a minimal template, no access check,
# no audit. Served through the same Client and middleware as the real views.
BASELINE_LIST = """<table>{% for c in page_obj %}<tr><td><a href="/cases/{{ c.pk }}/">\
{{ c.reference }}</a></td><td>{{ c.person.display_name }} {{ c.person.name_latin }}</td>\
<td>{{ c.case_type.name }}</td><td>{{ c.get_status_display }}</td><td>{{ c.risk_level }}</td>\
<td>{{ c.assigned_manager.display_name }}</td><td>{{ c.opened_at }}</td></tr>{% endfor %}\
</table><p>{{ page_obj.paginator.count }} \
{{ page_obj.number }}/{{ page_obj.paginator.num_pages }}</p>"""
# The same bare list inside the site's page layout (header, navigation, footer): what the
# real page costs beyond plain Django in the same layout (access check, audit, filters).
BASELINE_LIST_LAYOUT = ('{% extends "base.html" %}{% block content %}'
                        + BASELINE_LIST + "{% endblock %}")
BASELINE_CASE = """<h1>{{ case.reference }} {{ case.person.display_name }}</h1>\
<p>{{ case.case_type.name }} {{ case.get_status_display }} {{ case.risk_level }} \
{{ case.assigned_manager.display_name }}</p><ul>{% for e in events %}<li>{{ e.occurred_at }} \
{{ e.kind }} {{ e.author.display_name }} {{ e.text }} {{ e.service.name_en }}</li>{% endfor %}</ul>\
<ul>{% for t in tasks %}<li>{{ t.title }} {{ t.due_at }} {{ t.assigned_to.display_name }}</li>\
{% endfor %}</ul>"""
BASELINE_PERSON = """<h1>{{ person.display_name }} {{ person.reference }}</h1>\
<ul>{% for i in identifiers %}<li>{{ i.type }} {{ i.value }}</li>{% endfor %}</ul>\
<ul>{% for c in cases %}<li>{{ c.reference }} {{ c.case_type.name }}</li>{% endfor %}</ul>"""
BASELINE_EMBASSY = """<table>{% for r in page_obj %}<tr><td><a href="/referrals/{{ r.pk }}/">\
{{ r.reference }}</a></td><td>{{ r.submitted_person.display_name }}</td>\
<td>{{ r.get_domain_display }}</td><td>{{ r.get_urgency_display }}</td>\
<td>{{ r.get_status_display }}</td><td>{{ r.sent_at }}</td></tr>{% endfor %}</table>\
<p>{{ page_obj.paginator.count }} {{ page_obj.number }}/{{ page_obj.paginator.num_pages }}</p>"""
BASELINE_QUEUE = """<table>{% for r in page_obj %}<tr><td><a href="/referrals/{{ r.pk }}/">\
{{ r.reference }}</a></td><td>{{ r.from_organization.name }}</td>\
<td>{{ r.submitted_person.display_name }} {{ r.person_id }}</td><td>{{ r.get_domain_display }}</td>\
<td>{{ r.get_urgency_display }}</td><td>{{ r.get_status_display }}</td><td>{{ r.sent_at }}</td>\
<td>{{ r.due_at }}</td></tr>{% endfor %}</table>\
<p>{{ page_obj.paginator.count }} {{ page_obj.number }}/{{ page_obj.paginator.num_pages }}</p>"""
# The lists in the site's page layout, as the real pages are (see BASELINE_LIST_LAYOUT).
BASELINE_EMBASSY_LAYOUT = ('{% extends "base.html" %}{% block content %}'
                           + BASELINE_EMBASSY + "{% endblock %}")
BASELINE_QUEUE_LAYOUT = ('{% extends "base.html" %}{% block content %}'
                         + BASELINE_QUEUE + "{% endblock %}")
# What marks a case row of the case list and a suggestion in the real pages' HTML.
CASE_ROW_MARKER = '<td class="text-nowrap">'
SUGGESTION_MARKER = ' suggestion">'
BASELINE_SUGGESTIONS = """<ul>{% for p in persons %}<li>{{ p.display_name }} \
{{ p.date_of_birth }} {{ p.reference }}</li>{% endfor %}</ul>"""


def _baseline_urlconf() -> str:
    """A URLconf with the bare views beside the project's own (a module made here, so
    nothing of the benchmark is installed in the project)."""
    import types

    from django.core.paginator import Paginator
    from django.db.models import Case as DbCase
    from django.db.models import Count, Value, When
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.urls import include, path

    from tawasul.cases.models import Case
    from tawasul.cases.selectors import search_cases
    from tawasul.people import duplicates
    from tawasul.people.forms import draft_from
    from tawasul.people.models import Person, PersonMatchKey
    from tawasul.referrals.models import Referral

    engine = engines["django"]
    templates = {name: engine.from_string(text) for name, text in (
        ("list", BASELINE_LIST), ("list_layout", BASELINE_LIST_LAYOUT),
        ("case", BASELINE_CASE), ("person", BASELINE_PERSON),
        ("suggestions", BASELINE_SUGGESTIONS), ("embassy", BASELINE_EMBASSY),
        ("queue", BASELINE_QUEUE), ("embassy_layout", BASELINE_EMBASSY_LAYOUT),
        ("queue_layout", BASELINE_QUEUE_LAYOUT))}

    def render_list(request: HttpRequest, name: str, page: Any) -> HttpResponse:
        """The bare rows, or with ?layout=1 the same rows inside the site's layout."""
        if request.GET.get("layout"):
            return HttpResponse(templates[f"{name}_layout"].render({"page_obj": page}, request))
        return HttpResponse(templates[name].render({"page_obj": page}))

    def case_list(request: HttpRequest) -> HttpResponse:
        qs = Case.objects.select_related("person", "case_type", "assigned_manager").filter(
            center_id=request.user.organization_id)  # type: ignore[union-attr]
        q = request.GET.get("q", "")
        if q:
            # The page's own lookup (reference, identifier or matching keys), bare: no
            # access check, no audit, no messages.
            center_id = request.user.organization_id  # type: ignore[union-attr]
            qs = search_cases(qs, q, center_id=center_id).cases
        page = Paginator(qs.order_by("-opened_at"), 25).get_page(request.GET.get("page"))
        return render_list(request, "list", page)

    def case_detail(request: HttpRequest, pk: str) -> HttpResponse:
        case = Case.objects.select_related("person", "case_type", "assigned_manager").get(pk=pk)
        events = case.events.select_related("author", "service").order_by("-occurred_at")
        tasks = case.tasks.select_related("assigned_to").order_by("done_at", "due_at")
        return HttpResponse(templates["case"].render(
            {"case": case, "events": events, "tasks": tasks}))

    def person_detail(request: HttpRequest, pk: str) -> HttpResponse:
        person = Person.objects.get(pk=pk)
        return HttpResponse(templates["person"].render({
            "person": person, "identifiers": person.identifiers.all(),
            "cases": Case.objects.select_related("case_type").filter(
                person=person, center_id=request.user.organization_id)}))  # type: ignore[union-attr]

    def suggestions(request: HttpRequest) -> HttpResponse:
        record = duplicates.draft_record(draft_from(request.POST))
        keys = list(duplicates._keys(record))
        ids = list(PersonMatchKey.objects.filter(key__in=keys).values("person_id")
                   .annotate(shared=Count("id")).order_by("-shared")
                   .values_list("person_id", flat=True)[:10])
        return HttpResponse(templates["suggestions"].render(
            {"persons": Person.objects.filter(pk__in=ids)}))

    def embassy_inbox(request: HttpRequest) -> HttpResponse:
        qs = Referral.objects.select_related("submitted_person").filter(
            kind="embassy_to_foundation",
            from_organization_id=request.user.organization_id,  # type: ignore[union-attr]
        ).order_by("-sent_at")
        page = Paginator(qs, 25).get_page(request.GET.get("page"))
        return render_list(request, "embassy", page)

    def intake_queue(request: HttpRequest) -> HttpResponse:
        qs = Referral.objects.select_related("submitted_person", "from_organization",
                                             "person").filter(
            kind="embassy_to_foundation", status__in=("submitted", "under_review"),
            assigned_center__isnull=True,
        ).order_by(DbCase(When(urgency="emergency", then=Value(0)),
                          When(urgency="urgent", then=Value(1)), default=Value(2)), "sent_at")
        page = Paginator(qs, 25).get_page(request.GET.get("page"))
        return render_list(request, "queue", page)

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/cases/", case_list),
        path("bench/cases/<uuid:pk>/", case_detail),
        path("bench/people/<uuid:pk>/", person_detail),
        path("bench/suggestions/", suggestions),
        path("bench/embassy/", embassy_inbox),
        path("bench/intake/", intake_queue),
        path("", include("tawasul.urls")),
    ]
    sys.modules["bench_urls"] = module
    return "bench_urls"


# The center whose case manager makes the requests, the same at every size: the family
# stability center of the demo world, whose cases are not restricted by default (its
# case manager sees all of them, as many rows as a search can find). A center chosen by
# its number of cases would change with the size: the synthetic centers are within 1% of
# one another, and at 10k the largest was the protection center, whose cases are all
# restricted (its case manager sees half of them), at 1M the orphan care center.
BENCH_CENTER = "center-family"


class Sample:
    """What the requests are drawn from: the benchmark user and rows of their center
    (BENCH_CENTER, or the center with the most cases in a database without it)."""

    def __init__(self, rng: Any, center: str = BENCH_CENTER) -> None:
        from django.db.models import Count

        from tawasul.accounts.models import User
        from tawasul.accounts.roles import Role
        from tawasul.cases import selectors
        from tawasul.cases.models import Case
        from tawasul.people.models import Person, PersonIdentifier

        self.rng = rng
        per_center = Case.objects.values("center_id").annotate(n=Count("id"))
        chosen = (per_center.filter(center__code=center).order_by("-n").first()
                  or per_center.order_by("-n").first())
        if chosen is None:
            sys.exit("no cases in the bench database: generate it again")
        user = (User.objects.filter(organization_id=chosen["center_id"], is_active=True,
                                    role=Role.CASE_MANAGER).order_by("username").first())
        if user is None:
            sys.exit("no case manager in the bench center")
        self.user = user
        visible = selectors.cases_visible_to(user)
        self.center_cases = chosen["n"]
        self.total_cases = Case.objects.count()
        self.total_persons = Person.objects.count()
        # Random rows without ORDER BY random() over a million rows: a random slice of
        # the center's cases by opening time (index order), a few hundred of them.
        visible_count = visible.count()
        self.visible_cases = visible_count
        picks: list[Any] = []
        for _ in range(300):
            offset = rng.randrange(max(visible_count, 1))
            row = visible.order_by("-opened_at").values_list(
                "pk", "person_id", "reference")[offset:offset + 1]
            picks.extend(row)
        self.case_ids = [str(pk) for pk, _p, _r in picks]
        self.person_ids = [str(p) for _c, p, _r in picks]
        persons = {str(p.pk): p for p in Person.objects.filter(pk__in=self.person_ids)}
        identifiers = dict(PersonIdentifier.objects.filter(person_id__in=self.person_ids)
                           .values_list("person_id", "value"))
        self.terms: list[tuple[str, str]] = []
        self.drafts: list[dict[str, str]] = []
        for _case_id, person_id, reference in picks:
            person = persons[str(person_id)]
            self.terms.append(("reference", reference))
            # A name as a worker types it: given and family name (or the full name of a
            # person registered with a single-field name), in either script. (A single
            # name is read by substring in the center's cases, not measured here.)
            latin = " ".join(filter(None, (person.given_name_latin,
                                           person.family_name_latin))) or person.full_name_latin
            if latin:
                self.terms.append(("latin name", latin))
            arabic = " ".join(filter(None, (person.given_name_ar,
                                            person.family_name_ar))) or person.full_name_ar
            if arabic:
                self.terms.append(("arabic name", arabic))
            if person_id in identifiers:
                self.terms.append(("identifier", identifiers[person_id]))
            self.drafts.append(self._draft(person))
        self.pages = max(1, min(MAX_PAGE, -(-visible_count // 25)))
        self._referral_users()

    def _referral_users(self) -> None:
        """The consular officer of the embassy with the most referrals, an intake officer,
        and how many pages of each list there are to draw from."""
        from django.db.models import Count

        from tawasul.accounts.models import User
        from tawasul.accounts.roles import Role
        from tawasul.referrals.models import Referral
        from tawasul.referrals.selectors import intake_queue

        officers = User.objects.filter(role=Role.CONSULAR_OFFICER, is_active=True)
        embassy = (Referral.objects.filter(
            kind="embassy_to_foundation",
            from_organization_id__in=officers.values("organization_id"))
                   .values("from_organization_id").annotate(n=Count("id"))
                   .order_by("-n").first())
        self.embassy_user = embassy and officers.filter(
            organization_id=embassy["from_organization_id"]).order_by("username").first()
        self.intake_user = User.objects.filter(role=Role.INTAKE_OFFICER,
                                               is_active=True).order_by("username").first()
        self.embassy_referrals = embassy["n"] if embassy else 0
        self.queue_length = intake_queue(self.intake_user).count() if self.intake_user else 0
        self.embassy_pages = max(1, min(MAX_PAGE, -(-self.embassy_referrals // 25)))
        self.queue_pages = max(1, min(MAX_PAGE, -(-self.queue_length // 25)))

    def _draft(self, person: Any) -> dict[str, str]:
        """What an intake worker types for a person already registered: the other script
        when there is one, the date of birth, sex and nationality."""
        latin = bool(person.given_name_latin or person.full_name_latin)
        arabic = bool(person.given_name_ar or person.full_name_ar)
        script = "latin" if latin and (not arabic or self.rng.random() < 0.5) else "ar"
        draft = {f"{part}_name_{script}": getattr(person, f"{part}_name_{script}")
                 for part in ("given", "father", "grandfather", "family", "full")}
        draft.update(date_of_birth=person.date_of_birth.isoformat()
                     if person.date_of_birth else "",
                     sex=person.sex, nationality=str(person.nationality or ""))
        return {k: v for k, v in draft.items() if v}


def _selected(name: str, only: str | None) -> bool:
    """Whether a measure is among those asked for: --only takes prefixes, separated by
    commas ("person search,suggest")."""
    return not only or any(name.startswith(p.strip()) for p in only.split(",") if p.strip())


def _measure(sample: Sample, iterations: int, warmup: int,
             time_limit: float | None, only: str | None = None) -> dict[str, Any]:
    from django.test import Client
    from django.urls import reverse

    from tawasul.people.duplicates import suggest_duplicates
    from tawasul.people.forms import draft_from

    client = Client()
    client.force_login(sample.user)
    rng = sample.rng
    embassy_client, intake_client = Client(), Client()
    if sample.embassy_user:
        embassy_client.force_login(sample.embassy_user)
    if sample.intake_user:
        intake_client.force_login(sample.intake_user)

    def get(url: str, _client: Any = client, **params: str) -> str:
        response = _client.get(url, params)
        if response.status_code != 200:
            sys.exit(f"GET {url} {params} answered {response.status_code}")
        return response.content.decode()

    def post(url: str, data: dict[str, str]) -> str:
        response = client.post(url, data, headers={"HX-Request": "true"})
        if response.status_code != 200:
            sys.exit(f"POST {url} answered {response.status_code}")
        return response.content.decode()

    # How many rows a search or the suggestions showed (they grow with the registry where
    # a list page does not: a common name fills a page at a million persons).
    shown: dict[str, list[int]] = {}

    def counted(name: str, marker: str, html: str) -> None:
        shown.setdefault(name, []).append(html.count(marker))

    def page() -> dict[str, str]:
        return {"page": str(rng.randint(1, sample.pages))}

    def embassy_page() -> dict[str, str]:
        return {"page": str(rng.randint(1, sample.embassy_pages))}

    def queue_page() -> dict[str, str]:
        return {"page": str(rng.randint(1, sample.queue_pages))}

    def term() -> dict[str, str]:
        return {"q": rng.choice(sample.terms)[1]}

    list_url = reverse("cases:list")
    suggest_url = reverse("people:suggestions")
    embassy_url = reverse("referrals:embassy_list")
    intake_url = reverse("referrals:intake_desk")
    # measure → (real request, baseline request), each taking the same drawn argument.
    measures: dict[str, tuple[Any, Any, Any]] = {
        "case list": (page, lambda a: get(list_url, **a),
                      lambda a: get("/bench/cases/", layout="1", **a)),
        "case list (bare rows)": (page, lambda a: get(list_url, **a),
                                  lambda a: get("/bench/cases/", **a)),
        "case page": (lambda: rng.choice(sample.case_ids),
                      lambda a: get(reverse("cases:detail", args=[a])),
                      lambda a: get(f"/bench/cases/{a}/")),
        "person page": (lambda: rng.choice(sample.person_ids),
                        lambda a: get(reverse("people:detail", args=[a])),
                        lambda a: get(f"/bench/people/{a}/")),
        "person search": (term, lambda a: counted("person search", CASE_ROW_MARKER,
                                                  get(list_url, **a)),
                          lambda a: get("/bench/cases/", **a)),
        "suggestions (htmx view)": (lambda: rng.choice(sample.drafts),
                                    lambda a: counted("suggestions (htmx view)",
                                                      SUGGESTION_MARKER, post(suggest_url, a)),
                                    lambda a: post("/bench/suggestions/", a)),
        "embassy inbox": (embassy_page, lambda a: get(embassy_url, embassy_client, **a),
                          lambda a: get("/bench/embassy/", embassy_client, layout="1", **a)),
        "embassy inbox (bare rows)": (embassy_page,
                                      lambda a: get(embassy_url, embassy_client, **a),
                                      lambda a: get("/bench/embassy/", embassy_client, **a)),
        "intake queue": (queue_page, lambda a: get(intake_url, intake_client, **a),
                         lambda a: get("/bench/intake/", intake_client, layout="1", **a)),
        "intake queue (bare rows)": (queue_page, lambda a: get(intake_url, intake_client, **a),
                                     lambda a: get("/bench/intake/", intake_client, **a)),
        "suggest_duplicates()": (
            lambda: rng.choice(sample.drafts),
            lambda a: suggest_duplicates(user=sample.user, draft=draft_from(a)),
            None),
    }
    results: dict[str, Any] = {}
    for name, (draw, real, baseline) in measures.items():
        if not _selected(name, only):
            continue
        if (name.startswith("embassy inbox") and not sample.embassy_user) or (
                name.startswith("intake queue") and not sample.intake_user):
            print(f"  {name}: no such user in the bench database, not measured", flush=True)
            continue
        # A measure whose requests take seconds stops at the time limit (n says how many
        # were measured): warm-up within a quarter of it, at least MIN_SAMPLES requests.
        started = time.perf_counter()
        limit = time_limit or float("inf")
        for _ in range(warmup):
            if time.perf_counter() - started > limit / 4:
                break
            arg = draw()
            real(arg)
            if baseline:
                baseline(arg)
        started = time.perf_counter()
        real_ms: list[float] = []
        base_ms: list[float] = []
        for _ in range(iterations):
            if len(real_ms) >= MIN_SAMPLES and time.perf_counter() - started > limit:
                break
            arg = draw()
            # Alternating, so that both see the same load of a shared machine.
            t0 = time.perf_counter()
            real(arg)
            real_ms.append((time.perf_counter() - t0) * 1000)
            if baseline:
                t0 = time.perf_counter()
                baseline(arg)
                base_ms.append((time.perf_counter() - t0) * 1000)
        results[name] = {"real": _stats(real_ms),
                         "baseline": _stats(base_ms) if base_ms else None}
        if name in shown:
            rows = shown[name][-len(real_ms):]
            results[name]["rows_shown_mean"] = round(sum(rows) / len(rows), 1)
        print(f"  {name}: p50 {results[name]['real']['p50']:.1f} ms", flush=True)
    return results


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_table(result: dict[str, Any]) -> None:
    head = (f"{'db':<9}{'persons':>9}{'cases':>9}  {'measure':<27}{'p50':>8}{'p95':>8}"
            f"{'mean':>8}{'n':>5}{'base p50':>10}{'base p95':>10}{'ratio50':>9}{'ratio95':>9}"
            "  target")
    print(head)
    print("-" * len(head))
    for name, m in result["measures"].items():
        real, base = m["real"], m["baseline"]
        r50 = real["p50"] / base["p50"] if base else None
        r95 = real["p95"] / base["p95"] if base else None
        target = ""
        if name in ("case list", "embassy inbox", "intake queue"):
            ok = r50 is not None and r50 <= LIST_RATIO_MAX
            target = f"p50 <= {LIST_RATIO_MAX}x base: {_verdict(ok)}"
        elif name.startswith("suggest") and result["persons"] >= 1_000_000:
            target = (f"p95 <= {SUGGESTIONS_P95_MAX_MS:.0f} ms: "
                      f"{_verdict(real['p95'] <= SUGGESTIONS_P95_MAX_MS)}")
        elif name.startswith("suggest"):
            target = f"(p95 <= {SUGGESTIONS_P95_MAX_MS:.0f} ms at 1M)"
        print(f"{result['db']:<9}{result['persons']:>9}{result['cases']:>9}  {name:<27}"
              f"{real['p50']:>8.1f}{real['p95']:>8.1f}{real['mean']:>8.1f}{real['n']:>5}"
              f"{_fmt(base and base['p50']):>10}{_fmt(base and base['p95']):>10}"
              f"{_fmt(r50):>9}{_fmt(r95):>9}  {target}")


def results_path(db: str, persons: int) -> Path:
    return BENCH_DIR / f"results-{db}-{persons}.json"


def run(db: str, persons: int, url: str, iterations: int, warmup: int, seed: int,
        time_limit: float | None = None, only: str | None = None,
        results_file: Path | None = None, center: str = BENCH_CENTER) -> None:
    import random

    _setup_django(url)
    from django.db import connection

    rng = random.Random(seed)  # noqa: S311 - drawing test inputs, not secrets
    started = time.perf_counter()
    sample = Sample(rng, center)
    print(f"{db}: {sample.total_persons} persons, {sample.total_cases} cases; measuring as "
          f"{sample.user.username} ({sample.center_cases} cases in the center, "
          f"{sample.visible_cases} visible), {iterations} requests per measure after "
          f"{warmup} warm-up; embassy inbox of {sample.embassy_user} "
          f"({sample.embassy_referrals} referrals), intake queue of {sample.queue_length}",
          flush=True)
    measures = _measure(sample, iterations, warmup, time_limit, only)
    measured_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for m in measures.values():
        m["measured_at"] = measured_at
    out = results_file or results_path(db, persons)
    if only and results_file is None and out.exists():
        # Measured again: the other measures are kept from the last full run.
        saved = json.loads(out.read_text())
        measures = {**saved["measures"], **measures}
    generated = generated_path(db, persons)
    result = {
        "db": db, "persons": sample.total_persons, "cases": sample.total_cases,
        "requested_persons": persons, "center_cases": sample.center_cases,
        "embassy_referrals": sample.embassy_referrals, "queue_length": sample.queue_length,
        "vendor": connection.vendor, "iterations": iterations, "warmup": warmup,
        "time_limit": time_limit,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": round(time.perf_counter() - started, 1),
        "generation": json.loads(generated.read_text()) if generated.exists() else None,
        "measures": measures,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print()
    print_table(result)
    print(f"\n(written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out})")


def _rows_shown(small: dict[str, Any], large: dict[str, Any]) -> str:
    if "rows_shown_mean" not in small or "rows_shown_mean" not in large:
        return ""
    return f"     {small['rows_shown_mean']:.1f} / {large['rows_shown_mean']:.1f}"


def report() -> None:
    """Every saved result, then each measure's p95 at the largest size against 10k."""
    saved = [json.loads(p.read_text()) for p in sorted(BENCH_DIR.glob("results-*.json"))]
    if not saved:
        sys.exit("no results in var/bench/: run a benchmark first")
    saved.sort(key=lambda r: (r["db"], r["persons"]))
    for result in saved:
        print_table(result)
        gen = result.get("generation")
        if gen:
            print(f"  (generated {gen['persons']} persons in {gen['generate_seconds']:.0f} s)")
        print()
    print(f"Growth of p95 from 10,000 persons to the largest size (target <= {GROWTH_MAX}x)")
    print(f"{'db':<9}{'measure':<27}{'persons':>9}{'p95':>8}{'persons':>10}{'p95':>8}"
          f"{'growth':>8}  target   rows shown (mean, small / large)")
    for db in ("sqlite", "postgres"):
        sizes = [r for r in saved if r["db"] == db]
        if len(sizes) < 2:
            continue
        small = next((r for r in sizes if r["requested_persons"] == 10_000), sizes[0])
        large = sizes[-1]
        if large is small:
            continue
        for name, m in large["measures"].items():
            before = small["measures"].get(name)
            if before is None:
                continue
            growth = m["real"]["p95"] / before["real"]["p95"]
            print(f"{db:<9}{name:<27}{small['persons']:>9}{before['real']['p95']:>8.1f}"
                  f"{large['persons']:>10}{m['real']['p95']:>8.1f}{growth:>8.2f}  "
                  f"{_verdict(growth <= GROWTH_MAX)}{_rows_shown(before, m)}")
    for db in ("sqlite", "postgres"):
        if growth_path(db).exists():
            growth = json.loads(growth_path(db).read_text())
            print()
            print_growth(db, growth)
            print(f"  (measured {growth['measured_at']}, {growth['iterations']} requests "
                  "per measure and run)")


# --- Growth over alternating rounds ----------------------------------------------------

def rounds_dir(db: str) -> Path:
    return BENCH_DIR / f"rounds-{db}"


def growth_path(db: str) -> Path:
    return BENCH_DIR / f"growth-{db}.json"


def _median(values: list[float]) -> float:
    return _percentile(values, 0.5)


def summarize_rounds(rounds: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Each measure's p95 at both sizes in every round (a round: the small size, then the
    large one, measured one right after the other), the growth within each round and
    their median: the verdict. A ratio of two p95s of one run moves by a fifth from run
    to run on one machine (the machine's own noise: the same code, the same requests);
    the median of several rounds, each comparing two runs made minutes apart, does not
    hang on one unlucky run."""
    measures: dict[str, Any] = {}
    for small, large in rounds:
        for name, m in large["measures"].items():
            before = small["measures"].get(name)
            if before is None:
                continue
            entry = measures.setdefault(name, {"small_p95": [], "large_p95": [], "growth": [],
                                               "small_rows": [], "large_rows": []})
            entry["small_p95"].append(before["real"]["p95"])
            entry["large_p95"].append(m["real"]["p95"])
            entry["growth"].append(round(m["real"]["p95"] / before["real"]["p95"], 3))
            if "rows_shown_mean" in m and "rows_shown_mean" in before:
                entry["small_rows"].append(before["rows_shown_mean"])
                entry["large_rows"].append(m["rows_shown_mean"])
    for entry in measures.values():
        entry["median_growth"] = round(_median(entry["growth"]), 3)
        entry["verdict"] = _verdict(entry["median_growth"] <= GROWTH_MAX)
    first_small, first_large = rounds[0]
    return {"small_persons": first_small["persons"], "large_persons": first_large["persons"],
            "rounds": len(rounds), "measures": measures}


def print_growth(db: str, growth: dict[str, Any]) -> None:
    print(f"Growth of p95 from {growth['small_persons']:,} to {growth['large_persons']:,} "
          f"persons on {db}, in {growth['rounds']} alternating rounds (target: the median "
          f"<= {GROWTH_MAX}x)")
    print(f"{'measure':<27}{'p95 small, per round':>26}{'p95 large, per round':>26}"
          f"{'growth, per round':>24}{'median':>8}  target  rows shown (mean)")
    for name, m in growth["measures"].items():
        rows = ""
        if m["small_rows"]:
            rows = (f"  {_median(m['small_rows']):.1f} / {_median(m['large_rows']):.1f}")
        print(f"{name:<27}{' '.join(f'{v:5.1f}' for v in m['small_p95']):>26}"
              f"{' '.join(f'{v:5.1f}' for v in m['large_p95']):>26}"
              f"{' '.join(f'{v:4.2f}' for v in m['growth']):>24}"
              f"{m['median_growth']:>8.2f}  {m['verdict']:<6}{rows}")


def growth_rounds(db: str, small: int, large: int, rounds: int, args: argparse.Namespace
                  ) -> None:
    """Measure the small and the large bench database of one engine in turn, `rounds`
    times (each round a new seed: other pages, terms and drafts, the same at both
    sizes), each run a process of its own with the database read into the page cache
    first; then print the growth of each measure's p95 per round and the median."""
    urls = {n: database_url(db, n, None) for n in (small, large)}
    for n, url in urls.items():
        if not generated_path(db, n).exists():
            sys.exit(f"no bench database of {n} persons on {db}: generate it first "
                     f"(scripts/bench.py --db {db} --persons {n} --generate-only)")
        _migrate_existing(db, n, url)
    out = rounds_dir(db)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.json"):
        old.unlink()
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for r in range(1, rounds + 1):
        pair = []
        for n in (small, large):
            print(f"Round {r} of {rounds}: {db}, {n:,} persons", flush=True)
            path = out / f"round{r}-{n}.json"
            command = [sys.executable, str(Path(__file__).resolve()), "--db", db,
                       "--persons", str(n), "--measure-only", "--results-file", str(path),
                       "--iterations", str(args.iterations), "--warmup", str(args.warmup),
                       "--seed", str(args.seed + r - 1), "--center", args.center]
            if args.only:
                command += ["--only", args.only]
            if args.time_limit:
                command += ["--time-limit", str(args.time_limit)]
            if args.no_prewarm:
                command.append("--no-prewarm")
            if subprocess.run(command).returncode != 0:  # noqa: S603 - this script
                sys.exit(f"round {r} on {n:,} persons failed (its output is above)")
            pair.append(json.loads(path.read_text()))
        pairs.append((pair[0], pair[1]))
    growth = {"db": db, "iterations": args.iterations,
              "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              **summarize_rounds(pairs)}
    growth_path(db).write_text(json.dumps(growth, indent=2), encoding="utf-8")
    print()
    print_growth(db, growth)
    print(f"\n(written to {growth_path(db).relative_to(ROOT)})")


def _migrate_existing(db: str, persons: int, url: str) -> None:
    # The schema may have moved on since the data was generated.
    print(f"Reusing {url}: applying any new migrations")
    with open(BENCH_DIR / f"migrate-{db}-{persons}.log", "a", encoding="utf-8") as log:
        _manage(["migrate", "--verbosity", "1"], url, log)
    # A migration may have added an index: without statistics for it, SQLite's planner
    # guesses (a million-row bench then measures a bad plan, not the page).
    _analyze(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--reuse", action="store_true",
                        help="measure the existing bench database of this size again")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--report", action="store_true",
                        help="print the saved results and the 10k to 1M growth")
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", default=None, metavar="PREFIX",
                        help="measure again only the measures whose name starts with PREFIX "
                             "(e.g. suggest); the others are kept from the saved results")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help="stop a measure after this long (at least 5 requests)")
    parser.add_argument("--no-prewarm", action="store_true",
                        help="measure without first reading the database into the page cache")
    parser.add_argument("--center", default=BENCH_CENTER, metavar="CODE",
                        help="the code of the center whose case manager makes the requests")
    parser.add_argument("--rounds", type=int, default=0, metavar="R",
                        help="measure 10k and --persons in turn, R times, and print each "
                             "measure's p95 growth per round and its median")
    parser.add_argument("--measure-only", action="store_true",
                        help="measure the existing bench database without migrating it "
                             "(what each run of --rounds does)")
    parser.add_argument("--results-file", type=Path, default=None,
                        help="write the results here instead of var/bench/results-*.json")
    args = parser.parse_args()
    if args.report:
        report()
        return
    url = database_url(args.db, args.persons, args.database_url)
    if args.rounds:
        growth_rounds(args.db, 10_000, args.persons, args.rounds, args)
        return
    if not ((args.reuse or args.measure_only)
            and generated_path(args.db, args.persons).exists()):
        generate(args.db, args.persons, url)
    elif not args.measure_only:
        _migrate_existing(args.db, args.persons, url)
    if not args.generate_only:
        if not args.no_prewarm:
            prewarm(url)
        run(args.db, args.persons, url, args.iterations, args.warmup, args.seed,
            args.time_limit, args.only, args.results_file, args.center)


if __name__ == "__main__":
    main()
