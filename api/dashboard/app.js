// Perspectief programme dashboard.
//
// A plain ES module without dependencies (its texts are in i18n.js). The server's
// Content-Security-Policy allows only these scripts and app.css from the server itself: no
// inline code or styles, so every chart is SVG drawn here with its geometry in SVG
// attributes, and every look is a class in app.css.
//
// Languages: Dutch by default, English as a choice (the buttons in the header). The choice
// is the only thing kept in localStorage; numbers and dates follow it (nl-NL, en-GB).
// Switching re-renders the figures already loaded, without asking the server again.
//
// Privacy: the page shows counts only. The stay-duration alerts, escalations and
// data-quality checks the API returns name cases; they are counted here and never written
// into the page. The bearer token is kept in sessionStorage (this tab only) and removed on
// sign-out; it never goes into localStorage, a cookie or the URL.
//
// Every figure on the page is a <data> element (or an SVG <text>) with a stable
// data-testid and data-figure, so that tests can compare it with the API.

import { applyStatic, has, lang, locale, setLang, storedLang, t, tNodes } from './i18n.js';

const TOKEN_KEY = 'perspectief.dashboard.token';
const SVG_NS = 'http://www.w3.org/2000/svg';
const REQUEST_TIMEOUT_MS = 20000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH_RE = /^\d{4}-\d{2}$/;
const SERIES_MONTHS = 24; // the default span of the trends
const SERIES_MAX_MONTHS = 120; // what GET /v1/series allows

// The read models the page shows. `asOf` models take the chosen day, `range` models the
// 12 months up to it; `perspective` takes both: asOf = the chosen day, and the cases admitted
// (admittedFrom/admittedTo) in the 12 months up to it. `series` takes the months chosen in
// its panel (by default the 24 months up to the chosen day's month), `report` the month
// chosen in its panel (by default the month before the chosen day's).
const MODELS = {
  occupancy: { kind: 'asOf', path: '/v1/occupancy' },
  alerts: { kind: 'asOf', path: '/v1/alerts/stay-duration' },
  escalations: { kind: 'asOf', path: '/v1/escalations', status: 'open' },
  quality: { kind: 'asOf', path: '/v1/data-quality' },
  utilisation: { kind: 'range', path: '/v1/utilisation' },
  outcomes: { kind: 'range', path: '/v1/outcomes' },
  funnel: { kind: 'range', path: '/v1/intake-funnel' },
  perspective: { kind: 'perspective', path: '/v1/perspective' },
  series: { kind: 'series', path: '/v1/series' },
  report: { kind: 'report', path: '/v1/reports/monthly' },
  returns: { kind: 'range', path: '/v1/returns' },
  participation: { kind: 'range', path: '/v1/participation' },
};
const MODEL_KEYS = Object.keys(MODELS);

// Only regie may read the access log; an unknown case id gives an empty 200 and no data.
const REGIE_PROBE = '/v1/access-log?caseId=dashboard-role-check&limit=1';

const ALERT_LEVELS = ['review', 'warning', 'final', 'exceeded'];
const ESCALATION_LEVELS = ['warning', 'final_warning', 'termination_proposed'];
const CLASSES = ['durable', 'semi_durable', 'no_solution', 'other'];
// docs/events.md, "Outcomes and classes".
const OUTCOME_CLASS = {
  residence_permit: 'durable',
  independent_return: 'durable',
  onward_migration: 'durable',
  new_asylum_application: 'semi_durable',
  medical_postponement: 'semi_durable',
  forced_departure: 'no_solution',
  detention: 'no_solution',
  left_unknown: 'no_solution',
  removed_non_cooperation: 'no_solution',
  transferred_other_shelter: 'other',
  deceased: 'other',
  other: 'other',
};
const TRACKS = ['legal_stay_nl', 'return', 'onward_migration', 'undecided', 'none'];
// docs/events.md: ActivityScheduled categories and NeighbourhoodContactRecorded kinds.
const ACTIVITY_CATEGORIES = ['language', 'work_skills', 'sport', 'culture', 'health', 'information',
  'other'];
const CONTACT_KINDS = ['meeting', 'visit', 'complaint', 'compliment', 'volunteer_help'];

const state = {
  token: null,
  date: null,
  gen: 0, // bumped on sign-in and sign-out: answers of an older session are dropped
  keySeq: new Map(), // read model -> number of its latest request
  pending: 0,
  forbidden: new Set(),
  role: null,
  locationNames: new Map(),
  loaded: new Map(), // read model -> the last answer shown ({status, body, bytes})
  failures: new Map(), // read model -> the failed answer ({status, body} or {render: true})
  seriesFrom: null,
  seriesTo: null,
  reportMonth: null,
  reportFile: null, // {month, bytes}: the monthly report as the API sent it
  signInMessage: null,
  status: null, // [message id, date]
  debounce: 0,
  seriesDebounce: 0,
  reportDebounce: 0,
};

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------
// Formatting (in the page's language) and dates

let numberFormat = null;
let fixed2Format = null;

function setFormats() {
  numberFormat = new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 });
  fixed2Format = new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

const fmtNumber = (n) => numberFormat.format(n);
// A rate 0..1 as a percentage with two decimals; a share as a whole percentage.
const fmtRate = (rate) => `${fixed2Format.format(Number((rate * 100).toFixed(2)))}%`;
const fmtShare = (part, whole) => (whole > 0 ? `${numberFormat.format(Math.round((part / whole) * 100))}%` : '–');
// What the API gives as null (a median of no cases, a share of nothing).
const NONE = '—';

const pad = (n, width = 2) => String(n).padStart(width, '0');
const isoDate = (y, m, d) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

