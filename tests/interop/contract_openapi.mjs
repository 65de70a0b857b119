// Sandbank's real answers against its own OpenAPI document (docs/openapi.json): a fresh sandbox,
// the flows of the guide and of ING's pre-migration granting flow, successes and the errors of
// each (400, 401, 403, 404, 405, 409, 422, 431, ...), on both listeners. Every answer must be an
// operation of the document served by that listener, with a documented status and media type,
// a body valid against the response's schema (ajv, JSON Schema 2020-12; object schemas are
// closed for the check, so an undocumented member fails too), the response headers the
// document marks required, X-Request-ID echoed where it is documented, the page's data-outcome
// among the documented ones. Then: GET /openapi.json on both listeners is docs/openapi.json byte
// for byte, the reference page GET /docs/api lists every operation, and every operation of the
// document was exercised.
// Usage: node contract_openapi.mjs <sandbank binary> [docs/openapi.json]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as jose from 'jose';
import { Agent, request } from 'undici';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { check, runAgainstSandbank } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const httpSignature = require('http-signature');

const here = path.dirname(fileURLToPath(import.meta.url));
const [binary, documentArg] = process.argv.slice(2);
if (!binary) {
  console.error('usage: node contract_openapi.mjs SANDBANK_BINARY [docs/openapi.json]');
  process.exit(2);
}
const documentPath = documentArg ?? path.join(here, '..', '..', 'docs', 'openapi.json');
const documentText = fs.readFileSync(documentPath, 'utf8');

// The document must be a valid OpenAPI 3.1 document (swagger-parser checks it against the
// specification's schema and resolves every $ref).
await SwaggerParser.validate(JSON.parse(documentText));
const doc = await SwaggerParser.dereference(JSON.parse(documentText));
check('docs/openapi.json is a valid OpenAPI 3.1 document', doc.openapi.startsWith('3.1.'), doc.openapi);

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
ajv.addFormat('double', true);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

// A copy of a schema whose object schemas with `properties` admit no other member unless they
// say so: the document stays open for clients, the check catches what it does not describe.
function closed(schema) {
  const copy = structuredClone(schema);
  const seen = new Set();
  const walk = (s) => {
    if (!s || typeof s !== 'object' || seen.has(s)) return;
    seen.add(s);
    if (!Array.isArray(s) && s.properties && !('additionalProperties' in s)) s.additionalProperties = false;
    for (const v of Object.values(s)) walk(v);
  };
  walk(copy);
  return copy;
}
const validators = new Map();
function validatorOf(schema) {
  let v = validators.get(schema);
  if (!v) {
    v = ajv.compile(closed(schema));
    validators.set(schema, v);
  }
  return v;
}

// The path template of the document a concrete path belongs to: a literal segment beats a
// parameter, as Sandbank's router decides.
function templateOf(pathname) {
  const segments = pathname.split('/');
  let best = null;
  for (const template of Object.keys(doc.paths)) {
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    let literal = 0;
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      if (/^\{[^}]+\}$/.test(parts[i])) ok = segments[i] !== '';
      else if (parts[i] === segments[i]) literal++;
      else ok = false;
    }
    if (ok && (!best || literal > best.literal)) best = { template, literal };
  }
  return best?.template ?? null;
}

const exercised = new Map();  // "METHOD template" → Set of statuses
let validated = 0;
const headerOf = (answer, name) => answer.headers[name.toLowerCase()];
const mediaOf = (answer) => String(headerOf(answer, 'content-type') ?? '').split(';')[0].trim().toLowerCase();

// Checks one answer against the document. `call` = {listener, method, target, requestId?}.
function validate(name, call, answer) {
  const pathname = call.target.split('?')[0];
  const template = templateOf(pathname);
  const item = template ? doc.paths[template] : null;
  if (!item) {
    check(`${name}: ${call.method} ${pathname} is a path of the document`, false, `${answer.status} ${answer.text.slice(0, 200)}`);
    return;
  }
  let operation = item[call.method.toLowerCase()];
  if (!operation && call.method === 'HEAD') operation = item.get;
  if (!operation) {
    // A method the path does not serve: the 405 its operations document.
    operation = METHODS.map((m) => item[m]).find((op) => op?.responses?.['405']);
    check(`${name}: ${call.method} on ${template} is answered 405`, answer.status === 405 && operation,
      `${answer.status} ${answer.text.slice(0, 200)}`);
    if (!operation) return;
  } else {
    const key = `${call.method} ${template}`;
    if (!exercised.has(key)) exercised.set(key, new Set());
    exercised.get(key).add(answer.status);
  }
  const listeners = operation['x-sandbank-listener'] ?? [];
  if (!listeners.includes(call.listener)) {
    check(`${name}: ${template} is served on the ${call.listener} listener`, false, listeners.join(', '));
  }
  const response = operation.responses[String(answer.status)];
  if (!response) {
    check(`${name}: status ${answer.status} is documented for ${call.method} ${template}`, false,
      `documented: ${Object.keys(operation.responses).join(', ')}; body ${answer.text.slice(0, 400)}`);
    return;
  }
  validateResponse(name, call, answer, response);
}

