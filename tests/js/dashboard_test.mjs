#!/usr/bin/env node
// The dashboard (api/dashboard/) in a real browser, against a real server.
//
//   node tests/js/dashboard_test.mjs SERVER_BIN TOOL_BIN SOURCE_DIR OUTPUT_DIR
//
// Fills a store with `TOOL_BIN demo --cases 300 --years 2 --seed 3`, starts SERVER_BIN on a
// free port with a regie, a researcher, a participation, an intake and a housing token, and
// drives headless Chromium (playwright-core, Debian's /usr/bin/chromium or $CHROMIUM)
// through the page, in Dutch (the default) and in English: sign-in, every figure (the
// trends, monthly report, data quality and returns included) compared with the API for the
// same asOf/from/to/admittedFrom/admittedTo/month, with the number format of the page's
// language (nl-NL: 1.234 and 12,5%; en-GB: 1,234 and 12.5%); a date about 200 days
// earlier; other months for the trends and the report; the report's JSON download
// (byte-identical to the API) and CSV download (every leaf of the JSON); the language
// switch (html lang, the texts, the figures again, the choice kept in localStorage over a
// reload and a new sign-in); network errors, a 401, sign-out; the researcher's, the
// participation role's, intake's and housing's views with the panels they may not see
// hidden. No case id may appear on the page in any step. Fails on any console error, page
// error or Content-Security-Policy violation that the step does not expect. Saves
// screenshots to OUTPUT_DIR. Stops the server with SIGTERM and expects exit 0. Exit 0 on
// pass, 1 on failure.
//
// The page is served from the files built into the server binary. With
// PERSPECTIEF_DASHBOARD_DEV=1 the server is given --dashboard-dir SOURCE_DIR/api/dashboard
// instead, for working on the page without a rebuild.

import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';

import { chromium } from 'playwright-core';

const execFileP = promisify(execFile);

class Failure extends Error {}

function check(condition, message) {
  if (!condition) throw new Failure(message);
}

function log(message) {
  process.stdout.write(`dashboard_test: ${message}\n`);
}

const [serverBin, toolBin, sourceDir, outputDir] = process.argv.slice(2);
if (!serverBin || !toolBin || !sourceDir || !outputDir) {
  process.stderr.write('usage: node dashboard_test.mjs SERVER_BIN TOOL_BIN SOURCE_DIR OUTPUT_DIR\n');
  process.exit(1);
}
const DEV = process.env.PERSPECTIEF_DASHBOARD_DEV === '1';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; " +
  "frame-ancestors 'none'";

// ---------------------------------------------------------------------------------------
// Dates (the page and the server both work in UTC here: the browser runs with timezone UTC)

const pad = (n, w = 2) => String(n).padStart(w, '0');
const iso = (d) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

function todayUtc() {
  return iso(new Date());
}

function daysBefore(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return iso(d);
}

// 12 calendar months earlier, the day clamped to the month (29 February -> 28 February).
function twelveMonthsBefore(date) {
  const [y, m, d] = date.split('-').map(Number);
  const last = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
  return `${pad(y - 1, 4)}-${pad(m)}-${pad(Math.min(d, last))}`;
}

// "YYYY-MM" `n` months after (negative: before) `month`.
function addMonths(month, n) {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

// The page's defaults: the trends show the 24 months up to the chosen day's month, the
// report the month before it.
const seriesDefault = (date) => ({ from: addMonths(date.slice(0, 7), -23), to: date.slice(0, 7) });
const reportDefault = (date) => addMonths(date.slice(0, 7), -1);

// How the page writes a date in its language (Chromium and Node share ICU's data).
const LOCALES = { nl: 'nl-NL', en: 'en-GB' };
function humanDate(date, lang) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(LOCALES[lang], {
    day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
  });
}

// ---------------------------------------------------------------------------------------
// Server

let server = null;
let serverExit = null;
const serverErr = [];

async function startServer(tmp) {
  const args = ['--listen', '127.0.0.1:0', '--data-dir', path.join(tmp, 'data'),
    '--tokens', path.join(tmp, 'tokens.json')];
  if (DEV) args.push('--dashboard-dir', path.join(sourceDir, 'api', 'dashboard'));
  log(`starting ${serverBin} ${args.join(' ')}`);
  server = spawn(serverBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  serverExit = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
  readline.createInterface({ input: server.stderr }).on('line', (line) => {
    serverErr.push(line);
    if (serverErr.length > 200) serverErr.shift();
  });
  const lines = readline.createInterface({ input: server.stdout });
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Failure('the server did not print "listening on" within 60 s')), 60000);
    lines.on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    });
    serverExit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Failure(`the server exited at start (code ${code}, signal ${signal})`));
    });
  });
}

