// The OpenAPI document (docs/openapi.yaml) against the router and a real server.
//
//   node tests/js/openapi_test.mjs SERVER_BIN TOOL_BIN SOURCE_DIR
//
// a. docs/openapi.yaml, converted to JSON as the build converts it (python3 + PyYAML), is a
//    valid OpenAPI document (swagger-parser), holds no value YAML turned into something else
//    (a date, a boolean key), its examples validate against their schemas, and the server
//    serves exactly that conversion at GET /v1/openapi.json (that last check passes only for
//    a binary built from this docs/openapi.yaml; OPENAPI_SKIP_SERVED=1 skips it while the
//    document is being edited without a rebuild).
// b. The document's (method, path) pairs are the routes of api/router.cpp.
// c. A real server on a demo store: requests of every operation, successful and refused, each
//    answer checked against the document (status documented for the operation, content type,
//    required headers, body against the schema); request bodies and query parameters of the
//    requests that should succeed validate against the document, those of schema errors do
//    not; x-roles matches who gets 403. The server may send webhooks to a receiver of the test
//    on loopback (--webhook-allow 127.0.0.1 --webhook-allow-http, retries after 10-20 ms):
//    every webhook it gets is checked against the document's `webhooks` entry (headers, body)
//    and its signature; a receiver answering 500 shows retries under one webhook-id, the
//    parked batch and its replay.
// d. SIGTERM stops the server with exit code 0.
//
// Exit code 0 when everything passed, 1 otherwise (each failure is printed).

import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import util from "node:util";

import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [SERVER_BIN, TOOL_BIN, SOURCE_DIR] = process.argv.slice(2);
if (!SERVER_BIN || !TOOL_BIN || !SOURCE_DIR) {
  console.error("usage: node openapi_test.mjs SERVER_BIN TOOL_BIN SOURCE_DIR");
  process.exit(2);
}
const VERBOSE = process.env.OPENAPI_TEST_VERBOSE === "1";

// ---------------------------------------------------------------- reporting

const failures = [];
let checks = 0;
function fail(message) {
  failures.push(message);
  console.log(`FAIL ${message}`);
}
function check(condition, message) {
  checks += 1;
  if (!condition) fail(message);
  return condition;
}
function section(name) {
  console.log(`== ${name}`);
}
const show = (v) => util.inspect(v, { depth: 6, breakLength: 140, maxStringLength: 300 });

// ---------------------------------------------------------------- a. the document

const ROLES = ["intake", "housing", "legal", "return", "participation", "regie", "researcher", "ops"];
const METHODS = ["get", "post", "put", "delete", "patch", "head", "options", "trace"];

// The build's conversion (cmake/yaml_to_json.py), plus a list of values that JSON would not
// hold as written: YAML 1.1 reads unquoted dates as dates (json.dump(default=str) then writes
// "2026-06-30 00:00:00") and `on`/`off`/`yes`/`no` as booleans (a key `on` becomes "true").
const CONVERT = String.raw`
import datetime, json, sys
import yaml
with open(sys.argv[1], encoding="utf-8") as src:
    document = yaml.safe_load(src)
bad = []
def walk(v, p):
    if isinstance(v, dict):
        for k, x in v.items():
            if not isinstance(k, str):
                bad.append(p + "/" + repr(k) + " (a key that is not a string)")
            walk(x, p + "/" + str(k))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, p + "/" + str(i))
    elif isinstance(v, (datetime.date, datetime.datetime)):
        bad.append(p + " = " + repr(v) + " (quote it)")
    elif not (v is None or isinstance(v, (str, int, float, bool))):
        bad.append(p + " (" + type(v).__name__ + ")")
walk(document, "")
json.dump({"document": document, "bad": bad}, sys.stdout, separators=(",", ":"),
          ensure_ascii=False, default=str)
`;

function convertYaml(yamlPath) {
  // The build prefers Debian's python3 (with python3-yaml) over one earlier on PATH.
  const python = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const r = spawnSync(python, ["-c", CONVERT, yamlPath], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${python} could not convert ${yamlPath}: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout);
}

function operationsOf(doc) {
  const ops = [];
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    for (const m of METHODS) if (item[m]) ops.push({ method: m, path: p, op: item[m], item });
  }
  return ops;
}

// ---------------------------------------------------------------- b. the router

function routerRoutes(sourceDir) {
  const text = fs.readFileSync(path.join(sourceDir, "api/router.cpp"), "utf8");
  const re = /\{RouteId::(\w+),\s*verb::(\w+),\s*"([^"]+)"\}/g;
  const routes = [];
  for (const m of text.matchAll(re)) routes.push({ id: m[1], method: m[2].replace(/_$/, ""), path: m[3] });
  return routes;
}