function validateResponse(name, call, answer, response) {
  const problems = [];
  for (const [header, spec] of Object.entries(response.headers ?? {})) {
    if (spec.required && headerOf(answer, header) === undefined) problems.push(`header ${header} missing`);
    if (header === 'X-Request-ID' && call.requestId && headerOf(answer, header) !== call.requestId) {
      problems.push(`X-Request-ID ${headerOf(answer, header)} instead of ${call.requestId}`);
    }
    if (spec.schema && headerOf(answer, header) !== undefined) {
      const v = validatorOf(spec.schema);
      const value = [].concat(headerOf(answer, header))[0];
      if (!v(value)) problems.push(`header ${header}: ${ajv.errorsText(v.errors)}`);
    }
  }
  const media = mediaOf(answer);
  if (!response.content) {
    if (answer.text !== '') problems.push(`no body documented, got ${media} ${answer.text.slice(0, 100)}`);
  } else if (!response.content[media]) {
    problems.push(`media type ${media || '(none)'} not documented (${Object.keys(response.content).join(', ')})`);
  } else {
    const entry = response.content[media];
    let text = answer.text;
    const guard = entry['x-sandbank-xssi-guard'];
    if (guard) {
      if (!text.startsWith(guard)) problems.push(`the body does not start with the guard ${JSON.stringify(guard)}`);
      text = text.slice(guard.length);
    }
    if (media === 'application/json') {
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        problems.push(`not JSON: ${text.slice(0, 200)}`);
      }
      if (body !== undefined && entry.schema) {
        const v = validatorOf(entry.schema);
        if (!v(body)) problems.push(`body: ${ajv.errorsText(v.errors)}`);
      }
    } else if (media === 'text/html') {
      if (!/^<!DOCTYPE html>/i.test(text)) problems.push('not an HTML page');
      const outcome = /<main[^>]*data-outcome="([^"]*)"/.exec(text)?.[1];
      const outcomes = response['x-sandbank-data-outcome'];
      if (outcomes && !outcomes.includes(outcome)) {
        problems.push(`data-outcome ${outcome} not among ${outcomes.join(', ')}`);
      }
    } else if (entry.schema) {
      const v = validatorOf(entry.schema);
      if (!v(text)) problems.push(`body: ${ajv.errorsText(v.errors)}`);
    }
  }
  validated++;
  check(`${name}: ${call.method} ${call.target.split('?')[0]} ${answer.status} as documented`, problems.length === 0,
    `${problems.join('; ')}\n${answer.text.slice(0, 600)}`);
}

// Unmatched paths have no operation: their 404 is the listener's error shape.
function validateUnmatched(name, call, answer, schemaName) {
  const response = { headers: {}, content: { 'application/json': { schema: doc.components.schemas[schemaName] } } };
  validateResponse(name, call, answer, response);
  let detail;
  try { detail = JSON.parse(answer.text).detail; } catch { /* reported above */ }
  check(`${name}: 404 route.not_found`, answer.status === 404 && detail === 'route.not_found', answer.text);
}

const CLIENT_ID = '5ca1ab1e-c0ca-c01a-cafe-154deadbea75';
const FORM = 'application/x-www-form-urlencoded';
const REDIRECT = 'https://www.example.com/';
const SCOPES = {
  all: 'payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview+' +
    'payment-accounts%3Afunds-availability%3Aconfirm',
  transactions: 'payment-accounts%3Atransactions%3Aview',
  ais: 'payment-accounts%3Abalances%3Aview%20payment-accounts%3Atransactions%3Aview',
};
const XSRF = 'contract-xsrf-value';