function todayLocal() {
  const now = new Date();
  return isoDate(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

function daysInMonth(y, m) {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

// The same day `months` calendar months earlier (29 February -> 28 February).
function monthsBefore(date, months) {
  const [y, m, d] = date.split('-').map(Number);
  const index = y * 12 + (m - 1) - months;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  return isoDate(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

// "YYYY-MM" `months` months after (negative: before) `month`.
function addMonths(month, months) {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

function monthsBetween(from, to) {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  return (ty * 12 + tm) - (fy * 12 + fm) + 1;
}

function humanDate(date) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(locale(), {
    day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
  });
}

function humanMonth(month, style = 'long') {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString(locale(), {
    month: style, year: 'numeric', timeZone: 'UTC',
  });
}

function humanTime(rfc3339) {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return `${d.toLocaleString(locale(), { dateStyle: 'long', timeStyle: 'medium', timeZone: 'UTC' })} UTC`;
}

function rangeFor(date) {
  return { from: monthsBefore(date, 12), to: date };
}

// The trends' default: the 24 months up to the chosen day's month; the report's: the month
// before it.
function seriesDefault(date) {
  const to = date.slice(0, 7);
  return { from: addMonths(to, -(SERIES_MONTHS - 1)), to };
}

function reportDefault(date) {
  return addMonths(date.slice(0, 7), -1);
}

function urlFor(key) {
  const model = MODELS[key];
  const date = state.date;
  const params = new URLSearchParams();
  if (model.kind === 'asOf') {
    params.set('asOf', date);
    if (model.status) params.set('status', model.status);
  } else if (model.kind === 'perspective') {
    const { from, to } = rangeFor(date);
    params.set('asOf', date);
    params.set('admittedFrom', from);
    params.set('admittedTo', to);
  } else if (model.kind === 'series') {
    params.set('from', state.seriesFrom);
    params.set('to', state.seriesTo);
  } else if (model.kind === 'report') {
    params.set('month', state.reportMonth);
  } else {
    const { from, to } = rangeFor(date);
    params.set('from', from);
    params.set('to', to);
  }
  return `${model.path}?${params}`;
}

// ---------------------------------------------------------------------------------------
// DOM helpers (text always through textContent: nothing from the API becomes markup)

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

function s(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
}

// A figure: <data value="raw" data-testid="..." data-figure>formatted</data>. A null value
// (the API's "none") has no value attribute and shows NONE.
function fig(testid, value, text) {
  const shown = text !== undefined ? text : value === null || value === undefined ? NONE : fmtNumber(value);
  return h('data', { value, 'data-testid': testid, 'data-figure': true, text: shown });
}

// Fills a <data> element that is part of the static page. A null value (the API's "none")
// leaves out the value attribute; give the text for it.
function setFig(testid, value, text = fmtNumber(value)) {
  const node = document.querySelector(`[data-testid="${testid}"]`);
  if (!node) return;
  if (value === null || value === undefined) node.removeAttribute('value');
  else node.setAttribute('value', String(value));
  node.setAttribute('data-figure', '');
  node.textContent = text;
}

// The label of `id` in a list of known ids (`prefix.id` in i18n.js); an id the page does
// not know (a newer server) is shown as it is, underscores as spaces.
function label(prefix, id) {
  return has(`${prefix}.${id}`) ? t(`${prefix}.${id}`) : id.replace(/_/g, ' ');
}

// Known ids in their order, then any a newer server adds.
function withUnknown(known, ids) {
  const out = [...known];
  for (const id of ids) if (!out.includes(id)) out.push(id);
  return out;
}

function listOf(items) {
  return new Intl.ListFormat(locale(), { type: 'conjunction' }).format(items);
}

function clamp01(x) {
  return Number.isFinite(x) ? Math.max(0, Math.min(1, x)) : 0;
}

// Width in the 0..100 user space of a bar, at least a sliver for a value above zero.
function barWidth(value, max) {
  if (!(value > 0) || !(max > 0)) return 0;
  return Math.max(0.6, (value / max) * 100);
}

// One bar of a chart: label | SVG bar | value. The SVG is decoration for sighted readers
// (each rectangle has a <title> for pointer users); the numbers are in the row's text.
// segments: [{value, cls, title}] stacked from the left (or centred when `centred`);
// track: {value, cls, title} drawn behind them; max: the value of the full width.
function barRow({ label: text, tag, segments, track, max, value, centred = false, marker, extraClass }) {
  const bar = s('svg', {
    class: 'bar', viewBox: '0 0 100 12', preserveAspectRatio: 'none', 'aria-hidden': 'true',
    focusable: 'false',
  });
  bar.append(s('rect', { class: 'bar-bg', x: 0, y: 0, width: 100, height: 12 }));
  const totalWidth = segments.reduce((sum, seg) => sum + barWidth(seg.value, max), 0);
  if (track) {
    const w = barWidth(track.value, max);
    bar.append(s('rect', { class: `bar-track ${track.cls}`, x: centred ? (100 - w) / 2 : 0, y: 0,
      width: w, height: 12 }, s('title', { text: track.title })));
  }
  let x = centred ? (100 - Math.min(100, totalWidth)) / 2 : 0;
  for (const seg of segments) {
    const w = barWidth(seg.value, max);
    if (w <= 0) continue;
    bar.append(s('rect', { class: `bar-fill ${seg.cls}`, x, y: 0, width: w, height: 12 },
      s('title', { text: seg.title })));
    x += w;
  }
  if (marker !== undefined) {
    bar.append(s('line', { class: 'bar-marker', x1: marker * 100, x2: marker * 100, y1: 0, y2: 12,
      'vector-effect': 'non-scaling-stroke' }));
  }
  return h('div', { class: `bar-row${extraClass ? ` ${extraClass}` : ''}` },
    h('div', { class: 'bar-label' }, h('span', { text }),
      tag ? h('span', { class: 'tag', text: tag }) : null),
    bar,
    h('div', { class: 'bar-value' }, value));
}

function legend(items) {
  return h('ul', { class: 'legend legend-inline', 'aria-hidden': 'true' },
    items.map(([cls, text]) => h('li', {}, swatch(cls), h('span', { text }))));
}

function swatch(cls) {
  return s('svg', { class: 'swatch', viewBox: '0 0 10 10', 'aria-hidden': 'true', focusable: 'false' },
    s('rect', { class: cls, x: 0, y: 0, width: 10, height: 10, rx: 2 }));
}

function empty(text) {
  return h('p', { class: 'empty', text });
}

function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}

// ---------------------------------------------------------------------------------------
// Panels

function renderOccupancy(o) {
  const p = o.programme;
  state.locationNames = new Map(o.locations.map((l) => [l.locationId, l.name]));
  setFig('kpi-occupied', p.occupied);
  setFig('kpi-places', p.places);
  setFig('kpi-occupied-share', p.occupied, fmtShare(p.occupied, p.places));
  setFig('kpi-waiting-for-bed', o.waitingForBed);
  setFig('kpi-waitlisted', o.waitlisted);
  setFig('occupancy-places', p.places);
  setFig('occupancy-occupied', p.occupied);
  setFig('occupancy-free', p.free);

  const streams = [
    ['lvv', t('funding.lvv'), p.lvvOccupied, p.lvvPlaces, 'fill-lvv', 'track-lvv'],
    ['municipal', t('funding.municipal'), p.municipalOccupied, p.municipalPlaces, 'fill-municipal',
      'track-municipal'],
  ];
  const maxPlaces = Math.max(1, ...streams.map((st) => Math.max(st[2], st[3])));
  $('chart-funding').replaceChildren(
    legend([['fill-lvv', t('funding.legend.occupied')], ['track-lvv', t('funding.legend.places')]]),
    ...streams.map(([id, text, occupied, places, fill, track]) => barRow({
      label: text,
      segments: [{ value: occupied, cls: fill,
        title: t('funding.title.occupied', { label: text, n: fmtNumber(occupied) }) }],
      track: { value: places, cls: track,
        title: t('funding.title.places', { label: text, n: fmtNumber(places) }) },
      max: maxPlaces,
      value: h('span', {}, ...tNodes('funding.value', {
        occupied: fig(`occupancy-${id}-occupied`, occupied),
        places: fig(`occupancy-${id}-places`, places),
      }), h('span', { class: 'muted' }, ' · ', fig(`occupancy-${id}-share`, occupied,
        fmtShare(occupied, places)))),
      extraClass: 'bar-row-tall',
    })));

  const maxBeds = Math.max(1, ...o.locations.map((l) => Math.max(l.beds, l.occupied)));
  $('chart-locations').replaceChildren(
    o.locations.length === 0 ? empty(t('locations.none')) : legend([
      ['fill-occupied', t('locations.legend.occupied')], ['track-beds', t('locations.legend.beds')]]),
    ...o.locations.map((l) => barRow({
      label: l.name,
      tag: l.open ? null : t('locations.closed'),
      segments: [{ value: l.occupied, cls: 'fill-occupied',
        title: t('locations.title.occupied', { name: l.name, n: fmtNumber(l.occupied) }) }],
      track: { value: l.beds, cls: 'track-beds',
        title: t('locations.title.beds', { name: l.name, n: fmtNumber(l.beds) }) },
      max: maxBeds,
      value: h('span', {}, fig(`occupancy-location-${l.locationId}-occupied`, l.occupied), ' / ',
        fig(`occupancy-location-${l.locationId}-beds`, l.beds)),
    })));
}

function renderUtilisation(u) {
  const p = u.programme;
  setFig('kpi-utilisation-rate', p.rate, fmtRate(p.rate));
  setFig('utilisation-rate', p.rate, fmtRate(p.rate));
  setFig('utilisation-bed-nights', p.bedNights);
  setFig('utilisation-capacity-nights', p.capacityNights);
  $('chart-utilisation').replaceChildren(
    u.locations.length === 0 ? empty(t('utilisation.none')) : legend([
      ['fill-rate', t('utilisation.legend.rate')], ['marker', t('utilisation.legend.programme')]]),
    ...u.locations.map((l) => {
      const name = state.locationNames.get(l.locationId) || l.locationId;
      return barRow({
        label: name,
        segments: [{ value: clamp01(l.rate) * 100, cls: 'fill-rate',
          title: t('utilisation.bar', { name, rate: fmtRate(l.rate), used: fmtNumber(l.bedNights),
            available: fmtNumber(l.capacityNights) }) }],
        max: 100,
        marker: clamp01(p.rate),
        value: fig(`utilisation-location-${l.locationId}-rate`, l.rate, fmtRate(l.rate)),
      });
    }));
}

function countBy(items, key) {
  const counts = new Map();
  for (const item of items) counts.set(item[key], (counts.get(item[key]) || 0) + 1);
  return counts;
}

// Counts per level; levels the page does not know (a newer server) are added at the end.
function levelRows(counts, known, prefix, clsPrefix, labels, barMessage) {
  const levels = withUnknown(known, counts.keys());
  const max = Math.max(1, ...counts.values());
  return levels.map((level) => {
    const n = counts.get(level) || 0;
    const text = label(labels, level);
    return barRow({
      label: text,
      segments: [{ value: n, cls: `${clsPrefix}-${level}`, title: t(barMessage, { label: text, n: fmtNumber(n) }) }],
      max,
      value: fig(`${prefix}-${level}`, n),
    });
  });
}

function renderAlerts(a) {
  const counts = countBy(a.alerts, 'level');
  setFig('kpi-alerts-total', a.alerts.length);
  setFig('alerts-total', a.alerts.length);
  $('chart-alerts').replaceChildren(...levelRows(counts, ALERT_LEVELS, 'alerts-level', 'fill-alert',
    'alerts', 'alerts.bar'));
}

function renderEscalations(e) {
  const open = e.escalations.filter((x) => x.resolvedOn === null || x.resolvedOn === undefined);
  const counts = countBy(open, 'level');
  setFig('kpi-escalations-open', open.length);
  setFig('escalations-open-total', open.length);
  $('chart-escalations').replaceChildren(...levelRows(counts, ESCALATION_LEVELS,
    'escalations-level', 'fill-escalation', 'escalations', 'escalations.bar'));
}

function renderFunnel(f) {
  const decisions = ['admitted', 'rejected', 'referred', 'waitlisted'].map((id) =>
    [id, t(`funnel.${id}`), f[id]]);
  const decided = sum(decisions.map((d) => d[2]));
  const max = Math.max(1, f.registered, f.intakeCompleted, decided);
  const bar = (text, n) => t('funnel.bar', { label: text, n: fmtNumber(n) });
  $('chart-funnel').replaceChildren(
    barRow({ label: t('funnel.registered'), centred: true, max,
      segments: [{ value: f.registered, cls: 'fill-funnel-1', title: bar(t('funnel.registered'), f.registered) }],
      value: fig('funnel-registered', f.registered) }),
    barRow({ label: t('funnel.intake'), centred: true, max,
      segments: [{ value: f.intakeCompleted, cls: 'fill-funnel-2', title: bar(t('funnel.intake'), f.intakeCompleted) }],
      value: fig('funnel-intake-completed', f.intakeCompleted) }),
    barRow({ label: t('funnel.decisions'), centred: true, max,
      segments: decisions.map(([id, text, n]) => ({ value: n, cls: `fill-decision-${id}`, title: bar(text, n) })),
      value: fig('funnel-decisions', decided) }),
    h('ul', { class: 'legend legend-grid' }, decisions.map(([id, text, n]) =>
      h('li', {}, swatch(`fill-decision-${id}`), h('span', { text }),
        h('span', { class: 'legend-value' }, fig(`funnel-${id}`, n))))));
}

// A donut of `parts` ({label, value, cls}) with the total in the middle. `id`: the id of its
// <title> (unique on the page); `title`: what it shows; `caption`: the unit under the total.
function donut(parts, total, testid, { id, title, caption }) {
  const r = 42;
  const c = 2 * Math.PI * r;
  const svg = s('svg', { class: 'donut', viewBox: '0 0 120 120', role: 'img',
    'aria-labelledby': id, focusable: 'false' });
  svg.append(s('title', { id, text: `${title}: ${parts.map((p) =>
    `${p.label} ${fmtNumber(p.value)}`).join(', ')}` }));
  svg.append(s('circle', { class: 'donut-bg', cx: 60, cy: 60, r, 'stroke-width': 16, fill: 'none' }));
  let offset = 0;
  for (const part of parts) {
    if (!(part.value > 0) || !(total > 0)) continue;
    const len = (part.value / total) * c;
    svg.append(s('circle', {
      class: `donut-part ${part.cls}`, cx: 60, cy: 60, r, fill: 'none', 'stroke-width': 16,
      'stroke-dasharray': `${len} ${c - len}`, 'stroke-dashoffset': -offset,
      transform: 'rotate(-90 60 60)',
    }, s('title', { text: `${part.label}: ${fmtNumber(part.value)} (${fmtShare(part.value, total)})` })));
    offset += len;
  }
  svg.append(s('text', { class: 'donut-total', x: 60, y: 60, 'text-anchor': 'middle',
    'data-testid': testid, 'data-figure': true, 'data-value': total, text: fmtNumber(total) }));
  svg.append(s('text', { class: 'donut-caption', x: 60, y: 76, 'text-anchor': 'middle',
    text: caption }));
  return svg;
}

const classOf = (outcome) => OUTCOME_CLASS[outcome] || 'other';

// By class (in the order of CLASSES), then by count (largest first), then by id.
function orderedOutcomes(ids, byOutcome) {
  const rank = (id) => CLASSES.indexOf(classOf(id));
  return [...ids].sort((a, b) => rank(a) - rank(b) || byOutcome[b].count - byOutcome[a].count ||
    a.localeCompare(b));
}

function renderOutcomes(o) {
  setFig('kpi-outcomes-total', o.total);
  setFig('kpi-outcomes-durable-share', o.byClass.durable || 0,
    fmtShare(o.byClass.durable || 0, o.total));
  setFig('outcomes-never-housed', o.neverHoused || 0);

  const classParts = CLASSES.map((id) => ({ id, label: label('class', id), value: o.byClass[id] || 0,
    cls: `fill-class-${id}` }));
  $('chart-classes').replaceChildren(donut(classParts, o.total, 'outcomes-total',
    { id: 'donut-classes-title', title: t('outcomes.donut'), caption: t('outcomes.donut.caption') }));
  $('legend-classes').replaceChildren(...classParts.map((p) => h('li', {}, swatch(p.cls),
    h('span', { text: p.label }),
    h('span', { class: 'legend-value' }, fig(`outcomes-class-${p.id}`, p.value),
      h('span', { class: 'muted' }, ' · ', fig(`outcomes-class-${p.id}-share`, p.value,
        fmtShare(p.value, o.total)))))));

  // By track: stacked by class.
  const tracks = withUnknown(TRACKS.filter((id) => o.byTrack[id]), Object.keys(o.byTrack));
  const trackTotals = new Map(tracks.map((id) => [id, sum(Object.values(o.byTrack[id]))]));
  const maxTrack = Math.max(1, ...trackTotals.values());
  $('chart-tracks').replaceChildren(
    tracks.length === 0 ? empty(t('outcomes.none'))
      : legend(CLASSES.map((id) => [`fill-class-${id}`, label('class', id)])),
    ...tracks.map((id) => {
      const byClass = new Map(CLASSES.map((c) => [c, 0]));
      for (const [outcome, n] of Object.entries(o.byTrack[id])) {
        byClass.set(classOf(outcome), (byClass.get(classOf(outcome)) || 0) + n);
      }
      const text = label('track', id);
      return barRow({
        label: text,
        segments: CLASSES.map((c) => ({ value: byClass.get(c), cls: `fill-class-${c}`,
          title: t('outcomes.trackBar', { track: text, cls: label('class', c).toLowerCase(),
            n: fmtNumber(byClass.get(c)) }) })),
        max: maxTrack,
        value: fig(`outcomes-track-${id}-total`, trackTotals.get(id)),
      });
    }));

  // The same as a table: outcome x track.
  const outcomeIds = orderedOutcomes(Object.keys(o.byOutcome), o.byOutcome);
  $('table-tracks').replaceChildren(tracks.length === 0 ? empty(t('outcomes.none')) :
    h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: t('outcomes.tracksCaption') }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t('outcomes.col.outcome') }),
        tracks.map((id) => h('th', { scope: 'col', class: 'num', text: label('track', id) })))),
      h('tbody', {}, outcomeIds.map((outcome) => h('tr', {},
        h('th', { scope: 'row', text: label('outcome', outcome) }),
        tracks.map((id) => h('td', { class: 'num' },
          fig(`outcomes-track-${id}-outcome-${outcome}`, o.byTrack[id][outcome] || 0))))))));

  // By outcome.
  const maxCount = Math.max(1, ...outcomeIds.map((id) => o.byOutcome[id].count));
  $('table-outcomes').replaceChildren(outcomeIds.length === 0
    ? empty(t('outcomes.none'))
    : h('table', { class: 'table table-outcomes' },
      h('caption', { class: 'visually-hidden', text: t('outcomes.outcomesCaption') }),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', text: t('outcomes.col.outcome') }),
        h('th', { scope: 'col', text: t('outcomes.col.class') }),
        h('th', { scope: 'col', class: 'num', text: t('outcomes.col.count') }),
        h('th', { scope: 'col', class: 'col-bar' }, h('span', { class: 'visually-hidden', text: t('outcomes.col.chart') })),
        h('th', { scope: 'col', class: 'num', text: t('outcomes.col.median') }),
        h('th', { scope: 'col', class: 'num', text: t('outcomes.col.mean') }))),
      h('tbody', {}, outcomeIds.map((id) => {
        const row = o.byOutcome[id];
        const cls = classOf(id);
        const bar = s('svg', { class: 'bar bar-inline', viewBox: '0 0 100 12',
          preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
        s('rect', { class: `bar-fill fill-class-${cls}`, x: 0, y: 0,
          width: barWidth(row.count, maxCount), height: 12 },
        s('title', { text: `${label('outcome', id)}: ${fmtNumber(row.count)}` })));
        return h('tr', {},
          h('th', { scope: 'row', text: label('outcome', id) }),
          h('td', {}, h('span', { class: `chip chip-${cls}`, text: label('class', cls) })),
          h('td', { class: 'num' }, fig(`outcomes-outcome-${id}-count`, row.count)),
          h('td', { class: 'col-bar' }, bar),
          h('td', { class: 'num' }, fig(`outcomes-outcome-${id}-median-days`, row.medianStayDays)),
          h('td', { class: 'num' }, fig(`outcomes-outcome-${id}-mean-days`, row.meanStayDays)));
      }))));
}