async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return null;
  server.kill('SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 60000));
  const result = await Promise.race([serverExit, timeout]);
  if (result === 'timeout') {
    server.kill('SIGKILL');
    throw new Failure('the server did not stop within 60 s of SIGTERM');
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// API

let base = '';

async function api(pathAndQuery, token) {
  const res = await fetch(base + pathAndQuery, { headers: { Authorization: `Bearer ${token}` } });
  const body = await res.json().catch(() => null);
  return { status: res.status, body };
}

async function apiOk(pathAndQuery, token) {
  const r = await api(pathAndQuery, token);
  check(r.status === 200, `GET ${pathAndQuery} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// The read models the page shows, with the page's parameters for the chosen day. `params`
// (the trends' and the report's months, and the report's knownAt) as the page holds them.
async function readModels(date, token, models, params = {}) {
  const from = twelveMonthsBefore(date);
  const urls = {
    occupancy: `/v1/occupancy?asOf=${date}`,
    alerts: `/v1/alerts/stay-duration?asOf=${date}`,
    escalations: `/v1/escalations?asOf=${date}&status=open`,
    quality: `/v1/data-quality?asOf=${date}`,
    utilisation: `/v1/utilisation?from=${from}&to=${date}`,
    outcomes: `/v1/outcomes?from=${from}&to=${date}`,
    funnel: `/v1/intake-funnel?from=${from}&to=${date}`,
    perspective: `/v1/perspective?asOf=${date}&admittedFrom=${from}&admittedTo=${date}`,
    participation: `/v1/participation?from=${from}&to=${date}`,
    returns: `/v1/returns?from=${from}&to=${date}`,
    series: `/v1/series?from=${params.seriesFrom}&to=${params.seriesTo}`,
    // The same report as the page's: its month at the knownAt the page was given.
    report: `/v1/reports/monthly?month=${params.reportMonth}&knownAt=${encodeURIComponent(params.reportKnownAt)}`,
  };
  const out = {};
  for (const m of models) out[m] = await apiOk(urls[m], token);
  return out;
}

const share = (part, whole) => (whole > 0 ? Math.round((part / whole) * 100) : '–');
const pct = (rate) => Number((rate * 100).toFixed(2));
// What the page shows for the API's null (a median of no cases, a share of nothing).
const NONE = '—';
const round2 = (x) => Math.round(x * 100) / 100;
const sum = (values) => values.reduce((a, b) => a + b, 0);
const CLASSES = ['durable', 'semi_durable', 'no_solution', 'other'];

// testid -> the number shown (or the exact text, for a string).
function expectedFigures(m) {
  const e = new Map();
  const set = (id, v) => {
    check(!e.has(id), `test bug: ${id} twice`);
    e.set(id, v);
  };
  if (m.occupancy) {
    const o = m.occupancy;
    const p = o.programme;
    set('kpi-occupied', p.occupied);
    set('kpi-places', p.places);
    set('kpi-occupied-share', share(p.occupied, p.places));
    set('kpi-waiting-for-bed', o.waitingForBed);
    set('kpi-waitlisted', o.waitlisted);
    set('occupancy-places', p.places);
    set('occupancy-occupied', p.occupied);
    set('occupancy-free', p.free);
    set('occupancy-lvv-occupied', p.lvvOccupied);
    set('occupancy-lvv-places', p.lvvPlaces);
    set('occupancy-lvv-share', share(p.lvvOccupied, p.lvvPlaces));
    set('occupancy-municipal-occupied', p.municipalOccupied);
    set('occupancy-municipal-places', p.municipalPlaces);
    set('occupancy-municipal-share', share(p.municipalOccupied, p.municipalPlaces));
    for (const l of o.locations) {
      set(`occupancy-location-${l.locationId}-occupied`, l.occupied);
      set(`occupancy-location-${l.locationId}-beds`, l.beds);
    }
  }
  if (m.utilisation) {
    const u = m.utilisation;
    set('kpi-utilisation-rate', pct(u.programme.rate));
    set('utilisation-rate', pct(u.programme.rate));
    set('utilisation-bed-nights', u.programme.bedNights);
    set('utilisation-capacity-nights', u.programme.capacityNights);
    for (const l of u.locations) set(`utilisation-location-${l.locationId}-rate`, pct(l.rate));
  }
  if (m.alerts) {
    const counts = { review: 0, warning: 0, final: 0, exceeded: 0 };
    for (const a of m.alerts.alerts) counts[a.level] = (counts[a.level] || 0) + 1;
    set('kpi-alerts-total', m.alerts.alerts.length);
    set('alerts-total', m.alerts.alerts.length);
    for (const [level, n] of Object.entries(counts)) set(`alerts-level-${level}`, n);
  }
  if (m.escalations) {
    const open = m.escalations.escalations.filter((x) => x.resolvedOn === null);
    const counts = { warning: 0, final_warning: 0, termination_proposed: 0 };
    for (const x of open) counts[x.level] = (counts[x.level] || 0) + 1;
    set('kpi-escalations-open', open.length);
    set('escalations-open-total', open.length);
    for (const [level, n] of Object.entries(counts)) set(`escalations-level-${level}`, n);
  }
  if (m.funnel) {
    const f = m.funnel;
    set('funnel-registered', f.registered);
    set('funnel-intake-completed', f.intakeCompleted);
    set('funnel-decisions', f.admitted + f.rejected + f.referred + f.waitlisted);
    for (const k of ['admitted', 'rejected', 'referred', 'waitlisted']) set(`funnel-${k}`, f[k]);
  }
  if (m.outcomes) {
    const o = m.outcomes;
    set('kpi-outcomes-total', o.total);
    set('kpi-outcomes-durable-share', share(o.byClass.durable, o.total));
    set('outcomes-total', o.total);
    set('outcomes-never-housed', o.neverHoused);
    for (const c of ['durable', 'semi_durable', 'no_solution', 'other']) {
      set(`outcomes-class-${c}`, o.byClass[c]);
      set(`outcomes-class-${c}-share`, share(o.byClass[c], o.total));
    }
    for (const [track, byOutcome] of Object.entries(o.byTrack)) {
      set(`outcomes-track-${track}-total`, Object.values(byOutcome).reduce((a, b) => a + b, 0));
      for (const outcome of Object.keys(o.byOutcome)) {
        set(`outcomes-track-${track}-outcome-${outcome}`, byOutcome[outcome] || 0);
      }
    }
    for (const [outcome, x] of Object.entries(o.byOutcome)) {
      set(`outcomes-outcome-${outcome}-count`, x.count);
      set(`outcomes-outcome-${outcome}-median-days`, x.medianStayDays);
      set(`outcomes-outcome-${outcome}-mean-days`, x.meanStayDays);
    }
  }
  if (m.perspective) {
    const p = m.perspective;
    const total = Object.values(p.activeByTrack).reduce((a, b) => a + b, 0);
    set('perspective-active-total', total);
    for (const [track, n] of Object.entries(p.activeByTrack)) {
      set(`perspective-track-${track}`, n);
      set(`perspective-track-${track}-share`, share(n, total));
    }
    set('perspective-days-cases', p.daysToTrack.cases);
    set('perspective-days-median', p.daysToTrack.median === null ? NONE : p.daysToTrack.median);
  }
  if (m.participation) {
    const p = m.participation;
    set('participation-activities-held', p.activitiesHeld);
    set('participation-resident-attendances', p.residentAttendances);
    set('participation-cases-participating', p.casesParticipating);
    set('participation-volunteers', p.volunteers);
    set('participation-volunteer-hours', round2(p.volunteerHours));
    set('participation-neighbours', p.neighbours);
    set('participation-co-designed-share', p.coDesignedShare === null ? NONE : pct(p.coDesignedShare));
    for (const [category, n] of Object.entries(p.byCategory)) set(`participation-category-${category}`, n);
    for (const row of p.neighbourhoodContacts) {
      let total = 0;
      for (const [kind, n] of Object.entries(row)) {
        if (kind === 'locationId') continue;
        set(`participation-contacts-${row.locationId}-${kind}`, n);
        total += n;
      }
      set(`participation-contacts-${row.locationId}-total`, total);
    }
  }
  if (m.series) {
    const months = m.series.months;
    const classes = [...new Set([...CLASSES, ...months.flatMap((x) => Object.keys(x.outflowByClass))])];
    for (const x of months) {
      const id = `series-${x.month}`;
      set(`${id}-active`, x.activeAtEnd);
      set(`${id}-occupied`, x.occupiedAtEnd);
      set(`${id}-inflow`, x.inflow);
      set(`${id}-outflow`, x.outflow);
      for (const c of classes) set(`${id}-outflow-${c}`, x.outflowByClass[c] || 0);
      set(`${id}-median-stay-days`, x.medianStayDaysOfOutflow === null ? NONE : x.medianStayDaysOfOutflow);
      set(`${id}-registered`, x.registered);
      set(`${id}-admitted`, x.admitted);
    }
    if (months.length > 0) {
      set('series-max-occupancy', Math.max(...months.map((x) => Math.max(x.activeAtEnd, x.occupiedAtEnd))));
      set('series-max-flow', Math.max(...months.map((x) => Math.max(x.inflow, x.outflow))));
      set('series-max-outflow', Math.max(...months.map((x) => sum(Object.values(x.outflowByClass)))));
    }
  }
  if (m.quality) {
    check(m.quality.checks.length === 7, `data quality has ${m.quality.checks.length} checks`);
    for (const c of m.quality.checks) set(`quality-${c.check}`, c.count);
  }
  if (m.returns) {
    for (const [c, x] of Object.entries(m.returns)) {
      if (!x || typeof x !== 'object') continue;
      set(`returns-${c}-ended`, x.ended);
      set(`returns-${c}-6`, x.returnedWithin6Months);
      set(`returns-${c}-12`, x.returnedWithin12Months);
      set(`returns-${c}-24`, x.returnedWithin24Months);
    }
  }
  if (m.report) {
    const r = m.report;
    set('report-active-at-start', r.activeAtStart);
    set('report-active-at-end', r.activeAtEnd);
    set('report-inflow', r.inflow);
    set('report-outflow', r.outflow);
    set('report-occupied', r.occupancy.programme.occupied);
    set('report-places', r.occupancy.programme.places);
    set('report-utilisation-rate', pct(r.utilisation.programme.rate));
    set('report-registered', r.intakeFunnel.registered);
    set('report-admitted', r.intakeFunnel.admitted);
    set('report-durable', r.outcomes.byClass.durable);
    set('report-stay-alerts', sum(Object.values(r.stayAlerts)));
    set('report-open-escalations', sum(Object.values(r.openEscalations)));
    set('report-position', r.position);
    set('report-digest', `${r.digest.slice(0, 12)}…`);
  }
  return e;
}

// ---------------------------------------------------------------------------------------
// Browser

const problems = [];
const requests = []; // the browser's last requests, for the failure report
let requestCount = 0; // every request the browser made
let allowedHttp = []; // [{status, path: RegExp}] failures the current step expects
let allowNetworkFailures = false;

function allowedResponse(status, url) {
  const { pathname } = new URL(url);
  return allowedHttp.some((a) => a.status === status && a.path.test(pathname));
}

function watch(page, name) {
  page.on('pageerror', (err) => problems.push(`${name}: page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const url = msg.location() && msg.location().url;
    const http = /Failed to load resource: the server responded with a status of (\d+)/.exec(text);
    if (http && url && allowedResponse(Number(http[1]), url)) return;
    if (/Failed to load resource: net::ERR_FAILED/.test(text) && allowNetworkFailures) return;
    problems.push(`${name}: console error: ${text}${url ? ` (${url})` : ''}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !allowedResponse(res.status(), res.url())) {
      problems.push(`${name}: unexpected HTTP ${res.status()} for ${res.url()}`);
    }
  });
  page.on('request', (req) => {
    requests.push(req.url());
    requestCount += 1;
    if (requests.length > 80) requests.shift();
  });
  page.on('requestfailed', (req) => {
    if (!allowNetworkFailures) {
      problems.push(`${name}: request failed: ${req.url()} ${req.failure() && req.failure().errorText}`);
    }
  });
}

function noProblems(step) {
  check(problems.length === 0, `${step}: ${problems.join('\n  ')}`);
}

// Polls with page.evaluate (page.waitForFunction would compile its predicate in the page,
// which the page's Content-Security-Policy rightly refuses).
async function waitUntil(page, fn, arg, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(fn, arg)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForFigures(page, date, step) {
  const ok = await waitUntil(page, (d) => {
    const v = document.querySelector('[data-testid="dashboard"]');
    return Boolean(v) && !v.hidden && v.getAttribute('data-as-of') === d &&
      ['ready', 'error'].includes(v.getAttribute('data-status'));
  }, date, 30000);
  if (!ok) {
    const status = await page.evaluate(() => {
      const v = document.querySelector('[data-testid="dashboard"]');
      const err = document.querySelector('[data-testid="sign-in-error"]');
      return `dashboard ${v && v.hidden ? 'hidden' : 'shown'}, status ${v && v.getAttribute('data-status')}, ` +
        `as of ${v && v.getAttribute('data-as-of')}, date control ${document.querySelector('#as-of').value}, ` +
        `sign-in message "${err && !err.hidden ? err.textContent : ''}"`;
    });
    throw new Failure(`${step}: the figures as of ${date} did not appear within 30 s (${status})`);
  }
  const status = await page.getAttribute('[data-testid="dashboard"]', 'data-status');
  if (status !== 'ready') {
    const text = await page.textContent('[data-testid="error"]');
    throw new Failure(`${step}: the page shows an error: ${text.trim()}`);
  }
}

async function pageFigures(page) {
  // Open the collapsed tables so that their figures are shown too.
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
  return page.evaluate(() => [...document.querySelectorAll('[data-figure]')].map((n) => ({
    id: n.getAttribute('data-testid'),
    text: n.textContent.trim(),
    visible: n.checkVisibility(),
  })));
}

// The number a figure shows, read in the page's language: nl-NL groups thousands with "."
// and writes decimals with ","; en-GB the other way round. A text in another form (a
// thousands separator missing, the other language's) is NaN.
const NUMBER_FORMS = {
  nl: [/^-?\d{1,3}(\.\d{3})*(,\d+)?%?$/, (x) => x.replace(/\./g, '').replace(',', '.')],
  en: [/^-?\d{1,3}(,\d{3})*(\.\d+)?%?$/, (x) => x.replace(/,/g, '')],
};

function parseShown(text, lang) {
  const [form, plain] = NUMBER_FORMS[lang];
  const compact = text.replace(/[\s\u00a0\u202f]/g, '');
  if (!form.test(compact)) return NaN;
  return Number(plain(compact.replace(/%$/, '')));
}

// Every expected figure is shown with the API's value, and every figure shown is expected.
async function compareFigures(page, expected, step, lang) {
  const shown = await pageFigures(page);
  const errors = [];
  const seen = new Map();
  for (const f of shown) {
    if (!f.visible) continue;
    if (!f.id) {
      errors.push(`a figure without data-testid shows "${f.text}"`);
      continue;
    }
    if (seen.has(f.id)) errors.push(`data-testid ${f.id} is used twice`);
    seen.set(f.id, f.text);
  }
  for (const [id, want] of expected) {
    if (!seen.has(id)) {
      errors.push(`${id}: not shown (the API has ${want})`);
      continue;
    }
    const text = seen.get(id);
    const got = typeof want === 'string' ? text : parseShown(text, lang);
    const equal = typeof want === 'string' ? got === want : Math.abs(got - want) < 1e-9;
    if (!equal) errors.push(`${id}: the page shows "${text}" (${lang}), the API has ${want}`);
  }
  for (const id of seen.keys()) {
    if (!expected.has(id)) errors.push(`${id}: shown ("${seen.get(id)}") but not checked against the API`);
  }
  check(errors.length === 0, `${step}: ${errors.length} figure(s) differ from the API:\n  ${errors.join('\n  ')}`);
  await checkChartsShowOnlyFigures(page, step);
  return new Map([...seen].map(([id, text]) => [id, text]));
}

// The trend charts draw no number that is not a figure (their SVG <title>s may).
async function checkChartsShowOnlyFigures(page, step) {
  const stray = await page.evaluate(() => [...document.querySelectorAll('.trend')].map((node) => {
    const copy = node.cloneNode(true);
    for (const n of copy.querySelectorAll('data, time, title')) n.remove();
    return copy.textContent;
  }).filter((text) => /\d/.test(text)));
  check(stray.length === 0, `${step}: a trend chart shows numbers that are not figures: ${stray.join(' | ')}`);
}

// The page's own months for the trends and the report, and the report's knownAt.
async function pageParams(page) {
  return page.evaluate(() => {
    const v = document.querySelector('[data-testid="dashboard"]');
    const known = document.querySelector('[data-testid="report-known-at"]');
    return {
      seriesFrom: v.getAttribute('data-series-from'),
      seriesTo: v.getAttribute('data-series-to'),
      reportMonth: v.getAttribute('data-report-month'),
      reportKnownAt: known ? known.getAttribute('datetime') : null,
      inputs: ['series-from', 'series-to', 'report-month'].map((id) =>
        document.querySelector(`[data-testid="${id}"]`).value),
    };
  });
}

// The page asked for the read models with the parameters of the chosen day: asOf = the day
// and the cases admitted in the 12 months up to it; the range models the same 12 months;
// the trends and the report with the months in their panels.
function checkRequested(date, step, models = ['perspective', 'participation'], params = {}) {
  const from = twelveMonthsBefore(date);
  const want = {
    perspective: ['/v1/perspective', { asOf: date, admittedFrom: from, admittedTo: date }],
    participation: ['/v1/participation', { from, to: date }],
    returns: ['/v1/returns', { from, to: date }],
    quality: ['/v1/data-quality', { asOf: date }],
    series: ['/v1/series', { from: params.seriesFrom, to: params.seriesTo }],
    report: ['/v1/reports/monthly', { month: params.reportMonth }],
  };
  for (const m of models) {
    const [pathname, query] = want[m];
    const found = requests.some((u) => {
      const url = new URL(u);
      return url.pathname === pathname &&
        JSON.stringify(Object.fromEntries(url.searchParams)) === JSON.stringify(query);
    });
    check(found, `${step}: the page did not ask for ${pathname} with ${JSON.stringify(query)}`);
  }
}

async function checkRange(page, date, step, lang) {
  const got = await page.evaluate(() => ['range-as-of', 'range-from', 'range-to'].map((id) => {
    const node = document.querySelector(`[data-testid="${id}"]`);
    return [node.getAttribute('datetime'), node.textContent];
  }));
  const dates = [date, twelveMonthsBefore(date), date];
  const want = dates.map((d) => [d, humanDate(d, lang)]);
  check(JSON.stringify(got) === JSON.stringify(want),
    `${step}: the page states the range ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

// The page is in `lang`: html lang, the language buttons, the title, some texts of each
// language present and none of the other's.
const TEXTS = {
  nl: {
    title: 'Perspectief · dashboard van het programma',
    signIn: 'Inloggen op het dashboard van het programma',
    dashboard: 'Dashboard van het programma',
    words: ['Uitloggen', 'Vandaag', 'Ingelogd als', 'Cijfers per'],
    headings: ['Bezetting per financieringsstroom', 'Ontwikkeling per maand', 'Maandrapportage', 'Datakwaliteit'],
    foreign: ['Occupancy', 'Outcomes', 'Sign out', 'Today', 'Signed in as', 'Monthly report',
      'Data quality', 'Trends', ' months', 'Download'],
  },
  en: {
    title: 'Perspectief · programme dashboard',
    signIn: 'Sign in to the programme dashboard',
    dashboard: 'Programme dashboard',
    words: ['Sign out', 'Today', 'Signed in as', 'Figures as of'],
    headings: ['Occupancy by funding stream', 'Trends', 'Monthly report', 'Data quality'],
    foreign: ['Bezetting', 'Uitstroom', 'Uitloggen', 'Vandaag', 'Ingelogd', 'Maandrapportage',
      'Datakwaliteit', 'Ontwikkeling per maand', ' maanden', 'downloaden', 'Instroom'],
  },
};

// The texts of the other language, from the page's own dictionary (i18n.js as the server
// serves it): a message of the other language (or, for one with placeholders, a fixed part
// of at least 12 characters) found as words on the page means a text was not translated.
// Texts the same in both languages, or part of a text of the page's language, are skipped.
let foreignTexts = null;
async function loadDictionary() {
  const res = await fetch(`${base}/dashboard/i18n.js`);
  check(res.status === 200, `GET /dashboard/i18n.js answered ${res.status}`);
  const { MESSAGES } = await import(`data:text/javascript,${encodeURIComponent(await res.text())}`);
  const pairs = Object.values(MESSAGES);
  foreignTexts = {};
  for (const [lang, own] of [['nl', 0], ['en', 1]]) {
    const ownTexts = pairs.map((pair) => pair[own]);
    foreignTexts[lang] = [];
    for (const pair of pairs) {
      if (pair[0] === pair[1]) continue;
      const text = pair[1 - own];
      const parts = text.split(/\{\w+\}/).map((x) => x.trim())
        .filter((x) => x.length >= (text.includes('{') ? 12 : 3));
      for (const part of parts) {
        if (ownTexts.some((o) => o.includes(part))) continue;
        const escaped = part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        foreignTexts[lang].push([part, new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u')]);
      }
    }
  }
  check(foreignTexts.nl.length > 200 && foreignTexts.en.length > 200,
    `the dictionary gives only ${foreignTexts.nl.length} and ${foreignTexts.en.length} texts to look for`);
  return pairs.length;
}

async function checkLanguage(page, lang, step, { signedIn = true, headings = false } = {}) {
  const got = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    title: document.title,
    text: document.body.innerText,
    // What innerText leaves out: SVG titles and the labels for screen readers.
    extra: [...document.querySelectorAll('title')].map((n) => n.textContent)
      .concat([...document.querySelectorAll('[aria-label]')].filter((n) => !n.hasAttribute('lang'))
        .map((n) => n.getAttribute('aria-label'))).join('\n'),
    pressed: ['lang-nl', 'lang-en'].map((id) =>
      document.querySelector(`[data-testid="${id}"]`).getAttribute('aria-pressed')),
  }));
  const want = TEXTS[lang];
  check(got.lang === lang, `${step}: html lang is "${got.lang}", expected "${lang}"`);
  check(got.title === want.title, `${step}: the title is "${got.title}"`);
  check(JSON.stringify(got.pressed) === JSON.stringify(lang === 'nl' ? ['true', 'false'] : ['false', 'true']),
    `${step}: the language buttons are pressed ${got.pressed}`);
  const present = signedIn ? [want.dashboard, ...want.words, ...(headings ? want.headings : [])] : [want.signIn];
  for (const text of present) check(got.text.includes(text), `${step}: the page does not say "${text}"`);
  for (const text of want.foreign) {
    check(!got.text.includes(text), `${step}: the ${lang} page says "${text}"`);
  }
  // API paths (/v1/occupancy, …) are English in both languages.
  const all = `${got.title}\n${got.text}\n${got.extra}`.replace(/\/v1\/[\w/-]+/g, '');
  for (const [text, re] of foreignTexts[lang]) {
    check(!re.test(all), `${step}: the ${lang} page says "${text}" (a text of the other language)`);
  }
}

async function signIn(page, token) {
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('sign-in-button').click();
}

async function setDate(page, date) {
  await page.getByTestId('as-of').fill(date);
}

async function setLanguage(page, lang) {
  await page.getByTestId(`lang-${lang}`).click();
  check(await waitUntil(page, (l) => document.documentElement.lang === l, lang, 5000),
    `the page did not switch to ${lang}`);
}

async function storage(page) {
  return page.evaluate(() => ({
    session: Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage.getItem(k)])),
    local: Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])),
    cookie: document.cookie,
    url: location.href,
  }));
}