// ---------------------------------------------------------------- schemas

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
const compiled = new WeakMap();
function validator(schema) {
  if (schema === true || schema === undefined) return () => true;
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}
function schemaErrors(schema, value) {
  const v = validator(schema);
  if (v(value)) return null;
  // oneOf over 25 event types reports every branch: show the few most specific errors.
  const errs = [...v.errors].sort((a, b) => b.instancePath.length - a.instancePath.length);
  return errs
    .slice(0, 6)
    .map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`)
    .join("; ");
}

// ---------------------------------------------------------------- HTTP

let HOST = "127.0.0.1";
let PORT = 0;

function request(method, target, { token, headers = {}, body, contentType } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (token !== undefined) h.authorization = `Bearer ${token}`;
    let payload;
    if (body !== undefined) {
      payload = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      h["content-type"] = contentType ?? "application/json";
      h["content-length"] = Buffer.byteLength(payload);
    }
    let answered = false;
    const req = http.request({ host: HOST, port: PORT, method, path: target, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        answered = true;
        resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", (e) => (answered ? null : reject(e)));
    });
    // A refused upload (413) may end in EPIPE/ECONNRESET after the reply: the reply counts.
    req.on("error", (e) => (answered ? null : reject(e)));
    if (payload !== undefined) req.end(payload);
    else req.end();
  });
}

// Bytes the http module will not send (a request that is not valid HTTP/1.1).
function rawRequest(bytes) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(PORT, HOST);
    const chunks = [];
    socket.on("connect", () => socket.write(bytes));
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", (e) => (chunks.length ? null : reject(e)));
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const head = text.slice(0, split).split("\r\n");
      const status = Number(head[0].split(" ")[1]);
      const headers = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(":");
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status, headers, text: text.slice(split + 4) });
    });
    setTimeout(() => socket.destroy(), 10_000);
  });
}

// ---------------------------------------------------------------- checking answers

let api; // the dereferenced document
const exercised = new Map(); // "get /v1/cases" -> Set of statuses

function templateOf(pathname) {
  const parts = pathname.split("/").slice(1);
  for (const tmpl of Object.keys(api.paths)) {
    const t = tmpl.split("/").slice(1);
    if (t.length !== parts.length) continue;
    if (t.every((seg, i) => (seg.startsWith("{") ? parts[i] !== "" : seg === parts[i]))) return tmpl;
  }
  return null;
}

function mediaTypeOf(res) {
  return String(res.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

// Checks one answer against a response object of the document.
function checkAgainst(label, spec, res) {
  if (!spec.content) {
    check(res.text === "", `${label}: the document gives no content, but the body is ${show(res.text)}`);
  } else {
    const mt = mediaTypeOf(res);
    const media = spec.content[mt];
    if (!check(media, `${label}: Content-Type ${res.headers["content-type"]} is not among ${Object.keys(spec.content)}`)) return null;
    let body = res.text;
    if (mt === "application/json" || mt.endsWith("+json")) {
      try {
        body = JSON.parse(res.text);
      } catch {
        fail(`${label}: the body is not JSON: ${show(res.text)}`);
        return null;
      }
    }
    const errs = schemaErrors(media.schema, body);
    check(!errs, `${label}: the body does not match the schema: ${errs}\n  body: ${show(body)}`);
    for (const [name, h] of Object.entries(spec.headers ?? {})) {
      const value = res.headers[name.toLowerCase()];
      if (value === undefined) {
        check(!h.required, `${label}: required header ${name} is missing`);
        continue;
      }
      const herrs = schemaErrors(h.schema, value);
      check(!herrs, `${label}: header ${name}: ${show(value)}: ${herrs}`);
    }
    return body;
  }
  return null;
}

// Checks an answer of a documented operation; returns the parsed body.
function checkResponse(method, target, res) {
  const url = new URL(target, "http://x");
  const tmpl = templateOf(url.pathname);
  const label = `${method.toUpperCase()} ${target} -> ${res.status}`;
  if (VERBOSE) console.log(`   ${label}`);
  if (!tmpl) {
    // An unknown path: 404 before the token is looked at.
    check(res.status === 404, `${label}: the path is in no template of the document, expected 404`);
    return checkAgainst(label, api.components.responses.NotFound, res);
  }
  const op = api.paths[tmpl][method.toLowerCase()];
  if (!op) {
    check(res.status === 405, `${label}: ${method} is not documented for ${tmpl}, expected 405`);
    const body = checkAgainst(label, api.components.responses.MethodNotAllowed, res);
    const documented = METHODS.filter((m) => api.paths[tmpl][m]).map((m) => m.toUpperCase());
    // HEAD is served on every GET route without its own operation in the document.
    if (documented.includes("GET") && !documented.includes("HEAD")) documented.push("HEAD");
    const allow = String(res.headers.allow ?? "").split(", ");
    check(
      allow.sort().join() === documented.sort().join(),
      `${label}: Allow ${res.headers.allow} but the document has ${documented} for ${tmpl}`,
    );
    return body;
  }
  const key = `${method.toLowerCase()} ${tmpl}`;
  if (!exercised.has(key)) exercised.set(key, new Set());
  exercised.get(key).add(res.status);
  const spec = op.responses[String(res.status)];
  if (!check(spec, `${label}: status ${res.status} is not documented for ${key} (documented: ${Object.keys(op.responses)}); body ${show(res.text)}`)) {
    return null;
  }
  return checkAgainst(label, spec, res);
}

// The request's query parameters are documented for the operation and valid.
function checkParams(method, target, { expectValid = true } = {}) {
  const url = new URL(target, "http://x");
  const tmpl = templateOf(url.pathname);
  const op = tmpl && api.paths[tmpl][method.toLowerCase()];
  if (!op) return;
  const params = [...(api.paths[tmpl].parameters ?? []), ...(op.parameters ?? [])];
  const problems = [];
  for (const [name, value] of url.searchParams) {
    const p = params.find((x) => x.in === "query" && x.name === name);
    if (!p) {
      problems.push(`query parameter ${name} is not documented`);
      continue;
    }
    const coerced = p.schema?.type === "integer" && /^-?[0-9]+$/.test(value) ? Number(value) : value;
    const errs = schemaErrors(p.schema, coerced);
    if (errs) problems.push(`${name}=${value}: ${errs}`);
  }
  for (const p of params) {
    if (p.in === "query" && p.required && !url.searchParams.has(p.name)) problems.push(`required ${p.name} missing`);
  }
  if (expectValid) check(problems.length === 0, `${method} ${target}: parameters do not validate: ${problems.join("; ")}`);
  else check(problems.length > 0, `${method} ${target}: the server refuses the parameters, but they validate against the document`);
}

function requestSchema(method, target) {
  const tmpl = templateOf(new URL(target, "http://x").pathname);
  return api.paths[tmpl]?.[method.toLowerCase()]?.requestBody?.content?.["application/json"]?.schema;
}

// One call: sends, checks the answer against the document and the expected status.
async function call(method, target, opts = {}) {
  const { expect, schemaValid, paramsValid } = opts;
  if (opts.body !== undefined && typeof opts.body !== "string" && schemaValid !== undefined) {
    const errs = schemaErrors(requestSchema(method, target), opts.body);
    if (schemaValid) check(!errs, `${method} ${target}: the request body does not validate against the document: ${errs}`);
    else check(errs, `${method} ${target}: the server refuses this body, but it validates against the document: ${show(opts.body)}`);
  }
  if (paramsValid !== undefined) checkParams(method, target, { expectValid: paramsValid });
  const res = await request(method, target, opts);
  const body = checkResponse(method, target, res);
  // Whatever the server accepted must be valid by the document too.
  if (res.status >= 200 && res.status < 300) {
    if (paramsValid === undefined) checkParams(method, target);
    if (schemaValid === undefined && opts.body !== undefined && typeof opts.body !== "string") {
      const errs = schemaErrors(requestSchema(method, target), opts.body);
      check(!errs, `${method} ${target}: accepted (${res.status}), but the body does not validate against the document: ${errs}`);
    }
  }
  if (expect !== undefined) {
    const ok = Array.isArray(expect) ? expect.includes(res.status) : res.status === expect;
    check(ok, `${method} ${target}: expected ${expect}, got ${res.status} ${show(res.text)}`);
  }
  return { ...res, body };
}

// ---------------------------------------------------------------- the run

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perspectief-openapi-"));
let server;
let serverOutput = "";

async function startServer() {
  const data = path.join(tmp, "data");
  const demo = spawnSync(TOOL_BIN, ["demo", "--data-dir", data, "--cases", "300", "--years", "2", "--seed", "3"], {
    encoding: "utf8",
  });
  if (demo.status !== 0) throw new Error(`demo failed (${demo.status}): ${demo.stderr}`);
  console.log(`   ${demo.stdout.trim()}`);
  const dashboard = path.join(tmp, "dashboard");
  fs.mkdirSync(dashboard);
  fs.writeFileSync(path.join(dashboard, "style.css"), "body { font-family: sans-serif; }\n");
  server = spawn(
    SERVER_BIN,
    [
      "--listen", "127.0.0.1:0", "--data-dir", data, "--tokens", path.join(tmp, "tokens.json"), "--dashboard-dir", dashboard,
      // webhooks to the test's receiver on loopback, retried quickly
      "--webhook-allow", "127.0.0.1", "--webhook-allow-http", "--webhook-retry-base-ms", "10", "--webhook-retry-max-ms", "20",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  server.stderr.on("data", (c) => (serverOutput += c));
  await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 120 s; stderr: ${serverOutput}`)), 120_000);
    server.stdout.on("data", (c) => {
      out += c;
      const m = out.match(/listening on http:\/\/([0-9.]+):([0-9]+)/);
      if (m) {
        clearTimeout(timer);
        HOST = m[1];
        PORT = Number(m[2]);
        resolve();
      }
    });
    server.on("exit", (code) => reject(new Error(`the server exited with ${code} before listening: ${serverOutput}`)));
  });
}

const T = {
  regie: "oa-regie-token",
  intake: "oa-intake-token",
  intake2: "oa-intake-2-token",
  housing: "oa-housing-token",
  legal: "oa-legal-token",
  return: "oa-return-token",
  participation: "oa-participation-token",
  researcher: "oa-researcher-token",
  ops: "oa-ops-token",
};

function writeTokens() {
  const entries = [
    { token: T.regie, subject: "regie-1", organisation: "regiegroep", role: "regie" },
    { token: T.intake, subject: "aco-1", organisation: "aco", role: "intake" },
    { token: T.intake2, subject: "aco-2", organisation: "aco", role: "intake" },
    // The demo's housing operator of hvo-centrum, hvo-oost and hvo-west.
    { token: T.housing, subject: "hvo-1", organisation: "hvo-querido", role: "housing" },
    { token: T.legal, subject: "askv-1", organisation: "askv", role: "legal" },
    { token: T.return, subject: "goedwerk-1", organisation: "goedwerk", role: "return" },
    { token: T.participation, subject: "boost-1", organisation: "boost", role: "participation" },
    { token: T.researcher, subject: "uva-1", organisation: "uva", role: "researcher" },
    { token: T.ops, subject: "ops-1", organisation: "ops", role: "ops" },
  ];
  fs.writeFileSync(path.join(tmp, "tokens.json"), JSON.stringify(entries), { mode: 0o600 });
}