function renderPerspective(p) {
  const parts = withUnknown(TRACKS, Object.keys(p.activeByTrack)).map((id) => ({
    id, label: id === 'none' ? t('track.none.active') : label('track', id),
    value: p.activeByTrack[id] || 0, cls: `fill-track-${id}` }));
  const total = sum(parts.map((part) => part.value));
  $('chart-perspective').replaceChildren(donut(parts, total, 'perspective-active-total',
    { id: 'donut-perspective-title', title: t('perspective.donut'), caption: t('perspective.donut.caption') }));
  $('legend-perspective').replaceChildren(...parts.map((part) => h('li', {}, swatch(part.cls),
    h('span', { text: part.label }),
    h('span', { class: 'legend-value' }, fig(`perspective-track-${part.id}`, part.value),
      h('span', { class: 'muted' }, ' · ', fig(`perspective-track-${part.id}-share`, part.value,
        fmtShare(part.value, total)))))));

  const d = p.daysToTrack;
  setFig('perspective-days-median', d.median, d.median === null ? NONE : fmtNumber(d.median));
  setFig('perspective-days-cases', d.cases);
}

function renderParticipation(p) {
  setFig('participation-activities-held', p.activitiesHeld);
  setFig('participation-resident-attendances', p.residentAttendances);
  setFig('participation-cases-participating', p.casesParticipating);
  setFig('participation-volunteers', p.volunteers);
  setFig('participation-volunteer-hours', p.volunteerHours);
  setFig('participation-neighbours', p.neighbours);
  setFig('participation-co-designed-share', p.coDesignedShare,
    p.coDesignedShare === null ? NONE : fmtRate(p.coDesignedShare));

  const categories = withUnknown(ACTIVITY_CATEGORIES, Object.keys(p.byCategory));
  const maxHeld = Math.max(1, ...categories.map((id) => p.byCategory[id] || 0));
  $('chart-activities').replaceChildren(...categories.map((id) => {
    const n = p.byCategory[id] || 0;
    const text = label('activity', id);
    return barRow({
      label: text,
      segments: [{ value: n, cls: 'fill-activity', title: t('participation.heldBar', { label: text, n: fmtNumber(n) }) }],
      max: maxHeld,
      value: fig(`participation-category-${id}`, n),
    });
  }));

  // Neighbourhood contacts: one stacked bar per location, a segment per kind.
  const kinds = withUnknown(CONTACT_KINDS, p.neighbourhoodContacts.flatMap((row) =>
    Object.keys(row).filter((k) => k !== 'locationId')));
  const rows = p.neighbourhoodContacts.map((row) => {
    const counts = kinds.map((k) => row[k] || 0);
    return { id: row.locationId, name: state.locationNames.get(row.locationId) || row.locationId,
      counts, total: sum(counts) };
  });
  const maxContacts = Math.max(1, ...rows.map((r) => r.total));
  $('chart-contacts').replaceChildren(
    rows.length === 0 ? empty(t('locations.none'))
      : legend(kinds.map((k) => [`fill-contact-${k}`, label('contact', k)])),
    ...rows.map((r) => barRow({
      label: r.name,
      segments: kinds.map((k, i) => ({ value: r.counts[i], cls: `fill-contact-${k}`,
        title: t('participation.contactBar', { name: r.name, kind: label('contact', k).toLowerCase(),
          n: fmtNumber(r.counts[i]) }) })),
      max: maxContacts,
      value: fig(`participation-contacts-${r.id}-total`, r.total),
    })));
  $('table-contacts').replaceChildren(rows.length === 0 ? empty(t('locations.none')) :
    h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: t('participation.contactsCaption') }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t('participation.col.location') }),
        kinds.map((k) => h('th', { scope: 'col', class: 'num', text: label('contact', k) })))),
      h('tbody', {}, rows.map((r) => h('tr', {},
        h('th', { scope: 'row', text: r.name }),
        kinds.map((k, i) => h('td', { class: 'num' },
          fig(`participation-contacts-${r.id}-${k}`, r.counts[i]))))))));
}