// localStorage holds at most the language: nothing (never chosen) or exactly that key.
const LANG_KEY = 'perspectief.dashboard.lang';
function checkLocal(st, step, lang = null) {
  const want = lang ? { [LANG_KEY]: lang } : null;
  const ok = want ? JSON.stringify(st.local) === JSON.stringify(want)
    : Object.keys(st.local).every((k) => k === LANG_KEY) && Object.keys(st.local).length <= 1;
  check(ok, `${step}: localStorage holds ${JSON.stringify(st.local)}`);
}

// The leaves of a JSON value as [path, text]: members joined with dots, elements by index,
// null as an empty field.
function jsonLeaves(value, prefix = '', out = []) {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) jsonLeaves(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else {
    out.push([prefix, value === null ? '' : String(value)]);
  }
  return out;
}

// RFC 4180 with CRLF line ends: rows of fields.
function parseCsv(text) {
  check(text.endsWith('\r\n'), 'the CSV does not end with CRLF');
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i += 1;
      } else {
        field += c;
        i += 1;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i += 1;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      check(c !== '\r' && c !== '\n' && c !== '"', `the CSV has a bare ${JSON.stringify(c)} at ${i}`);
      field += c;
      i += 1;
    }
  }
  check(!quoted && field === '' && row.length === 0, 'the CSV ends inside a row');
  return rows;
}

