// Perspectief programme dashboard.
//
// A plain ES module without dependencies. The server's Content-Security-Policy allows only
// this script and app.css from the server itself: no inline code or styles, so every chart
// is SVG drawn here with its geometry in SVG attributes, and every look is a class in
// app.css.
//
// Privacy: the page shows counts only. The stay-duration alerts and escalations the API
// returns name cases; they are counted here and never written into the page. The bearer
// token is kept in sessionStorage (this tab only) and removed on sign-out; it never goes
// into localStorage, a cookie or the URL.
//
// Every figure on the page is a <data> element (or an SVG <text>) with a stable
// data-testid and data-figure, so that tests can compare it with the API.

const TOKEN_KEY = 'perspectief.dashboard.token';
const SVG_NS = 'http://www.w3.org/2000/svg';
const REQUEST_TIMEOUT_MS = 20000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

// The read models the page shows. `asOf` models take the chosen day, `range` models the
// 12 months up to it; `perspective` takes both: asOf = the chosen day, and the cases admitted
// (admittedFrom/admittedTo) in the 12 months up to it.
const MODELS = {
  occupancy: { name: 'occupancy', kind: 'asOf', path: '/v1/occupancy' },
  alerts: { name: 'stay-duration alerts', kind: 'asOf', path: '/v1/alerts/stay-duration' },
  escalations: { name: 'open escalations', kind: 'asOf', path: '/v1/escalations', status: 'open' },
  utilisation: { name: 'utilisation', kind: 'range', path: '/v1/utilisation' },
  outcomes: { name: 'outcomes', kind: 'range', path: '/v1/outcomes' },
  funnel: { name: 'intake funnel', kind: 'range', path: '/v1/intake-funnel' },
  perspective: { name: 'perspective', kind: 'perspective', path: '/v1/perspective' },
  participation: { name: 'participation', kind: 'range', path: '/v1/participation' },
};
const MODEL_KEYS = Object.keys(MODELS);

// Only regie may read the access log; an unknown case id gives an empty 200 and no data.
const REGIE_PROBE = '/v1/access-log?caseId=dashboard-role-check&limit=1';

const ALERT_LEVELS = [
  ['review', 'Review (12 months)'],
  ['warning', 'Warning (15 months)'],
  ['final', 'Final (17 months)'],
  ['exceeded', 'Limit exceeded'],
];
const ESCALATION_LEVELS = [
  ['warning', 'Warning'],
  ['final_warning', 'Final warning'],
  ['termination_proposed', 'Termination proposed'],
];
const CLASSES = [
  ['durable', 'Durable solution'],
  ['semi_durable', 'Semi-durable solution'],
  ['no_solution', 'No solution'],
  ['other', 'Other'],
];
// docs/events.md, "Outcomes and classes".
const OUTCOMES = {
  residence_permit: ['Residence permit', 'durable'],
  independent_return: ['Independent return', 'durable'],
  onward_migration: ['Onward migration', 'durable'],
  new_asylum_application: ['New asylum application', 'semi_durable'],
  medical_postponement: ['Medical postponement of departure', 'semi_durable'],
  forced_departure: ['Forced departure', 'no_solution'],
  detention: ['Immigration detention', 'no_solution'],
  left_unknown: ['Left, destination unknown', 'no_solution'],
  removed_non_cooperation: ['Removed for non-cooperation', 'no_solution'],
  transferred_other_shelter: ['Transferred to another shelter', 'other'],
  deceased: ['Deceased', 'other'],
  other: ['Other', 'other'],
};
const TRACKS = [
  ['legal_stay_nl', 'Legal stay in the Netherlands'],
  ['return', 'Return'],
  ['onward_migration', 'Onward migration'],
  ['undecided', 'Undecided'],
  ['none', 'No track chosen'],
];
// PerspectiveChosen tracks as /v1/perspective counts them (activeByTrack).
const ACTIVE_TRACKS = [
  ['legal_stay_nl', 'Legal stay in the Netherlands'],
  ['return', 'Return'],
  ['onward_migration', 'Onward migration'],
  ['undecided', 'Undecided'],
  ['none', 'No track chosen yet'],
];
// docs/events.md: ActivityScheduled categories and NeighbourhoodContactRecorded kinds.
const ACTIVITY_CATEGORIES = [
  ['language', 'Language'],
  ['work_skills', 'Work skills'],
  ['sport', 'Sport'],
  ['culture', 'Culture'],
  ['health', 'Health'],
  ['information', 'Information'],
  ['other', 'Other'],
];
const CONTACT_KINDS = [
  ['meeting', 'Meeting'],
  ['visit', 'Visit'],
  ['complaint', 'Complaint'],
  ['compliment', 'Compliment'],
  ['volunteer_help', 'Volunteer help'],
];

