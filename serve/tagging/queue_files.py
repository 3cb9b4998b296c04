"""The queue as files: CSV for tools, one HTML page for people (each customer opens into their
timeline across channels, with evidence and entities marked in the text)."""

import csv
import html
from collections.abc import Sequence
from pathlib import Path

from nlp.display_names import display_name
from serve.tagging.cells import csv_cell
from serve.tagging.queue import BAND_NAMES, BANDS, PRIORITY_RULES, Entry
from serve.tagging.tagged import Message


def write_csv(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        if not rows:
            return
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)


def write_html(entries: list[Entry], path: Path, source: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(entries, source), encoding="utf-8")


STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:1200px}
h1{font-size:1.4em}.rules{font-size:.9em;color:#444}
details{border:1px solid #ddd;border-radius:6px;margin:.4em 0;padding:.3em .6em}
summary{cursor:pointer;display:grid;grid-template-columns:2.5em 10em 9em 4em 1fr;gap:.6em;
  align-items:baseline}
.band{padding:1px 6px;border-radius:4px;font-size:.85em;white-space:nowrap}
.b0{background:#fdd;color:#900}.b1{background:#fec;color:#850}.b2{background:#eee;color:#555}
.latest{color:#333;overflow:hidden;text-overflow:ellipsis}.muted{color:#777;font-size:.85em}
.facts{margin:.5em 0;font-size:.9em}.facts dt{font-weight:600;float:left;clear:left;width:11em}
.facts dd{margin-left:11.5em}
ol.timeline{list-style:none;padding-left:0;border-left:3px solid #ccd;margin-left:.5em}
ol.timeline li{margin:.5em 0 .5em .8em}.meta{font-size:.85em;color:#555}
mark.evidence{background:#ffe08a}mark.entity{background:#cde8ff}
.tag{display:inline-block;background:#eef;border-radius:3px;padding:0 4px;margin-right:3px;font-size:.85em}
.settle{color:#070}.text{white-space:pre-wrap}
#filters{margin:1em 0}#filters label{margin-right:1em}
"""

SEARCH_HINT = "поиск: клиент, текст, заказ"
SCRIPT = """
const boxes=[...document.querySelectorAll('#filters input[type=checkbox]')];
const search=document.getElementById('search');
function apply(){const on=new Set(boxes.filter(b=>b.checked).map(b=>b.value));
const q=search.value.trim().toLowerCase();
for(const d of document.querySelectorAll('details.customer')){
d.hidden=!on.has(d.dataset.band)||(q&&!d.textContent.toLowerCase().includes(q));}}
boxes.forEach(b=>b.addEventListener('change',apply));search.addEventListener('input',apply);
"""


def render_html(entries: list[Entry], source: str = "") -> str:
    counts = {band: sum(e.row["priority"] == band for e in entries) for band in BANDS}
    rules = "".join(
        f"<li><b>{html.escape(BAND_NAMES[band])}</b> ({band}): {html.escape(rule)}</li>"
        for band, rule in PRIORITY_RULES.items()
    )
    evidence = any(m.evidence for e in entries for m in e.customer.messages)
    note = "" if evidence else (
        "<p class=muted>The archive was tagged without <code>--evidence</code>: no quotes; "
        "each open complaint names the message that raised it most strongly.</p>"
    )  # fmt: skip
    filters = "".join(
        f"<label><input type=checkbox value='{band}' checked> {html.escape(BAND_NAMES[band])} "
        f"({counts[band]})</label>"
        for band in BANDS
    )
    customers = "".join(_customer(rank, entry) for rank, entry in enumerate(entries, start=1))
    return (
        "<!doctype html><html lang=ru><meta charset=utf-8><title>Очередь на обзвон</title>"
        f"<style>{STYLE}</style><h1>Очередь на обзвон: {len(entries)} клиентов</h1>"
        f"<p class=muted>{html.escape(source)}</p><ul class=rules>{rules}</ul>{note}"
        f"<div id=filters>{filters}<input id=search type=search placeholder='{SEARCH_HINT}'></div>"
        f"{customers}<script>{SCRIPT}</script></html>"
    )


def _customer(rank: int, entry: Entry) -> str:
    row, customer = entry.row, entry.customer
    band = row["priority"]
    opened = ", ".join(display_name(label) for label in row["open_complaints"].split(";") if label)
    summary = (
        f"<summary><span>{rank}</span><span class='band b{BANDS.index(band)}' title='{band}'>"
        f"{html.escape(BAND_NAMES[band])}</span><b>{html.escape(customer.id)}</b>"
        f"<span title='risk'>{row['risk']:.2f}</span>"
        f"<span class=latest>{html.escape(opened or row['note'])} — "
        f"{html.escape(row['latest_text'][:120])}</span>"
        "</summary>"
    )
    facts = {
        "риск": f"{row['risk']:.2f}"
        + (f" · ценность {row['value']:g}" if row.get("value") is not None else ""),
        "открытые жалобы": _evidence_lines(row["evidence"]) or html.escape(row["note"]),
        "закрытые": html.escape(row["closed_complaints"]) or "—",
        "заказы": html.escape(row["order_numbers"].replace(";", ", ")) or "—",
        "суммы": html.escape(row["sums"].replace(";", ", ")) or "—",
        "срочность": html.escape(f"последняя {row['latest_urgency']}, наибольшая {row['highest_urgency']}"),
        "каналы": html.escape(row["channels"].replace(";", ", ")),
    }
    dl = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts.items())
    timeline = "".join(_message(m) for m in customer.ordered())
    return (
        f"<details class=customer data-band='{band}'>{summary}<dl class=facts>{dl}</dl>"
        f"<ol class=timeline>{timeline}</ol></details>"
    )


def _evidence_lines(evidence: str) -> str:
    lines = []
    for part in filter(None, evidence.split(" | ")):
        label, _, quote = part.partition(": ")
        lines.append(
            f"<div><span class=tag>{html.escape(display_name(label))}</span> {html.escape(quote)}</div>"
        )
    return "".join(lines)


def _message(message: Message) -> str:
    from serve.tagging.queue import settles, urgency_words

    tags = "".join(f"<span class=tag>{html.escape(display_name(label))}</span>" for label in message.labels)
    settled = settles(message)
    meta = (
        f"{message.time:%Y-%m-%d %H:%M} · {html.escape(message.channel)} · {html.escape(message.id)} · "
        f"{html.escape(display_name(message.sentiment))} · срочность {html.escape(urgency_words(message))}"
        + (" · ⚑" if message.flagged else "")
        + (f" <span class=settle>· закрывает жалобы ({html.escape(settled)})</span>" if settled else "")
    )
    return f"<li><div class=meta>{meta}</div>{tags}<div class=text>{marked(message)}</div></li>"


def marked(message: Message) -> str:
    """The text, escaped, with evidence phrases and entities wrapped in <mark> at their offsets
    (overlapping spans: the first one wins)."""
    spans: list[tuple[int, int, str, str]] = []
    for label, phrases in message.evidence.items():
        spans += [(p["start"], p["end"], "evidence", display_name(label)) for p in phrases if _span(p)]
    spans += [(e["start"], e["end"], "entity", str(e.get("type"))) for e in message.entities if _span(e)]
    return _wrap(message.text, sorted(spans))


def _span(item: dict) -> bool:
    return (
        isinstance(item.get("start"), int)
        and isinstance(item.get("end"), int)
        and item["start"] < item["end"]
    )


def _wrap(text: str, spans: Sequence[tuple[int, int, str, str]]) -> str:
    out, at = [], 0
    for start, end, kind, title in spans:
        if start < at or end > len(text):
            continue
        out += [html.escape(text[at:start]), f"<mark class={kind} title='{html.escape(title)}'>"]
        out += [html.escape(text[start:end]), "</mark>"]
        at = end
    return "".join([*out, html.escape(text[at:])])