// Clicks a download button and gives the file's name and bytes.
async function downloadFrom(page, testid) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 15000 }),
    page.getByTestId(testid).click(),
  ]);
  const file = await download.path();
  check(file, `${testid}: the download failed (${await download.failure()})`);
  return { name: download.suggestedFilename(), bytes: await readFile(file) };
}

async function main() {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'perspectief-dashboard-'));
  await mkdir(outputDir, { recursive: true });
  let browser = null;
  let page = null;
  try {
    log(`store in ${tmp}${DEV ? ' (PERSPECTIEF_DASHBOARD_DEV=1: the page comes from api/dashboard/)' : ''}`);
    const demo = await execFileP(toolBin, ['demo', '--data-dir', path.join(tmp, 'data'), '--cases', '300',
      '--years', '2', '--seed', '3'], { timeout: 120000 });
    log(demo.stdout.trim());

    const regie = `regie-${randomBytes(16).toString('hex')}`;
    const researcher = `research-${randomBytes(16).toString('hex')}`;
    const participant = `participation-${randomBytes(16).toString('hex')}`;
    const intake = `intake-${randomBytes(16).toString('hex')}`;
    const housing = `housing-${randomBytes(16).toString('hex')}`;
    const tokens = [regie, researcher, participant, intake, housing];
    await writeFile(path.join(tmp, 'tokens.json'), JSON.stringify([
      { token: regie, subject: 'regie-test', organisation: 'regiegroep', role: 'regie' },
      { token: researcher, subject: 'research-test', organisation: 'uva', role: 'researcher' },
      { token: participant, subject: 'participation-test', organisation: 'boost', role: 'participation' },
      { token: intake, subject: 'intake-test', organisation: 'aco', role: 'intake' },
      { token: housing, subject: 'housing-test', organisation: 'leger-des-heils', role: 'housing' },
    ]), { mode: 0o600 });

    base = await startServer(tmp);
    log(`server at ${base}`);
    log(`i18n.js: ${await loadDictionary()} messages in Dutch and English`);

    // The page and its files carry the strict policy.
    for (const file of ['/', '/dashboard/app.js', '/dashboard/i18n.js', '/dashboard/app.css']) {
      const res = await fetch(base + file);
      check(res.status === 200, `GET ${file} answered ${res.status}`);
      check(res.headers.get('content-security-policy') === CSP,
        `GET ${file}: Content-Security-Policy is "${res.headers.get('content-security-policy')}"`);
      await res.arrayBuffer();
    }

    const today = todayUtc();
    const earlier = daysBefore(today, 200);

    // What a page must never show: case ids, case managers, and the cases of the alerts,
    // escalations and data-quality checks at both dates.
    const secrets = new Set();
    const cases = await apiOk('/v1/cases?limit=50', regie);
    check(cases.cases.length === 50, `/v1/cases?limit=50 gave ${cases.cases.length} cases`);
    for (const c of cases.cases) {
      secrets.add(c.caseId);
      if (c.caseManager) secrets.add(c.caseManager);
    }
    let qualityIds = 0;
    for (const d of [today, earlier]) {
      const m = await readModels(d, regie, ['alerts', 'escalations', 'quality']);
      for (const a of m.alerts.alerts) secrets.add(a.caseId);
      for (const x of m.escalations.escalations) secrets.add(x.caseId);
      for (const c of m.quality.checks) {
        for (const id of c.caseIds) secrets.add(id);
        qualityIds += c.caseIds.length;
      }
    }
    check(qualityIds > 0, 'the demo store has no data-quality case to keep off the page');
    const secretRes = [...secrets].map((s) => [s, new RegExp(`(^|[^A-Za-z0-9_-])${s}([^A-Za-z0-9_-]|$)`)]);
    function checkNoSecrets(text, what) {
      for (const [s, re] of secretRes) check(!re.test(text), `${what} contains the case data "${s}"`);
      for (const token of tokens) check(!text.includes(token), `${what} contains a token`);
    }
    async function checkNoPersonalData(step) {
      checkNoSecrets(await page.content(), `${step}: the page`);
      checkNoSecrets(await page.evaluate(() => document.body.innerText), `${step}: the page's text`);
    }

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    const context = await browser.newContext({
      viewport: { width: 1360, height: 900 }, locale: 'en-GB', timezoneId: 'UTC', acceptDownloads: true,
    });
    await context.exposeBinding('__perspectiefCsp', (_source, text) => problems.push(`CSP violation: ${text}`));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__perspectiefCsp(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ` +
          `${e.sourceFile}:${e.lineNumber}`);
      });
    });
    page = await context.newPage();
    watch(page, 'page');

    // The figures of `models` for the page's day, months and report, compared with the API.
    async function compareWithApi(date, token, models, step, lang) {
      const params = await pageParams(page);
      const m = await readModels(date, token, models, params);
      return compareFigures(page, expectedFigures(m), step, lang);
    }
    async function screenshot(name) {
      await page.evaluate(() => {
        for (const d of document.querySelectorAll('details')) d.open = false;
      });
      await page.screenshot({ path: path.join(outputDir, name), fullPage: true });
    }
    async function checkNarrow(step, name) {
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(name);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth -
        document.documentElement.clientWidth);
      check(overflow <= 0, `${step}: at 390 px wide the page scrolls sideways by ${overflow} px`);
      await page.setViewportSize({ width: 1360, height: 900 });
    }
    async function checkPanels(step, shown, hidden) {
      for (const id of hidden) check(!(await page.getByTestId(id).isVisible()), `${step}: ${id} is shown`);
      for (const id of shown) check(await page.getByTestId(id).isVisible(), `${step}: ${id} is not shown`);
    }
    const ALL_PANELS = ['panel-funding', 'panel-locations', 'panel-utilisation', 'panel-alerts',
      'panel-escalations', 'panel-funnel', 'panel-outcomes', 'panel-perspective', 'panel-trends',
      'panel-report', 'panel-quality', 'panel-returns', 'panel-participation'];
    const except = (ids) => ALL_PANELS.filter((id) => !ids.includes(id));

    // 1. The sign-in form, in Dutch; an unknown token is refused with a message.
    await page.goto(`${base}/`);
    try {
      await page.getByTestId('token-input').waitFor({ state: 'visible', timeout: 10000 });
    } catch {
      throw new Failure('the page shows no sign-in form' +
        (DEV ? '' : ' (is the dashboard built into the server still the placeholder? Rebuild the ' +
          'server, or set PERSPECTIEF_DASHBOARD_DEV=1 to test api/dashboard/ directly)'));
    }
    await checkLanguage(page, 'nl', 'sign-in form', { signedIn: false });
    allowedHttp = [{ status: 401, path: /^\/v1\// }];
    await signIn(page, 'not-a-token');
    await page.getByTestId('sign-in-error').waitFor({ state: 'visible', timeout: 15000 });
    const refused = await page.getByTestId('sign-in-error').textContent();
    check(/niet geaccepteerd/i.test(refused), `unknown token: the message is "${refused}"`);
    check(!(await page.getByTestId('dashboard').isVisible()), 'unknown token: the dashboard is shown');
    let st = await storage(page);
    check(Object.keys(st.session).length === 0, 'unknown token: sessionStorage is not empty');
    checkLocal(st, 'unknown token');
    noProblems('unknown token');
    allowedHttp = [];
    log('the sign-in form is in Dutch; an unknown token is refused');

    // 2. Regie, today, in Dutch: every panel, the trends and report at their defaults.
    const all = ['occupancy', 'alerts', 'escalations', 'quality', 'utilisation', 'outcomes', 'funnel',
      'perspective', 'series', 'report', 'returns', 'participation'];
    await signIn(page, regie);
    await waitForFigures(page, today, 'regie, today');
    await checkLanguage(page, 'nl', 'regie, today', { headings: true });
    const role = await page.getByTestId('role');
    check((await role.getAttribute('data-role')) === 'regie',
      `regie: the role shown is ${await role.getAttribute('data-role')} ("${await role.textContent()}")`);
    check(/regie/i.test(await role.textContent()), 'regie: the role label does not say regie');
    check((await page.getByTestId('as-of').inputValue()) === today, 'regie: the date control is not today');
    check(!(await page.getByTestId('restricted-note').isVisible()), 'regie: a restricted note is shown');
    await checkPanels('regie', ALL_PANELS, []);
    await checkRange(page, today, 'regie, today', 'nl');
    let params = await pageParams(page);
    const defaults = seriesDefault(today);
    check(JSON.stringify(params.inputs) === JSON.stringify([defaults.from, defaults.to, reportDefault(today)]) &&
      params.seriesFrom === defaults.from && params.seriesTo === defaults.to &&
      params.reportMonth === reportDefault(today),
    `regie: the trends and report are not at their defaults: ${JSON.stringify(params)}`);
    checkRequested(today, 'regie, today', ['perspective', 'participation', 'returns', 'quality', 'series',
      'report'], params);
    const todayFigures = await compareWithApi(today, regie, all, 'regie, today', 'nl');
    check(todayFigures.size > 500, `regie: only ${todayFigures.size} figures`);
    // Dutch number forms on the page: thousands with ".", decimals with ",".
    check(/^\d{1,3}(\.\d{3})+$/.test(todayFigures.get('participation-resident-attendances')) &&
      /^\d+,\d\d%$/.test(todayFigures.get('utilisation-rate')),
    `regie: not Dutch number forms: ${todayFigures.get('participation-resident-attendances')}, ` +
      `${todayFigures.get('utilisation-rate')}`);
    log(`regie, as of ${today}, in Dutch: ${todayFigures.size} figures equal the API (trends ` +
      `${params.seriesFrom} to ${params.seriesTo}, report ${params.reportMonth})`);
    st = await storage(page);
    check(JSON.stringify(Object.values(st.session)) === JSON.stringify([regie]),
      'regie: sessionStorage does not hold exactly the token');
    checkLocal(st, 'regie');
    check(st.cookie === '' && (await context.cookies()).length === 0, 'regie: there are cookies');
    check(!st.url.includes(regie), 'regie: the token is in the URL');
    await checkNoPersonalData('regie, today');
    await screenshot('dashboard-regie.png');
    for (const id of ['panel-trends', 'panel-report', 'panel-quality', 'panel-returns']) {
      await page.getByTestId(id).screenshot({ path: path.join(outputDir, `dashboard-regie-${id}.png`) });
    }
    await checkNarrow('regie', 'dashboard-regie-narrow.png');
    noProblems('regie, today');

    // 2a. Other months for the trends and the report: only those panels change.
    const seriesFrom = addMonths(defaults.to, -5);
    await page.getByTestId('series-from').fill(seriesFrom);
    check(await waitUntil(page, (f) => {
      const v = document.querySelector('[data-testid="dashboard"]');
      return v.getAttribute('data-series-from') === f && v.getAttribute('data-status') === 'ready';
    }, seriesFrom, 30000), `trends: the months from ${seriesFrom} did not appear`);
    const reportMonth = addMonths(reportDefault(today), -3);
    await page.getByTestId('report-month').fill(reportMonth);
    check(await waitUntil(page, (m) => {
      const v = document.querySelector('[data-testid="dashboard"]');
      return v.getAttribute('data-report-month') === m && v.getAttribute('data-status') === 'ready';
    }, reportMonth, 30000), `report: the month ${reportMonth} did not appear`);
    params = await pageParams(page);
    check(params.seriesFrom === seriesFrom && params.seriesTo === defaults.to && params.reportMonth === reportMonth,
      `trends and report: the page holds ${JSON.stringify(params)}`);
    checkRequested(today, 'trends and report', ['series', 'report'], params);
    const monthsFigures = await compareWithApi(today, regie, all, 'regie, other months', 'nl');
    const seriesShown = [...monthsFigures.keys()].filter((id) => /^series-\d{4}-\d\d-inflow$/.test(id));
    check(seriesShown.length === 6, `trends: ${seriesShown.length} months shown, expected 6`);
    noProblems('trends and report');
    log(`trends ${seriesFrom} to ${defaults.to} and the report for ${reportMonth}: ` +
      `${monthsFigures.size} figures equal the API`);

    // 2b. The report's downloads: the JSON is the API's answer byte for byte, the CSV its leaves.
    const json = await downloadFrom(page, 'report-download-json');
    check(json.name === `perspectief-maandrapport-${reportMonth}.json`, `JSON download: named ${json.name}`);
    const report = JSON.parse(json.bytes.toString('utf8'));
    check(report.month === reportMonth && report.knownAt === params.reportKnownAt,
      `JSON download: month ${report.month}, knownAt ${report.knownAt}`);
    check(requests.some((u) => {
      const url = new URL(u);
      return url.pathname === '/v1/reports/monthly' && url.search === `?month=${reportMonth}`;
    }), `the page did not ask for /v1/reports/monthly?month=${reportMonth}`);
    const again = await fetch(`${base}/v1/reports/monthly?month=${reportMonth}&knownAt=${encodeURIComponent(report.knownAt)}`,
      { headers: { Authorization: `Bearer ${regie}` } });
    const againBytes = Buffer.from(await again.arrayBuffer());
    check(again.status === 200 && againBytes.equals(json.bytes),
      `JSON download: ${json.bytes.length} bytes, not those of the API's report (${again.status}, ` +
      `${againBytes.length} bytes)`);
    check(again.headers.get('etag') === `"${report.digest}"`, `JSON download: the ETag is ${again.headers.get('etag')}`);
    checkNoSecrets(json.bytes.toString('utf8'), 'the JSON download');
    const csv = await downloadFrom(page, 'report-download-csv');
    check(csv.name === `perspectief-maandrapport-${reportMonth}.csv`, `CSV download: named ${csv.name}`);
    const csvText = csv.bytes.toString('utf8');
    check(!/(^|[^\r])\n/.test(csvText), 'CSV download: a line ends without CR');
    const rows = parseCsv(csvText);
    check(JSON.stringify(rows[0]) === JSON.stringify(['figure', 'value']), `CSV download: the header is ${rows[0]}`);
    check(rows.every((r) => r.length === 2), 'CSV download: a row without exactly two fields');
    const leaves = jsonLeaves(report);
    const csvRows = new Map(rows.slice(1));
    check(csvRows.size === rows.length - 1, 'CSV download: a figure is listed twice');
    check(csvRows.size === leaves.length, `CSV download: ${csvRows.size} rows, the JSON has ${leaves.length} leaves`);
    for (const [figure, value] of leaves) {
      check(csvRows.get(figure) === value,
        `CSV download: ${figure} is "${csvRows.get(figure)}", the JSON has "${value}"`);
    }
    check(csvRows.get('occupancy.programme.occupied') === String(report.occupancy.programme.occupied) &&
      csvRows.has('occupancy.locations.0.locationId'), 'CSV download: the paths are not as expected');
    checkNoSecrets(csvText, 'the CSV download');
    noProblems('downloads');
    log(`the report downloads: the JSON equals the API's ${json.bytes.length} bytes; the CSV has its ` +
      `${leaves.length} figures`);

    // 3. About 200 days earlier: the trends and report go back to their defaults for it.
    await setDate(page, earlier);
    await waitForFigures(page, earlier, 'regie, earlier');
    await checkRange(page, earlier, 'regie, earlier', 'nl');
    params = await pageParams(page);
    check(params.seriesFrom === seriesDefault(earlier).from && params.reportMonth === reportDefault(earlier),
      `regie, earlier: the trends and report are not at their defaults: ${JSON.stringify(params)}`);
    checkRequested(earlier, 'regie, earlier', ['perspective', 'participation', 'returns', 'quality', 'series',
      'report'], params);
    const earlierFigures = await compareWithApi(earlier, regie, all, 'regie, earlier', 'nl');
    const changed = [...earlierFigures].filter(([id, text]) => todayFigures.get(id) !== text);
    check(changed.length >= 10, `regie: after the date change only ${changed.length} figures changed`);
    for (const id of ['kpi-occupied', 'utilisation-bed-nights']) {
      check(todayFigures.get(id) !== earlierFigures.get(id),
        `regie: ${id} did not change with the date (${todayFigures.get(id)})`);
    }
    await checkNoPersonalData('regie, earlier');
    noProblems('regie, earlier');
    log(`regie, as of ${earlier}: ${earlierFigures.size} figures equal the API, ${changed.length} changed`);

    // 4. A network error is reported, and "Opnieuw proberen" recovers.
    allowNetworkFailures = true;
    await page.route('**/v1/outcomes?*', (route) => route.abort('failed'));
    await page.getByTestId('today').click();
    check(await waitUntil(page, () => document.querySelector('[data-testid="dashboard"]')
      .getAttribute('data-status') === 'error', null, 30000), 'network error: the page shows no error');
    const errorText = await page.getByTestId('error').textContent();
    check(/niet worden geladen/i.test(errorText) && /niet bereikbaar/.test(errorText) &&
      /uitstroomresultaten/.test(errorText), `network error: the message is "${errorText.trim()}"`);
    check(await page.getByTestId('error').isVisible(), 'network error: no message shown');
    await page.unroute('**/v1/outcomes?*');
    allowNetworkFailures = false;
    await page.getByTestId('retry').click();
    await waitForFigures(page, today, 'after a network error');
    check(!(await page.getByTestId('error').isVisible()), 'after a retry the error is still shown');
    await compareWithApi(today, regie, all, 'after a retry', 'nl');
    noProblems('network error');
    log('a network error is reported in Dutch; "Opnieuw proberen" recovers');

    // 5. English: the same figures in English forms, kept over a reload and a new sign-in.
    const requestsBefore = requestCount;
    await setLanguage(page, 'en');
    await checkLanguage(page, 'en', 'regie, English', { headings: true });
    check(requestCount === requestsBefore, 'English: switching the language asked the server again');
    await checkRange(page, today, 'regie, English', 'en');
    const english = await compareWithApi(today, regie, all, 'regie, English', 'en');
    check(/^\d{1,3}(,\d{3})+$/.test(english.get('participation-resident-attendances')) &&
      /^\d+\.\d\d%$/.test(english.get('utilisation-rate')),
    `English: not English number forms: ${english.get('participation-resident-attendances')}, ` +
      `${english.get('utilisation-rate')}`);
    check(/coordination group/.test(await page.getByTestId('role').textContent()), 'English: the role label');
    st = await storage(page);
    checkLocal(st, 'English', 'en');
    await screenshot('dashboard-regie-en.png');
    for (const id of ['panel-trends', 'panel-report', 'panel-quality']) {
      await page.getByTestId(id).screenshot({ path: path.join(outputDir, `dashboard-regie-en-${id}.png`) });
    }
    await checkNarrow('regie, English', 'dashboard-regie-en-narrow.png');
    await page.reload();
    await waitForFigures(page, today, 'English, reloaded');
    await checkLanguage(page, 'en', 'English, reloaded');
    const reloaded = await compareWithApi(today, regie, all, 'English, reloaded', 'en');
    st = await storage(page);
    checkLocal(st, 'English, reloaded', 'en');
    check(JSON.stringify(Object.values(st.session)) === JSON.stringify([regie]),
      'English, reloaded: sessionStorage does not hold exactly the token');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('token-input').waitFor({ state: 'visible', timeout: 5000 });
    await checkLanguage(page, 'en', 'English, signed out', { signedIn: false });
    check(/signed out/.test(await page.getByTestId('sign-in-error').textContent()), 'English: the sign-out message');
    await signIn(page, regie);
    await waitForFigures(page, today, 'English, signed in again');
    await checkLanguage(page, 'en', 'English, signed in again');
    await checkNoPersonalData('English');
    noProblems('English');
    log(`English: html lang en, ${english.size} figures equal the API in en-GB forms; kept after a reload ` +
      `(${reloaded.size} figures) and a new sign-in`);

    // Back to Dutch.
    await setLanguage(page, 'nl');
    await checkLanguage(page, 'nl', 'back to Dutch', { headings: true });
    await compareWithApi(today, regie, all, 'back to Dutch', 'nl');
    checkLocal(await storage(page), 'back to Dutch', 'nl');
    noProblems('back to Dutch');
    log('back to Dutch: every figure equals the API again');

    // 6. Sign-out forgets the token and the figures; only the language stays.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('token-input').waitFor({ state: 'visible', timeout: 5000 });
    st = await storage(page);
    check(Object.keys(st.session).length === 0, 'sign-out: sessionStorage is not empty');
    checkLocal(st, 'sign-out', 'nl');
    check(/uitgelogd/.test(await page.getByTestId('sign-in-error').textContent()), 'sign-out: the message');
    const visibleAfter = (await pageFigures(page)).filter((f) => f.visible || f.text !== '');
    check(visibleAfter.length === 0, `sign-out: ${visibleAfter.length} figures are still on the page`);
    noProblems('sign-out');
    log('sign-out clears sessionStorage and the figures');

    // 7. A 401 while signed in (token revoked) leads back to the sign-in form.
    await signIn(page, regie);
    await waitForFigures(page, today, 'regie again');
    allowedHttp = [{ status: 401, path: /^\/v1\/occupancy$/ }];
    await page.route('**/v1/occupancy?*', (route) => route.fulfill({
      status: 401, contentType: 'application/problem+json', headers: { 'WWW-Authenticate': 'Bearer' },
      body: JSON.stringify({ type: 'urn:perspectief:problem:unauthorized',
        title: 'A valid bearer token is required', status: 401 }),
    }));
    await setDate(page, earlier);
    await page.getByTestId('sign-in-error').waitFor({ state: 'visible', timeout: 15000 });
    const ended = await page.getByTestId('sign-in-error').textContent();
    check(/log opnieuw in/i.test(ended), `401: the message is "${ended}"`);
    st = await storage(page);
    check(Object.keys(st.session).length === 0, '401: sessionStorage still holds the token');
    await page.unroute('**/v1/occupancy?*');
    noProblems('401');
    allowedHttp = [];
    log('a 401 signs out with a message');

    // 8. The researcher: trends, report and returns; no alerts, escalations or data quality.
    for (const p of ['/v1/alerts/stay-duration', '/v1/escalations', '/v1/data-quality']) {
      const r = await api(p, researcher);
      check(r.status === 403, `the API gives the researcher ${r.status} for ${p}`);
    }
    allowedHttp = [{ status: 403, path: /^\/v1\/(alerts\/stay-duration|escalations|data-quality|access-log)$/ }];
    await page.reload();
    await page.getByTestId('token-input').waitFor({ state: 'visible', timeout: 10000 });
    await signIn(page, researcher);
    await waitForFigures(page, today, 'researcher, today');
    check((await page.getByTestId('role').getAttribute('data-role')) === 'researcher',
      `researcher: the role shown is "${await page.getByTestId('role').textContent()}"`);
    const researcherHidden = ['panel-alerts', 'panel-escalations', 'panel-quality'];
    await checkPanels('researcher', except(researcherHidden), researcherHidden);
    const note = await page.getByTestId('restricted-note');
    check(await note.isVisible(), 'researcher: no note on the hidden panels');
    const noteText = await note.textContent();
    check(/onderzoeker/.test(noteText) && /signalen verblijfsduur/.test(noteText) && /escalaties/.test(noteText) &&
      /datakwaliteit/.test(noteText), `researcher: the note says "${noteText}"`);
    const researcherModels = ['occupancy', 'utilisation', 'outcomes', 'funnel', 'perspective', 'series', 'report',
      'returns', 'participation'];
    params = await pageParams(page);
    checkRequested(today, 'researcher, today', ['perspective', 'participation', 'returns', 'series', 'report'], params);
    const rToday = await compareWithApi(today, researcher, researcherModels, 'researcher, today', 'nl');
    st = await storage(page);
    check(JSON.stringify(Object.values(st.session)) === JSON.stringify([researcher]),
      'researcher: sessionStorage does not hold exactly the token');
    checkLocal(st, 'researcher', 'nl');
    await checkLanguage(page, 'nl', 'researcher, today');
    await checkNoPersonalData('researcher, today');
    await screenshot('dashboard-researcher.png');
    noProblems('researcher, today');
    await setLanguage(page, 'en');
    const noteEn = await note.textContent();
    check(/researcher/.test(noteEn) && /stay-duration alerts/.test(noteEn) && /escalations/.test(noteEn) &&
      /data quality/.test(noteEn), `researcher, English: the note says "${noteEn}"`);
    await checkLanguage(page, 'en', 'researcher, English');
    await compareWithApi(today, researcher, researcherModels, 'researcher, English', 'en');
    await setLanguage(page, 'nl');
    allowedHttp = [];
    await setDate(page, earlier);
    await waitForFigures(page, earlier, 'researcher, earlier');
    params = await pageParams(page);
    checkRequested(earlier, 'researcher, earlier', ['perspective', 'participation', 'series', 'report'], params);
    const rEarlier = await compareWithApi(earlier, researcher, researcherModels, 'researcher, earlier', 'nl');
    noProblems('researcher, earlier');
    log(`researcher: alerts, escalations and data quality hidden; ${rToday.size} figures (today, also in ` +
      `English) and ${rEarlier.size} (${earlier}) equal the API`);

    // 9. The participation role may read only /v1/participation: that panel alone is shown.
    const forbidden = ['/v1/occupancy', '/v1/alerts/stay-duration', '/v1/escalations', '/v1/utilisation',
      '/v1/outcomes', '/v1/intake-funnel', '/v1/perspective', '/v1/series', '/v1/reports/monthly?month=2026-01',
      '/v1/data-quality', '/v1/returns'];
    for (const p of forbidden) {
      const r = await api(p, participant);
      check(r.status === 403, `the API gives the participation role ${r.status} for ${p}`);
    }
    allowedHttp = [{ status: 403, path: /^\/v1\/(occupancy|alerts\/stay-duration|escalations|utilisation|outcomes|intake-funnel|perspective|series|reports\/monthly|data-quality|returns|access-log)$/ }];
    await page.getByTestId('sign-out').click();
    await page.getByTestId('token-input').waitFor({ state: 'visible', timeout: 5000 });
    await signIn(page, participant);
    await waitForFigures(page, today, 'participation, today');
    check((await page.getByTestId('role').getAttribute('data-role')) === 'participation',
      `participation: the role shown is "${await page.getByTestId('role').textContent()}"`);
    await checkPanels('participation', ['panel-participation'], except(['panel-participation']));
    checkRequested(today, 'participation, today', ['participation']);
    const pToday = await compareWithApi(today, participant, ['participation'], 'participation, today', 'nl');
    await checkLanguage(page, 'nl', 'participation, today');
    await checkNoPersonalData('participation, today');
    await screenshot('dashboard-participation.png');
    noProblems('participation, today');
    allowedHttp = [];
    log(`participation role: only the participation panel; ${pToday.size} figures equal the API`);

    // 10. Intake: data quality and returns, not the trends or the report.
    allowedHttp = [{ status: 403, path: /^\/v1\/(series|reports\/monthly|access-log)$/ }];
    await page.getByTestId('sign-out').click();
    await page.getByTestId('token-input').waitFor({ state: 'visible', timeout: 5000 });
    await signIn(page, intake);
    await waitForFigures(page, today, 'intake, today');
    check((await page.getByTestId('role').getAttribute('data-role')) === 'intake',
      `intake: the role shown is "${await page.getByTestId('role').textContent()}"`);
    const intakeHidden = ['panel-trends', 'panel-report'];
    await checkPanels('intake', except(intakeHidden), intakeHidden);
    const intakeModels = all.filter((m) => !['series', 'report'].includes(m));
    const iToday = await compareWithApi(today, intake, intakeModels, 'intake, today', 'nl');
    await checkLanguage(page, 'nl', 'intake, today');
    await checkNoPersonalData('intake, today');
    noProblems('intake, today');
    allowedHttp = [];
    log(`intake: data quality shown, trends and report hidden; ${iToday.size} figures equal the API`);

    // 11. Housing: occupancy and its own residents' alerts only.
    allowedHttp = [{ status: 403, path: /^\/v1\/(escalations|utilisation|outcomes|intake-funnel|perspective|series|reports\/monthly|data-quality|returns|participation|access-log)$/ }];
    await page.getByTestId('sign-out').click();
    await page.getByTestId('token-input').waitFor({ state: 'visible', timeout: 5000 });
    await signIn(page, housing);
    await waitForFigures(page, today, 'housing, today');
    check((await page.getByTestId('role').getAttribute('data-role')) === 'housing',
      `housing: the role shown is "${await page.getByTestId('role').textContent()}"`);
    const housingShown = ['panel-funding', 'panel-locations', 'panel-alerts'];
    await checkPanels('housing', housingShown, except(housingShown));
    const hToday = await compareWithApi(today, housing, ['occupancy', 'alerts'], 'housing, today', 'nl');
    await checkLanguage(page, 'nl', 'housing, today');
    await checkNoPersonalData('housing, today');
    noProblems('housing, today');
    allowedHttp = [];
    log(`housing: occupancy and alerts only; ${hToday.size} figures equal the API`);

    await browser.close();
    browser = null;

    const exit = await stopServer();
    check(exit && exit.code === 0, `the server exited with ${JSON.stringify(exit)} after SIGTERM`);
    log('the server stopped with exit 0');
    log(`screenshots in ${outputDir}`);
    log('PASS');
    return 0;
  } catch (err) {
    process.stderr.write(`dashboard_test: FAIL: ${err instanceof Failure ? err.message : err.stack}\n`);
    if (problems.length > 0) process.stderr.write(`  browser problems:\n  ${problems.join('\n  ')}\n`);
    if (page) {
      await page.screenshot({ path: path.join(outputDir, 'dashboard-failure.png'), fullPage: true })
        .catch(() => {});
    }
    if (requests.length > 0) {
      process.stderr.write(`  the browser's last requests:\n  ${requests.slice(-15).join('\n  ')}\n`);
    }
    if (serverErr.length > 0) {
      process.stderr.write(`  server stderr (last lines):\n  ${serverErr.slice(-8).join('\n  ')}\n`);
    }
    return 1;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await Promise.race([serverExit, new Promise((r) => setTimeout(r, 10000))]);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }
    await rm(tmp, { recursive: true, force: true });
  }
}

process.exit(await main());