// Trends: three charts (occupancy as lines, inflow and outflow as paired columns, outflow by
// class as stacked columns) and the same numbers as a table. The charts draw no numbers:
// the highest value of each is a figure above it, each month has a <title> for pointer
// users, and the table holds every number.
function trendChart({ id, summary, months, max, maxTestid, legendItems, draw, monthTitle }) {
  const n = months.length;
  const width = Math.max(1, n) * 10;
  const top = Math.max(1, max);
  const y = (v) => 100 - (Math.max(0, v) / top) * 100;
  const svg = s('svg', { class: 'trend-svg', viewBox: `0 0 ${width} 100`, preserveAspectRatio: 'none',
    role: 'img', 'aria-labelledby': `${id}-title`, focusable: 'false' },
  s('title', { id: `${id}-title`, text: summary }),
  s('line', { class: 'trend-grid-line', x1: 0, x2: width, y1: 0, y2: 0, 'vector-effect': 'non-scaling-stroke' }));
  months.forEach((m, i) => {
    if (i > 0 && m.month.endsWith('-01')) {
      svg.append(s('line', { class: 'trend-year', x1: i * 10, x2: i * 10, y1: 0, y2: 100,
        'vector-effect': 'non-scaling-stroke' }));
    }
  });
  draw(svg, y, top);
  svg.append(s('line', { class: 'trend-base', x1: 0, x2: width, y1: 100, y2: 100,
    'vector-effect': 'non-scaling-stroke' }));
  if (monthTitle) {
    months.forEach((m, i) => svg.append(s('rect', { class: 'trend-hit', x: i * 10, y: 0, width: 10, height: 100 },
      s('title', { text: monthTitle(m) }))));
  }
  const axis = n === 0 ? [] : [h('time', { datetime: months[0].month, text: humanMonth(months[0].month, 'short') }),
    n > 1 ? h('time', { datetime: months[n - 1].month, text: humanMonth(months[n - 1].month, 'short') }) : null];
  return h('div', { class: 'trend' },
    legend(legendItems),
    h('p', { class: 'trend-max' }, ...tNodes('trends.max', { n: fig(maxTestid, max) })),
    svg,
    h('div', { class: 'trend-axis' }, axis));
}