const uuid = (n) => `0a5e0000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const today = () => new Date().toISOString().slice(0, 10);
function addMonths(date, months) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

async function partA(doc) {
  section("a. the document");
  let valid = false;
  try {
    await SwaggerParser.validate(structuredClone(doc));
    valid = true;
  } catch (e) {
    fail(`docs/openapi.yaml is not a valid OpenAPI document: ${e.message}`);
  }
  check(doc.openapi === "3.1.0", `openapi is ${doc.openapi}, expected 3.1.0`);
  if (!valid) return false;
  api = await SwaggerParser.dereference(structuredClone(doc));

  const ids = new Set();
  for (const { method, path: p, op, item } of operationsOf(api)) {
    const key = `${method.toUpperCase()} ${p}`;
    check(op.operationId && !ids.has(op.operationId), `${key}: missing or repeated operationId`);
    ids.add(op.operationId);
    const open = Array.isArray(op.security) && op.security.length === 0;
    if (open) {
      check(op["x-roles"] === undefined, `${key}: takes no token but has x-roles`);
    } else {
      const roles = op["x-roles"];
      check(Array.isArray(roles) && roles.length > 0 && roles.every((r) => ROLES.includes(r)), `${key}: x-roles ${roles}`);
      check(op.responses["401"], `${key}: needs a token but documents no 401`);
    }
    // Path parameters: declared for every {name} of the template.
    const declared = [...(item.parameters ?? []), ...(op.parameters ?? [])].filter((x) => x.in === "path").map((x) => x.name);
    for (const m of p.matchAll(/\{(\w+)\}/g)) check(declared.includes(m[1]), `${key}: path parameter ${m[1]} not declared`);
    // At least one example of a successful answer (one without a body, such as 204, needs none).
    const ok = Object.entries(op.responses).filter(([s]) => s.startsWith("2"));
    const hasExample = ok.some(
      ([, r]) => !r.content || Object.values(r.content).some((m) => m.example !== undefined || m.examples),
    );
    check(hasExample, `${key}: no example of a successful answer`);
  }

  // Every example validates against its schema.
  const media = [];
  for (const { method, path: p, op } of operationsOf(api)) {
    for (const [mt, m] of Object.entries(op.requestBody?.content ?? {})) media.push([`${method} ${p} request ${mt}`, m]);
    for (const [s, r] of Object.entries(op.responses)) {
      for (const [mt, m] of Object.entries(r.content ?? {})) media.push([`${method} ${p} ${s} ${mt}`, m]);
    }
  }
  for (const [name, r] of Object.entries(api.components.responses)) {
    for (const [mt, m] of Object.entries(r.content ?? {})) media.push([`components/responses/${name} ${mt}`, m]);
  }
  let examples = 0;
  for (const [where, m] of media) {
    const all = m.example !== undefined ? [["example", m.example]] : [];
    for (const [k, e] of Object.entries(m.examples ?? {})) all.push([k, e.value]);
    for (const [k, value] of all) {
      examples += 1;
      const errs = schemaErrors(m.schema, value);
      check(!errs, `${where}: example ${k} does not match its schema: ${errs}`);
    }
  }
  for (const { method, path: p, op, item } of operationsOf(api)) {
    for (const prm of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
      if (prm.example === undefined) continue;
      examples += 1;
      const errs = schemaErrors(prm.schema, prm.example);
      check(!errs, `${method} ${p}: the example of parameter ${prm.name} does not match: ${errs}`);
    }
  }
  console.log(`   ${operationsOf(api).length} operations, ${examples} examples checked`);
  return true;
}

function partB(doc) {
  section("b. the document's routes are the router's");
  const routes = routerRoutes(SOURCE_DIR);
  check(routes.length > 0, "no routes found in api/router.cpp");
  const inRouter = new Set(routes.map((r) => `${r.method.toUpperCase()} ${r.path}`));
  const inDoc = new Set(operationsOf(doc).map((o) => `${o.method.toUpperCase()} ${o.path}`));
  const missing = [...inRouter].filter((r) => !inDoc.has(r));
  const extra = [...inDoc].filter((r) => !inRouter.has(r));
  check(missing.length === 0, `routes of api/router.cpp missing in docs/openapi.yaml: ${missing.join(", ")}`);
  check(extra.length === 0, `operations of docs/openapi.yaml that api/router.cpp does not route: ${extra.join(", ")}`);
  console.log(`   router: ${inRouter.size} routes, document: ${inDoc.size} operations`);
}

async function partC(doc) {
  section("c. a real server");
  writeTokens();
  await startReceiver();
  await startServer();
  console.log(`   server on ${HOST}:${PORT}`);

  // -- documents and operations endpoints
  const served = await call("GET", "/v1/openapi.json", { expect: 200 });
  if (process.env.OPENAPI_SKIP_SERVED === "1") {
    console.log("   (OPENAPI_SKIP_SERVED=1: the served document is not compared)");
  } else {
    check(
      util.isDeepStrictEqual(served.body, doc),
      "GET /v1/openapi.json is not docs/openapi.yaml as converted now: rebuild the server (the document is built in)",
    );
  }
  await call("GET", "/", { expect: 200 });
  await call("GET", "/dashboard/style.css", { expect: 200 });
  await call("GET", "/dashboard/index.html", { expect: 404 });
  await call("GET", "/dashboard/no-such-file.js", { expect: 404 });
  await call("GET", "/healthz", { expect: 200 });
  const ready = await call("GET", "/readyz", { expect: 200 });
  check(ready.body?.position >= 6000, `readyz position ${ready.body?.position}`);
  await call("GET", "/metrics", { token: T.ops, expect: 200 });
  await call("GET", "/metrics", { token: T.regie, expect: 200 });
  const rid = await call("GET", "/healthz", { headers: { "x-request-id": "oa-test-42" }, expect: 200 });
  check(rid.headers["x-request-id"] === "oa-test-42", `X-Request-Id not echoed: ${rid.headers["x-request-id"]}`);

  // -- some ids of the demo
  const housedHvo = (await call("GET", "/v1/cases?status=housed&locationId=hvo-centrum&limit=1", { token: T.regie, expect: 200, paramsValid: true })).body;
  const housedLdh = (await call("GET", "/v1/cases?status=housed&locationId=ldh-noord&limit=1", { token: T.regie, expect: 200, paramsValid: true })).body;
  const hvoCase = housedHvo?.cases?.[0]?.caseId;
  const ldhCase = housedLdh?.cases?.[0]?.caseId;
  check(hvoCase && ldhCase, "the demo has no case housed at hvo-centrum or ldh-noord");

  // -- read models, with and without parameters
  section("c. read models");
  const readModels = [
    ["/v1/occupancy", ["", "?asOf=2026-06-30", "?asOf=2025-06-30T12:00:00Z", "?asOf=2025-06-30T12:00:00.123456789%2B02:00"]],
    ["/v1/utilisation", ["", "?from=2026-06-01&to=2026-06-30", "?to=2025-12-31", "?from=2025-01-01"]],
    ["/v1/alerts/stay-duration", ["", "?asOf=2026-06-30", "?asOf=2025-01-01T00:00:00Z"]],
    ["/v1/outcomes", ["", "?from=2025-01-01&to=2025-12-31", "?from=2026-01-01&to=2026-06-30"]],
    ["/v1/caseload", ["", "?asOf=2026-06-30"]],
    ["/v1/escalations", ["", "?asOf=2026-06-30", "?status=resolved", "?status=all&asOf=2026-06-30T23:59:59Z", "?status=open"]],
    ["/v1/intake-funnel", ["", "?from=2026-01-01&to=2026-06-30", "?to=2025-06-30"]],
    ["/v1/perspective", ["", "?asOf=2026-06-30", "?admittedFrom=2025-01-01&admittedTo=2025-12-31", "?asOf=2025-01-01", "?asOf=2026-06-30T12:00:00Z&admittedFrom=2026-01-01"]],
    ["/v1/participation", ["", "?from=2026-01-01&to=2026-06-30", "?from=2030-01-01&to=2030-01-31", "?to=2025-12-31"]],
    ["/v1/reports/monthly", ["?month=2026-06", "?month=2025-12&knownAt=2026-01-15", "?month=2024-02&knownAt=2026-06-30T12:00:00Z"]],
    ["/v1/series", ["", "?from=2025-01&to=2026-06", "?to=2025-12&knownAt=2026-01-15"]],
    ["/v1/returns", ["", "?from=2024-01-01&to=2025-12-31", "?from=2025-01-01&to=2025-06-30&knownAt=2026-01-15"]],
    ["/v1/data-quality", ["", "?asOf=2026-06-30", "?knownAt=2026-01-15"]],
    ["/v1/occupancy?knownAt=2026-01-15", [""]],
    ["/v1/outcomes?from=2025-01-01&to=2025-12-31&knownAt=2026-01-15T09:00:00Z", [""]],
  ];
  for (const [route, queries] of readModels) {
    for (const q of queries) await call("GET", route + q, { token: T.regie, expect: 200, paramsValid: true });
  }
  await call("GET", "/v1/occupancy", { token: T.housing, expect: 200 });
  await call("GET", "/v1/outcomes?from=2025-01-01&to=2026-12-31", { token: T.researcher, expect: 200, paramsValid: true });
  await call("GET", "/v1/utilisation?from=2025-01-01&to=2025-12-31&asOf=2025-06-30", { token: T.regie, expect: 200, paramsValid: true });
  // refused parameters
  for (const [target, field] of [
    ["/v1/occupancy?asOf=yesterday", "asOf"],
    ["/v1/occupancy?asOf=2025-06-30T12:00:00+02:00", "asOf"],
    ["/v1/escalations?status=closed", "status"],
    ["/v1/utilisation?from=2026-02-01&to=2026-01-01", "from"],
    ["/v1/utilisation?asOf=2026-01-32", "asOf"],
    ["/v1/intake-funnel?to=2026-02-30", "to"],
    ["/v1/caseload?asOf=2026-06-30&asOf=2026-06-30", "asOf"],
    ["/v1/perspective?admittedFrom=2026-05-01&admittedTo=2026-01-01", "admittedFrom"],
    ["/v1/perspective?admittedTo=2026-1-1", "admittedTo"],
    ["/v1/participation?from=2026-01-01&to=2026-01-32", "to"],
    ["/v1/occupancy?knownAt=yesterday", "knownAt"],
    ["/v1/reports/monthly", "month"],
    ["/v1/reports/monthly?month=2026-13", "month"],
    ["/v1/series?from=2026-06&to=2026-01", "from"],
    ["/v1/series?from=2010-01&to=2026-01", "from"],
    ["/v1/returns?from=2026-02-01&to=2026-01-01", "from"],
    ["/v1/data-quality?asOf=2026-02-30", "asOf"],
  ]) {
    const r = await call("GET", target, { token: T.regie, expect: 400 });
    check(r.body?.errors?.some((e) => e.field === field), `${target}: errors do not name ${field}: ${show(r.body)}`);
  }
  await call("GET", "/v1/occupancy?asOf=yesterday", { token: T.regie, paramsValid: false });

  // -- x-roles: who gets 403
  section("c. roles");
  const byRole = [
    "/metrics",
    "/v1/events?limit=5",
    "/v1/cases?limit=5",
    `/v1/cases/${hvoCase}`,
    `/v1/cases/${hvoCase}/events`,
    "/v1/locations/hvo-centrum/events",
    "/v1/activities/act-1/events",
    "/v1/programme/events",
    "/v1/occupancy",
    "/v1/utilisation",
    "/v1/alerts/stay-duration",
    "/v1/outcomes",
    "/v1/caseload",
    "/v1/escalations",
    "/v1/intake-funnel",
    "/v1/perspective",
    "/v1/participation",
    "/v1/reports/monthly?month=2026-06",
    "/v1/series",
    "/v1/returns",
    "/v1/data-quality",
    `/v1/access-log?caseId=${hvoCase}`,
  ];
  for (const target of byRole) {
    const tmpl = templateOf(new URL(target, "http://x").pathname);
    const allowed = tmpl && api.paths[tmpl].get?.["x-roles"];
    if (!check(allowed, `GET ${target}: no x-roles in the document`)) continue;
    for (const role of ROLES) {
      const r = await call("GET", target, { token: T[role] });
      if (allowed.includes(role)) check(r.status === 200, `GET ${target} as ${role} (in x-roles): ${r.status} ${show(r.text)}`);
      else check(r.status === 403, `GET ${target} as ${role} (not in x-roles): expected 403, got ${r.status}`);
    }
  }

  // -- the feed
  section("c. the feed");
  const all = await call("GET", "/v1/events?limit=10000", { token: T.regie, expect: 200, paramsValid: true });
  const last = all.body?.next;
  check(all.body?.events?.length === last, `the feed holds ${all.body?.events?.length} events, next ${last}`);
  const pseud = await call("GET", "/v1/events?after=0&limit=10000", { token: T.researcher, expect: 200, paramsValid: true });
  check(pseud.body?.next === last, "the researchers' feed ends elsewhere");
  check(
    (pseud.body?.events ?? []).every((e) => e.actor.subject === undefined && !/^case-demo-/.test(e.stream) && !("person" in e.data)),
    "the researchers' feed holds a subject, a case id or a person",
  );
  const polled = Date.now();
  const waited = await call("GET", `/v1/events?after=${last}&wait=1`, { token: T.regie, expect: 200, paramsValid: true });
  check(waited.body?.events?.length === 0 && waited.body?.next === last, `long poll: ${show(waited.body)}`);
  check(Date.now() - polled >= 900, "long poll returned before its wait");
  await call("GET", "/v1/events?after=6000&limit=100", { token: T.researcher, expect: 200, paramsValid: true });
  for (const q of ["?limit=0", "?limit=10001", "?wait=61", "?after=-1", "?after=x", "?page=2"]) {
    await call("GET", `/v1/events${q}`, { token: T.regie, expect: 400, paramsValid: false });
  }
  await call("GET", "/v1/events", { token: T.ops, expect: 403 });
  // the scoped feed: filters, and what each role sees
  const beds = await call("GET", "/v1/events?limit=10000&categories=case&types=BedAssigned,StayEnded", { token: T.housing, expect: 200, paramsValid: true });
  check(beds.body?.events?.length > 0 && beds.body.events.every((e) => ["BedAssigned", "StayEnded"].includes(e.type) && e.stream.startsWith("case-")), `housing, filtered: ${show(beds.body?.events?.[0])}`);
  const locs = await call("GET", "/v1/events?limit=10000&categories=location,programme", { token: T.housing, expect: 200, paramsValid: true });
  check((locs.body?.events ?? []).every((e) => e.stream === "programme" || e.data.operator === "hvo-querido" || e.stream.startsWith("location-hvo-")), "housing sees another operator's location");
  const part = await call("GET", "/v1/events?limit=10000&categories=case&types=CaseRegistered", { token: T.participation, expect: 200, paramsValid: true });
  check(part.body?.events?.length > 0 && part.body.events.every((e) => !("person" in e.data)), "participation's feed holds a person");
  await call("GET", "/v1/events?limit=5", { token: T.legal, expect: 200, paramsValid: true });
  for (const q of ["?categories=cases", "?categories=", "?categories=case,,location", "?types=NoSuchEvent"]) {
    await call("GET", `/v1/events${q}`, { token: T.housing, expect: 400, paramsValid: false });
  }
  await call("GET", "/v1/events?types=BedAssigned&types=StayEnded", { token: T.housing, expect: 400 });

  // -- case files and lists
  section("c. case files");
  await call("GET", "/v1/cases", { token: T.regie, expect: 200 });
  const page1 = await call("GET", "/v1/cases?limit=3", { token: T.intake, expect: 200, paramsValid: true });
  await call("GET", `/v1/cases?limit=3&after=${page1.body?.next}`, { token: T.intake, expect: 200, paramsValid: true });
  await call("GET", "/v1/cases?status=ended&limit=1000", { token: T.legal, expect: 200, paramsValid: true });
  await call("GET", "/v1/cases?limit=1000", { token: T.housing, expect: 200, paramsValid: true });
  await call("GET", "/v1/cases?status=waitlisted", { token: T.participation, expect: 200, paramsValid: true });
  for (const q of ["?status=gone", "?limit=1001", "?locationId=a.b", "?after=", "?sort=caseId"]) {
    await call("GET", `/v1/cases${q}`, { token: T.regie, expect: 400, paramsValid: false });
  }
  await call("GET", `/v1/cases/${hvoCase}`, { token: T.regie, expect: 200 });
  await call("GET", `/v1/cases/${hvoCase}`, { token: T.housing, expect: 200 });
  const noPii = await call("GET", `/v1/cases/${hvoCase}`, { token: T.participation, expect: 200 });
  check(noPii.body?.person === null, "participation sees a person");
  await call("GET", `/v1/cases/${ldhCase}`, { token: T.housing, expect: 403 });
  await call("GET", `/v1/cases/${ldhCase}/events`, { token: T.housing, expect: 403 });
  await call("GET", "/v1/cases/no-such-case", { token: T.regie, expect: 404 });
  await call("GET", "/v1/cases/no-such-case/events", { token: T.regie, expect: 404 });
  await call("GET", "/v1/cases/bad.id", { token: T.regie, expect: 400 });
  for (const c of ["demo-1", "demo-10", "demo-106", "demo-119", "demo-209"]) {
    await call("GET", `/v1/cases/${c}`, { token: T.legal, expect: 200 });
    await call("GET", `/v1/cases/${c}/events`, { token: T.intake, expect: 200 });
    await call("GET", `/v1/cases/${c}/events`, { token: T.return, expect: 403 });
  }

  // -- errors of any route
  section("c. errors");
  await call("GET", "/v1/occupancy", { expect: 401 });
  await call("GET", "/v1/occupancy", { token: "not-a-token", expect: 401 });
  await call("GET", "/v1/occupancy", { headers: { authorization: "Basic b2E6b2E=" }, expect: 401 });
  await call("POST", "/v1/programme/events", { body: { type: "ProgrammeCapacitySet" }, expect: 401 });
  await call("GET", "/v1/no-such-route", { token: T.regie, expect: 404 });
  await call("GET", "/v1/cases/x/events/y", { expect: 404 });
  await call("DELETE", "/v1/occupancy", { token: T.regie, expect: 405 });
  await call("PUT", "/v1/cases/demo-1/events", { token: T.regie, expect: 405 });
  await call("POST", "/v1/cases/demo-1/personal-data", { expect: 405 });
  const big = "x".repeat(20 * 1024);
  await call("GET", "/v1/occupancy", { token: T.regie, headers: { "x-filler": big }, expect: 431 });
  const malformed = await rawRequest("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nine\r\n\r\n");
  check(malformed.status === 400, `malformed HTTP: ${malformed.status}`);
  checkAgainst("malformed HTTP -> 400", api.components.responses.BadRequest, malformed);

  // -- x-roles of each event type: the role check comes before the store, so an If-Match
  // that cannot hold keeps these requests from appending (allowed: 412, refused: 403).
  // Housing's scope comes before If-Match too: the unknown case oa-roles is outside it (403);
  // the unknown location is inside it (a housing organisation opens its own).
  section("c. append roles");
  const minimal = {
    ProgrammeCapacitySet: { places: 500, lvvPlaces: 360, maxStayMonths: 18 },
    LocationOpened: { name: "X", operator: "hvo-querido", beds: 1 },
    LocationCapacityChanged: { beds: 1 },
    LocationClosed: {},
    NeighbourhoodContactRecorded: { kind: "visit" },
    ActivityScheduled: { title: "X", organisation: "boost", category: "sport", startsAt: "2026-01-01T10:00:00Z" },
    ActivityHeld: { residents: 1, volunteers: 0, neighbours: 0 },
    ActivityCancelled: {},
    CaseRegistered: { person: { name: "X" } },
    IntakeCompleted: { eligible: true },
    PlacementDecided: { decision: "rejected" },
    CaseManagerAssigned: { caseManager: "cm-x", organisation: "aco" },
    BedAssigned: { locationId: "hvo-centrum" },
    Transferred: { toLocationId: "hvo-oost" },
    LivingAllowancePaid: { amountCents: 1, period: "2026-01" },
    LegalStepRecorded: { step: "appeal" },
    PerspectiveChosen: { track: "undecided" },
    ReturnStepRecorded: { step: "orientation" },
    ParticipationRecorded: { activity: "X", organisation: "boost" },
    EscalationRaised: { escalationId: "e1", reason: "other", level: "warning" },
    EscalationResolved: { escalationId: "e1", resolution: "resolved" },
    StayExtended: { until: "2030-01-01", reason: "x" },
    ExitInterviewHeld: {},
    StayEnded: { outcome: "other" },
  };
  const appendTargets = {
    "/v1/cases/{caseId}/events": "/v1/cases/oa-roles/events",
    "/v1/locations/{locationId}/events": "/v1/locations/oa-roles/events",
    "/v1/activities/{activityId}/events": "/v1/activities/oa-roles/events",
    "/v1/programme/events": "/v1/programme/events",
  };
  let typesChecked = 0;
  for (const [tmpl, target] of Object.entries(appendTargets)) {
    const single = api.paths[tmpl].post.requestBody.content["application/json"].schema.oneOf[0];
    for (const variant of single.oneOf) {
      const type = variant.properties.type.const;
      typesChecked += 1;
      if (!check(minimal[type], `no minimal data for ${type}`)) continue;
      for (const role of ROLES) {
        const inScope = !(role === "housing" && tmpl === "/v1/cases/{caseId}/events");
        const allowed = variant["x-roles"].includes(role) && inScope;
        await call("POST", target, {
          token: T[role],
          headers: { "if-match": '"999999"' },
          body: { type, data: minimal[type] },
          schemaValid: true,
          expect: allowed ? 412 : 403,
        });
      }
    }
  }
  check(typesChecked === 24, `${typesChecked} event types a client may append, expected 24`);

  // -- appends
  section("c. appends");
  const caseId = "oa-case-1";
  const caseEvents = `/v1/cases/${caseId}/events`;
  const t0 = new Date(Date.now() - 60_000).toISOString();
  const registered = {
    type: "CaseRegistered",
    eventId: uuid(1),
    occurredAt: t0,
    schemaVersion: 1,
    data: {
      person: { name: "Testpersoon Een", dateOfBirth: "1991-02-03", nationality: "ER", gender: "f", languages: ["ti", "en"], vNumber: "V000-TEST" },
      referralSource: "invented walk-in",
    },
  };
  const created = await call("POST", caseEvents, { token: T.intake, body: registered, schemaValid: true, expect: 201 });
  check(created.headers.etag === '"1"', `ETag ${created.headers.etag}`);
  const resent = await call("POST", caseEvents, { token: T.intake, body: registered, schemaValid: true, expect: 200 });
  check(resent.body?.position === created.body?.position, "a resend answers another position");
  const other = await call("POST", caseEvents, { token: T.intake2, body: registered, schemaValid: true, expect: 409 });
  check(other.body?.rule === undefined, "the resend rule's 409 names a rule");
  await call("POST", caseEvents, {
    token: T.intake,
    body: { ...registered, data: { person: { name: "Testpersoon Twee" } } },
    schemaValid: true,
    expect: 409,
  });
  const again = await call("POST", caseEvents, { token: T.intake, body: { type: "CaseRegistered", data: { person: { name: "X" } } }, schemaValid: true, expect: 409 });
  check(again.body?.rule === "case-registered-first", `rule ${again.body?.rule}`);
  await call("POST", caseEvents, { token: T.intake, headers: { "if-match": '"5"' }, body: { type: "IntakeCompleted", data: { eligible: true } }, schemaValid: true, expect: 412 });
  await call("POST", caseEvents, { token: T.intake, headers: { "if-match": 'W/"1"' }, body: { type: "IntakeCompleted", data: { eligible: true } }, expect: 400 });
  const batch = [
    { type: "IntakeCompleted", data: { eligible: true, vulnerabilities: ["medical"], notes: "invented intake note" } },
    { type: "PlacementDecided", data: { decision: "admitted", funding: "lvv", referredTo: null, reason: null } },
  ];
  const decided = await call("POST", caseEvents, { token: T.intake, headers: { "if-match": '"1"' }, body: batch, schemaValid: true, expect: 201 });
  check(decided.body?.version === 3 && decided.body?.events?.length === 2, `batch: ${show(decided.body)}`);
  const twice = await call("POST", caseEvents, { token: T.intake, body: { type: "IntakeCompleted", data: { eligible: true } }, schemaValid: true, expect: 409 });
  check(twice.body?.rule === "intake-when-registered", `rule ${twice.body?.rule}`);
  await call("POST", caseEvents, { token: T.legal, body: { type: "CaseManagerAssigned", data: { caseManager: "cm-test", organisation: "askv" } }, schemaValid: true, expect: 201 });
  await call("POST", caseEvents, { token: T.housing, body: { type: "BedAssigned", data: { locationId: "hvo-centrum", bedLabel: "K12-b" } }, schemaValid: true, expect: 201 });
  const bedAgain = await call("POST", caseEvents, { token: T.regie, body: { type: "BedAssigned", data: { locationId: "hvo-oost" } }, schemaValid: true, expect: 409 });
  check(bedAgain.body?.rule === "bed-when-admitted", `rule ${bedAgain.body?.rule}`);
  await call("POST", caseEvents, { token: T.housing, body: { type: "Transferred", data: { toLocationId: "hvo-oost", reason: "invented reason" } }, schemaValid: true, expect: 201 });
  const period = today().slice(0, 7);
  await call("POST", caseEvents, { token: T.housing, body: { type: "LivingAllowancePaid", data: { amountCents: 24000, period } }, schemaValid: true, expect: 201 });
  const paidTwice = await call("POST", caseEvents, { token: T.housing, body: { type: "LivingAllowancePaid", data: { amountCents: 24000, period } }, schemaValid: true, expect: 409 });
  check(paidTwice.body?.rule === "allowance-once-per-period", `rule ${paidTwice.body?.rule}`);
  await call("POST", caseEvents, { token: T.legal, body: { type: "LegalStepRecorded", data: { step: "asylum_application", result: "pending", notes: "invented" } }, schemaValid: true, expect: 201 });
  await call("POST", caseEvents, { token: T.return, body: { type: "PerspectiveChosen", data: { track: "return" } }, schemaValid: true, expect: 201 });
  await call("POST", caseEvents, { token: T.return, body: { type: "ReturnStepRecorded", data: { step: "orientation", country: "ER" } }, schemaValid: true, expect: 201 });
  await call("POST", caseEvents, { token: T.participation, body: { type: "ParticipationRecorded", data: { activity: "Taalcafé", organisation: "boost", hours: 1.5, activityId: "act-1" } }, schemaValid: true, expect: 201 });
  await call("POST", caseEvents, { token: T.housing, body: { type: "EscalationRaised", data: { escalationId: "esc-oa-1", reason: "house_rules", level: "warning" } }, schemaValid: true, expect: 201 });
  await call("POST", caseEvents, { token: T.intake, body: { type: "EscalationResolved", data: { escalationId: "esc-oa-1", resolution: "resolved" } }, schemaValid: true, expect: 201 });
  await call("POST", caseEvents, { token: T.regie, body: { type: "StayExtended", data: { until: addMonths(today(), 20), reason: "invented: procedure pending" } }, schemaValid: true, expect: 201 });
  await call("POST", caseEvents, { token: T.regie, body: { type: "StayExtended", data: { until: addMonths(today(), 20) } }, schemaValid: false, expect: 400 });
  await call("POST", `/v1/cases/${ldhCase}/events`, { token: T.housing, body: { type: "LivingAllowancePaid", data: { amountCents: 100, period: "2020-01" } }, schemaValid: true, expect: 403 });
  await call("POST", caseEvents, { token: T.researcher, body: { type: "PerspectiveChosen", data: { track: "undecided" } }, schemaValid: true, expect: 403 });
  await call("POST", caseEvents, { token: T.legal, body: { type: "StayEnded", data: { outcome: "other" } }, schemaValid: true, expect: 403 });
  const future = new Date(Date.now() + 3_600_000).toISOString();
  const ahead = await call("POST", caseEvents, { token: T.legal, body: { type: "PerspectiveChosen", occurredAt: future, data: { track: "undecided" } }, schemaValid: true, expect: 409 });
  check(ahead.body?.rule === "occurred-at-future", `rule ${ahead.body?.rule}`);
  const behind = await call("POST", caseEvents, { token: T.legal, body: { type: "PerspectiveChosen", occurredAt: "2020-01-01T00:00:00Z", data: { track: "undecided" } }, schemaValid: true, expect: 409 });
  check(behind.body?.rule === "occurred-at-order", `rule ${behind.body?.rule}`);

  // reads of the case
  await call("GET", caseEvents, { token: T.intake, expect: 200 });
  await call("GET", caseEvents, { token: T.housing, expect: 200 });
  await call("GET", caseEvents, { token: T.participation, expect: 403 });
  const file = await call("GET", `/v1/cases/${caseId}`, { token: T.regie, expect: 200 });
  check(file.body?.status === "housed" && file.body?.locationId === "hvo-oost" && file.body?.person?.name, `case file ${show(file.body)}`);

  // schema errors: refused by the server and by the document
  section("c. 400, 413, 415");
  const bad400 = [
    [caseEvents, { type: "NoSuchEvent", data: {} }],
    [caseEvents, { type: "IntakeCompleted", data: { eligible: "yes" } }],
    [caseEvents, { type: "IntakeCompleted", data: { eligible: true, mood: "fine" } }],
    [caseEvents, { type: "IntakeCompleted", data: { eligible: true }, extra: 1 }],
    [caseEvents, { type: "IntakeCompleted", eventId: "not-a-uuid", data: { eligible: true } }],
    [caseEvents, { type: "IntakeCompleted", schemaVersion: 2, data: { eligible: true } }],
    [caseEvents, { type: "IntakeCompleted", occurredAt: "2026-13-01T00:00:00Z", data: { eligible: true } }],
    [caseEvents, { type: "PlacementDecided", data: { decision: "admitted" } }],
    [caseEvents, { type: "PlacementDecided", data: { decision: "maybe" } }],
    [caseEvents, { type: "LivingAllowancePaid", data: { amountCents: 0, period: "2026-01" } }],
    [caseEvents, { type: "LivingAllowancePaid", data: { amountCents: 10, period: "2026-13" } }],
    [caseEvents, { type: "LivingAllowancePaid", data: { amountCents: 9007199254740992, period: "2026-01" } }],
    [caseEvents, { type: "CaseRegistered", data: { person: { name: "" } } }],
    [caseEvents, { type: "CaseRegistered", data: { person: { name: "X", gender: null } } }],
    [caseEvents, { type: "StayEnded", data: { outcome: "returned" } }],
    [caseEvents, { type: "LocationOpened", data: { name: "X", operator: "hvo-querido", beds: 1 } }],
    [caseEvents, { type: "PersonalDataErased" }],
    [caseEvents, []],
    [caseEvents, "{\"type\": "],
    ["/v1/locations/oa-loc-1/events", { type: "LocationOpened", data: { name: "X", operator: "hvo-querido", beds: -1 } }],
    ["/v1/locations/oa-loc-1/events", { type: "NeighbourhoodContactRecorded", data: { kind: "party" } }],
    ["/v1/activities/oa-act-1/events", { type: "ActivityScheduled", data: { title: "X", organisation: "boost", category: "games", startsAt: "2026-01-01T10:00:00Z" } }],
    ["/v1/activities/oa-act-1/events", { type: "ActivityHeld", data: { residents: 1.5, volunteers: 0, neighbours: 0 } }],
    ["/v1/programme/events", { type: "ProgrammeCapacitySet", data: { places: 10, lvvPlaces: 5 } }],
  ];
  for (const [target, body] of bad400) {
    await call("POST", target, { token: T.regie, body, schemaValid: typeof body === "string" ? undefined : false, expect: 400 });
  }
  // lvvPlaces <= places: a 400 the schema cannot express.
  await call("POST", "/v1/programme/events", { token: T.regie, body: { type: "ProgrammeCapacitySet", data: { places: 10, lvvPlaces: 11, maxStayMonths: 18 } }, expect: 400 });
  await call("POST", "/v1/cases/bad.id/events", { token: T.regie, body: { type: "IntakeCompleted", data: { eligible: true } }, expect: 400 });
  await call("POST", caseEvents, { token: T.regie, body: '{"type":"IntakeCompleted","data":{"eligible":true}}', contentType: "text/plain", expect: 415 });
  await call("POST", caseEvents, { token: T.regie, body: "x".repeat(1024 * 1024 + 1), expect: 413 });

  // -- location, activity, programme streams
  section("c. locations, activities, programme");
  const loc = "/v1/locations/oa-loc-1/events";
  const opened = { type: "LocationOpened", eventId: uuid(2), data: { name: "HVO Querido Testhuis", operator: "hvo-querido", beds: 10 } };
  await call("POST", loc, { token: T.housing, body: opened, schemaValid: true, expect: 201 });
  await call("POST", loc, { token: T.housing, body: opened, schemaValid: true, expect: 200 });
  await call("POST", loc, { token: T.housing, body: [{ type: "LocationCapacityChanged", data: { beds: 12 } }, { type: "NeighbourhoodContactRecorded", data: { kind: "meeting", notes: null } }], schemaValid: true, expect: 201 });
  await call("POST", loc, { token: T.housing, body: { type: "NeighbourhoodContactRecorded", data: { kind: "complaint", notes: "invented note" } }, schemaValid: true, expect: 201 });
  await call("POST", loc, { token: T.housing, body: { type: "LocationClosed" }, schemaValid: true, expect: 201 });
  const closed = await call("POST", loc, { token: T.housing, body: { type: "LocationCapacityChanged", data: { beds: 5 } }, schemaValid: true, expect: 409 });
  check(closed.body?.rule === "location-not-open", `rule ${closed.body?.rule}`);
  await call("POST", "/v1/locations/ldh-noord/events", { token: T.housing, body: { type: "NeighbourhoodContactRecorded", data: { kind: "visit" } }, schemaValid: true, expect: 403 });
  await call("POST", loc, { token: T.intake, body: { type: "LocationClosed", data: {} }, schemaValid: true, expect: 403 });
  await call("GET", loc, { token: T.housing, expect: 200 });
  await call("GET", loc, { token: T.regie, expect: 200 });
  await call("GET", "/v1/locations/ldh-noord/events", { token: T.housing, expect: 403 });
  await call("GET", "/v1/locations/no-such-location/events", { token: T.housing, expect: 404 });
  await call("GET", "/v1/locations/no-such-location/events", { token: T.intake, expect: 404 });
  await call("GET", loc, { token: T.legal, expect: 403 });

  const act = "/v1/activities/oa-act-1/events";
  await call("POST", act, { token: T.participation, body: { type: "ActivityScheduled", data: { title: "Voetbal", organisation: "boost", category: "sport", startsAt: "2026-12-05T14:00:00+01:00", coDesigned: true } }, schemaValid: true, expect: 201 });
  await call("POST", act, { token: T.participation, body: { type: "ActivityHeld", data: { residents: 12, volunteers: 2, neighbours: 3, volunteerHours: 4.5 } }, schemaValid: true, expect: 201 });
  const heldTwice = await call("POST", act, { token: T.participation, body: { type: "ActivityHeld", data: { residents: 1, volunteers: 0, neighbours: 0 } }, schemaValid: true, expect: 409 });
  check(heldTwice.body?.rule === "activity-held-once", `rule ${heldTwice.body?.rule}`);
  const notScheduled = await call("POST", "/v1/activities/oa-act-2/events", { token: T.participation, body: { type: "ActivityCancelled", data: { reason: "invented" } }, schemaValid: true, expect: 409 });
  check(notScheduled.body?.rule === "activity-scheduled-first", `rule ${notScheduled.body?.rule}`);
  await call("POST", "/v1/activities/oa-act-3/events", { token: T.regie, body: [{ type: "ActivityScheduled", data: { title: "Spreekuur", organisation: "life-goals", category: "information", startsAt: "2026-12-10T10:00:00Z" } }, { type: "ActivityCancelled" }], schemaValid: true, expect: 201 });
  await call("GET", act, { token: T.participation, expect: 200 });
  await call("GET", act, { token: T.intake, expect: 403 });
  await call("GET", "/v1/activities/no-such-activity/events", { token: T.regie, expect: 404 });

  await call("POST", "/v1/programme/events", { token: T.regie, headers: { "if-match": "1" }, body: { type: "ProgrammeCapacitySet", data: { places: 500, lvvPlaces: 360, maxStayMonths: 18 } }, schemaValid: true, expect: 201 });
  await call("POST", "/v1/programme/events", { token: T.intake, body: { type: "ProgrammeCapacitySet", data: { places: 500, lvvPlaces: 360, maxStayMonths: 18 } }, schemaValid: true, expect: 403 });
  await call("POST", "/v1/programme/events", { token: T.regie, headers: { "if-match": '"0"' }, body: { type: "ProgrammeCapacitySet", data: { places: 500, lvvPlaces: 360, maxStayMonths: 18 } }, schemaValid: true, expect: 412 });
  await call("GET", "/v1/programme/events", { token: T.researcher, expect: 200 });

  // -- erasure and the access log
  section("c. erasure, access log");
  await call("DELETE", `/v1/cases/${caseId}/personal-data`, { token: T.legal, expect: 403 });
  await call("DELETE", "/v1/cases/no-such-case/personal-data", { token: T.intake, expect: 404 });
  await call("DELETE", "/v1/cases/bad.id/personal-data", { token: T.intake, expect: 400 });
  const erased = await call("DELETE", `/v1/cases/${caseId}/personal-data`, { token: T.intake, expect: 200 });
  check(erased.body?.position > 0, `erasure without position: ${show(erased.body)}`);
  const erasedAgain = await call("DELETE", `/v1/cases/${caseId}/personal-data`, { token: T.regie, expect: 200 });
  check(erasedAgain.body?.position === undefined && erasedAgain.body?.version === erased.body?.version, `second erasure: ${show(erasedAgain.body)}`);
  const afterFile = await call("GET", `/v1/cases/${caseId}`, { token: T.regie, expect: 200 });
  check(afterFile.body?.person === null, "an erased case file shows a person");
  const afterEvents = await call("GET", caseEvents, { token: T.regie, expect: 200 });
  check(JSON.stringify(afterEvents.body?.events?.[0]?.data) === "{}", `erased CaseRegistered: ${show(afterEvents.body?.events?.[0])}`);
  // Personal fields sent for an erased case are dropped: stored and answered without them.
  const extended = await call("POST", caseEvents, { token: T.regie, body: { type: "StayExtended", data: { until: addMonths(today(), 22), reason: "invented" } }, schemaValid: true, expect: 201 });
  check(extended.body?.events?.[0]?.data && !("reason" in extended.body.events[0].data), `after erasure: ${show(extended.body)}`);
  await call("POST", caseEvents, { token: T.housing, body: { type: "StayEnded", data: { outcome: "independent_return", destinationCountry: "ER", notes: "invented" } }, schemaValid: true, expect: 201 });
  await call("POST", caseEvents, { token: T.intake, body: { type: "ExitInterviewHeld", data: { declined: false } }, schemaValid: true, expect: 201 });
  const interviewTwice = await call("POST", caseEvents, { token: T.intake, body: { type: "ExitInterviewHeld" }, schemaValid: true, expect: 409 });
  check(interviewTwice.body?.rule === "exit-interview-once", `rule ${interviewTwice.body?.rule}`);
  const ended = await call("POST", caseEvents, { token: T.intake, body: { type: "CaseManagerAssigned", data: { caseManager: "cm-x", organisation: "aco" } }, schemaValid: true, expect: 409 });
  check(ended.body?.rule === "stay-ended", `rule ${ended.body?.rule}`);
  await call("GET", `/v1/events?after=${last}`, { token: T.regie, expect: 200, paramsValid: true });
  await call("GET", `/v1/events?after=${last}`, { token: T.researcher, expect: 200, paramsValid: true });
  const log = await call("GET", `/v1/access-log?caseId=${caseId}&limit=100`, { token: T.regie, expect: 200, paramsValid: true });
  const whats = new Set((log.body?.entries ?? []).map((e) => e.what));
  check(whats.has("case-file") && whats.has("case-events") && whats.has("feed"), `access log: ${show(log.body)}`);
  await call("GET", "/v1/access-log?caseId=never-seen", { token: T.regie, expect: 200, paramsValid: true });
  await call("GET", "/v1/access-log", { token: T.regie, expect: 400, paramsValid: false });
  await call("GET", "/v1/access-log?caseId=demo-1&limit=0", { token: T.regie, expect: 400, paramsValid: false });
  await call("GET", "/v1/access-log?caseId=demo-1&who=me", { token: T.regie, expect: 400, paramsValid: false });
  // the read models take the new case in
  await call("GET", "/v1/occupancy", { token: T.regie, expect: 200 });
  await call("GET", `/v1/outcomes?from=${today()}&to=${today()}`, { token: T.regie, expect: 200, paramsValid: true });
  await call("GET", "/v1/escalations?status=all", { token: T.regie, expect: 200, paramsValid: true });
  await call("GET", "/metrics", { token: T.regie, expect: 200 });

  await subscriptions();

  // -- every operation answered successfully at least once
  for (const { method, path: p } of operationsOf(api)) {
    const statuses = exercised.get(`${method} ${p}`) ?? new Set();
    check([...statuses].some((s) => s >= 200 && s < 300), `${method.toUpperCase()} ${p} was never answered 2xx`);
    console.log(`   ${method.toUpperCase().padEnd(6)} ${p.padEnd(36)} ${[...statuses].sort().join(" ")}`);
  }
}

// ---------------------------------------------------------------- subscriptions and webhooks

// A webhook receiver on loopback: keeps every POST; answers 500 under /fail, 204 elsewhere.
const received = [];
let receiverPort = 0;
function startReceiver() {
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(req.url.startsWith("/fail") ? 500 : 204);
      res.end();
    });
  });
  return new Promise((resolve) => srv.listen(0, "127.0.0.1", () => {
    receiverPort = srv.address().port;
    srv.unref();
    resolve();
  }));
}

// Polls `probe` until it returns a truthy value (or 30 s pass: then null).
async function until(probe) {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

// One webhook POST against the document's `webhooks` entry and its signature.
function checkWebhook(hook, secret) {
  const op = api.webhooks.subscriptionBatch.post;
  for (const p of op.parameters) {
    const value = hook.headers[p.name];
    if (!check(value !== undefined, `webhook: header ${p.name} missing`)) continue;
    const errs = schemaErrors(p.schema, value);
    check(!errs, `webhook: header ${p.name}: ${show(value)}: ${errs}`);
  }
  check(hook.headers["content-type"] === "application/json", `webhook: Content-Type ${hook.headers["content-type"]}`);
  let body = null;
  try {
    body = JSON.parse(hook.body);
  } catch {
    fail(`webhook: the body is not JSON: ${show(hook.body)}`);
    return null;
  }
  const errs = schemaErrors(op.requestBody.content["application/json"].schema, body);
  check(!errs, `webhook: the body does not match WebhookBatch: ${errs}`);
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const signed = `${hook.headers["webhook-id"]}.${hook.headers["webhook-timestamp"]}.${hook.body}`;
  const expected = `v1,${crypto.createHmac("sha256", key).update(signed).digest("base64")}`;
  check(hook.headers["webhook-signature"] === expected, `webhook: signature ${hook.headers["webhook-signature"]}, expected ${expected}`);
  return body;
}

async function subscriptions() {
  section("c. subscriptions (pull)");
  const subs = "/v1/subscriptions";
  const pull = { subscriptionId: "oa-pull", filter: { categories: ["case"], types: ["BedAssigned", "StayEnded"] }, startAt: "beginning", delivery: { kind: "pull" } };
  const created = await call("POST", subs, { token: T.housing, body: pull, schemaValid: true, expect: 201 });
  check(created.body?.organisation === "hvo-querido" && created.body?.role === "housing" && created.body?.checkpoint === 0 && created.body?.lag > 0 && !("secret" in created.body), `created: ${show(created.body)}`);
  await call("POST", subs, { token: T.housing, body: pull, schemaValid: true, expect: 200 });
  await call("POST", subs, { token: T.housing, body: { ...pull, startAt: "end" }, schemaValid: true, expect: 409 });
  await call("POST", subs, { token: T.intake, body: pull, schemaValid: true, expect: 201 });
  await call("POST", subs, { token: T.ops, body: pull, schemaValid: true, expect: 403 });
  for (const body of [
    { ...pull, subscriptionId: "a.b" },
    { subscriptionId: "x", delivery: { kind: "pull" } },
    { ...pull, delivery: { kind: "email" } },
    { ...pull, delivery: { kind: "webhook", url: "http://127.0.0.1/x", maxBatch: 0 } },
    { ...pull, delivery: { kind: "webhook" } },
    { ...pull, filter: { categories: ["cases"] } },
    { ...pull, filter: { types: ["NoSuchEvent"] } },
    { ...pull, startAt: "now" },
    { ...pull, extra: 1 },
  ]) {
    await call("POST", subs, { token: T.housing, body, schemaValid: false, expect: 400 });
  }
  await call("POST", subs, { token: T.housing, body: { ...pull, subscriptionId: "oa-far", startAt: 1e12 }, schemaValid: true, expect: 400 });
  await call("POST", subs, { token: T.housing, body: { ...pull, subscriptionId: "oa-hook-x", delivery: { kind: "webhook", url: "http://10.1.2.3/hook" } }, schemaValid: true, expect: 400 });
  const list = await call("GET", subs, { token: T.housing, expect: 200 });
  check(list.body?.subscriptions?.length === 1, `list: ${show(list.body)}`);
  const none = await call("GET", subs, { token: T.researcher, expect: 200 });
  check(none.body?.subscriptions?.length === 0, `another organisation's list: ${show(none.body)}`);
  await call("GET", subs, { token: T.ops, expect: 403 });
  const one = `${subs}/oa-pull`;
  await call("GET", one, { token: T.housing, expect: 200 });
  await call("GET", one, { token: T.regie, expect: 404 });
  await call("GET", `${subs}/no-such`, { token: T.housing, expect: 404 });
  const page = await call("GET", `${one}/events?limit=5`, { token: T.housing, expect: 200, paramsValid: true });
  check(page.body?.events?.length === 5 && page.body.events.every((e) => ["BedAssigned", "StayEnded"].includes(e.type)), `pulled: ${show(page.body?.events?.map((e) => e.type))}`);
  const again = await call("GET", `${one}/events?limit=5&wait=0`, { token: T.housing, expect: 200, paramsValid: true });
  check(again.body?.next === page.body?.next, "a pull without ack moved on");
  for (const q of ["?limit=0", "?limit=10001", "?wait=61", "?after=3"]) {
    await call("GET", `${one}/events${q}`, { token: T.housing, expect: 400, paramsValid: false });
  }
  const acked = await call("POST", `${one}/ack`, { token: T.housing, body: { position: page.body?.next }, schemaValid: true, expect: 200 });
  check(acked.body?.checkpoint === page.body?.next && acked.body.lag === created.body.lag - 5, `acked: ${show(acked.body)}`);
  const back = await call("POST", `${one}/ack`, { token: T.housing, body: { position: 1 }, schemaValid: true, expect: 200 });
  check(back.body?.checkpoint === page.body?.next, "ack went backwards");
  await call("POST", `${one}/ack`, { token: T.housing, body: { position: page.body.next + 1_000_000 }, schemaValid: true, expect: 409 });
  await call("POST", `${one}/ack`, { token: T.housing, body: { position: -1 }, schemaValid: false, expect: 400 });
  await call("POST", `${one}/ack`, { token: T.housing, body: { at: 3 }, schemaValid: false, expect: 400 });
  const paused = await call("POST", `${one}/pause`, { token: T.housing, expect: 200 });
  check(paused.body?.state === "paused", `paused: ${paused.body?.state}`);
  const resumed = await call("POST", `${one}/resume`, { token: T.housing, expect: 200 });
  check(resumed.body?.state === "active", `resumed: ${resumed.body?.state}`);
  await call("GET", `${one}/parked`, { token: T.housing, expect: 409 });
  await call("POST", `${one}/parked/replay`, { token: T.housing, expect: 409 });
  await call("POST", `${subs}/no-such/pause`, { token: T.housing, expect: 404 });

  section("c. subscriptions (webhooks)");
  const end = (await call("GET", "/readyz", { expect: 200 })).body.position;
  const hookBody = { subscriptionId: "oa-hook", startAt: end - 3, delivery: { kind: "webhook", url: `http://127.0.0.1:${receiverPort}/hook`, maxBatch: 2 } };
  const hook = await call("POST", subs, { token: T.regie, body: hookBody, schemaValid: true, expect: 201 });
  const secret = hook.body?.secret;
  check(/^whsec_/.test(secret ?? ""), `no secret: ${show(hook.body)}`);
  const sameHook = await call("POST", subs, { token: T.regie, body: hookBody, schemaValid: true, expect: 200 });
  check(!("secret" in (sameHook.body ?? {})), "the secret is shown twice");
  const hooks = await until(() => {
    const got = received.filter((r) => r.path === "/hook");
    return got.length >= 2 ? got : null;
  });
  if (check(hooks, `the receiver got ${received.length} webhooks, expected 2 batches`)) {
    const bodies = hooks.map((h) => checkWebhook(h, secret));
    check(bodies[0]?.subscriptionId === "oa-hook" && bodies[0]?.events?.length === 2 && bodies[1]?.events?.length === 1, `batches: ${show(bodies)}`);
    check(bodies[0]?.events?.[0]?.position === end - 2 && bodies[1]?.events?.[0]?.position === end, "batches out of order");
    check(hooks[0].headers["webhook-id"] !== hooks[1].headers["webhook-id"], "two batches under one webhook-id");
  }
  const delivered = await until(async () => {
    const r = await call("GET", `${subs}/oa-hook`, { token: T.regie, expect: 200 });
    return r.body?.checkpoint === end ? r : null;
  });
  check(delivered?.body?.lag === 0 && delivered?.body?.state === "active", `after delivery: ${show(delivered?.body)}`);
  await call("GET", `${subs}/oa-hook/events`, { token: T.regie, expect: 409 });
  await call("POST", `${subs}/oa-hook/ack`, { token: T.regie, body: { position: end }, schemaValid: true, expect: 409 });
  await call("GET", `${subs}/oa-hook/parked`, { token: T.regie, expect: 200 });

  // A receiver that answers 500: retried (--webhook-retry-base-ms 10), then parked, then replayed.
  const failBody = { subscriptionId: "oa-fail", startAt: end - 1, delivery: { kind: "webhook", url: `http://127.0.0.1:${receiverPort}/fail` } };
  await call("POST", subs, { token: T.regie, body: failBody, schemaValid: true, expect: 201 });
  const parked = await until(async () => {
    const r = await call("GET", `${subs}/oa-fail/parked`, { token: T.regie, expect: 200 });
    return r.body?.parked?.length === 1 ? r : null;
  });
  check(parked?.body?.parked?.[0]?.attempts === 8 && parked.body.parked[0].lastError === "HTTP 500", `parked: ${show(parked?.body)}`);
  const failing = await call("GET", `${subs}/oa-fail`, { token: T.regie, expect: 200 });
  check(failing.body?.state === "failing" && failing.body?.parked === 1 && failing.body?.lastError === "HTTP 500", `failing: ${show(failing.body)}`);
  const attempts = received.filter((r) => r.path === "/fail");
  check(attempts.length === 8 && attempts.every((a) => a.headers["webhook-id"] === attempts[0].headers["webhook-id"]), `attempts: ${attempts.length}, ids ${[...new Set(attempts.map((a) => a.headers["webhook-id"]))]}`);
  const replay = await call("POST", `${subs}/oa-fail/parked/replay`, { token: T.regie, expect: 202 });
  check(replay.body?.replaying === 1, `replay: ${show(replay.body)}`);
  const replayed = await until(() => received.filter((r) => r.path === "/fail").length > 8);
  check(replayed, "the parked batch was not sent again");
  await call("GET", `${subs}/oa-fail/parked`, { token: T.regie, expect: 200 });

  await call("DELETE", `${subs}/oa-fail`, { token: T.regie, expect: 204 });
  await call("DELETE", `${subs}/oa-fail`, { token: T.regie, expect: 404 });
  await call("DELETE", `${subs}/oa-pull`, { token: T.intake, expect: 204 });
  await call("DELETE", `${subs}/oa-pull`, { token: T.researcher, expect: 404 });
}

