// Keeps docs/api-guide.md true: runs every request of the guide against a fresh server and
// compares each answer with the one the guide shows.
//
//   node tests/js/api_guide_test.mjs SERVER_BIN SOURCE_DIR            check (exit 0 / 1)
//   node tests/js/api_guide_test.mjs SERVER_BIN SOURCE_DIR --update   rewrite the answers
//
// The guide's convention (stated at its top): a ```sh block whose text starts with
// `curl -si` is a request; the very next fenced block, an ```http block, is its answer:
// the status line, some headers, a blank line, the JSON body. The tokens file is the
// heredoc `cat > "$GUIDE/tokens.json" <<'JSON' ... JSON` of the guide's setup block. An
// answer without a body (204) is the status line and headers alone.
//
// The test starts the server on 127.0.0.1:0 with a temporary data and keys directory, the
// guide's tokens and the `--webhook-*` flags of the guide's server command, runs each request with /bin/sh (BASE set to the server's address), in
// order, and compares:
//   - the status line, exactly;
//   - each header the guide shows, exactly; and the guide must show ETag exactly when the
//     server sends it;
//   - the JSON body: same values, same keys in the same order, same array lengths, except
//     the values in VARYING below.
// With --update it writes the answers it got into the guide instead (review the diff).

import {execFile, spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// The only values that may differ between the guide and a run, by key name. A rule applies
// when the guide's value matches `re` (so a case id or case manager name the client chose
// is compared exactly) and, for `clientMayGive`, when that value appears in none of the
// guide's requests (an eventId or occurredAt the client sent is compared exactly). The
// server's value must match `re` as well, and stay consistent both ways: where the guide
// repeats a value (the same event read again), the run must repeat its value, and where
// the guide has different values, so must the run.
const VARYING = [
  // assigned by the server when the client sends none; a UUID-shaped hash in the research feed
  {key: 'eventId', re: UUID, clientMayGive: true},
  // the server's clock at the commit
  {key: 'recordedAt', re: TIME},
  // the server's clock, for an event sent without occurredAt (the erasure)
  {key: 'occurredAt', re: TIME, clientMayGive: true},
  // the access log: the server's clock at the read
  {key: 'at', re: TIME},
  // a read model's knownAt when the request gives none: the server's clock at the read
  {key: 'knownAt', re: TIME},
  // research feed pseudonyms (keyed by the research key made at the server's first start)
  {key: 'stream', re: /^case-[0-9a-f]{32}$/},
  {key: 'caseManager', re: /^cm-[0-9a-f]{16}$/},
  // a webhook subscription's signing secret: random
  {key: 'secret', re: /^whsec_[A-Za-z0-9+/]{43}=$/},
  // the monthly report's SHA-256, of a body holding a knownAt that varies (its ETag is the
  // same digest: checkStep compares that header with the body's digest)
  {key: 'digest', re: /^[0-9a-f]{64}$/},
];
// Headers --update writes into the guide (Content-Type only for errors).
const SHOWN_HEADERS = ['ETag', 'Allow', 'WWW-Authenticate'];

const args = process.argv.slice(2);
const update = args.includes('--update');
const [serverBin, sourceDir] = args.filter((a) => a !== '--update');
if (!serverBin || !sourceDir) {
  console.error('usage: node api_guide_test.mjs SERVER_BIN SOURCE_DIR [--update]');
  process.exit(2);
}
const guidePath = path.join(sourceDir, 'docs', 'api-guide.md');

// ---- the guide ----

function parseGuide(text) {
  const lines = text.split('\n');
  const blocks = [];
  let heading = '(before the first heading)';
  for (let i = 0; i < lines.length; ++i) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (open) {
      let j = i + 1;
      while (j < lines.length && !/^```\s*$/.test(lines[j])) ++j;
      if (j === lines.length) throw new Error(`guide line ${i + 1}: unclosed code block`);
      blocks.push({lang: open[1], start: i, end: j, text: lines.slice(i + 1, j).join('\n'), heading});
      i = j;
    } else if (/^#{1,6} /.test(lines[i])) {
      heading = lines[i].replace(/^#+ /, '');
    }
  }
  const steps = [];
  for (let b = 0; b < blocks.length; ++b) {
    const block = blocks[b];
    if (block.lang === 'http') {
      const prev = blocks[b - 1];
      if (!prev || prev.lang !== 'sh' || !prev.text.startsWith('curl ')) {
        throw new Error(`guide line ${block.start + 1}: an http block must follow a curl sh block`);
      }
      continue;
    }
    if (block.lang !== 'sh' || !/^curl\s/.test(block.text)) continue;
    if (!block.text.startsWith('curl -si ')) {
      throw new Error(`guide line ${block.start + 1}: a request must start with "curl -si "`);
    }
    const answer = blocks[b + 1];
    if (!answer || answer.lang !== 'http') {
      throw new Error(`guide line ${block.start + 1}: a curl block must be followed by an http block`);
    }
    steps.push({n: steps.length + 1, heading: block.heading, line: block.start + 1,
                command: block.text, answer});
  }
  const tokens = /cat > "\$GUIDE\/tokens\.json" <<'JSON'\n([\s\S]*?)\nJSON\n/.exec(text);
  if (!tokens) throw new Error('guide: no tokens heredoc (cat > "$GUIDE/tokens.json" <<\'JSON\')');
  JSON.parse(tokens[1]);
  return {lines, steps, tokens: tokens[1], serverFlags: webhookFlags(text)};
}

// The `--webhook-*` flags (with their values) of the guide's server command.
function webhookFlags(text) {
  const command = /^build\/release\/services\/perspectief-server ([^&]*)&$/m.exec(text);
  if (!command) throw new Error('guide: no server command (build/release/services/perspectief-server ... &)');
  const words = command[1].replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean);
  const flags = [];
  for (let i = 0; i < words.length; ++i) {
    if (!words[i].startsWith('--webhook-')) continue;
    flags.push(words[i]);
    if (i + 1 < words.length && !words[i + 1].startsWith('--')) flags.push(words[++i]);
  }
  return flags;
}

function parseExpected(step) {
  const lines = step.answer.text.split('\n');
  const status = lines[0];
  const headers = [];
  let i = 1;
  for (; i < lines.length && lines[i] !== ''; ++i) {
    const m = /^([A-Za-z0-9-]+): (.*)$/.exec(lines[i]);
    if (!m) throw new Error(`step ${step.n}: bad header line in the guide: ${lines[i]}`);
    headers.push([m[1], m[2]]);
  }
  const bodyText = lines.slice(i + 1).join('\n');
  if (bodyText.trim() === '') return {status, headers, body: undefined};
  let body;
  try {
    body = JSON.parse(bodyText);
  } catch (e) {
    throw new Error(`step ${step.n} (${step.heading}): the guide's body is not JSON: ${e.message}`);
  }
  return {status, headers, body};
}

// ---- the server ----

function startServer(dir, tokensFile, extraFlags) {
  const stderrPath = path.join(dir, 'server.stderr');
  const stderr = fs.openSync(stderrPath, 'w');
  const child = spawn(serverBin,
      ['--tokens', tokensFile, '--data-dir', path.join(dir, 'data'), '--keys-dir',
       path.join(dir, 'keys'), '--listen', '127.0.0.1:0', '--threads', '2', ...extraFlags],
      {stdio: ['ignore', 'pipe', stderr]});
  fs.closeSync(stderr);
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({code, signal}));
    child.on('error', (e) => resolve({code: null, signal: null, error: e}));
  });
  process.on('exit', () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const listening = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the server did not start within 30 s')), 30000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/m.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    exited.then(({code, signal, error}) => {
      clearTimeout(timer);
      reject(new Error(error ? `cannot start ${serverBin}: ${error.message}`
                             : `the server exited (${code ?? signal}) before listening: ` +
                                   fs.readFileSync(stderrPath, 'utf8')));
    });
  });
  return {child, exited, listening, stderrPath};
}

