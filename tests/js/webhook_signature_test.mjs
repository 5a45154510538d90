// The server's webhook signatures checked by an independent implementation: the
// `standardwebhooks` package (the Standard Webhooks project's own library for JavaScript).
//
//   node tests/js/webhook_signature_test.mjs SERVER_BIN SOURCE_DIR     (exit 0 / 1)
//
// It starts a receiver (node:http on 127.0.0.1:0) and the real server with a temporary data
// and keys directory and `--webhook-allow 127.0.0.1/32 --webhook-allow-http`, creates a
// webhook subscription as intake (maxBatch 2) and appends five case events. Every delivered
// request must pass `new Webhook(secret).verify(body, headers)` with the secret of the 201;
// the same request with one byte of its body changed, with another webhook-id, or checked
// with another secret must fail. Together the batches must hold the five events, in order.

import {spawn} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {Webhook, WebhookVerificationError} from 'standardwebhooks';

const [serverBin, sourceDir] = process.argv.slice(2);
if (!serverBin || !sourceDir) {
  console.error('usage: node webhook_signature_test.mjs SERVER_BIN SOURCE_DIR');
  process.exit(2);
}

const TOKEN = 't-intake';
const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

// ---- the receiver: records every request, answers 204 ----

function startReceiver() {
  const received = [];
  let notify = () => {};
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({headers: req.headers, body: Buffer.concat(chunks).toString('utf8')});
      res.writeHead(204).end();
      notify();
    });
  });
  // Resolves once `pred(received)` holds; rejects after `ms`.
  const waitFor = (pred, ms) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no deliveries within ${ms} ms`)), ms);
    notify = () => { if (pred(received)) { clearTimeout(timer); resolve(received); } };
    notify();
  });
  const listening = new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
  return {server, received, waitFor, listening};
}

// ---- the server ----

function startServer(dir) {
  const tokens = path.join(dir, 'tokens.json');
  fs.writeFileSync(tokens, JSON.stringify([{token: TOKEN, subject: 'i-1', organisation: 'org-intake', role: 'intake'}]),
                   {mode: 0o600});
  const stderrPath = path.join(dir, 'server.stderr');
  const stderr = fs.openSync(stderrPath, 'w');
  const child = spawn(serverBin,
      ['--tokens', tokens, '--data-dir', path.join(dir, 'data'), '--keys-dir', path.join(dir, 'keys'),
       '--listen', '127.0.0.1:0', '--threads', '2', '--webhook-allow', '127.0.0.1/32', '--webhook-allow-http'],
      {stdio: ['ignore', 'pipe', stderr]});
  fs.closeSync(stderr);
  process.on('exit', () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const listening = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/m.exec(out);
      if (m) resolve(m[1]);
    });
    exited.then((how) => reject(new Error(`the server exited (${how}): ${fs.readFileSync(stderrPath, 'utf8')}`)));
  });
  return {child, exited, listening};
}

async function call(base, method, target, body) {
  const res = await fetch(base + target, {
    method,
    headers: {'Authorization': `Bearer ${TOKEN}`, 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {status: res.status, json: await res.json()};
}

// True when `verify` throws the package's verification error.
function refused(verify) {
  try {
    verify();
    return false;
  } catch (e) {
    return e instanceof WebhookVerificationError;
  }
}

// ---- main ----

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webhook-signature-'));
  process.on('exit', () => fs.rmSync(dir, {recursive: true, force: true}));
  const receiver = startReceiver();
  const port = await receiver.listening;
  const server = startServer(dir);
  const base = await server.listening;

  const created = await call(base, 'POST', '/v1/subscriptions', {
    subscriptionId: 'partner-hook', startAt: 'beginning',
    delivery: {kind: 'webhook', url: `http://127.0.0.1:${port}/hook`, maxBatch: 2},
  });
  check(created.status === 201, `create the webhook subscription: ${created.status}`);
  const secret = created.json.secret;
  check(/^whsec_[A-Za-z0-9+/]{43}=$/.test(secret ?? ''), 'the 201 carries a whsec_ secret');

  const registered = (name) => ({type: 'CaseRegistered', data: {person: {name}}});
  const completed = {type: 'IntakeCompleted', data: {eligible: true}};
  const steps = [['c-1', registered('Person 1')], ['c-1', completed], ['c-2', registered('Person 2')],
                 ['c-2', completed], ['c-3', registered('Person 3')]];
  const appended = [];
  for (const [id, event] of steps) {
    appended.push((await call(base, 'POST', `/v1/cases/${id}/events`, event)).json.position);
  }
  check( appended.every(Number.isInteger), `appended ${appended.length} events`);

  const count = (got) => got.reduce((n, r) => n + JSON.parse(r.body).events.length, 0);
  const got = await receiver.waitFor((all) => count(all) >= appended.length, 15000);
  const webhook = new Webhook(secret);
  const other = new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
  got.forEach((r, i) => {
    const id = r.headers['webhook-id'];
    let payload = null;
    try {
      payload = webhook.verify(r.body, r.headers);
    } catch (e) {
      check(false, `request ${i} (${id}) verifies: ${e.message}`);
      return;
    }
    check(payload.subscriptionId === 'partner-hook' && payload.events.length <= 2,
          `request ${i} (${id}) verifies: ${payload.events.length} events`);
    const tampered = r.body.replace('"events"', '"Events"');
    check(tampered !== r.body && refused(() => webhook.verify(tampered, r.headers)),
          `request ${i}: a changed body is refused`);
    check(refused(() => webhook.verify(r.body, {...r.headers, 'webhook-id': `${id}x`})),
          `request ${i}: another webhook-id is refused`);
    check(refused(() => other.verify(r.body, r.headers)), `request ${i}: another secret is refused`);
  });
  const positions = got.flatMap((r) => JSON.parse(r.body).events.map((e) => e.position));
  check(JSON.stringify(positions) === JSON.stringify(appended),
        `the batches hold the appended events in order: ${positions.join(',')}`);

  server.child.kill('SIGTERM');
  check(await server.exited === 0, 'the server exits 0 after SIGTERM');
  receiver.server.close();
}

main().then(() => {
  console.log(failures.length === 0 ? 'all checks passed' : `${failures.length} check(s) failed`);
  process.exit(failures.length === 0 ? 0 : 1);
}, (e) => {
  console.log(`FAIL ${e.stack ?? e}`);
  process.exit(1);
});