function columnHeight(v, top) {
  if (!(v > 0)) return 0;
  return Math.max(0.8, (v / top) * 100);
}

function renderSeries(body) {
  const months = body.months;
  const range = { from: humanMonth(body.from), to: humanMonth(body.to) };
  const outflowTotal = (m) => sum(Object.values(m.outflowByClass));
  const classes = withUnknown(CLASSES, months.flatMap((m) => Object.keys(m.outflowByClass)));

  const occupancyMax = Math.max(0, ...months.map((m) => Math.max(m.activeAtEnd, m.occupiedAtEnd)));
  const occupancy = trendChart({
    id: 'trend-occupancy',
    summary: t('trends.chart.occupancy', range),
    months,
    max: occupancyMax,
    maxTestid: 'series-max-occupancy',
    legendItems: [['fill-series-occupied', t('trends.legend.occupied')], ['fill-series-active', t('trends.legend.active')]],
    draw(svg, y) {
      const points = (key) => (months.length === 1 ? [1, 9].map((x) => `${x},${y(months[0][key])}`)
        : months.map((m, i) => `${i * 10 + 5},${y(m[key])}`)).join(' ');
      // Active on top, dashed: where every active case is housed the two lines are one.
      svg.append(s('polyline', { class: 'trend-line line-occupied', points: points('occupiedAtEnd'),
        'vector-effect': 'non-scaling-stroke' }));
      svg.append(s('polyline', { class: 'trend-line line-active', points: points('activeAtEnd'),
        'vector-effect': 'non-scaling-stroke' }));
    },
    monthTitle: (m) => t('trends.point.occupancy', { month: humanMonth(m.month),
      occupied: fmtNumber(m.occupiedAtEnd), active: fmtNumber(m.activeAtEnd) }),
  });

  const flowMax = Math.max(0, ...months.map((m) => Math.max(m.inflow, m.outflow)));
  const flow = trendChart({
    id: 'trend-flow',
    summary: t('trends.chart.flow', range),
    months,
    max: flowMax,
    maxTestid: 'series-max-flow',
    legendItems: [['fill-series-inflow', t('trends.legend.inflow')], ['fill-series-outflow', t('trends.legend.outflow')]],
    draw(svg, y, top) {
      months.forEach((m, i) => {
        const title = t('trends.point.flow', { month: humanMonth(m.month), inflow: fmtNumber(m.inflow),
          outflow: fmtNumber(m.outflow) });
        for (const [key, cls, x] of [['inflow', 'fill-series-inflow', 1.5], ['outflow', 'fill-series-outflow', 5]]) {
          const hgt = columnHeight(m[key], top);
          if (hgt > 0) {
            svg.append(s('rect', { class: cls, x: i * 10 + x, y: 100 - hgt, width: 3.5, height: hgt },
              s('title', { text: title })));
          }
        }
      });
    },
    monthTitle: (m) => t('trends.point.flow', { month: humanMonth(m.month), inflow: fmtNumber(m.inflow),
      outflow: fmtNumber(m.outflow) }),
  });

  const classMax = Math.max(0, ...months.map(outflowTotal));
  const byClass = trendChart({
    id: 'trend-classes',
    summary: t('trends.chart.classes', range),
    months,
    max: classMax,
    maxTestid: 'series-max-outflow',
    legendItems: classes.map((c) => [`fill-class-${c}`, has(`trends.col.${c}`) ? t(`trends.col.${c}`) : label('class', c)]),
    draw(svg, y, top) {
      months.forEach((m, i) => {
        let base = 100;
        for (const c of classes) {
          const v = m.outflowByClass[c] || 0;
          const hgt = v > 0 ? (v / top) * 100 : 0;
          if (hgt <= 0) continue;
          base -= hgt;
          svg.append(s('rect', { class: `fill-class-${c}`, x: i * 10 + 2, y: base, width: 6, height: hgt },
            s('title', { text: t('trends.point.class', { month: humanMonth(m.month),
              cls: label('class', c).toLowerCase(), n: fmtNumber(v) }) })));
        }
      });
    },
  });

  $('chart-series-occupancy').replaceChildren(months.length === 0 ? empty(t('trends.none')) : occupancy);
  $('chart-series-flow').replaceChildren(months.length === 0 ? empty(t('trends.none')) : flow);
  $('chart-series-classes').replaceChildren(months.length === 0 ? empty(t('trends.none')) : byClass);

  const cols = [
    ['active', 'trends.col.active', (m) => m.activeAtEnd],
    ['occupied', 'trends.col.occupied', (m) => m.occupiedAtEnd],
    ['inflow', 'trends.col.inflow', (m) => m.inflow],
    ['outflow', 'trends.col.outflow', (m) => m.outflow],
    ...classes.map((c) => [`outflow-${c}`, has(`trends.col.${c}`) ? `trends.col.${c}` : null,
      (m) => m.outflowByClass[c] || 0, c]),
    ['median-stay-days', 'trends.col.median', (m) => m.medianStayDaysOfOutflow],
    ['registered', 'trends.col.registered', (m) => m.registered],
    ['admitted', 'trends.col.admitted', (m) => m.admitted],
  ];
  $('table-series').replaceChildren(months.length === 0 ? empty(t('trends.none')) :
    h('table', { class: 'table table-series' },
      h('caption', { class: 'visually-hidden', text: t('trends.caption') }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t('trends.col.month') }),
        cols.map(([, id, , c]) => h('th', { scope: 'col', class: 'num', text: id ? t(id) : label('class', c) })))),
      h('tbody', {}, months.map((m) => h('tr', {},
        h('th', { scope: 'row' }, h('time', { datetime: m.month, text: humanMonth(m.month) })),
        cols.map(([key, , get]) => h('td', { class: 'num' }, fig(`series-${m.month}-${key}`, get(m)))))))));
  const view = $('dashboard-view');
  view.setAttribute('data-series-from', body.from);
  view.setAttribute('data-series-to', body.to);
}