function run(command, base) {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command], {env: {...process.env, BASE: base}, timeout: 30000,
                                           maxBuffer: 16 << 20},
             (error, stdout, stderr) => resolve({error, stdout, stderr}));
  });
}

function parseResponse(raw) {
  let rest = raw;
  // curl -i prints interim answers (100 Continue) first.
  while (/^HTTP\/1\.1 1\d\d /.test(rest)) rest = rest.slice(rest.indexOf('\r\n\r\n') + 4);
  const split = rest.indexOf('\r\n\r\n');
  if (!rest.startsWith('HTTP/') || split < 0) throw new Error(`not an HTTP response: ${raw.slice(0, 200)}`);
  const [status, ...headerLines] = rest.slice(0, split).split('\r\n');
  const headers = new Map();
  for (const l of headerLines) {
    const c = l.indexOf(':');
    headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
  }
  return {status, headers, bodyText: rest.slice(split + 4)};
}

// ---- comparison ----

const bindings = new Map(VARYING.map((r) => [r.key, {fwd: new Map(), back: new Map()}]));

function compare(expected, actual, where, key, clientText, diffs) {
  const rule = VARYING.find((r) => r.key === key);
  if (rule && typeof expected === 'string' && rule.re.test(expected) &&
      !(rule.clientMayGive && clientText.includes(expected))) {
    if (typeof actual !== 'string' || !rule.re.test(actual)) {
      diffs.push(`${where}: expected a value like ${rule.re}, got ${JSON.stringify(actual)}`);
      return;
    }
    const b = bindings.get(rule.key);
    const was = b.fwd.get(expected);
    if (was !== undefined && was !== actual) {
      diffs.push(`${where}: the guide repeats ${JSON.stringify(expected)} here, but the server ` +
                 `said ${JSON.stringify(was)} before and ${JSON.stringify(actual)} now`);
      return;
    }
    const wasBack = b.back.get(actual);
    if (wasBack !== undefined && wasBack !== expected) {
      diffs.push(`${where}: the server repeats ${JSON.stringify(actual)}, where the guide has ` +
                 `${JSON.stringify(wasBack)} before and ${JSON.stringify(expected)} now`);
      return;
    }
    b.fwd.set(expected, actual);
    b.back.set(actual, expected);
    return;
  }
  const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(expected) !== kind(actual)) {
    diffs.push(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (expected.length !== actual.length) {
      diffs.push(`${where}: expected ${expected.length} items, got ${actual.length}`);
    }
    for (let i = 0; i < Math.min(expected.length, actual.length); ++i) {
      compare(expected[i], actual[i], `${where}[${i}]`, key, clientText, diffs);
    }
  } else if (kind(expected) === 'object') {
    const ek = Object.keys(expected);
    const ak = Object.keys(actual);
    const missing = ek.filter((k) => !(k in actual));
    const extra = ak.filter((k) => !(k in expected));
    if (missing.length) diffs.push(`${where}: missing keys ${missing.join(', ')}`);
    if (extra.length) diffs.push(`${where}: unexpected keys ${extra.join(', ')}`);
    if (!missing.length && !extra.length && ek.join() !== ak.join()) {
      diffs.push(`${where}: keys in another order: expected ${ek.join(', ')}; got ${ak.join(', ')}`);
    }
    for (const k of ek) {
      if (k in actual) compare(expected[k], actual[k], `${where}.${k}`, k, clientText, diffs);
    }
  } else if (expected !== actual) {
    diffs.push(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function checkStep(step, expected, got, clientText) {
  const diffs = [];
  if (got.status !== expected.status) {
    diffs.push(`status: expected "${expected.status}", got "${got.status}"`);
  }
  // An ETag that is the body's digest (the monthly report) is the run's digest.
  const digestOf = (text) => {
    try {
      const d = JSON.parse(text).digest;
      return typeof d === 'string' ? `"${d}"` : undefined;
    } catch {
      return undefined;
    }
  };
  for (const [name, value] of expected.headers) {
    const actual = got.headers.get(name.toLowerCase());
    const guideDigest = expected.body && typeof expected.body.digest === 'string'
      ? `"${expected.body.digest}"` : undefined;
    const want = name.toLowerCase() === 'etag' && value === guideDigest
      ? digestOf(got.bodyText) : value;
    if (actual === undefined) diffs.push(`header ${name}: missing`);
    else if (actual !== want) diffs.push(`header ${name}: expected ${want}, got ${actual}`);
  }
  if (got.headers.has('etag') && !expected.headers.some(([n]) => n.toLowerCase() === 'etag')) {
    diffs.push(`header ETag: the server sends ${got.headers.get('etag')}, the guide does not show it`);
  }
  if (expected.body === undefined) {
    if (got.bodyText !== '') diffs.push(`body: expected none, got ${got.bodyText.slice(0, 300)}`);
    return diffs;
  }
  let body;
  try {
    body = JSON.parse(got.bodyText);
  } catch {
    diffs.push(`body: not JSON: ${got.bodyText.slice(0, 300)}`);
    return diffs;
  }
  compare(expected.body, body, '$', null, clientText, diffs);
  return diffs;
}

// ---- --update: how the guide shows an answer ----

function flat(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(flat).join(', ')}]`;
  return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}: ${flat(v[k])}`).join(', ')}}`;
}

// JSON on one line where it fits in `width` columns, else one member per line.
function pretty(v, indent = '', width = 92) {
  const one = flat(v);
  if (v === null || typeof v !== 'object' || indent.length + one.length <= width) return one;
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    return `[\n${v.map((x) => inner + pretty(x, inner, width)).join(',\n')}\n${indent}]`;
  }
  return `{\n${Object.keys(v).map((k) => `${inner}${JSON.stringify(k)}: ${pretty(v[k], inner, width)}`)
      .join(',\n')}\n${indent}}`;
}

function render(got) {
  const out = [got.status];
  const code = Number(got.status.split(' ')[1]);
  if (code >= 400 && got.headers.has('content-type')) {
    out.push(`Content-Type: ${got.headers.get('content-type')}`);
  }
  for (const name of SHOWN_HEADERS) {
    if (got.headers.has(name.toLowerCase())) out.push(`${name}: ${got.headers.get(name.toLowerCase())}`);
  }
  if (got.bodyText !== '') out.push('', pretty(JSON.parse(got.bodyText)));
  return out.join('\n');
}

// ---- main ----

async function main() {
  const text = fs.readFileSync(guidePath, 'utf8');
  const guide = parseGuide(text);
  const clientText = guide.steps.map((s) => s.command).join('\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-guide-'));
  const tokensFile = path.join(dir, 'tokens.json');
  fs.writeFileSync(tokensFile, guide.tokens, {mode: 0o600});
  const server = startServer(dir, tokensFile, guide.serverFlags);  // its exit handler kills a server left running
  process.on('exit', () => fs.rmSync(dir, {recursive: true, force: true}));
  const base = await server.listening;
  console.log(`server at ${base}; ${guide.steps.length} requests in ${guidePath}`);

  const failed = [];
  const replacements = [];
  for (const step of guide.steps) {
    const label = `step ${step.n} (line ${step.line}, "${step.heading}")`;
    const r = await run(step.command, base);
    let got;
    try {
      if (r.error) throw new Error(`the command failed: ${r.error.message} ${r.stderr}`);
      got = parseResponse(r.stdout);
    } catch (e) {
      failed.push(step.n);
      console.log(`FAIL ${label}: ${e.message}`);
      continue;
    }
    if (update) {
      replacements.push({answer: step.answer, text: render(got)});
      console.log(`ok   ${label}: ${got.status}`);
      continue;
    }
    let diffs;
    try {
      diffs = checkStep(step, parseExpected(step), got, clientText);
    } catch (e) {
      diffs = [e.message];
    }
    if (diffs.length === 0) {
      console.log(`ok   ${label}: ${got.status}`);
    } else {
      failed.push(step.n);
      console.log(`FAIL ${label}\n  request: ${step.command.split('\n')[0]} ...`);
      for (const d of diffs) console.log(`  - ${d}`);
      const shown = render(got).split('\n');
      const cut = shown.length > 60 ? [...shown.slice(0, 60), `… (${shown.length - 60} more lines)`] : shown;
      console.log(`  the server answered:\n${cut.map((l) => `    ${l}`).join('\n')}`);
    }
  }

  server.child.kill('SIGTERM');
  const stop = await Promise.race([
    server.exited, new Promise((resolve) => setTimeout(() => resolve(null), 30000).unref())]);
  let stopOk = true;
  if (stop === null) {
    server.child.kill('SIGKILL');
    console.log('FAIL the server did not exit within 30 s of SIGTERM');
    stopOk = false;
  } else if (stop.code !== 0) {
    console.log(`FAIL the server exited with ${stop.code ?? stop.signal} after SIGTERM:\n` +
                fs.readFileSync(server.stderrPath, 'utf8').split('\n').slice(-10).join('\n'));
    stopOk = false;
  } else {
    console.log('ok   the server exited 0 after SIGTERM');
  }

  if (update && failed.length === 0) {
    const lines = guide.lines.slice();
    for (const {answer, text: t} of replacements.reverse()) {
      lines.splice(answer.start + 1, answer.end - answer.start - 1, ...t.split('\n'));
    }
    fs.writeFileSync(guidePath, lines.join('\n'));
    console.log(`updated ${replacements.length} answers in ${guidePath}`);
  }
  if (failed.length || !stopOk) {
    if (failed.length) {
      console.log(`${failed.length} of ${guide.steps.length} requests differ from the guide: ` +
                  `steps ${failed.join(', ')}`);
    }
    process.exit(1);
  }
  console.log(`all ${guide.steps.length} requests answer as the guide shows`);
}

main().catch((e) => {
  console.error(`FAIL ${e.message}`);
  process.exit(1);
});