const state = {
  token: null,
  date: null,
  seq: 0,
  forbidden: new Set(),
  role: null,
  locationNames: new Map(),
  debounce: 0,
};

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------
// Formatting and dates

const numberFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const fmtNumber = (n) => numberFormat.format(n);
const fmtRate = (rate) => `${(rate * 100).toFixed(2)}%`;
const fmtShare = (part, whole) => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : '–');
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

function humanDate(date) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-GB', {
    day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
  });
}

function rangeFor(date) {
  return { from: monthsBefore(date, 12), to: date };
}

function urlFor(key, date) {
  const model = MODELS[key];
  const params = new URLSearchParams();
  if (model.kind === 'asOf') {
    params.set('asOf', date);
    if (model.status) params.set('status', model.status);
  } else if (model.kind === 'perspective') {
    const { from, to } = rangeFor(date);
    params.set('asOf', date);
    params.set('admittedFrom', from);
    params.set('admittedTo', to);
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

// A figure: <data value="raw" data-testid="..." data-figure>formatted</data>.
function fig(testid, value, text = fmtNumber(value)) {
  return h('data', { value, 'data-testid': testid, 'data-figure': true, text });
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
function barRow({ label, tag, segments, track, max, value, centred = false, marker, extraClass }) {
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
    h('div', { class: 'bar-label' }, h('span', { text: label }),
      tag ? h('span', { class: 'tag', text: tag }) : null),
    bar,
    h('div', { class: 'bar-value' }, value));
}

function legend(items) {
  return h('ul', { class: 'legend legend-inline', 'aria-hidden': 'true' },
    items.map(([cls, label]) => h('li', {}, swatch(cls), h('span', { text: label }))));
}

function swatch(cls) {
  return s('svg', { class: 'swatch', viewBox: '0 0 10 10', 'aria-hidden': 'true', focusable: 'false' },
    s('rect', { class: cls, x: 0, y: 0, width: 10, height: 10, rx: 2 }));
}

function empty(text) {
  return h('p', { class: 'empty', text });
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
    ['lvv', 'National LVV places', p.lvvOccupied, p.lvvPlaces, 'fill-lvv', 'track-lvv'],
    ['municipal', 'Municipal places', p.municipalOccupied, p.municipalPlaces, 'fill-municipal',
      'track-municipal'],
  ];
  const maxPlaces = Math.max(1, ...streams.map((st) => Math.max(st[2], st[3])));
  $('chart-funding').replaceChildren(
    legend([['fill-lvv', 'Occupied'], ['track-lvv', 'Places']]),
    ...streams.map(([id, label, occupied, places, fill, track]) => barRow({
      label,
      segments: [{ value: occupied, cls: fill, title: `${label}: ${fmtNumber(occupied)} occupied` }],
      track: { value: places, cls: track, title: `${label}: ${fmtNumber(places)} places` },
      max: maxPlaces,
      value: h('span', {}, fig(`occupancy-${id}-occupied`, occupied), ' of ',
        fig(`occupancy-${id}-places`, places),
        h('span', { class: 'muted' }, ' · ', fig(`occupancy-${id}-share`, occupied,
          fmtShare(occupied, places)))),
      extraClass: 'bar-row-tall',
    })));

  const maxBeds = Math.max(1, ...o.locations.map((l) => Math.max(l.beds, l.occupied)));
  $('chart-locations').replaceChildren(
    o.locations.length === 0 ? empty('No location had opened by this date.') : legend([
      ['fill-occupied', 'Occupied beds'], ['track-beds', 'Beds']]),
    ...o.locations.map((l) => barRow({
      label: l.name,
      tag: l.open ? null : 'closed',
      segments: [{ value: l.occupied, cls: 'fill-occupied',
        title: `${l.name}: ${fmtNumber(l.occupied)} occupied` }],
      track: { value: l.beds, cls: 'track-beds', title: `${l.name}: ${fmtNumber(l.beds)} beds` },
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
    u.locations.length === 0 ? empty('No location was open in this period.') : legend([
      ['fill-rate', 'Share of bed nights used'], ['marker', 'Programme as a whole']]),
    ...u.locations.map((l) => {
      const name = state.locationNames.get(l.locationId) || l.locationId;
      return barRow({
        label: name,
        segments: [{ value: clamp01(l.rate) * 100, cls: 'fill-rate',
          title: `${name}: ${fmtRate(l.rate)} (${fmtNumber(l.bedNights)} of ` +
            `${fmtNumber(l.capacityNights)} bed nights)` }],
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
function levelRows(counts, known, prefix, clsPrefix, unit) {
  const levels = [...known];
  for (const level of counts.keys()) {
    if (!levels.some(([k]) => k === level)) levels.push([level, level.replace(/_/g, ' ')]);
  }
  const max = Math.max(1, ...counts.values());
  return levels.map(([level, label]) => {
    const n = counts.get(level) || 0;
    return barRow({
      label,
      segments: [{ value: n, cls: `${clsPrefix}-${level}`, title: `${label}: ${fmtNumber(n)} ${unit}` }],
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
    'residents'));
}

function renderEscalations(e) {
  const open = e.escalations.filter((x) => x.resolvedOn === null || x.resolvedOn === undefined);
  const counts = countBy(open, 'level');
  setFig('kpi-escalations-open', open.length);
  setFig('escalations-open-total', open.length);
  $('chart-escalations').replaceChildren(...levelRows(counts, ESCALATION_LEVELS,
    'escalations-level', 'fill-escalation', 'open'));
}

function renderFunnel(f) {
  const decisions = [
    ['admitted', 'Admitted', f.admitted],
    ['rejected', 'Rejected', f.rejected],
    ['referred', 'Referred elsewhere', f.referred],
    ['waitlisted', 'Waitlisted', f.waitlisted],
  ];
  const decided = decisions.reduce((sum, d) => sum + d[2], 0);
  const max = Math.max(1, f.registered, f.intakeCompleted, decided);
  $('chart-funnel').replaceChildren(
    barRow({ label: 'Registered', centred: true, max,
      segments: [{ value: f.registered, cls: 'fill-funnel-1',
        title: `Registered: ${fmtNumber(f.registered)}` }],
      value: fig('funnel-registered', f.registered) }),
    barRow({ label: 'Intake completed', centred: true, max,
      segments: [{ value: f.intakeCompleted, cls: 'fill-funnel-2',
        title: `Intake completed: ${fmtNumber(f.intakeCompleted)}` }],
      value: fig('funnel-intake-completed', f.intakeCompleted) }),
    barRow({ label: 'Placement decisions', centred: true, max,
      segments: decisions.map(([id, label, n]) => ({ value: n, cls: `fill-decision-${id}`,
        title: `${label}: ${fmtNumber(n)}` })),
      value: fig('funnel-decisions', decided) }),
    h('ul', { class: 'legend legend-grid' }, decisions.map(([id, label, n]) =>
      h('li', {}, swatch(`fill-decision-${id}`), h('span', { text: label }),
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

function renderOutcomes(o) {
  setFig('kpi-outcomes-total', o.total);
  setFig('kpi-outcomes-durable-share', o.byClass.durable || 0,
    fmtShare(o.byClass.durable || 0, o.total));
  setFig('outcomes-never-housed', o.neverHoused || 0);

  const classParts = CLASSES.map(([id, label]) => ({ id, label, value: o.byClass[id] || 0,
    cls: `fill-class-${id}` }));
  $('chart-classes').replaceChildren(donut(classParts, o.total, 'outcomes-total',
    { id: 'donut-classes-title', title: 'Outcomes by class', caption: 'stays ended' }));
  $('legend-classes').replaceChildren(...classParts.map((p) => h('li', {}, swatch(p.cls),
    h('span', { text: p.label }),
    h('span', { class: 'legend-value' }, fig(`outcomes-class-${p.id}`, p.value),
      h('span', { class: 'muted' }, ' · ', fig(`outcomes-class-${p.id}-share`, p.value,
        fmtShare(p.value, o.total)))))));

  // By track: stacked by class.
  const classOf = (outcome) => (OUTCOMES[outcome] ? OUTCOMES[outcome][1] : 'other');
  const tracks = TRACKS.filter(([id]) => o.byTrack[id]);
  for (const id of Object.keys(o.byTrack)) {
    if (!tracks.some(([k]) => k === id)) tracks.push([id, id.replace(/_/g, ' ')]);
  }
  const trackTotals = new Map(tracks.map(([id]) => [id,
    Object.values(o.byTrack[id]).reduce((sum, n) => sum + n, 0)]));
  const maxTrack = Math.max(1, ...trackTotals.values());
  $('chart-tracks').replaceChildren(
    tracks.length === 0 ? empty('No stays ended in this period.')
      : legend(CLASSES.map(([id, label]) => [`fill-class-${id}`, label])),
    ...tracks.map(([id, label]) => {
      const byClass = new Map(CLASSES.map(([c]) => [c, 0]));
      for (const [outcome, n] of Object.entries(o.byTrack[id])) {
        byClass.set(classOf(outcome), (byClass.get(classOf(outcome)) || 0) + n);
      }
      return barRow({
        label,
        segments: CLASSES.map(([c, clabel]) => ({ value: byClass.get(c), cls: `fill-class-${c}`,
          title: `${label}, ${clabel.toLowerCase()}: ${fmtNumber(byClass.get(c))}` })),
        max: maxTrack,
        value: fig(`outcomes-track-${id}-total`, trackTotals.get(id)),
      });
    }));

  // The same as a table: outcome x track.
  const outcomeIds = orderedOutcomes(Object.keys(o.byOutcome), o.byOutcome);
  $('table-tracks').replaceChildren(tracks.length === 0 ? empty('No stays ended in this period.') :
    h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: 'Stays ended by track and outcome' }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Outcome' }),
        tracks.map(([, label]) => h('th', { scope: 'col', class: 'num', text: label })))),
      h('tbody', {}, outcomeIds.map((outcome) => h('tr', {},
        h('th', { scope: 'row', text: outcomeLabel(outcome) }),
        tracks.map(([id]) => h('td', { class: 'num' },
          fig(`outcomes-track-${id}-outcome-${outcome}`, o.byTrack[id][outcome] || 0))))))));

  // By outcome.
  const maxCount = Math.max(1, ...outcomeIds.map((id) => o.byOutcome[id].count));
  $('table-outcomes').replaceChildren(outcomeIds.length === 0
    ? empty('No stays ended in this period.')
    : h('table', { class: 'table table-outcomes' },
      h('caption', { class: 'visually-hidden', text: 'Stays ended by outcome, with the length of stay' }),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', text: 'Outcome' }),
        h('th', { scope: 'col', text: 'Class' }),
        h('th', { scope: 'col', class: 'num', text: 'Stays ended' }),
        h('th', { scope: 'col', class: 'col-bar' }, h('span', { class: 'visually-hidden', text: 'Chart' })),
        h('th', { scope: 'col', class: 'num', text: 'Median stay (days)' }),
        h('th', { scope: 'col', class: 'num', text: 'Mean stay (days)' }))),
      h('tbody', {}, outcomeIds.map((id) => {
        const row = o.byOutcome[id];
        const cls = classOf(id);
        const bar = s('svg', { class: 'bar bar-inline', viewBox: '0 0 100 12',
          preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
        s('rect', { class: `bar-fill fill-class-${cls}`, x: 0, y: 0,
          width: barWidth(row.count, maxCount), height: 12 },
        s('title', { text: `${outcomeLabel(id)}: ${fmtNumber(row.count)}` })));
        return h('tr', {},
          h('th', { scope: 'row', text: outcomeLabel(id) }),
          h('td', {}, h('span', { class: `chip chip-${cls}`, text: classLabel(cls) })),
          h('td', { class: 'num' }, fig(`outcomes-outcome-${id}-count`, row.count)),
          h('td', { class: 'col-bar' }, bar),
          h('td', { class: 'num' }, fig(`outcomes-outcome-${id}-median-days`, row.medianStayDays)),
          h('td', { class: 'num' }, fig(`outcomes-outcome-${id}-mean-days`, row.meanStayDays)));
      }))));
}

function outcomeLabel(id) {
  return OUTCOMES[id] ? OUTCOMES[id][0] : id.replace(/_/g, ' ');
}

function classLabel(id) {
  const found = CLASSES.find(([c]) => c === id);
  return found ? found[1] : id;
}

// By class (in the order of CLASSES), then by count (largest first), then by name.
function orderedOutcomes(ids, byOutcome) {
  const rank = (id) => CLASSES.findIndex(([c]) => c === (OUTCOMES[id] ? OUTCOMES[id][1] : 'other'));
  return [...ids].sort((a, b) => rank(a) - rank(b) || byOutcome[b].count - byOutcome[a].count ||
    a.localeCompare(b));
}

// Known keys in their order, then any a newer server adds (labelled by their id).
function withUnknown(known, ids) {
  const out = [...known];
  for (const id of ids) {
    if (!out.some(([k]) => k === id)) out.push([id, id.replace(/_/g, ' ')]);
  }
  return out;
}

function renderPerspective(p) {
  const parts = withUnknown(ACTIVE_TRACKS, Object.keys(p.activeByTrack)).map(([id, label]) => ({
    id, label, value: p.activeByTrack[id] || 0, cls: `fill-track-${id}` }));
  const total = parts.reduce((sum, part) => sum + part.value, 0);
  $('chart-perspective').replaceChildren(donut(parts, total, 'perspective-active-total',
    { id: 'donut-perspective-title', title: 'Active cases by track', caption: 'active cases' }));
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
  const maxHeld = Math.max(1, ...categories.map(([id]) => p.byCategory[id] || 0));
  $('chart-activities').replaceChildren(...categories.map(([id, label]) => {
    const n = p.byCategory[id] || 0;
    return barRow({
      label,
      segments: [{ value: n, cls: 'fill-activity', title: `${label}: ${fmtNumber(n)} held` }],
      max: maxHeld,
      value: fig(`participation-category-${id}`, n),
    });
  }));

  // Neighbourhood contacts: one stacked bar per location, a segment per kind.
  const kinds = withUnknown(CONTACT_KINDS, p.neighbourhoodContacts.flatMap((row) =>
    Object.keys(row).filter((k) => k !== 'locationId')));
  const rows = p.neighbourhoodContacts.map((row) => {
    const counts = kinds.map(([k]) => row[k] || 0);
    return { id: row.locationId, name: state.locationNames.get(row.locationId) || row.locationId,
      counts, total: counts.reduce((sum, n) => sum + n, 0) };
  });
  const maxContacts = Math.max(1, ...rows.map((r) => r.total));
  $('chart-contacts').replaceChildren(
    rows.length === 0 ? empty('No location had opened by this date.')
      : legend(kinds.map(([k, label]) => [`fill-contact-${k}`, label])),
    ...rows.map((r) => barRow({
      label: r.name,
      segments: kinds.map(([k, label], i) => ({ value: r.counts[i], cls: `fill-contact-${k}`,
        title: `${r.name}, ${label.toLowerCase()}: ${fmtNumber(r.counts[i])}` })),
      max: maxContacts,
      value: fig(`participation-contacts-${r.id}-total`, r.total),
    })));
  $('table-contacts').replaceChildren(rows.length === 0 ? empty('No location had opened by this date.') :
    h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: 'Neighbourhood contacts by location and kind' }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Location' }),
        kinds.map(([, label]) => h('th', { scope: 'col', class: 'num', text: label })))),
      h('tbody', {}, rows.map((r) => h('tr', {},
        h('th', { scope: 'row', text: r.name }),
        kinds.map(([k], i) => h('td', { class: 'num' },
          fig(`participation-contacts-${r.id}-${k}`, r.counts[i]))))))));
}

const RENDER = {
  occupancy: renderOccupancy,
  alerts: renderAlerts,
  escalations: renderEscalations,
  utilisation: renderUtilisation,
  outcomes: renderOutcomes,
  funnel: renderFunnel,
  perspective: renderPerspective,
  participation: renderParticipation,
};

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
    let body = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    return { status: res.status, body };
  } catch (error) {
    return { status: 0, body: null, error };
  } finally {
    clearTimeout(timer);
  }
}

function roleFrom(isRegie, allowed) {
  if (isRegie) return { id: 'regie', label: 'Regie (coordination group)' };
  const alerts = allowed.has('alerts');
  const utilisation = allowed.has('utilisation');
  if (!alerts && utilisation) return { id: 'researcher', label: 'Researcher' };
  if (alerts && !utilisation) return { id: 'housing', label: 'Housing partner' };
  if (alerts && utilisation) return { id: 'casework', label: 'Case work (intake, legal or return)' };
  if (allowed.size === 1 && allowed.has('participation')) {
    return { id: 'participation', label: 'Participation partner' };
  }
  return { id: 'limited', label: 'Limited access' };
}

function problemText(result) {
  if (result.status === 0) return 'the server could not be reached';
  const b = result.body;
  const detail = b && typeof b === 'object' && (b.detail || b.title);
  return `the server answered ${result.status}${detail ? `: ${detail}` : ''}`;
}

// Loads every figure for state.date. `first`: right after sign-in (or a reload of the tab),
// when the role is not known yet: every read model is asked for, and those answered 403
// are left out from then on.
async function loadFigures({ first = false } = {}) {
  const seq = ++state.seq;
  const date = state.date;
  const token = state.token;
  const wanted = MODEL_KEYS.filter((k) => !state.forbidden.has(k));
  const view = $('dashboard-view');
  view.setAttribute('data-status', 'loading');
  view.setAttribute('aria-busy', 'true');
  setStatus(`Loading the figures as of ${humanDate(date)}…`);

  const jobs = wanted.map((key) => request(urlFor(key, date), token).then((r) => [key, r]));
  if (first) jobs.push(request(REGIE_PROBE, token).then((r) => ['regie', r]));
  const results = new Map(await Promise.all(jobs));
  if (seq !== state.seq || token !== state.token) return; // a newer load or a sign-out won

  if ([...results.values()].some((r) => r.status === 401)) {
    if (first && !sessionStorage.getItem(TOKEN_KEY)) {
      showSignIn('This token was not accepted. Check it and try again.');
    } else {
      signOut('Your session has ended: the server no longer accepts the token. Please sign in again.');
    }
    return;
  }

  if (first) {
    for (const key of wanted) if (results.get(key).status === 403) state.forbidden.add(key);
    if (state.forbidden.size === MODEL_KEYS.length) {
      signOut('This role may not read the programme\'s figures.');
      return;
    }
    if (wanted.every((k) => results.get(k).status === 0)) {
      // Nothing is known about the token yet. A token stored by this tab stays stored.
      state.token = null;
      showSignIn('The server could not be reached. Check your connection and try again.');
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    const regie = results.get('regie');
    state.role = roleFrom(regie.status === 200, new Set(wanted.filter((k) =>
      results.get(k).status !== 403)));
    showDashboard();
  }

  const failures = [];
  for (const key of wanted) {
    const r = results.get(key);
    if (r.status === 200 && r.body) {
      try {
        RENDER[key](r.body);
      } catch (err) {
        failures.push(`${MODELS[key].name} (the answer could not be shown)`);
        console.warn('render', key, err);
      }
    } else if (r.status === 403) {
      state.forbidden.add(key);
    } else {
      failures.push(`${MODELS[key].name} (${problemText(r)})`);
    }
  }
  applyVisibility();
  showRange(date);

  if (failures.length > 0) {
    const offline = wanted.every((k) => results.get(k).status === 0);
    $('error-text').textContent = offline
      ? 'The figures could not be loaded: the server could not be reached. Check your ' +
        'connection and try again. The figures shown may be out of date.'
      : `Some figures could not be loaded: ${failures.join('; ')}. The figures shown for ` +
        'these may be out of date.';
    $('error').hidden = false;
    view.setAttribute('data-status', 'error');
    setStatus('');
  } else {
    $('error').hidden = true;
    view.setAttribute('data-status', 'ready');
    setStatus(`Figures as of ${humanDate(date)}.`);
  }
  view.setAttribute('data-as-of', date);
  view.removeAttribute('aria-busy');
}

// ---------------------------------------------------------------------------------------
// Views

function setStatus(text) {
  $('status').textContent = text;
}

function showRange(date) {
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
  const hiddenNames = MODEL_KEYS.filter((k) => state.forbidden.has(k)).map((k) => MODELS[k].name);
  const note = $('restricted-note');
  if (hiddenNames.length > 0) {
    const role = state.role ? state.role.label.toLowerCase() : 'this role';
    note.textContent = `As ${role === 'researcher' ? 'a researcher' : `“${role}”`} you may not see ` +
      `${joinList(hiddenNames)}; ${hiddenNames.length === 1 ? 'that panel is' : 'those panels are'} ` +
      'hidden.';
    note.hidden = false;
  } else {
    note.hidden = true;
  }
}

function joinList(items) {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function showDashboard() {
  $('sign-in-view').hidden = true;
  $('dashboard-view').hidden = false;
  $('session').hidden = false;
  $('role').textContent = state.role.label;
  $('role').setAttribute('data-role', state.role.id);
  $('as-of').value = state.date;
  $('as-of').max = todayLocal();
  $('sign-in-button').disabled = false;
  $('sign-in-button').textContent = 'Sign in';
  $('token-input').value = '';
  $('main').focus();
}

function showSignIn(message) {
  $('dashboard-view').hidden = true;
  $('session').hidden = true;
  $('sign-in-view').hidden = false;
  $('sign-in-button').disabled = false;
  $('sign-in-button').textContent = 'Sign in';
  const error = $('sign-in-error');
  error.textContent = message || '';
  error.hidden = !message;
  $('token-input').focus();
}

function clearFigures() {
  for (const id of ['chart-funding', 'chart-locations', 'chart-utilisation', 'chart-alerts',
    'chart-escalations', 'chart-funnel', 'chart-classes', 'legend-classes', 'chart-tracks',
    'table-tracks', 'table-outcomes', 'chart-perspective', 'legend-perspective', 'chart-activities',
    'chart-contacts', 'table-contacts']) {
    $(id).replaceChildren();
  }
  for (const node of document.querySelectorAll('[data-figure]')) {
    node.textContent = '';
    node.removeAttribute('value');
  }
  for (const node of document.querySelectorAll('[data-needs]')) node.hidden = false;
  $('restricted-note').hidden = true;
  $('error').hidden = true;
  setStatus('');
  const view = $('dashboard-view');
  view.setAttribute('data-status', 'idle');
  view.removeAttribute('data-as-of');
}

function signOut(message) {
  state.seq += 1; // drop answers still under way
  state.token = null;
  state.role = null;
  state.forbidden.clear();
  state.locationNames = new Map();
  sessionStorage.removeItem(TOKEN_KEY);
  $('role').textContent = '';
  $('role').removeAttribute('data-role');
  clearFigures();
  showSignIn(message);
}

function signIn(token) {
  state.token = token;
  state.forbidden.clear();
  state.date = todayLocal();
  $('sign-in-error').hidden = true;
  $('sign-in-button').disabled = true;
  $('sign-in-button').textContent = 'Signing in…';
  loadFigures({ first: true });
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
    loadFigures();
  }, 250);
}

function start() {
  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token-input').value.trim();
    if (!token) {
      showSignIn('Enter your access token.');
      return;
    }
    signIn(token);
  });
  $('sign-out').addEventListener('click', () => signOut('You are signed out.'));
  $('as-of').addEventListener('change', onDateChange);
  $('today').addEventListener('click', () => {
    $('as-of').value = todayLocal();
    onDateChange();
  });
  $('retry').addEventListener('click', () => loadFigures());

  const stored = sessionStorage.getItem(TOKEN_KEY);
  if (stored) {
    state.token = stored;
    state.date = todayLocal();
    loadFigures({ first: true });
  } else {
    showSignIn();
  }
}

start();
