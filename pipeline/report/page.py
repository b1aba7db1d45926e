"""`pipeline report`: one self-contained HTML page with charts of the reporting views.

Everything is inline (CSS, SVG charts drawn here in Python); the page fetches nothing and runs no script, so it
opens from a file, an e-mail attachment or an air-gapped machine.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from pipeline.report import svg
from pipeline.report.views import Rows, apply_views, plain, read_queries
from pipeline.settings import WarehouseSettings

PAGE_NAME = "index.html"
QUERIES = ["summary", "chart_volume", "chart_outlets", "chart_top_accounts", "chart_post_reach", "chart_embed_lag",
           "chart_liveblog_cadence", "chart_liveblogs", "chart_edits", "chart_unavailable", "list_unavailable",
           "chart_hashtags", "chart_duplicates", "source_health"]
LAG_BUCKETS = {0: "before the post", 1: "< 1 h", 2: "1–6 h", 3: "6–24 h", 4: "1–7 days", 5: "> 7 days",
               9: "time unknown"}

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 800px; color: #222; line-height: 1.4; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.meta, .note { color: #555; font-size: 0.9rem; }
.figures { display: flex; flex-wrap: wrap; gap: 0.6rem; margin: 1rem 0; }
.figure { border: 1px solid #ddd; border-radius: 6px; padding: 0.4rem 0.8rem; min-width: 6rem; }
.figure b { display: block; font-size: 1.4rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.6rem 0; }
th, td { border-bottom: 1px solid #eee; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; }
svg.chart, svg.empty { display: block; max-width: 100%; height: auto; margin: 0.4rem 0; }
code { background: #f4f4f4; padding: 0 0.2rem; }
"""


def write_report(db: WarehouseSettings, out: str | os.PathLike, *, refresh_views: bool = True) -> Path:
    """Write `<out>/index.html` from the warehouse at `db`; returns its path.

    With `refresh_views` the reporting views are (re)applied first, so a warehouse loaded before they existed (or
    before they changed) reports correctly.
    """
    if refresh_views:
        apply_views(db)
    data = read_queries(db, [f"report/{name}" for name in QUERIES])
    data = {name.split("/", 1)[1]: rows for name, rows in data.items()}
    page = render(data, db=WarehouseSettings.of(db).describe(), generated_at=datetime.now(timezone.utc))  # no password
    target = Path(out) / PAGE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return target


def render(data: dict[str, Rows], *, db: WarehouseSettings, generated_at: datetime) -> str:
    """The page, from each query's rows."""
    summary = data["summary"].dicts()[0]
    sections = [
        _volume(data), _top_accounts(data), _reach(data), _cadence(data), _edits(data), _unavailable(data),
        _hashtags(data), _duplicates(data), _source_health(data),
    ]
    figures = "".join(f"<div class='figure'><b>{plain(summary[key])}</b>{label}</div>" for key, label in [
        ("pages", "pages"), ("liveblogs", "live blogs"), ("outlets", "outlets"), ("posts", "posts"),
        ("embeds", "embeds"), ("unavailable_posts", "unavailable posts")])
    finished = plain(summary["last_run_finished_at"])
    last_run = f"last run finished {finished} UTC" if finished else "no run finished yet"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Threadline report</title>"
        f"<style>{CSS}</style></head><body>"
        "<h1>Threadline report</h1>"
        f"<p class='meta'>Warehouse <code>{escape(db)}</code> · {escape(last_run)} · "
        f"page written {generated_at:%Y-%m-%d %H:%M} UTC. Every chart is a query on a <code>report_*</code> view "
        "(see docs/reporting.md); times are UTC.</p>"
        f"<div class='figures'>{figures}</div>"
        + "".join(sections) + "</body></html>"
    )


def _section(anchor: str, title: str, view: str, intro: str, *body: str) -> str:
    return (f"<section id='{anchor}'><h2>{escape(title)}</h2><p class='note'>{intro} "
            f"View: <code>{escape(view)}</code>.</p>{''.join(body)}</section>")