function renderQuality(q) {
  const known = ['admitted_without_bed', 'housed_without_case_manager', 'intake_without_decision',
    'past_stay_limit_without_extension', 'ended_without_exit_interview', 'escalation_open_long',
    'registered_without_intake'];
  // The case ids of each check are never read: only the counts are shown.
  const counts = new Map(q.checks.map((c) => [c.check, c.count]));
  $('list-quality').replaceChildren(...withUnknown(known, counts.keys()).filter((id) => counts.has(id))
    .map((id) => {
      const n = counts.get(id);
      return h('li', { class: `check${n > 0 ? ' check-open' : ''}` },
        h('div', { class: 'check-text' },
          h('span', { class: 'check-name', text: label('quality', id) }),
          h('span', { class: 'check-note', text: has(`quality.${id}.note`) ? t(`quality.${id}.note`) : t('quality.unknown.note') })),
        h('span', { class: 'check-count' }, fig(`quality-${id}`, n)));
    }));
}

function renderReturns(r) {
  const classes = withUnknown(CLASSES, Object.keys(r).filter((k) => r[k] && typeof r[k] === 'object'));
  const cols = [['ended', 'ended'], ['6', 'returnedWithin6Months'], ['12', 'returnedWithin12Months'],
    ['24', 'returnedWithin24Months']];
  $('table-returns').replaceChildren(h('table', { class: 'table table-returns' },
    h('caption', { class: 'visually-hidden', text: t('returns.caption') }),
    h('thead', {},
      h('tr', {}, h('td', { colspan: 2 }),
        h('th', { scope: 'colgroup', colspan: 3, class: 'num col-group', text: t('returns.col.back') })),
      h('tr', {}, h('th', { scope: 'col', text: t('returns.col.class') }),
        cols.map(([id]) => h('th', { scope: 'col', class: 'num', text: t(`returns.col.${id}`) })))),
    h('tbody', {}, classes.map((c) => h('tr', {},
      h('th', { scope: 'row' }, h('span', { class: `chip chip-${c}`, text: label('class', c) })),
      cols.map(([id, key]) => h('td', { class: 'num' },
        fig(`returns-${c}-${id}`, r[c] ? r[c][key] || 0 : 0))))))));
}

// The monthly report: its key figures, and the answer's bytes for the downloads.
function renderReport(r, answer) {
  const sumOf = (o) => (o && typeof o === 'object' ? sum(Object.values(o)) : 0);
  setFig('report-active-at-start', r.activeAtStart);
  setFig('report-active-at-end', r.activeAtEnd);
  setFig('report-inflow', r.inflow);
  setFig('report-outflow', r.outflow);
  setFig('report-occupied', r.occupancy.programme.occupied);
  setFig('report-places', r.occupancy.programme.places);
  setFig('report-utilisation-rate', r.utilisation.programme.rate, fmtRate(r.utilisation.programme.rate));
  setFig('report-registered', r.intakeFunnel.registered);
  setFig('report-admitted', r.intakeFunnel.admitted);
  setFig('report-durable', r.outcomes.byClass.durable || 0);
  setFig('report-stay-alerts', sumOf(r.stayAlerts));
  setFig('report-open-escalations', sumOf(r.openEscalations));
  setFig('report-position', r.position);
  setFig('report-digest', r.digest, `${String(r.digest).slice(0, 12)}…`);
  const knownAt = $('report-known-at');
  knownAt.setAttribute('datetime', r.knownAt);
  knownAt.textContent = humanTime(r.knownAt);
  state.reportFile = { month: r.month, bytes: answer.bytes };
  $('report-download-json').disabled = false;
  $('report-download-csv').disabled = false;
  $('dashboard-view').setAttribute('data-report-month', r.month);
}

const RENDER = {
  occupancy: renderOccupancy,
  alerts: renderAlerts,
  escalations: renderEscalations,
  quality: renderQuality,
  utilisation: renderUtilisation,
  outcomes: renderOutcomes,
  funnel: renderFunnel,
  perspective: renderPerspective,
  series: renderSeries,
  report: renderReport,
  returns: renderReturns,
  participation: renderParticipation,
};

// ---------------------------------------------------------------------------------------
// Downloads of the monthly report

// The leaves of a JSON text as [path, value] in document order: object members joined with
// dots, array elements by index; numbers exactly as written, strings decoded, null empty.
// Empty objects and arrays have no leaves.
function jsonLeaves(text) {
  const out = [];
  let i = 0;
  const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const STRING = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i += 1;
  };
  const fail = () => {
    throw new Error(`not JSON at ${i}`);
  };
  const expect = (c) => {
    ws();
    if (text[i] !== c) fail();
    i += 1;
  };
  const string = () => {
    STRING.lastIndex = i;
    const m = STRING.exec(text);
    if (!m) fail();
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const join = (path, key) => (path === '' ? key : `${path}.${key}`);
  const value = (path) => {
    ws();
    if (text[i] === '{') {
      i += 1;
      ws();
      if (text[i] === '}') {
        i += 1;
        return;
      }
      for (;;) {
        ws();
        const key = string();
        expect(':');
        value(join(path, key));
        ws();
        if (text[i] === ',') {
          i += 1;
        } else {
          expect('}');
          return;
        }
      }
    } else if (text[i] === '[') {
      i += 1;
      ws();
      if (text[i] === ']') {
        i += 1;
        return;
      }
      for (let n = 0; ; n += 1) {
        value(join(path, String(n)));
        ws();
        if (text[i] === ',') {
          i += 1;
        } else {
          expect(']');
          return;
        }
      }
    } else if (text[i] === '"') {
      out.push([path, string()]);
    } else {
      LITERAL.lastIndex = i;
      const m = LITERAL.exec(text);
      if (!m) fail();
      i += m[0].length;
      out.push([path, m[0] === 'null' ? '' : m[0]]);
    }
  };
  value('');
  ws();
  if (i !== text.length) fail();
  return out;
}