async function partD() {
  section("d. SIGTERM");
  if (server.exitCode !== null || server.signalCode !== null) {
    fail(`the server ended before SIGTERM (exit code ${server.exitCode}, signal ${server.signalCode})`);
    server = null;
    return;
  }
  const exit = new Promise((resolve) => server.once("exit", (code, signal) => resolve({ code, signal })));
  server.kill("SIGTERM");
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 120_000));
  const r = await Promise.race([exit, timeout]);
  if (!r) {
    server.kill("SIGKILL");
    fail("the server did not stop within 120 s of SIGTERM");
  } else {
    check(r.code === 0, `the server exited with code ${r.code} (signal ${r.signal}) after SIGTERM`);
  }
  server = null;
}

async function main() {
  section("a. converting docs/openapi.yaml as the build does");
  const converted = convertYaml(path.join(SOURCE_DIR, "docs/openapi.yaml"));
  for (const b of converted.bad) fail(`docs/openapi.yaml: ${b}`);
  const doc = converted.document;
  const ok = await partA(doc);
  partB(doc);
  if (ok) {
    try {
      await partC(doc);
    } finally {
      if (server) await partD();
    }
  }
}

try {
  await main();
} catch (e) {
  fail(`error: ${e.stack ?? e}`);
  if (server) server.kill("SIGKILL");
}
if (failures.length && serverOutput) console.log(`-- server stderr (last lines):\n${serverOutput.split("\n").slice(-20).join("\n")}`);
if (process.env.OPENAPI_TEST_KEEP !== "1") fs.rmSync(tmp, { recursive: true, force: true });
console.log(failures.length ? `FAILED: ${failures.length} of ${checks} checks` : `PASSED: ${checks} checks`);
process.exit(failures.length ? 1 : 0);