def _table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    if not rows:
        return ""
    numeric = {key for key, _ in columns if any(isinstance(r[key], (int, float)) and not isinstance(r[key], bool)
                                                 for r in rows)}
    head = "".join(f"<th class='{'n' if key in numeric else ''}'>{escape(label)}</th>" for key, label in columns)
    body = "".join("<tr>" + "".join(f"<td class='{'n' if key in numeric else ''}'>{escape(plain(r[key]))}</td>"
                                     for key, _ in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pivot(rows: list[dict], category: str, series: str, value: str) -> tuple[list[str], list[tuple[str, list]]]:
    """Rows (category, series, value) → category labels and one list of values per series."""
    categories = list(dict.fromkeys(plain(r[category]) for r in rows))
    names = list(dict.fromkeys(str(r[series]) for r in rows))
    grid = {name: [0] * len(categories) for name in names}
    for r in rows:
        grid[str(r[series])][categories.index(plain(r[category]))] += r[value] or 0
    return categories, [(name, grid[name]) for name in names]


def _volume(data) -> str:
    rows = data["chart_volume"].dicts()
    categories, series = _pivot([r for r in rows if r["platform"] != "(none)"], "page_date", "platform", "embeds")
    outlets = data["chart_outlets"].dicts()
    return _section(
        "volume", "Daily volume", "report_daily_volume",
        "Embedded posts per day of the embedding page, by platform (the 30 latest days with pages); pages per outlet. "
        "A page with no publication time counts on the day we first read it.",
        svg.columns("daily_volume", categories, series, y_label="embeds",
                    description="Embeds per day by platform"),
        svg.bars("outlets", [r["outlet"] for r in outlets], [r["pages"] for r in outlets], value_label="pages",
                 description="Pages per outlet"),
    )


def _top_accounts(data) -> str:
    rows = data["chart_top_accounts"].dicts()
    labels = [f"@{r['author_handle']} ({r['platform']})" for r in rows]
    return _section(
        "accounts", "Accounts newsrooms quote most", "report_top_accounts",
        "Places in pages embedding each account's posts, all periods together (per month in the view).",
        svg.bars("top_accounts", labels, [r["embeds"] for r in rows], value_label="embeds",
                 description="Most embedded accounts"),
    )


def _reach(data) -> str:
    rows = data["chart_post_reach"].dicts()
    labels = [f"@{r['author_handle']} {plain(r['posted_at'])[:10]}" for r in rows]
    lag = data["chart_embed_lag"].dicts()
    return _section(
        "reach", "Post reach across outlets", "report_post_reach, report_post_embeds",
        "Posts embedded by most outlets, the first outlet to embed each and how long after the post it did (blank "
        "when the page gives no time); then every embed by its lag from the post (\"time unknown\": the page gives "
        "no time, or the post only a day).",
        svg.bars("post_reach", labels, [r["outlets"] for r in rows], value_label="outlets embedding the post",
                 description="Posts by outlets embedding them"),
        _table(rows, [("author_handle", "author"), ("posted_at", "posted (UTC)"), ("outlets", "outlets"),
                      ("pages", "pages"), ("first_outlet", "first embedder"),
                      ("first_lag_minutes", "minutes to first embed")]),
        svg.columns("embed_lag", [LAG_BUCKETS[r["bucket"]] for r in lag], [("embeds", [r["embeds"] for r in lag])],
                    y_label="embeds", description="Embeds by lag from post to embed"),
    )


def _cadence(data) -> str:
    rows = data["chart_liveblog_cadence"].dicts()
    blogs = data["chart_liveblogs"].dicts()
    return _section(
        "cadence", "Live-blog cadence", "report_liveblog_cadence, report_liveblog_entries",
        "Entries published per UTC hour, all live blogs together (the 48 latest hours with entries), key events "
        "apart; per blog, the median gap between entries and from the event (the earliest post an entry embeds) to "
        "the entry.",
        svg.columns("liveblog_cadence", [plain(r["entry_hour"]) for r in rows],
                    [("entries", [r["entries"] - r["key_events"] for r in rows]),
                     ("key events", [r["key_events"] for r in rows])],
                    y_label="entries", description="Live-blog entries per hour"),
        _table(blogs, [("outlet", "outlet"), ("title", "live blog"), ("entries", "entries"),
                       ("median_minutes_between_entries", "median minutes between entries"),
                       ("median_event_to_entry_minutes", "median minutes event → entry")]),
    )


def _edits(data) -> str:
    rows = data["chart_edits"].dicts()
    return _section(
        "edits", "Edits after publishing", "report_item_edits",
        "Live-blog entries and key points by how many texts they have had (1: never edited), with the median time "
        "from publishing to the first edit a run saw.",
        svg.columns("edits", [f"{r['revisions']} revision{'s' if r['revisions'] != 1 else ''}" for r in rows],
                    [("items", [r["items"] for r in rows])], y_label="items",
                    description="Items by number of revisions"),
        _table(rows, [("revisions", "revisions"), ("items", "items"),
                      ("median_minutes_to_first_edit", "median minutes to first edit")]),
    )


def _unavailable(data) -> str:
    rows = data["chart_unavailable"].dicts()
    listed = data["list_unavailable"].dicts()
    return _section(
        "unavailable", "Posts gone unavailable", "report_unavailable_posts",
        "Posts per platform, and those the platform reported deleted or withheld when last checked, with the pages "
        "that still embed them.",
        svg.columns("unavailable", [r["platform"] for r in rows],
                    [("available or unchecked", [r["posts"] - r["unavailable"] for r in rows]),
                     ("unavailable", [r["unavailable"] for r in rows])],
                    y_label="posts", description="Posts per platform, unavailable apart"),
        _table(listed, [("platform", "platform"), ("author_handle", "author"), ("posted_at", "posted (UTC)"),
                        ("pages", "pages"), ("checked_at", "checked (UTC)"), ("url", "url")]),
    )


def _hashtags(data) -> str:
    rows = data["chart_hashtags"].dicts()
    categories, series = _pivot(rows, "post_date", "hashtag", "posts")
    series = [(f"#{name}", values) for name, values in series]
    return _section(
        "hashtags", "Hashtags over time", "report_hashtags_daily",
        "Posts per day using the 8 most used hashtags (the 30 latest days with any), by the day the posts were "
        "published.",
        svg.columns("hashtags", categories, series, y_label="posts", description="Hashtag use per day"),
    )


def _duplicates(data) -> str:
    rows = data["chart_duplicates"].dicts()
    return _section(
        "duplicates", "Duplicates prevented per run", "report_duplicates_prevented",
        "Rows each run inserted against rows it recognised as already stored (merged instead of duplicated), all "
        "tables together, the 20 latest runs.",
        svg.columns("duplicates", [plain(r["started_at"]) for r in rows],
                    [("inserted", [r["inserted"] for r in rows]), ("seen again", [r["seen_again"] for r in rows])],
                    y_label="rows", description="Rows inserted and seen again per run"),
    )


def _source_health(data) -> str:
    rows = data["source_health"].dicts()
    return _section(
        "source-health", "Source health", "report_source_health",
        "Per source of the source list, the longest silent first: runs since it last found a new page, item or "
        "post (a moved feed or changed markup shows here while every run is green), pages and posts per run in the "
        "last 30 days against the 30 before, and failed reads by stage in the last 30 days. The 30 days end at the "
        "latest run.",
        _table(rows, [("source_name", "source"), ("runs_since_new", "runs since new"),
                      ("last_new_at", "last new (UTC)"), ("last_run_at", "last run (UTC)"),
                      ("pages_per_run_30d", "pages/run 30 d"), ("pages_per_run_prev_30d", "pages/run before"),
                      ("posts_per_run_30d", "posts/run 30 d"), ("posts_per_run_prev_30d", "posts/run before"),
                      ("fetch_failures_30d", "fetch failures"), ("read_failures_30d", "read failures"),
                      ("decode_failures_30d", "decode failures"), ("parse_failures_30d", "parse failures")])
        or "<p class='note'>No run of the source list yet (the CLI's ingest of paths and URLs names no source).</p>",
    )
