#!/usr/bin/env node
// The dashboard (api/dashboard/) in a real browser, against a real server.
//
//   node tests/js/dashboard_test.mjs SERVER_BIN TOOL_BIN SOURCE_DIR OUTPUT_DIR
//
// Fills a store with `TOOL_BIN demo --cases 300 --years 2 --seed 3`, starts SERVER_BIN on a
// free port with a regie, a researcher and a participation token, and drives headless
// Chromium (playwright-core, Debian's /usr/bin/chromium or $CHROMIUM) through the page:
// sign-in, every figure (the perspective and participation panels included) compared with
// the API for the same asOf/from/to/admittedFrom/admittedTo, a date about 200 days earlier,
// network errors, a 401, sign-out, the researcher's view with the panels it may not see
// hidden, and the participation role's view with only the participation panel. Fails on
// any console error, page error or Content-Security-Policy violation that the step does not
// expect. Saves screenshots to OUTPUT_DIR. Stops the server
// with SIGTERM and expects exit 0. Exit 0 on pass, 1 on failure.
//
// The page is served from the files built into the server binary. With
// PERSPECTIEF_DASHBOARD_DEV=1 the server is given --dashboard-dir SOURCE_DIR/api/dashboard
// instead, for working on the page without a rebuild.

import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
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

// The read models the page shows, with the page's parameters for the chosen day.
async function readModels(date, token, models) {
  const from = twelveMonthsBefore(date);
  const urls = {
    occupancy: `/v1/occupancy?asOf=${date}`,
    alerts: `/v1/alerts/stay-duration?asOf=${date}`,
    escalations: `/v1/escalations?asOf=${date}&status=open`,
    utilisation: `/v1/utilisation?from=${from}&to=${date}`,
    outcomes: `/v1/outcomes?from=${from}&to=${date}`,
    funnel: `/v1/intake-funnel?from=${from}&to=${date}`,
    perspective: `/v1/perspective?asOf=${date}&admittedFrom=${from}&admittedTo=${date}`,
    participation: `/v1/participation?from=${from}&to=${date}`,
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
  return e;
}

// ---------------------------------------------------------------------------------------
// Browser

const problems = [];
const requests = []; // the browser's last requests, for the failure report
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
    if (requests.length > 40) requests.shift();
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

function parseShown(text) {
  if (text === '–' || text === NONE) return text;
  const cleaned = text.replace(/[,\s\u00a0\u202f%]/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return NaN;
  return Number(cleaned);
}

// Every expected figure is shown with the API's value, and every figure shown is expected.
async function compareFigures(page, expected, step) {
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
    const got = parseShown(seen.get(id));
    const equal = typeof want === 'string' ? got === want : typeof got === 'number' &&
      Math.abs(got - want) < 1e-9;
    if (!equal) errors.push(`${id}: the page shows "${seen.get(id)}", the API has ${want}`);
  }
  for (const id of seen.keys()) {
    if (!expected.has(id)) errors.push(`${id}: shown ("${seen.get(id)}") but not checked against the API`);
  }
  check(errors.length === 0, `${step}: ${errors.length} figure(s) differ from the API:\n  ${errors.join('\n  ')}`);
  return new Map([...seen].map(([id, text]) => [id, text]));
}

// The page asked for the perspective and participation read models with the parameters of
// the chosen day: asOf = the day and the cases admitted in the 12 months up to it; the
// participation range the same 12 months.
function checkRequested(date, step, models = ['perspective', 'participation']) {
  const from = twelveMonthsBefore(date);
  const want = {
    perspective: ['/v1/perspective', { asOf: date, admittedFrom: from, admittedTo: date }],
    participation: ['/v1/participation', { from, to: date }],
  };
  for (const m of models) {
    const [pathname, params] = want[m];
    const found = requests.some((u) => {
      const url = new URL(u);
      return url.pathname === pathname &&
        JSON.stringify(Object.fromEntries(url.searchParams)) === JSON.stringify(params);
    });
    check(found, `${step}: the page did not ask for ${pathname} with ${JSON.stringify(params)}`);
  }
}

async function checkRange(page, date, step) {
  const got = await page.evaluate(() => ['range-as-of', 'range-from', 'range-to'].map((id) =>
    document.querySelector(`[data-testid="${id}"]`).getAttribute('datetime')));
  const want = [date, twelveMonthsBefore(date), date];
  check(JSON.stringify(got) === JSON.stringify(want),
    `${step}: the page states the range ${got.join(', ')}, expected ${want.join(', ')}`);
}

async function signIn(page, token) {
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('sign-in-button').click();
}

async function setDate(page, date) {
  await page.getByTestId('as-of').fill(date);
}

async function storage(page) {
  return page.evaluate(() => ({
    session: Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage.getItem(k)])),
    local: localStorage.length,
    cookie: document.cookie,
    url: location.href,
  }));
}