// RFC 4180: a field with a comma, a quote or a line break is quoted, quotes doubled.
function csvField(text) {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function reportCsv(bytes) {
  const text = new TextDecoder('utf-8').decode(bytes);
  const rows = [['figure', 'value'], ...jsonLeaves(text)];
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function download(name, data, type) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = h('a', { href: url, download: name, class: 'visually-hidden' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

function downloadReport(format) {
  const file = state.reportFile;
  if (!file) return;
  const name = `perspectief-maandrapport-${file.month}.${format}`;
  if (format === 'json') download(name, file.bytes, 'application/json');
  else download(name, reportCsv(file.bytes), 'text/csv;charset=utf-8');
}

// ---------------------------------------------------------------------------------------
// Talking to the API

async function request(path, token) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const res = await fetch(path, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
      signal: controller.signal,
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    let body = null;
    try {
      body = JSON.parse(new TextDecoder('utf-8').decode(bytes));
    } catch {
      body = null;
    }
    return { status: res.status, body, bytes };
  } catch (error) {
    return { status: 0, body: null, error };
  } finally {
    clearTimeout(timer);
  }
}

function roleFrom(isRegie, allowed) {
  if (isRegie) return 'regie';
  const alerts = allowed.has('alerts');
  const utilisation = allowed.has('utilisation');
  if (!alerts && utilisation) return 'researcher';
  if (alerts && !utilisation) return 'housing';
  if (alerts && utilisation) return allowed.has('quality') ? 'intake' : 'casework';
  if (allowed.size === 1 && allowed.has('participation')) return 'participation';
  return 'limited';
}

function problemText(result) {
  if (result.render) return t('error.render');
  if (result.status === 0) return t('error.unreachable');
  const b = result.body;
  const detail = b && typeof b === 'object' && (b.detail || b.title);
  return detail ? t('error.statusDetail', { status: result.status, detail })
    : t('error.status', { status: result.status });
}

function renderModel(key, answer) {
  try {
    RENDER[key](answer.body, answer);
    state.loaded.set(key, answer);
    state.failures.delete(key);
  } catch (err) {
    state.failures.set(key, { render: true });
    console.warn('render', key, err);
  }
}

// Loads the read models `keys` (those the role may read) for the chosen day and months.
// `first`: right after sign-in (or a reload of the tab), when the role is not known yet:
// every read model is asked for, and those answered 403 are left out from then on. A
// newer request for a read model wins over an older one still under way.
async function load(keys, { first = false } = {}) {
  const gen = state.gen;
  const token = state.token;
  const wanted = keys.filter((k) => !state.forbidden.has(k));
  const seqs = new Map();
  for (const key of wanted) {
    seqs.set(key, (state.keySeq.get(key) || 0) + 1);
    state.keySeq.set(key, seqs.get(key));
  }
  state.pending += 1;
  const view = $('dashboard-view');
  view.setAttribute('data-status', 'loading');
  view.setAttribute('aria-busy', 'true');
  setStatus('status.loading', state.date);

  const jobs = wanted.map((key) => request(urlFor(key), token).then((r) => [key, r]));
  if (first) jobs.push(request(REGIE_PROBE, token).then((r) => ['regie', r]));
  const results = new Map(await Promise.all(jobs));
  if (gen !== state.gen || token !== state.token) return; // a sign-out or a new sign-in won
  state.pending -= 1;

  if ([...results.values()].some((r) => r.status === 401)) {
    if (first && !sessionStorage.getItem(TOKEN_KEY)) {
      state.token = null;
      state.gen += 1;
      state.pending = 0;
      showSignIn('signIn.refused');
    } else {
      signOut('signIn.ended');
    }
    return;
  }

  if (first) {
    for (const key of wanted) if (results.get(key).status === 403) state.forbidden.add(key);
    if (state.forbidden.size === MODEL_KEYS.length) {
      signOut('signIn.noRole');
      return;
    }
    if (wanted.every((k) => results.get(k).status === 0)) {
      // Nothing is known about the token yet. A token stored by this tab stays stored.
      state.token = null;
      state.gen += 1;
      state.pending = 0;
      showSignIn('signIn.offline');
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    const regie = results.get('regie');
    state.role = roleFrom(regie.status === 200, new Set(wanted.filter((k) =>
      results.get(k).status !== 403)));
    showDashboard();
  }

  for (const key of wanted) {
    if (seqs.get(key) !== state.keySeq.get(key)) continue; // a newer request for it is under way
    const r = results.get(key);
    if (r.status === 200 && r.body) {
      renderModel(key, r);
    } else if (r.status === 403) {
      state.forbidden.add(key);
      state.failures.delete(key);
    } else {
      state.failures.set(key, r);
    }
  }
  applyVisibility();
  if (state.pending === 0) finish();
}

// All requests are answered: the status, the error banner and the attributes tests wait for.
function finish() {
  const view = $('dashboard-view');
  showRange(state.date);
  showErrors();
  if (state.failures.size > 0) {
    view.setAttribute('data-status', 'error');
    setStatus(null);
  } else {
    view.setAttribute('data-status', 'ready');
    setStatus('status.ready', state.date);
  }
  view.setAttribute('data-as-of', state.date);
  view.removeAttribute('aria-busy');
}

function loadAll() {
  return load(MODEL_KEYS);
}

// ---------------------------------------------------------------------------------------
// Views

function setStatus(id, date) {
  state.status = id ? [id, date] : null;
  $('status').textContent = id ? t(id, { date: humanDate(date) }) : '';
}

function showErrors() {
  if (state.failures.size === 0) {
    $('error').hidden = true;
    $('error-text').textContent = '';
    return;
  }
  const failed = [...state.failures.entries()];
  const visible = MODEL_KEYS.filter((k) => !state.forbidden.has(k));
  const offline = failed.every(([, r]) => r.status === 0 && !r.render) &&
    visible.every((k) => state.failures.has(k));
  $('error-text').textContent = offline ? t('error.offline') : t('error.some', {
    list: listOf(MODEL_KEYS.filter((k) => state.failures.has(k)).map((k) =>
      t('error.item', { model: t(`model.${k}`), problem: problemText(state.failures.get(k)) }))),
  });
  $('error').hidden = false;
}

function showRange(date) {
  if (!date) return;
  const { from, to } = rangeFor(date);
  for (const [id, value] of [['range-as-of', date], ['range-from', from], ['range-to', to]]) {
    $(id).setAttribute('datetime', value);
    $(id).textContent = humanDate(value);
  }
}

function applyVisibility() {
  for (const node of document.querySelectorAll('[data-needs]')) {
    node.hidden = state.forbidden.has(node.getAttribute('data-needs'));
  }
  const hidden = MODEL_KEYS.filter((k) => state.forbidden.has(k));
  const note = $('restricted-note');
  if (hidden.length > 0) {
    note.textContent = t(hidden.length === 1 ? 'restricted.one' : 'restricted.many', {
      role: t(`restricted.role.${state.role || 'limited'}`),
      list: listOf(hidden.map((k) => t(`model.${k}`))),
    });
    note.hidden = false;
  } else {
    note.hidden = true;
  }
}

function showRole() {
  $('role').textContent = state.role ? t(`role.${state.role}`) : '';
  if (state.role) $('role').setAttribute('data-role', state.role);
  else $('role').removeAttribute('data-role');
}

function showDashboard() {
  $('sign-in-view').hidden = true;
  $('dashboard-view').hidden = false;
  $('session').hidden = false;
  showRole();
  $('as-of').value = state.date;
  $('as-of').max = todayLocal();
  showMonthControls();
  $('sign-in-button').disabled = false;
  $('sign-in-button').textContent = t('signIn.button');
  $('token-input').value = '';
  $('main').focus();
}

function showSignIn(messageId) {
  state.signInMessage = messageId || null;
  $('dashboard-view').hidden = true;
  $('session').hidden = true;
  $('sign-in-view').hidden = false;
  $('sign-in-button').disabled = false;
  $('sign-in-button').textContent = t('signIn.button');
  const error = $('sign-in-error');
  error.textContent = messageId ? t(messageId) : '';
  error.hidden = !messageId;
  $('token-input').focus();
}

function showMonthControls() {
  const thisMonth = todayLocal().slice(0, 7);
  for (const id of ['series-from', 'series-to', 'report-month']) $(id).max = thisMonth;
  $('series-from').value = state.seriesFrom || '';
  $('series-to').value = state.seriesTo || '';
  $('report-month').value = state.reportMonth || '';
  $('series-error').hidden = true;
}

// The trends and the report follow the chosen day until their own months are changed.
function setMonthDefaults(date) {
  const series = seriesDefault(date);
  state.seriesFrom = series.from;
  state.seriesTo = series.to;
  state.reportMonth = reportDefault(date);
  showMonthControls();
}

function clearFigures() {
  for (const id of ['chart-funding', 'chart-locations', 'chart-utilisation', 'chart-alerts',
    'chart-escalations', 'chart-funnel', 'chart-classes', 'legend-classes', 'chart-tracks',
    'table-tracks', 'table-outcomes', 'chart-perspective', 'legend-perspective', 'chart-activities',
    'chart-contacts', 'table-contacts', 'chart-series-occupancy', 'chart-series-flow',
    'chart-series-classes', 'table-series', 'list-quality', 'table-returns']) {
    $(id).replaceChildren();
  }
  for (const node of document.querySelectorAll('[data-figure]')) {
    node.textContent = '';
    node.removeAttribute('value');
  }
  $('report-known-at').textContent = '';
  $('report-known-at').removeAttribute('datetime');
  $('report-download-json').disabled = true;
  $('report-download-csv').disabled = true;
  state.reportFile = null;
  state.loaded.clear();
  state.failures.clear();
  for (const node of document.querySelectorAll('[data-needs]')) node.hidden = false;
  $('restricted-note').hidden = true;
  $('error').hidden = true;
  $('series-error').hidden = true;
  setStatus(null);
  const view = $('dashboard-view');
  view.setAttribute('data-status', 'idle');
  for (const attr of ['data-as-of', 'data-series-from', 'data-series-to', 'data-report-month']) {
    view.removeAttribute(attr);
  }
}

function signOut(messageId) {
  state.gen += 1; // drop answers still under way
  state.pending = 0;
  state.token = null;
  state.role = null;
  state.forbidden.clear();
  state.locationNames = new Map();
  sessionStorage.removeItem(TOKEN_KEY);
  showRole();
  clearFigures();
  showSignIn(messageId);
}

function startSession(token) {
  state.gen += 1;
  state.pending = 0;
  state.token = token;
  state.forbidden.clear();
  state.date = todayLocal();
  setMonthDefaults(state.date);
  load(MODEL_KEYS, { first: true });
}

function signIn(token) {
  $('sign-in-error').hidden = true;
  state.signInMessage = null;
  $('sign-in-button').disabled = true;
  $('sign-in-button').textContent = t('signIn.busy');
  startSession(token);
}

function onDateChange() {
  clearTimeout(state.debounce);
  state.debounce = setTimeout(() => {
    const input = $('as-of');
    let value = input.value;
    if (!DATE_RE.test(value)) return; // incomplete while typing
    const today = todayLocal();
    if (value > today) {
      value = today;
      input.value = today;
    }
    if (value === state.date && $('dashboard-view').getAttribute('data-status') !== 'error') return;
    state.date = value;
    setMonthDefaults(value);
    loadAll();
  }, 250);
}

function onSeriesChange() {
  clearTimeout(state.seriesDebounce);
  state.seriesDebounce = setTimeout(() => {
    const from = $('series-from').value;
    const to = $('series-to').value;
    if (!MONTH_RE.test(from) || !MONTH_RE.test(to)) return; // incomplete while typing
    const error = $('series-error');
    if (from > to || monthsBetween(from, to) > SERIES_MAX_MONTHS) {
      error.textContent = t('trends.badRange');
      error.hidden = false;
      return;
    }
    error.hidden = true;
    if (from === state.seriesFrom && to === state.seriesTo && !state.failures.has('series')) return;
    state.seriesFrom = from;
    state.seriesTo = to;
    load(['series']);
  }, 250);
}

function onReportChange() {
  clearTimeout(state.reportDebounce);
  state.reportDebounce = setTimeout(() => {
    const month = $('report-month').value;
    if (!MONTH_RE.test(month)) return;
    if (month === state.reportMonth && !state.failures.has('report')) return;
    state.reportMonth = month;
    $('report-download-json').disabled = true;
    $('report-download-csv').disabled = true;
    load(['report']);
  }, 250);
}

// Switches the page's language: the static texts, then every figure already loaded, drawn
// again from the answers kept (nothing is asked of the server again).
function switchLang(next) {
  setLang(next);
  setFormats();
  showLang();
  if (state.role) {
    showRole();
    for (const key of MODEL_KEYS) {
      const answer = state.loaded.get(key);
      if (answer) renderModel(key, answer);
    }
    applyVisibility();
    showRange(state.date);
    if ($('dashboard-view').getAttribute('data-status') !== 'loading') showErrors();
    if (state.status) setStatus(...state.status);
    if (!$('series-error').hidden) $('series-error').textContent = t('trends.badRange');
  }
  if (state.signInMessage) $('sign-in-error').textContent = t(state.signInMessage);
}

function showLang() {
  applyStatic();
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.getAttribute('data-lang') === lang()));
  }
}

function start() {
  setLang(storedLang(), { remember: false });
  setFormats();
  showLang();

  for (const button of document.querySelectorAll('[data-lang]')) {
    button.addEventListener('click', () => switchLang(button.getAttribute('data-lang')));
  }
  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token-input').value.trim();
    if (!token) {
      showSignIn('signIn.empty');
      return;
    }
    signIn(token);
  });
  $('sign-out').addEventListener('click', () => signOut('signIn.signedOut'));
  $('as-of').addEventListener('change', onDateChange);
  $('today').addEventListener('click', () => {
    $('as-of').value = todayLocal();
    onDateChange();
  });
  $('series-from').addEventListener('change', onSeriesChange);
  $('series-to').addEventListener('change', onSeriesChange);
  $('report-month').addEventListener('change', onReportChange);
  $('report-download-json').addEventListener('click', () => downloadReport('json'));
  $('report-download-csv').addEventListener('click', () => downloadReport('csv'));
  $('retry').addEventListener('click', () => loadAll());

  const stored = sessionStorage.getItem(TOKEN_KEY);
  if (stored) startSession(stored);
  else showSignIn();
}

start();
