const D = JSON.parse(document.getElementById('data').textContent);
const NAME = Object.fromEntries(D.labels.map(l => [l.code, l.name]));
const SPIKES = new Map(D.spikes.map(s => [s.key, s]));
const state = {labels: new Set(D.labels.map(l => l.code)), channels: new Set(D.channels), period: D.period};
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) k === 'class' ? node.className = v : node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
};
const sum = a => a.reduce((x, y) => x + y, 0);
const zeros = () => D.days.map(() => 0);
function series(label) {
  const out = zeros();
  for (const [ch, values] of Object.entries(D.complaints[label] || {}))
    if (state.channels.has(ch)) values.forEach((v, i) => out[i] += v);
  return out;
}
function perChannel(table) {
  const out = zeros();
  for (const [ch, values] of Object.entries(table)) if (state.channels.has(ch)) values.forEach((v, i) => out[i] += v);
  return out;
}
function checkboxes(target, kind, items) {
  const box = document.getElementById(target);
  for (const [code, name] of items) {
    const input = el('input', {type: 'checkbox', value: code, 'data-kind': kind});
    input.checked = true;
    input.addEventListener('change', () => { input.checked ? state[kind].add(code) : state[kind].delete(code); draw(); });
    box.append(el('label', {}, input, ' ' + name));
  }
}
checkboxes('label-filter', 'labels', D.labels.map(l => [l.code, l.name]));
checkboxes('channel-filter', 'channels', D.channels.map(c => [c, c]));
for (const button of document.querySelectorAll('[data-all],[data-none]')) button.addEventListener('click', () => {
  const on = button.hasAttribute('data-all');
  for (const input of document.querySelectorAll('input[data-kind=labels]')) {
    input.checked = on; on ? state.labels.add(input.value) : state.labels.delete(input.value);
  }
  draw();
});
const periodSelect = document.getElementById('period');
for (const n of [7, 14, 28]) periodSelect.append(el('option', {value: n}, String(n)));
periodSelect.value = String(D.period);
periodSelect.addEventListener('change', () => { state.period = +periodSelect.value; drawChange(); });
const CONFIG = {displayModeBar: false, responsive: true};

function drawMultiples() {
  const box = document.getElementById('multiples');
  box.replaceChildren();
  const shown = D.labels.map(l => l.code).filter(c => state.labels.has(c))
    .map(c => [c, series(c)]).filter(([, s]) => sum(s) > 0).sort((a, b) => sum(b[1]) - sum(a[1]));
  if (!shown.length) box.append(el('p', {class: 'muted'}, 'No complaint of the chosen types in the chosen channels.'));
  for (const [code, values] of shown) {
    const plot = el('div', {class: 'plot'});
    box.append(el('div', {class: 'small', 'data-label': code}, el('h3', {}, `${NAME[code]} — ${sum(values)}`), plot));
    const spike = D.days.map(d => SPIKES.has(`${code}|${d}`));
    const text = D.days.map((d, i) => { const s = SPIKES.get(`${code}|${d}`);
      return s ? `spike: ${s.count} (median ${s.baseline}, threshold ${s.threshold})` : ''; });
    Plotly.newPlot(plot, [{type: 'bar', x: D.days, y: values, text, hovertemplate: '%{x}: %{y}<br>%{text}<extra></extra>',
      textposition: 'none', marker: {color: spike.map(s => s ? '#d62728' : '#7a9cc6')}}],
      {margin: {l: 30, r: 8, t: 4, b: 28}, bargap: 0.1, xaxis: {type: 'date'}, yaxis: {rangemode: 'tozero'}}, CONFIG);
    plot.on('plotly_click', ev => showDrill(code, D.days[ev.points[0].pointIndex]));
  }
}

function showDrill(code, day) {
  const key = `${code}|${day}`, spike = SPIKES.get(key);
  const records = (D.drill[key] || []).map(i => D.records[i]).filter(r => state.channels.has(r.channel));
  const section = document.getElementById('drill');
  section.hidden = false;
  section.dataset.key = key;
  document.getElementById('drill-title').textContent =
    `${NAME[code]}, ${day}: ${records.length} messages` + (spike ? ` — spike (median ${spike.baseline}, threshold ${spike.threshold})` : '');
  let note = '';
  if (!D.drill_all && !spike) note = `This archive is big: only spike days carry their messages in the page (up to ${D.limits.per_spike} each).`;
  else if (spike && spike.count > (D.drill[key] || []).length) note = `The first ${(D.drill[key] || []).length} of ${spike.count} messages.`;
  document.getElementById('drill-note').textContent = note;
  const list = document.getElementById('drill-list');
  list.replaceChildren(...records.map(message));
  for (const row of document.querySelectorAll('tr.spike')) row.classList.toggle('on', row.dataset.key === key);
  section.scrollIntoView({block: 'nearest'});
}