// ---------------------------------------------------------------------------------------

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
    await writeFile(path.join(tmp, 'tokens.json'), JSON.stringify([
      { token: regie, subject: 'regie-test', organisation: 'regiegroep', role: 'regie' },
      { token: researcher, subject: 'research-test', organisation: 'uva', role: 'researcher' },
      { token: participant, subject: 'participation-test', organisation: 'boost', role: 'participation' },
    ]), { mode: 0o600 });

    base = await startServer(tmp);
    log(`server at ${base}`);

    // The page and its files carry the strict policy.
    for (const file of ['/', '/dashboard/app.js', '/dashboard/app.css']) {
      const res = await fetch(base + file);
      check(res.status === 200, `GET ${file} answered ${res.status}`);
      check(res.headers.get('content-security-policy') === CSP,
        `GET ${file}: Content-Security-Policy is "${res.headers.get('content-security-policy')}"`);
      await res.arrayBuffer();
    }

    const today = todayUtc();
    const earlier = daysBefore(today, 200);

    // What a page must never show: case ids, case managers, and the alerts' and escalations'
    // cases at both dates.
    const secrets = new Set();
    const cases = await apiOk('/v1/cases?limit=50', regie);
    check(cases.cases.length === 50, `/v1/cases?limit=50 gave ${cases.cases.length} cases`);
    for (const c of cases.cases) {
      secrets.add(c.caseId);
      if (c.caseManager) secrets.add(c.caseManager);
    }
    for (const d of [today, earlier]) {
      const m = await readModels(d, regie, ['alerts', 'escalations']);
      for (const a of m.alerts.alerts) secrets.add(a.caseId);
      for (const x of m.escalations.escalations) secrets.add(x.caseId);
    }
    const secretRes = [...secrets].map((s) => [s, new RegExp(`(^|[^A-Za-z0-9_-])${s}([^A-Za-z0-9_-]|$)`)]);
    async function checkNoPersonalData(step) {
      const html = await page.content();
      const text = await page.evaluate(() => document.body.innerText);
      for (const [s, re] of secretRes) {
        check(!re.test(html) && !re.test(text), `${step}: the page contains the case data "${s}"`);
      }
      check(!html.includes(regie) && !html.includes(researcher) && !html.includes(participant),
        `${step}: the page contains a token`);
    }

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    const context = await browser.newContext({
      viewport: { width: 1360, height: 900 }, locale: 'en-GB', timezoneId: 'UTC',
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

    // 1. The sign-in form; an unknown token is refused with a message.
    await page.goto(`${base}/`);
    try {
      await page.getByTestId('token-input').waitFor({ state: 'visible', timeout: 10000 });
    } catch {
      throw new Failure('the page shows no sign-in form' +
        (DEV ? '' : ' (is the dashboard built into the server still the placeholder? Rebuild the ' +
          'server, or set PERSPECTIEF_DASHBOARD_DEV=1 to test api/dashboard/ directly)'));
    }
    allowedHttp = [{ status: 401, path: /^\/v1\// }];
    await signIn(page, 'not-a-token');
    await page.getByTestId('sign-in-error').waitFor({ state: 'visible', timeout: 15000 });
    const refused = await page.getByTestId('sign-in-error').textContent();
    check(/not accepted/i.test(refused), `unknown token: the message is "${refused}"`);
    check(!(await page.getByTestId('dashboard').isVisible()), 'unknown token: the dashboard is shown');
    let st = await storage(page);
    check(Object.keys(st.session).length === 0, 'unknown token: sessionStorage is not empty');
    noProblems('unknown token');
    allowedHttp = [];
    log('an unknown token is refused');

    // 2. Regie, today.
    await signIn(page, regie);
    await waitForFigures(page, today, 'regie, today');
    const role = await page.getByTestId('role');
    check((await role.getAttribute('data-role')) === 'regie',
      `regie: the role shown is ${await role.getAttribute('data-role')} ("${await role.textContent()}")`);
    check(/regie/i.test(await role.textContent()), 'regie: the role label does not say regie');
    check((await page.getByTestId('as-of').inputValue()) === today, 'regie: the date control is not today');
    check(!(await page.getByTestId('restricted-note').isVisible()), 'regie: a restricted note is shown');
    await checkRange(page, today, 'regie, today');
    const all = ['occupancy', 'alerts', 'escalations', 'utilisation', 'outcomes', 'funnel', 'perspective',
      'participation'];
    checkRequested(today, 'regie, today');
    const todayFigures = await compareFigures(page, expectedFigures(await readModels(today, regie, all)),
      'regie, today');
    log(`regie, as of ${today}: ${todayFigures.size} figures equal the API`);
    st = await storage(page);
    check(JSON.stringify(Object.values(st.session)) === JSON.stringify([regie]),
      'regie: sessionStorage does not hold exactly the token');
    check(st.local === 0, `regie: localStorage holds ${st.local} item(s)`);
    check(st.cookie === '' && (await context.cookies()).length === 0, 'regie: there are cookies');
    check(!st.url.includes(regie), 'regie: the token is in the URL');
    await checkNoPersonalData('regie, today');
    await page.evaluate(() => {
      for (const d of document.querySelectorAll('details')) d.open = false;
    });
    await page.screenshot({ path: path.join(outputDir, 'dashboard-regie.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(outputDir, 'dashboard-regie-narrow.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth -
      document.documentElement.clientWidth);
    check(overflow <= 0, `regie: at 390 px wide the page scrolls sideways by ${overflow} px`);
    await page.setViewportSize({ width: 1360, height: 900 });
    noProblems('regie, today');

    // 3. About 200 days earlier.
    await setDate(page, earlier);
    await waitForFigures(page, earlier, 'regie, earlier');
    await checkRange(page, earlier, 'regie, earlier');
    checkRequested(earlier, 'regie, earlier');
    const earlierFigures = await compareFigures(page,
      expectedFigures(await readModels(earlier, regie, all)), 'regie, earlier');
    const changed = [...earlierFigures].filter(([id, text]) => todayFigures.get(id) !== text);
    check(changed.length >= 10, `regie: after the date change only ${changed.length} figures changed`);
    for (const id of ['kpi-occupied', 'utilisation-bed-nights']) {
      check(todayFigures.get(id) !== earlierFigures.get(id),
        `regie: ${id} did not change with the date (${todayFigures.get(id)})`);
    }
    await checkNoPersonalData('regie, earlier');
    noProblems('regie, earlier');
    log(`regie, as of ${earlier}: ${earlierFigures.size} figures equal the API, ${changed.length} changed`);

    // 4. A network error is reported, and "Try again" recovers.
    allowNetworkFailures = true;
    await page.route('**/v1/outcomes?*', (route) => route.abort('failed'));
    await page.getByTestId('today').click();
    check(await waitUntil(page, () => document.querySelector('[data-testid="dashboard"]')
      .getAttribute('data-status') === 'error', null, 30000), 'network error: the page shows no error');
    const errorText = await page.getByTestId('error').textContent();
    check(/could not be (loaded|reached)/i.test(errorText) && /outcomes/.test(errorText),
      `network error: the message is "${errorText.trim()}"`);
    check(await page.getByTestId('error').isVisible(), 'network error: no message shown');
    await page.unroute('**/v1/outcomes?*');
    allowNetworkFailures = false;
    await page.getByTestId('retry').click();
    await waitForFigures(page, today, 'after a network error');
    check(!(await page.getByTestId('error').isVisible()), 'after a retry the error is still shown');
    await compareFigures(page, expectedFigures(await readModels(today, regie, all)), 'after a retry');
    noProblems('network error');
    log('a network error is reported; "Try again" recovers');

    // 5. Sign-out forgets the token and the figures.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('token-input').waitFor({ state: 'visible', timeout: 5000 });
    st = await storage(page);
    check(Object.keys(st.session).length === 0 && st.local === 0, 'sign-out: storage is not empty');
    const visibleAfter = (await pageFigures(page)).filter((f) => f.visible || f.text !== '');
    check(visibleAfter.length === 0, `sign-out: ${visibleAfter.length} figures are still on the page`);
    noProblems('sign-out');
    log('sign-out clears sessionStorage and the figures');

    // 6. A 401 while signed in (token revoked) leads back to the sign-in form.
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
    check(/sign in again/i.test(ended), `401: the message is "${ended}"`);
    st = await storage(page);
    check(Object.keys(st.session).length === 0, '401: sessionStorage still holds the token');
    await page.unroute('**/v1/occupancy?*');
    noProblems('401');
    allowedHttp = [];
    log('a 401 signs out with a message');

    // 7. The researcher: no alerts or escalations, the rest equal to the API.
    for (const p of ['/v1/alerts/stay-duration', '/v1/escalations']) {
      const r = await api(p, researcher);
      check(r.status === 403, `the API gives the researcher ${r.status} for ${p}`);
    }
    allowedHttp = [{ status: 403, path: /^\/v1\/(alerts\/stay-duration|escalations|access-log)$/ }];
    await page.reload();
    await page.getByTestId('token-input').waitFor({ state: 'visible', timeout: 10000 });
    await signIn(page, researcher);
    await waitForFigures(page, today, 'researcher, today');
    check((await page.getByTestId('role').getAttribute('data-role')) === 'researcher',
      `researcher: the role shown is "${await page.getByTestId('role').textContent()}"`);
    for (const id of ['panel-alerts', 'panel-escalations']) {
      check(!(await page.getByTestId(id).isVisible()), `researcher: ${id} is shown`);
    }
    for (const id of ['panel-funding', 'panel-locations', 'panel-utilisation', 'panel-funnel', 'panel-outcomes',
      'panel-perspective', 'panel-participation']) {
      check(await page.getByTestId(id).isVisible(), `researcher: ${id} is not shown`);
    }
    const note = await page.getByTestId('restricted-note');
    check(await note.isVisible(), 'researcher: no note on the hidden panels');
    const noteText = await note.textContent();
    check(/stay-duration alerts/.test(noteText) && /escalations/.test(noteText),
      `researcher: the note says "${noteText}"`);
    const researcherModels = ['occupancy', 'utilisation', 'outcomes', 'funnel', 'perspective', 'participation'];
    checkRequested(today, 'researcher, today');
    const rToday = await compareFigures(page,
      expectedFigures(await readModels(today, researcher, researcherModels)), 'researcher, today');
    st = await storage(page);
    check(JSON.stringify(Object.values(st.session)) === JSON.stringify([researcher]) && st.local === 0,
      'researcher: storage is not as expected');
    await checkNoPersonalData('researcher, today');
    await page.evaluate(() => {
      for (const d of document.querySelectorAll('details')) d.open = false;
    });
    await page.screenshot({ path: path.join(outputDir, 'dashboard-researcher.png'), fullPage: true });
    noProblems('researcher, today');
    allowedHttp = [];
    await setDate(page, earlier);
    await waitForFigures(page, earlier, 'researcher, earlier');
    checkRequested(earlier, 'researcher, earlier');
    const rEarlier = await compareFigures(page,
      expectedFigures(await readModels(earlier, researcher, researcherModels)), 'researcher, earlier');
    noProblems('researcher, earlier');
    log(`researcher: alerts and escalations hidden; ${rToday.size} figures (today) and ` +
      `${rEarlier.size} (${earlier}) equal the API`);

    // 8. The participation role may read only /v1/participation: that panel alone is shown.
    const forbidden = ['/v1/occupancy', '/v1/alerts/stay-duration', '/v1/escalations', '/v1/utilisation',
      '/v1/outcomes', '/v1/intake-funnel', '/v1/perspective'];
    for (const p of forbidden) {
      const r = await api(p, participant);
      check(r.status === 403, `the API gives the participation role ${r.status} for ${p}`);
    }
    allowedHttp = [{ status: 403, path: /^\/v1\/(occupancy|alerts\/stay-duration|escalations|utilisation|outcomes|intake-funnel|perspective|access-log)$/ }];
    await page.getByTestId('sign-out').click();
    await page.getByTestId('token-input').waitFor({ state: 'visible', timeout: 5000 });
    await signIn(page, participant);
    await waitForFigures(page, today, 'participation, today');
    check((await page.getByTestId('role').getAttribute('data-role')) === 'participation',
      `participation: the role shown is "${await page.getByTestId('role').textContent()}"`);
    for (const id of ['panel-funding', 'panel-locations', 'panel-utilisation', 'panel-alerts',
      'panel-escalations', 'panel-funnel', 'panel-outcomes', 'panel-perspective']) {
      check(!(await page.getByTestId(id).isVisible()), `participation: ${id} is shown`);
    }
    check(await page.getByTestId('panel-participation').isVisible(), 'participation: the panel is not shown');
    checkRequested(today, 'participation, today', ['participation']);
    const pToday = await compareFigures(page,
      expectedFigures(await readModels(today, participant, ['participation'])), 'participation, today');
    await checkNoPersonalData('participation, today');
    await page.evaluate(() => {
      for (const d of document.querySelectorAll('details')) d.open = false;
    });
    await page.screenshot({ path: path.join(outputDir, 'dashboard-participation.png'), fullPage: true });
    noProblems('participation, today');
    allowedHttp = [];
    log(`participation role: only the participation panel; ${pToday.size} figures equal the API`);

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