async function main({ api, web, certs, read }) {
  const ca = read('ca.cer');
  const tls = { cert: read('example_client_tls.cer'), key: read('example_client_tls.key'), ca };
  const mtls = new Agent({ connect: tls });
  const bare = new Agent({ connect: { ca } });
  const signingKey = read('example_client_signing.key');
  const signingCertPem = read('example_client_signing.cer');
  const signingCert = signingCertPem.replace(/[\r\n]/g, '');
  const digestOf = (body) => `SHA-256=${crypto.createHash('sha256').update(body).digest('base64')}`;

  async function send(listener, method, target, { body, headers = {}, dispatcher } = {}) {
    const base = listener === 'api' ? api : web;
    const d = dispatcher ?? (listener === 'api' ? mtls : bare);
    const r = await request(`${base}${target}`, { method, dispatcher: d, body: body || undefined, headers });
    const text = await r.body.text();
    return { status: r.statusCode, headers: r.headers, text, json: () => JSON.parse(text) };
  }
  // Sends a request and validates its answer; returns the answer.
  async function call(name, listener, method, target, options = {}) {
    const answer = await send(listener, method, target, options);
    const requestId = Object.entries(options.headers ?? {}).find(([k]) => k.toLowerCase() === 'x-request-id')?.[1];
    validate(name, { listener, method, target, requestId }, answer);
    return answer;
  }
  const guarded = (answer) => JSON.parse(answer.text.replace(/^\)\]\}',\n/, ''));
  const cookieOf = (answer, name) => [].concat(answer.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0]).find((c) => c.startsWith(`${name}=`));
  const csrfOf = (answer) => /name="csrf_token" value="([^"]+)"/.exec(answer.text)?.[1];
  const profileOf = (answer, profileName) => new RegExp(
    `name="profile" value="([^"]+)"[^>]*>\\s*<span class="profile-name">${profileName}<`).exec(answer.text)?.[1];

  // draft-cavage Signature (or Authorization: Signature) over (request-target) date digest.
  function signed(method, target, body, extra, keyId, header = 'Signature', key = signingKey) {
    const headers = { date: new Date().toUTCString(), digest: digestOf(body), ...extra };
    const shim = {
      method, path: target,
      getHeader: (n) => headers[n.toLowerCase()],
      setHeader: (n, v) => { headers[n.toLowerCase()] = v; },
    };
    httpSignature.signRequest(shim, { key, keyId, algorithm: 'rsa-sha256',
      headers: ['(request-target)', 'date', 'digest'], authorizationHeaderName: header });
    return headers;
  }
  // Detached JWS (x-jws-signature) over (request-target) digest content-type, signed by jose.
  async function jwsHeaders(method, target, body, certPem, keyPem, extra = {}) {
    const digest = digestOf(body);
    const der = new crypto.X509Certificate(certPem).raw;
    const pars = ['(request-target)', 'digest', 'content-type'];
    const values = { '(request-target)': `${method.toLowerCase()} ${target}`, digest, 'content-type': 'application/json' };
    const payload = new TextEncoder().encode(pars.map((p) => `${p}: ${values[p]}`).join('\n'));
    const key = await jose.importPKCS8(
      crypto.createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'pem' }), 'PS256');
    const jws = await new jose.FlattenedSign(payload).setProtectedHeader({
      b64: false, 'x5t#S256': crypto.createHash('sha256').update(der).digest('base64url'),
      crit: ['sigT', 'sigD', 'b64'], sigT: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      sigD: { pars, mId: 'http://uri.etsi.org/19182/HttpHeaders' }, alg: 'PS256',
    }).sign(key, { crit: { sigT: true, sigD: true } });
    return { 'content-type': 'application/json', digest, 'x-jws-signature': `${jws.protected}..${jws.signature}`,
      'tpp-signature-certificate': certPem.replace(/[\r\n]/g, ''), ...extra };
  }

  // --- Sandbox: health, this document, its page, whoami, the routers' own errors ------------
  for (const listener of ['api', 'web']) {
    await call(`health (${listener})`, listener, 'GET', '/health');
    const served = await call(`openapi.json (${listener})`, listener, 'GET', '/openapi.json');
    check(`GET /openapi.json on the ${listener} listener is docs/openapi.json byte for byte`,
      served.text === documentText, `${served.text.length} bytes, the file has ${documentText.length}`);
  }
  const page = await call('API reference page', 'web', 'GET', '/docs/api');
  const missing = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const start = page.text.indexOf(`id="op-${op.operationId}"`);
      const section = start < 0 ? '' : page.text.slice(start, page.text.indexOf('</article>', start));
      const escapedPath = template.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      if (!section.includes(`>${method.toUpperCase()}<`) || !section.includes(`>${escapedPath}<`)) {
        missing.push(`${method.toUpperCase()} ${template} (${op.operationId})`);
      }
    }
  }
  check('the reference page lists every operation with its method and path', missing.length === 0, missing.join(', '));
  await call('whoami', 'api', 'GET', '/sandbank/whoami');
  await call('whoami without a client certificate', 'api', 'GET', '/sandbank/whoami', { dispatcher: bare });
  await call('DELETE /health (web)', 'web', 'DELETE', '/health');
  await call('PUT /openapi.json (api)', 'api', 'PUT', '/openapi.json');
  for (const [listener, target, schema] of [['api', '/nowhere', 'Error'], ['web', '/nowhere', 'Error'],
    ['api', '/v3/accounts/x/y/z', 'TppMessagesAis'], ['api', '/v1/payments/a/b/c/d', 'TppMessagesPis']]) {
    const answer = await send(listener, 'GET', target, { headers: { 'x-request-id': crypto.randomUUID() } });
    validateUnmatched(`unknown path ${target} (${listener})`, { listener, method: 'GET', target }, answer, schema);
  }
  // The server's own 431 (headers beyond 16 KB), in both error shapes.
  await call('headers too large (api /health)', 'api', 'GET', '/health',
    { headers: { 'x-big': 'a'.repeat(20 * 1024) }, dispatcher: new Agent({ connect: tls }) });
  await call('headers too large (AIS)', 'api', 'GET', '/v3/accounts',
    { headers: { 'x-big': 'a'.repeat(20 * 1024), 'x-request-id': crypto.randomUUID() }, dispatcher: new Agent({ connect: tls }) });
  await call('stylesheet', 'web', 'GET', '/authorize/assets/sandbank.css');

  // --- Client registration -------------------------------------------------------------------
  const registration = JSON.stringify({ contact: 'contract@example.com', redirect_uris: [REDIRECT] });
  const registered = await call('register (example certificates)', 'api', 'POST', '/oauth2/applications', {
    body: registration, headers: await jwsHeaders('POST', '/oauth2/applications', registration, signingCertPem, signingKey) });
  check('registering the example certificates answers the pre-registered application',
    registered.status === 200 && registered.json().application.client_id === CLIENT_ID, registered.text);
  await call('register without x-jws-signature', 'api', 'POST', '/oauth2/applications', {
    body: registration, headers: { 'content-type': 'application/json', digest: digestOf(registration),
      'tpp-signature-certificate': signingCert } });
  await call('register with a bad digest', 'api', 'POST', '/oauth2/applications', {
    body: registration, headers: { ...(await jwsHeaders('POST', '/oauth2/applications', registration, signingCertPem, signingKey)),
      digest: digestOf('other') } });
  await call('register without a client certificate', 'api', 'POST', '/oauth2/applications', {
    body: registration, dispatcher: bare,
    headers: await jwsHeaders('POST', '/oauth2/applications', registration, signingCertPem, signingKey) });

  // A second TPP of its own organization: 201, its token, its applications, another's.
  const tpp2Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbank-contract-tpp2-'));
  const issued = spawnSync(binary, ['certs', 'issue', '--data', path.dirname(certs), '--out', tpp2Dir,
    '--org', 'Contract TPP', '--roles', 'PSP_AI,PSP_PI,PSP_IC'], { encoding: 'utf8' });
  if (issued.status !== 0) throw new Error(`certs issue: ${issued.stderr}`);
  const tpp2 = (f) => fs.readFileSync(path.join(tpp2Dir, f), 'utf8');
  const mtls2 = new Agent({ connect: { cert: tpp2('tls.cer'), key: tpp2('tls.key'), ca } });
  const created = await call('register a new TPP', 'api', 'POST', '/oauth2/applications', {
    body: registration, dispatcher: mtls2,
    headers: await jwsHeaders('POST', '/oauth2/applications', registration, tpp2('signing.cer'), tpp2('signing.key')) });
  check('a new TPP registers with 201', created.status === 201, created.text);
  const client2 = created.json().application.client_id;
  const token2Answer = await call('mTLS-only token of the new TPP', 'api', 'POST', '/oauth2/token', {
    body: `grant_type=client_credentials&client_id=${client2}`, headers: { 'content-type': FORM }, dispatcher: mtls2 });
  const token2 = token2Answer.json().access_token;
  const bearer2 = { authorization: `Bearer ${token2}` };
  await call('its applications', 'api', 'GET', '/oauth2/applications/me', { headers: bearer2, dispatcher: mtls2 });
  await call('its application', 'api', 'GET', `/oauth2/applications/${client2}`, { headers: bearer2, dispatcher: mtls2 });
  await call('another organization\'s application', 'api', 'GET', `/oauth2/applications/${CLIENT_ID}`,
    { headers: bearer2, dispatcher: mtls2 });
  await call('an unknown application', 'api', 'GET', '/oauth2/applications/00000000-0000-4000-8000-000000000000',
    { headers: bearer2, dispatcher: mtls2 });
  await call('applications without a token', 'api', 'GET', '/oauth2/applications/me', { dispatcher: mtls2 });
  const update = JSON.stringify({ contact: 'changed@example.com', redirect_uris: ['https://tpp2.example.com/cb'] });
  const target2 = `/oauth2/applications/${client2}`;
  await call('update the application', 'api', 'PUT', target2, { body: update, dispatcher: mtls2,
    headers: await jwsHeaders('PUT', target2, update, tpp2('signing.cer'), tpp2('signing.key'), bearer2) });
  const bad = JSON.stringify({ contact: '', redirect_uris: ['ftp://nope'] });
  await call('update with an invalid body', 'api', 'PUT', target2, { body: bad, dispatcher: mtls2,
    headers: await jwsHeaders('PUT', target2, bad, tpp2('signing.cer'), tpp2('signing.key'), bearer2) });
  const foreign = `/oauth2/applications/${CLIENT_ID}`;
  await call('update another organization\'s application', 'api', 'PUT', foreign, { body: update, dispatcher: mtls2,
    headers: await jwsHeaders('PUT', foreign, update, tpp2('signing.cer'), tpp2('signing.key'), bearer2) });
  const der = (pem) => new crypto.X509Certificate(pem).raw.toString('base64');
  const stealing = JSON.stringify({ contact: 'x@example.com', redirect_uris: [REDIRECT],
    keys: { tls: [{ x5c: [der(tpp2('tls.cer'))] }, { x5c: [der(read('example_client_tls.cer'))] }],
      sign: [{ x5c: [der(tpp2('signing.cer'))] }] } });
  await call('update with another organization\'s certificate', 'api', 'PUT', target2, { body: stealing, dispatcher: mtls2,
    headers: await jwsHeaders('PUT', target2, stealing, tpp2('signing.cer'), tpp2('signing.key'), bearer2) });
  fs.rmSync(tpp2Dir, { recursive: true, force: true });

  // --- OAuth 2.0 -----------------------------------------------------------------------------
  const appForm = 'grant_type=client_credentials';
  const tokenWith = (form, name) => call(name, 'api', 'POST', '/oauth2/token', { body: form,
    headers: signed('POST', '/oauth2/token', form, { 'content-type': FORM, 'tpp-signature-certificate': signingCert },
      'SN=49BA5C71', 'Authorization') });
  const appToken = (await tokenWith(appForm, 'signed application token')).json().access_token;
  const grantingOnly = (await tokenWith(`${appForm}&scope=granting`, 'signed token, scope granting')).json().access_token;
  const ordersOnly = (await tokenWith(`${appForm}&scope=payment-accounts%3Aorders%3Acreate`,
    'signed token, scope orders')).json().access_token;
  await tokenWith(`${appForm}&scope=nonsense`, 'signed token, unknown scope');
  const mtlsOnly = (await call('mTLS-only application token', 'api', 'POST', '/oauth2/token', {
    body: `${appForm}&client_id=${CLIENT_ID}`, headers: { 'content-type': FORM } })).json().access_token;
  await call('token for an unknown client_id', 'api', 'POST', '/oauth2/token', {
    body: `${appForm}&client_id=nobody`, headers: { 'content-type': FORM } });
  await call('token without client_id or signature', 'api', 'POST', '/oauth2/token', {
    body: appForm, headers: { 'content-type': FORM } });
  await call('token without Content-Type', 'api', 'POST', '/oauth2/token', { body: appForm });
  await call('token without a client certificate', 'api', 'POST', '/oauth2/token', {
    body: `${appForm}&client_id=${CLIENT_ID}`, headers: { 'content-type': FORM }, dispatcher: bare });
  await call('GET /oauth2/token', 'api', 'GET', '/oauth2/token');
  const withApp = (name, method, target, body = '', extra = {}, token = appToken) => call(name, 'api', method, target,
    { body, headers: signed(method, target, body, { authorization: `Bearer ${token}`, ...extra }, CLIENT_ID) });
  await withApp('unsupported grant type', 'POST', '/oauth2/token', 'grant_type=password', { 'content-type': FORM });
  await withApp('unknown code', 'POST', '/oauth2/token', 'grant_type=authorization_code&code=nope', { 'content-type': FORM });
  await withApp('code exchange with an unknown application token', 'POST', '/oauth2/token',
    'grant_type=authorization_code&code=nope', { 'content-type': FORM }, 'not-a-token');

  // The customer's consent over the pages (docs/authorize.md's walk), as a test profile.
  async function consentCode(profileName, scope, nameOfStep) {
    const start = await call(`${nameOfStep}: profile page`, 'web', 'GET', `/authorize/v2/NL?client_id=${CLIENT_ID}` +
      `&scope=${scope}&state=contract&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    const cookie = cookieOf(start, 'sandbank_authz');
    const done = await call(`${nameOfStep}: Next`, 'web', 'POST', '/authorize/consent', {
      headers: { cookie, 'content-type': FORM },
      body: new URLSearchParams({ csrf_token: csrfOf(start), profile: profileOf(start, profileName), action: 'next' }).toString() });
    return new URL(done.headers.location).searchParams.get('code');
  }
  const exchange = (code, name) => withApp(name, 'POST', '/oauth2/token', `grant_type=authorization_code&code=${code}`,
    { 'content-type': FORM });
  const customer = (await exchange(await consentCode('John Doe', SCOPES.all, 'consent'), 'code exchange')).json();
  const reusedCode = await consentCode('John Doe', SCOPES.all, 'second consent');
  await exchange(reusedCode, 'code exchange (to be reused)');
  await exchange(reusedCode, 'code used twice');
  const refreshBody = `grant_type=refresh_token&refresh_token=${encodeURIComponent(customer.refresh_token)}`;
  await withApp('refresh', 'POST', '/oauth2/token', refreshBody, { 'content-type': FORM });
  const narrow = (await exchange(await consentCode('John Doe', SCOPES.transactions, 'transactions-only consent'),
    'code exchange (transactions only)')).json();
  const revocable = (await exchange(await consentCode('John Doe', SCOPES.all, 'consent to revoke'),
    'code exchange (to revoke)')).json();
  await withApp('revoke', 'POST', '/oauth2/token/revoke',
    `token=${encodeURIComponent(revocable.refresh_token)}&token_type_hint=refresh_token`, { 'content-type': FORM });
  await withApp('revoke with an unknown hint', 'POST', '/oauth2/token/revoke', 'token=x&token_type_hint=id_token',
    { 'content-type': FORM });
  await withApp('revoke with an unknown application token', 'POST', '/oauth2/token/revoke', 'token=x',
    { 'content-type': FORM }, 'not-a-token');

  // --- Customer authorization pages ------------------------------------------------------------
  const authorizeQuery = `client_id=${CLIENT_ID}&scope=${SCOPES.ais}&state=pages&response_type=code` +
    `&redirect_uri=${encodeURIComponent(REDIRECT)}`;
  const countryPage = await call('authorize without a country', 'web', 'GET', `/authorize/v2?${authorizeQuery}`);
  const authz = cookieOf(countryPage, 'sandbank_authz');
  const csrf = csrfOf(countryPage);
  await call('the country page again', 'web', 'GET', '/authorize/country', { headers: { cookie: authz } });
  await call('profiles before a country is chosen', 'web', 'GET', '/authorize/profiles', { headers: { cookie: authz } });
  await call('choose a country with a wrong csrf_token', 'web', 'POST', '/authorize/country',
    { headers: { cookie: authz, 'content-type': FORM }, body: 'csrf_token=wrong&country=NL' });
  await call('choose a country without a test bank', 'web', 'POST', '/authorize/country',
    { headers: { cookie: authz, 'content-type': FORM }, body: `csrf_token=${encodeURIComponent(csrf)}&country=XX` });
  await call('choose NL', 'web', 'POST', '/authorize/country',
    { headers: { cookie: authz, 'content-type': FORM }, body: `csrf_token=${encodeURIComponent(csrf)}&country=NL` });
  const profiles = await call('the profile page', 'web', 'GET', '/authorize/profiles', { headers: { cookie: authz } });
  await call('Next without a profile', 'web', 'POST', '/authorize/consent',
    { headers: { cookie: authz, 'content-type': FORM }, body: `csrf_token=${encodeURIComponent(csrf)}&action=next` });
  await call('consent with a wrong csrf_token', 'web', 'POST', '/authorize/consent',
    { headers: { cookie: authz, 'content-type': FORM }, body: 'csrf_token=wrong&action=next' });
  await call('Cancel on the profile page', 'web', 'POST', '/authorize/consent',
    { headers: { cookie: authz, 'content-type': FORM }, body: `csrf_token=${encodeURIComponent(csrf)}&action=cancel` });
  check('the profile page offered Jane Doe', Boolean(profileOf(profiles, 'Jane Doe')), profiles.text.slice(0, 300));
  await call('the profile page after the session ended', 'web', 'GET', '/authorize/profiles', { headers: { cookie: authz } });
  await call('the country page without a session', 'web', 'GET', '/authorize/country');
  await call('choose a country without a session', 'web', 'POST', '/authorize/country',
    { headers: { 'content-type': FORM }, body: 'csrf_token=x&country=NL' });
  const again = await call('authorize again', 'web', 'GET', `/authorize/v2?${authorizeQuery}`);
  await call('Cancel on the country page', 'web', 'POST', '/authorize/country', {
    headers: { cookie: cookieOf(again, 'sandbank_authz'), 'content-type': FORM },
    body: `csrf_token=${encodeURIComponent(csrfOf(again))}&action=cancel` });
  await call('authorize for an unknown client', 'web', 'GET', '/authorize/v2?client_id=nobody&scope=x&state=s&response_type=code');
  await call('authorize with an unknown scope', 'web', 'GET', `/authorize/v2/NL?client_id=${CLIENT_ID}&scope=nonsense` +
    `&state=s&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}`);
  await call('authorize in a country without a test bank', 'web', 'GET', `/authorize/v2/XX?${authorizeQuery}`);

  // --- Legacy granting: authorization-server-url, /granting pages, grantssupport ------------------
  const serverUrl = (token, query, name) => {
    const target = `/oauth2/authorization-server-url${query}`;
    return withApp(name, 'GET', target, '', {}, token);
  };
  const legacyQuery = `?scope=${SCOPES.ais}&redirect_uri=https://www.example.com&country_code=NL`;
  const located = await serverUrl(appToken, legacyQuery, 'authorization-server-url');
  const reference = () => serverUrl(appToken, legacyQuery, 'authorization-server-url (a reference)')
    .then((a) => /\/granting\/([0-9a-f]+)/.exec(a.json().location)[1]);
  await serverUrl(appToken, '?redirect_uri=https://www.example.com', 'authorization-server-url without scope');
  await serverUrl(appToken, `${legacyQuery}&country_code=NLD`, 'authorization-server-url with a repeated parameter');
  await serverUrl(mtlsOnly, legacyQuery, 'authorization-server-url with the mTLS-only token');
  await serverUrl(ordersOnly, legacyQuery, 'authorization-server-url without the granting scope');
  const legacyRef = /\/granting\/([0-9a-f]+)/.exec(located.json().location)[1];
  await call('granting page', 'web', 'GET', `/granting/${legacyRef}?state=legacy`);
  await call('granting page in a country', 'web', 'GET', `/granting/${legacyRef}/NL?state=legacy`);
  await call('granting page of an unknown reference', 'web', 'GET', `/granting/${'0'.repeat(64)}?state=legacy`);
  await call('granting page of an unknown reference in a country', 'web', 'GET', `/granting/${'0'.repeat(64)}/NL?state=legacy`);
  await call('granting page with another client_id', 'web', 'GET', `/granting/${legacyRef}?state=legacy&client_id=other`);
  const app = { authorization: `Bearer ${appToken}` };
  const accountsAnswer = await call('grantssupport accounts', 'web', 'GET', '/grantssupport/accounts', { headers: app });
  check('grantssupport lists nl-jane-doe', guarded(accountsAnswer).accounts.some((a) => a.id === 'nl-jane-doe'), accountsAnswer.text.slice(0, 200));
  await call('grantssupport accounts without a token', 'web', 'GET', '/grantssupport/accounts');
  await call('grantssupport accounts with the customer token', 'web', 'GET', '/grantssupport/accounts',
    { headers: { authorization: `Bearer ${customer.access_token}` } });
  await call('grantssupport accounts without granting', 'web', 'GET', '/grantssupport/accounts',
    { headers: { authorization: `Bearer ${ordersOnly}` } });
  const authCode = (name, ref, { headers = {}, body } = {}) => call(name, 'web', 'POST', `/grantssupport/${ref}/auth-code`, {
    headers: { ...app, 'content-type': 'application/json', 'x-xsrf-token': XSRF, cookie: `XSRF-TOKEN=${XSRF}`, ...headers },
    body: body ?? JSON.stringify({ id: 'nl-jane-doe', client_id: CLIENT_ID, scopes: 'payment-accounts:balances:view',
      state: 'legacy', redirectURL: 'https://www.example.com' }) });
  const ref = await reference();
  await authCode('auth-code without the XSRF header', ref, { headers: { 'x-xsrf-token': '' } });
  await authCode('auth-code with an unknown profile', ref, { body: JSON.stringify({ id: 'nobody', client_id: CLIENT_ID,
    scopes: 'payment-accounts:balances:view', state: 'legacy', redirectURL: 'https://www.example.com' }) });
  await authCode('auth-code with a malformed body', ref, { body: '[1,2' });
  const issuedCode = await authCode('auth-code', ref);
  await authCode('auth-code on a used reference', ref);
  await authCode('auth-code without a token', ref, { headers: { authorization: '' } });
  await authCode('auth-code without granting', await reference(), { headers: { authorization: `Bearer ${ordersOnly}` } });
  const legacyCode = /[?&]code=([^&]*)$/.exec(guarded(issuedCode).location)[1];
  await exchange(legacyCode, 'code exchange of a legacy code');

  // --- AIS -------------------------------------------------------------------------------------
  const ais = (name, target, token = customer.access_token, method = 'GET') => {
    const requestId = crypto.randomUUID();
    return call(name, 'api', method, target, { headers: signed(method, target, '', {
      authorization: `Bearer ${token}`, 'x-request-id': requestId, accept: 'application/json' }, CLIENT_ID) });
  };
  const accounts = await ais('accounts', '/v3/accounts');
  await ais('accounts with an application token', '/v3/accounts', appToken);
  await ais('accounts with an unknown token', '/v3/accounts', 'not-a-token');
  await call('accounts without a signature', 'api', 'GET', '/v3/accounts', {
    headers: { authorization: `Bearer ${customer.access_token}`, 'x-request-id': crypto.randomUUID() } });
  await call('DELETE /v3/accounts', 'api', 'DELETE', '/v3/accounts', { headers: { 'x-request-id': crypto.randomUUID() } });
  const list = accounts.json().accounts;
  const current = list.find((a) => !a.maskedPan);
  const card = list.find((a) => a.maskedPan);
  const id = current.resourceId;
  for (const query of ['', '?balanceTypes=expected,closingBooked', '?balanceTypes=bogus', '?currency=USD',
    '?currency=EUR&currency=EUR']) {
    await ais(`balances${query}`, `/v3/accounts/${id}/balances${query}`);
  }
  await ais('balances of an unknown account', '/v3/accounts/00000000-0000-4000-8000-000000000000/balances');
  await ais('balances without the balances scope', `/v3/accounts/${id}/balances`, narrow.access_token);
  for (const version of ['v2', 'v3']) {
    for (const query of ['', '?dateFrom=2000-01-01&limit=10', '?dateFrom=2024-13-01', '?limit=5000',
      '?dateFrom=2024-02-01&dateTo=2024-01-01', '?dateFrom=2999-01-01', '?next=garbage', '?currency=USD']) {
      await ais(`transactions ${version}${query}`, `/${version}/accounts/${id}/transactions${query}`);
    }
  }
  await ais('transactions v3 fieldsToOmit', `/v3/accounts/${id}/transactions?dateFrom=2000-01-01&fieldsToOmit=debtorName,creditorAccount`);
  await ais('transactions v3 unknown fieldsToOmit', `/v3/accounts/${id}/transactions?fieldsToOmit=iban`);
  const firstPage = (await ais('transactions, 3 a page', `/v3/accounts/${id}/transactions?dateFrom=2000-01-01&limit=3`)).json();
  if (firstPage.transactions._links?.next) await ais('transactions, next page', firstPage.transactions._links.next.href);
  await ais('transactions of an unknown account', '/v2/accounts/00000000-0000-4000-8000-000000000000/transactions');
  if (card) {
    await ais('card transactions', `/v1/card-accounts/${card.resourceId}/transactions?dateFrom=2000-01-01`);
    await ais('card transactions, 2 a page', `/v1/card-accounts/${card.resourceId}/transactions?dateFrom=2000-01-01&limit=2`);
    await ais('card account under /v2/accounts', `/v2/accounts/${card.resourceId}/transactions`);
  }
  await ais('card transactions of a current account', `/v1/card-accounts/${id}/transactions`);
  await ais('card transactions with an application token', `/v1/card-accounts/${id}/transactions`, appToken);

  // --- PIS ---------------------------------------------------------------------------------------
  const payment = JSON.stringify({ instructedAmount: { amount: '12.50', currency: 'EUR' },
    creditorAccount: { iban: 'AT861921125678901234' }, creditorName: 'Laura Musterfrau',
    remittanceInformationUnstructured: 'contract test', endToEndIdentification: 'E2E-1' });
  const pisHeaders = (requestId) => ({ 'x-request-id': requestId, 'tpp-redirect-uri': REDIRECT, 'psu-ip-address': '127.0.0.1' });
  const pis = (name, method, target, body = '', { requestId = crypto.randomUUID(), token = appToken, extra = {} } = {}) => {
    const headers = { authorization: `Bearer ${token}`, ...pisHeaders(requestId), ...extra };
    if (body) headers['content-type'] = 'application/json';
    return call(name, 'api', method, target, { body, headers: signed(method, target, body, headers, CLIENT_ID) });
  };
  const single = '/v1/payments/sepa-credit-transfers';
  const requestId = crypto.randomUUID();
  const created1 = await pis('initiate a payment', 'POST', single, payment, { requestId });
  await pis('the same X-Request-ID again', 'POST', single, payment, { requestId });
  await pis('X-Request-ID with another body', 'POST', single, payment.replace('12.50', '13.50'), { requestId });
  await pis('an invalid payment', 'POST', single, '{"instructedAmount":{}}');
  await pis('a payment with a bad IBAN', 'POST', single, payment.replace('AT861921125678901234', 'AT001921125678901234'));
  await pis('a payment without X-Request-ID', 'POST', single, payment, { extra: { 'x-request-id': '' } });
  await pis('an unknown product', 'POST', '/v1/payments/nonsense-transfers', payment);
  await pis('a payment with an unknown token', 'POST', single, payment, { token: 'nope' });
  await pis('a payment with a token without the orders scope', 'POST', single, payment, { token: grantingOnly });
  await call('a payment without a signature', 'api', 'POST', single, { body: payment,
    headers: { authorization: `Bearer ${appToken}`, 'content-type': 'application/json', ...pisHeaders(crypto.randomUUID()) } });
  const jwsTarget = single;
  const jwsPayment = JSON.stringify({ ...JSON.parse(payment), endToEndIdentification: 'E2E-JWS' });
  const jwsId = crypto.randomUUID();
  await call('a payment signed with x-jws-signature', 'api', 'POST', jwsTarget, { body: jwsPayment,
    headers: await jwsHeaders('POST', jwsTarget, jwsPayment, signingCertPem, signingKey,
      { authorization: `Bearer ${mtlsOnly}`, ...pisHeaders(jwsId) }) });
  await call('a body beyond 1 MB', 'api', 'POST', single, { body: 'x'.repeat(1024 * 1024 + 10),
    headers: { 'content-type': 'application/json', 'x-request-id': crypto.randomUUID() }, dispatcher: new Agent({ connect: tls }) });
  const paymentId = created1.json().paymentId;
  const one = `${single}/${paymentId}`;
  await pis('get the payment', 'GET', one);
  await pis('payment status', 'GET', `${one}/status`);
  await pis('unknown payment', 'GET', `${single}/00000000-0000-4000-8000-000000000000`);
  await pis('status of an unknown payment', 'GET', `${single}/00000000-0000-4000-8000-000000000000/status`);
  await pis('the payment under another product', 'GET', `/v1/payments/domestic-credit-transfers/${paymentId}`);
  await call('PUT on a payment', 'api', 'PUT', one, { headers: { 'x-request-id': crypto.randomUUID() } });

  // The customer approves it on the payment page; then it cannot be cancelled.
  const scaRedirect = new URL(created1.json()._links.scaRedirect);
  const payPath = scaRedirect.pathname;
  const payPage = await call('payment page', 'web', 'GET', payPath);
  const pay = cookieOf(payPage, 'sandbank_pay');
  const account = /name="account" value="([^"]+)"/.exec(payPage.text)?.[1];
  await call('payment decision without a session', 'web', 'POST', payPath,
    { headers: { 'content-type': FORM }, body: 'csrf_token=x&action=approve' });
  await call('payment decision with a wrong csrf_token', 'web', 'POST', payPath,
    { headers: { cookie: pay, 'content-type': FORM }, body: 'csrf_token=wrong&action=approve' });
  await call('payment decision with a wrong account', 'web', 'POST', payPath, { headers: { cookie: pay, 'content-type': FORM },
    body: `csrf_token=${encodeURIComponent(csrfOf(payPage))}&action=approve&account=nope` });
  await call('approve the payment', 'web', 'POST', payPath, { headers: { cookie: pay, 'content-type': FORM },
    body: `csrf_token=${encodeURIComponent(csrfOf(payPage))}&action=approve&account=${account}` });
  await call('the payment page after the decision', 'web', 'GET', payPath);
  await call('the payment page of an unknown payment', 'web', 'GET', '/payment-initiation/nope/NL');
  await pis('status after approval', 'GET', `${one}/status`);
  await pis('cancel an approved payment', 'DELETE', one);
  // A second payment the customer rejects, a third the TPP cancels.
  const rejected = (await pis('initiate a payment to reject', 'POST', single, payment)).json();
  const rejectPath = new URL(rejected._links.scaRedirect).pathname;
  const rejectPage = await call('payment page (to reject)', 'web', 'GET', rejectPath);
  await call('reject the payment', 'web', 'POST', rejectPath, { headers: { cookie: cookieOf(rejectPage, 'sandbank_pay'),
    'content-type': FORM }, body: `csrf_token=${encodeURIComponent(csrfOf(rejectPage))}&action=reject` });
  await pis('status of a rejected payment', 'GET', `${single}/${rejected.paymentId}/status`);
  const cancelled = (await pis('initiate a payment to cancel', 'POST', single, payment)).json();
  await pis('cancel the payment', 'DELETE', `${single}/${cancelled.paymentId}`);
  await pis('cancel it again', 'DELETE', `${single}/${cancelled.paymentId}`);

  const periodic = '/v1/periodic-payments/sepa-credit-transfers';
  const start = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const order = JSON.stringify({ ...JSON.parse(payment), startDate: start, frequency: 'MNTH', dayOfExecution: '01' });
  const createdPeriodic = await pis('initiate a periodic payment', 'POST', periodic, order);
  await pis('a periodic payment with a bad frequency', 'POST', periodic, order.replace('MNTH', 'HOURLY'));
  await pis('a periodic payment of an unknown product', 'POST', '/v1/periodic-payments/nonsense', order);
  await pis('a periodic payment with another body for its X-Request-ID', 'POST', periodic, order, { requestId });
  const periodicId = createdPeriodic.json().paymentId;
  await pis('get the periodic payment', 'GET', `${periodic}/${periodicId}`);
  await pis('periodic payment status', 'GET', `${periodic}/${periodicId}/status`);
  await pis('the single payment as a periodic one', 'GET', `${periodic}/${paymentId}`);
  await pis('status of an unknown periodic payment', 'GET', `${periodic}/nope/status`);
  await pis('cancel the periodic payment', 'DELETE', `${periodic}/${periodicId}`);
  await pis('cancel an unknown periodic payment', 'DELETE', `${periodic}/nope`);
  await pis('the periodic payment with an unknown token', 'GET', `${periodic}/${periodicId}`, '', { token: 'nope' });

  // --- CAF ---------------------------------------------------------------------------------------
  const funds = (name, body, token = customer.access_token) => call(name, 'api', 'POST', '/v1/funds-confirmations', {
    body, headers: signed('POST', '/v1/funds-confirmations', body, { authorization: `Bearer ${token}`,
      'content-type': 'application/json', 'x-request-id': crypto.randomUUID() }, CLIENT_ID) });
  const fundsBody = (amount, iban = current.iban) => JSON.stringify({ account: { iban }, instructedAmount: { currency: 'EUR', amount } });
  await funds('funds available', fundsBody('1.00'));
  await funds('funds not available', fundsBody('99999999.00'));
  await funds('funds: missing amount', JSON.stringify({ account: { iban: current.iban }, instructedAmount: { currency: 'EUR' } }));
  await funds('funds: account outside the consent', fundsBody('1.00', 'AT861921125678901234'));
  await funds('funds without the funds scope', fundsBody('1.00'), narrow.access_token);
  await funds('funds with an application token', fundsBody('1.00'), appToken);
  await call('GET /v1/funds-confirmations', 'api', 'GET', '/v1/funds-confirmations', { headers: { 'x-request-id': crypto.randomUUID() } });

  // --- Coverage ------------------------------------------------------------------------------------
  const unexercised = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      if (item[method] && !exercised.has(`${method.toUpperCase()} ${template}`)) {
        unexercised.push(`${method.toUpperCase()} ${template}`);
      }
    }
  }
  check('every operation of the document was exercised', unexercised.length === 0, unexercised.join(', '));
  const statuses = [...exercised.values()].reduce((n, s) => n + s.size, 0);
  check(`answers validated against docs/openapi.json (${validated}; ${exercised.size} operations, ` +
    `${statuses} operation-status pairs)`, validated >= 150, `${validated}`);
}

await runAgainstSandbank(binary, 'contract-openapi', main);