function message(r) {
  const tags = r.labels.map(l => el('span', {class: 'tag'}, NAME[l] || l));
  const meta = el('div', {class: 'meta'}, `${r.time} · ${r.channel} · ${r.customer} · ${r.id} · urgency ${r.urgency}${r.flag ? ' · ⚑' : ''}`);
  return el('li', {'data-id': r.id}, meta, ...tags, marked(r));
}

function marked(r) {
  const spans = Object.entries(r.evidence).flatMap(([label, list]) => list.map(s => [s.start, s.end, label]))
    .sort((a, b) => a[0] - b[0]);
  const chars = Array.from(r.text);  // offsets count code points, as Python does
  const node = el('div', {class: 'text'});
  let at = 0;
  for (const [start, end, label] of spans) {
    if (start < at || end > chars.length) continue;
    node.append(chars.slice(at, start).join(''), el('mark', {class: 'evidence', title: NAME[label] || label}, chars.slice(start, end).join('')));
    at = end;
  }
  node.append(chars.slice(at).join(''));
  return node;
}

function drawChange() {
  const n = state.period, days = D.days.length;
  const table = document.getElementById('change');
  const head = el('tr', {}, el('th', {}, 'complaint'), el('th', {}, `last ${n} days`), el('th', {}, `previous ${n} days`), el('th', {}, 'change'));
  const rows = D.labels.filter(l => state.labels.has(l.code)).map(l => {
    const s = series(l.code), now = sum(s.slice(Math.max(0, days - n))), before = sum(s.slice(Math.max(0, days - 2 * n), Math.max(0, days - n)));
    const delta = now - before, pct = before ? ` (${delta > 0 ? '+' : ''}${Math.round(100 * delta / before)} %)` : (now ? ' (new)' : '');
    return [now + before, el('tr', {'data-label': l.code}, el('td', {}, l.name), el('td', {}, String(now)), el('td', {}, String(before)),
      el('td', {class: delta > 0 ? 'up' : delta < 0 ? 'down' : ''}, `${delta > 0 ? '+' : ''}${delta}${pct}`))];
  }).filter(([total]) => total > 0).sort((a, b) => b[0] - a[0]).map(([, row]) => row);
  table.replaceChildren(head, ...rows);
}

function drawOverview() {
  const all = perChannel(D.messages), none = perChannel(D.no_complaint);
  const withComplaint = all.map((v, i) => v - none[i]);
  Plotly.newPlot('overview', [
    {type: 'bar', name: 'with a complaint', x: D.days, y: withComplaint, marker: {color: '#e07b39'}},
    {type: 'bar', name: 'without a complaint', x: D.days, y: none, marker: {color: '#b8c4d6'}},
    {type: 'scatter', mode: 'lines', name: 'customers flagged for retention, % (all channels)', x: D.days,
     y: D.flagged_share.map(v => 100 * v), yaxis: 'y2', line: {color: '#333'}},
  ], {barmode: 'stack', margin: {l: 40, r: 50, t: 10, b: 30}, legend: {orientation: 'h', y: 1.15},
      yaxis: {title: {text: 'messages per day'}}, yaxis2: {title: {text: 'flagged customers, %'}, overlaying: 'y', side: 'right', rangemode: 'tozero'}}, CONFIG);
}

function drawChannels() {
  const labels = D.labels.filter(l => state.labels.has(l.code));
  const channels = D.channels.filter(c => state.channels.has(c));
  const z = channels.map(ch => labels.map(l => sum((D.complaints[l.code] || {})[ch] || [])));
  Plotly.newPlot('channels', [{type: 'heatmap', x: labels.map(l => l.name), y: channels, z, colorscale: 'Oranges',
    hovertemplate: '%{y} · %{x}: %{z}<extra></extra>'}], {margin: {l: 90, r: 10, t: 10, b: 110}}, CONFIG);
  const table = document.getElementById('channel-table');
  const head = el('tr', {}, ...['channel', 'messages', 'with a complaint', 'without', 'top complaint'].map(t => el('th', {}, t)));
  const rows = channels.map((ch, i) => {
    const total = sum(D.messages[ch]), none = sum(D.no_complaint[ch] || []);
    const best = labels.map((l, j) => [z[i][j], l.name]).sort((a, b) => b[0] - a[0])[0];
    return el('tr', {}, el('td', {}, ch), el('td', {}, String(total)), el('td', {}, String(total - none)),
      el('td', {}, String(none)), el('td', {}, best && best[0] ? `${best[1]} (${best[0]})` : '—'));
  });
  table.replaceChildren(head, ...rows);
}

for (const row of document.querySelectorAll('tr.spike')) {
  const open = () => { const [code, day] = row.dataset.key.split('|'); showDrill(code, day); };
  row.addEventListener('click', open);
  row.addEventListener('keydown', e => { if (e.key === 'Enter') open(); });
}
function draw() { drawMultiples(); drawChange(); drawOverview(); drawChannels();
  const key = document.getElementById('drill').dataset.key;
  if (key && !document.getElementById('drill').hidden) { const [c, d] = key.split('|'); showDrill(c, d); } }
draw();
document.body.dataset.ready = '1';
