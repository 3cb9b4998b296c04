"""The report as one self-contained HTML file: its data as JSON, Plotly's JavaScript inline (from
the `plotly` package, no CDN), so it opens offline and can be mailed as it is."""

import html
import json

from nlp.display_names import display_name
from serve.tagging.report import EMBED_ALL, MAX_PER_SPIKE, SPIKE_RULE, DailyCounts, Totals
from serve.tagging.tagged import Message

TEXT_CHARS = 2000


def page_data(
    counts: DailyCounts, drill: dict[str, list[Message]], embed_all: bool, totals: Totals, period: int
) -> dict:
    days = counts.days
    spikes = counts.spikes()

    def dense(series) -> list[int]:
        return [int(series.get(day, 0)) for day in days]

    messages: list[dict] = []
    index: dict[int, int] = {}
    keys = {}
    for key, found in drill.items():
        keys[key] = [index.setdefault(id(m), _append(messages, m)) for m in found]
    share = counts.flagged_share()
    return {
        "days": [day.isoformat() for day in days],
        "labels": [{"code": label, "name": display_name(label)} for label in counts.labels],
        "channels": counts.channels,
        "complaints": {
            label: {ch: dense(series) for ch, series in counts.by_channel.get(label, {}).items()}
            for label in counts.labels
        },
        "messages": {ch: dense(series) for ch, series in counts.channel_messages.items()},
        "no_complaint": {ch: dense(counts.no_complaint.get(ch, {})) for ch in counts.channel_messages},
        "flagged_share": [round(share.get(day, 0.0), 4) for day in days],
        "spikes": [
            {
                "day": s.day.isoformat(),
                "label": s.label,
                "count": s.count,
                "baseline": s.baseline,
                "threshold": s.threshold,
                "key": s.key,
            }
            for s in spikes
        ],
        "drill": keys,
        "drill_all": embed_all,
        "records": messages,
        "totals": {
            "messages": sum(counts.messages.values()),
            "no_complaint": sum(sum(c.values()) for c in counts.no_complaint.values()),
            "rejected": totals.rejected,
            "skipped": totals.skipped,
        },
        "period": period,
        "rule": SPIKE_RULE,
        "limits": {"per_spike": MAX_PER_SPIKE, "embed_all": EMBED_ALL},
    }


def _append(messages: list[dict], message: Message) -> int:
    from serve.tagging.queue import urgency_words

    evidence = {
        label: [{"start": p["start"], "end": p["end"]} for p in phrases if _offsets(p)]
        for label, phrases in message.evidence.items()
    }
    messages.append({
        "id": message.id, "customer": message.customer, "time": f"{message.time:%Y-%m-%d %H:%M}",
        "channel": message.channel, "text": message.text[:TEXT_CHARS], "labels": list(message.labels),
        "evidence": {label: spans for label, spans in evidence.items() if spans},
        "urgency": urgency_words(message), "flag": message.flagged,
    })  # fmt: skip
    return len(messages) - 1


def _offsets(phrase: dict) -> bool:
    return isinstance(phrase.get("start"), int) and isinstance(phrase.get("end"), int)


def _json_for_script(data: dict) -> str:
    """JSON that cannot end its <script> element early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    from importlib.resources import files

    return files("serve.tagging").joinpath(name).read_text(encoding="utf-8")


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def render_page(
    counts: DailyCounts, drill: dict[str, list[Message]], embed_all: bool, totals: Totals, period: int = 7
) -> str:
    if not counts.messages:
        return "<!doctype html><meta charset=utf-8><title>Report</title><p>No tagged messages with a time."
    data = page_data(counts, drill, embed_all, totals, period)
    first, last = data["days"][0], data["days"][-1]
    return (
        "<!doctype html><html lang=ru><meta charset=utf-8><title>Complaint report</title>"
        f"<style>{_asset('report.css')}</style><h1>Complaint report</h1>"
        f"<p class=muted>{first} – {last} · {len(data['days'])} days · {html.escape(SPIKE_RULE)}</p>"
        f"{_cards(data)}{FILTERS}"
        "<h2>Complaints per day <span class=muted>(each chart on its own scale; red: a spike, click a bar "
        "for its messages)</span></h2><div id=multiples></div>"
        "<section id=drill hidden><h2 id=drill-title></h2><p id=drill-note class=muted></p>"
        "<ol id=drill-list></ol></section>"
        f"<h2>Spikes ({len(data['spikes'])})</h2>{_spike_table(data)}"
        "<h2>Change against the previous period</h2>"
        "<p class=muted>Last <select id=period></select> days against the days before them.</p>"
        "<table id=change></table>"
        "<h2>All messages per day</h2><div id=overview class=chart></div>"
        "<h2>Channels</h2><div id=channels class=chart></div><table id=channel-table></table>"
        f"<h2>Totals</h2>{_totals_table(counts)}"
        f"<script id=data type=application/json>{_json_for_script(data)}</script>"
        f"<script>{_plotly_js()}</script><script>{_asset('report.js')}</script></html>"
    )


def _cards(data: dict) -> str:
    totals = data["totals"]
    rejected = "—" if totals["rejected"] is None else totals["rejected"]
    cards = {
        "messages": totals["messages"],
        "without a complaint": totals["no_complaint"],
        "rejected by tag": rejected,
        "skipped (no customer or time)": totals["skipped"],
        "spikes": len(data["spikes"]),
    }
    return "<div class=cards>" + "".join(
        f"<div class=card id='card-{i}'><b>{value}</b><span>{html.escape(name)}</span></div>"
        for i, (name, value) in enumerate(cards.items())
    ) + "</div>"  # fmt: skip


def _spike_table(data: dict) -> str:
    names = {label["code"]: label["name"] for label in data["labels"]}
    rows = "".join(
        f"<tr class=spike data-key='{html.escape(s['key'])}' tabindex=0><td>{s['day']}</td>"
        f"<td>{html.escape(names[s['label']])}</td><td>{s['count']}</td><td>{s['baseline']:g}</td>"
        f"<td>{s['threshold']:g}</td></tr>"
        for s in data["spikes"]
    )
    return (
        "<table id=spikes><tr><th>day</th><th>complaint</th><th>messages</th><th>median of 14 days</th>"
        f"<th>threshold</th></tr>{rows}</table>"
    )


def _totals_table(counts: DailyCounts) -> str:
    totals = {label: sum(counts.complaints[label].values()) for label in counts.labels}
    rows = "".join(
        f"<tr><td>{html.escape(display_name(label))}</td><td>{count}</td></tr>"
        for label, count in sorted(totals.items(), key=lambda item: -item[1])
    )
    return f"<table id=totals><tr><th>complaint</th><th>messages</th></tr>{rows}</table>"


FILTERS = (
    "<div id=filters><fieldset><legend>Complaints <button type=button data-all=label>all</button>"
    "<button type=button data-none=label>none</button></legend><div id=label-filter></div></fieldset>"
    "<fieldset><legend>Channels</legend><div id=channel-filter></div></fieldset></div>"
)
