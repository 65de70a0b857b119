// The hostile-request catalogue (docs/reliability.md "Hostile-request catalogue"): several
// hundred malformed, oversized and malicious requests sent over raw TLS sockets to a fresh
// `sandbank serve`, on the API listener (with and without the example client certificate) and
// on the web listener. Every case is a named entry of the table below with the statuses it may
// get; for each the test asserts a status from that set (never a 5xx), the listener's error
// body (API: JSON with `detail`, and `tppMessages` on AIS/PIS routes; web: an HTML page outside
// /grantssupport), a closed connection where RFC 9112 requires one (and nothing answered after
// the refused request), and an answer within the case's time limit. After the catalogue:
// /health answers, the open descriptors are back to within FD_SLACK of the count before, and
// the RSS has grown by less than RSS_BOUND_MB.
//
// usage: node hostile_requests.mjs SANDBANK_BINARY [CASE_REGEX]
//   (or HOSTILE_CASE=REGEX): only the cases whose name matches, e.g. 'te-gzip@api'.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import * as jose from 'jose';

const require = createRequire(import.meta.url);
const httpSignature = require('http-signature');

const binary = process.argv[2];
const only = process.argv[3] ?? process.env.HOSTILE_CASE;
const filter = only ? new RegExp(only) : null;
const CLIENT_ID = '5ca1ab1e-c0ca-c01a-cafe-154deadbea75';
const FD_SLACK = 4;
const RSS_BOUND_MB = 64;
const DEFAULT_TIME_LIMIT_MS = 8000;

let failures = 0;
let passed = 0;
// Passing cases are printed only when some are selected; the checks after the catalogue always.
function check(name, ok, detail, always = false) {
  if (ok) {
    passed++;
    if (filter || always) console.log(`ok - ${name}`);
  } else {
    console.log(`FAILED - ${name}: ${detail}`);
    failures++;
  }
}

// --- The server -------------------------------------------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbank-hostile-'));
const readyFile = path.join(tmp, 'ready.json');
const server = spawn(binary, ['serve', '--data', path.join(tmp, 'data'), '--api-listen', '127.0.0.1:0',
  '--web-listen', '127.0.0.1:0', '--ready-file', readyFile, '--threads', '2'],
{ stdio: ['ignore', 'ignore', 'pipe'] });
let serverErr = '';
server.stderr.on('data', (d) => { serverErr = (serverErr + d).slice(-20000); });

const fdCount = () => fs.readdirSync(`/proc/${server.pid}/fd`).length;
const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- Raw exchanges ----------------------------------------------------------------------------
// Parses the complete responses in buf (1xx interim answers dropped). A response whose head
// is no HTTP/1.x status line counts as status -1.
function parseResponses(buf) {
  const out = [];
  let off = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', off);
    if (end < 0) break;
    const lines = buf.subarray(off, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3}) /.exec(lines[0]);
    if (!m) {
      out.push({ status: -1, headers: {}, body: buf.subarray(off) });
      off = buf.length;
      break;
    }
    const headers = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      const n = l.slice(0, i).trim().toLowerCase();
      const v = l.slice(i + 1).trim();
      headers[n] = n in headers ? `${headers[n]}, ${v}` : v;
    }
    const len = Number(headers['content-length'] ?? 0);
    if (buf.length < end + 4 + len) break;
    const status = Number(m[1]);
    if (status >= 200) out.push({ status, headers, body: buf.subarray(end + 4, end + 4 + len) });
    off = end + 4 + len;
  }
  return out;
}

let endpoints;
let certs;
// Sends payload (a string in latin1, a Buffer, or an array of them written one after the
// other) on a new TLS connection and collects what comes back. Settles once the server closed
// the connection, or `linger` ms after the first complete response when no close is awaited,
// or at the time limit (timedOut).
function exchange(listener, payload, { timeLimit = DEFAULT_TIME_LIMIT_MS, awaitClose = false } = {}) {
  const url = new URL(listener === 'web' ? endpoints.web : endpoints.api);
  const options = { host: '127.0.0.1', port: Number(url.port), ca: certs.ca, servername: 'localhost' };
  if (listener === 'api') Object.assign(options, { cert: certs.tlsCert, key: certs.tlsKey });
  return new Promise((resolve) => {
    const chunks = [];
    let settled = false;
    let lingerTimer = null;
    let writeError = null;
    const socket = tls.connect(options);
    const finish = (how) => {
      if (settled) return;
      settled = true;
      clearTimeout(limitTimer);
      clearTimeout(lingerTimer);
      const buf = Buffer.concat(chunks);
      socket.destroy();
      resolve({ responses: parseResponses(buf), raw: buf, closed: how === 'closed', timedOut: how === 'timeout',
        writeError });
    };
    const limitTimer = setTimeout(() => finish('timeout'), timeLimit);
    socket.on('secureConnect', () => {
      const parts = Array.isArray(payload) ? payload : [payload];
      for (const p of parts) socket.write(typeof p === 'string' ? Buffer.from(p, 'latin1') : p);
    });
    socket.on('data', (d) => {
      chunks.push(d);
      if (!awaitClose && lingerTimer === null && parseResponses(Buffer.concat(chunks)).length > 0) {
        lingerTimer = setTimeout(() => finish('linger'), 150);
      }
    });
    socket.on('error', (e) => { writeError = e.code ?? e.message; });
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
  });
}

// A request as bytes: request line, header fields exactly as given (no Host added), body.
function raw({ method = 'GET', target = '/health', version = 'HTTP/1.1', headers = [['Host', 'localhost']],
  body = '' }) {
  const head = `${method} ${target} ${version}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1')]);
}
const H = (extra = []) => [['Host', 'localhost'], ...extra];
const smuggled = 'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n';

// --- Signing helpers --------------------------------------------------------------------------
const sha256b64 = (b) => crypto.createHash('sha256').update(b).digest('base64');
// Date, Digest and a Signature over "(request-target) date digest", as header pairs.
function signedHeaders(method, target, body, { keyId = CLIENT_ID, header = 'Signature' } = {}) {
  const headers = { date: new Date().toUTCString(), digest: `SHA-256=${sha256b64(Buffer.from(body, 'latin1'))}` };
  const shim = { method, path: target, getHeader: (n) => headers[n.toLowerCase()],
    setHeader: (n, v) => { headers[n.toLowerCase()] = v; } };
  httpSignature.signRequest(shim, { key: certs.signingKey, keyId, algorithm: 'rsa-sha256',
    headers: ['(request-target)', 'date', 'digest'], authorizationHeaderName: header });
  return Object.entries(headers).map(([n, v]) => [n === 'authorization' ? 'Authorization' : n, v]);
}
async function dcrJws(body, contentType = 'application/json') {
  const pars = ['(request-target)', 'digest', 'content-type'];
  const digest = `SHA-256=${sha256b64(Buffer.from(body, 'latin1'))}`;
  const values = { '(request-target)': 'post /oauth2/applications', digest, 'content-type': contentType };
  const payload = new TextEncoder().encode(pars.map((p) => `${p}: ${values[p]}`).join('\n'));
  const key = await jose.importPKCS8(crypto.createPrivateKey(certs.signingKey).export({ type: 'pkcs8', format: 'pem' }), 'RS256');
  const x5t = crypto.createHash('sha256').update(new crypto.X509Certificate(certs.signingCert).raw).digest('base64url');
  const jws = await new jose.FlattenedSign(payload).setProtectedHeader({ b64: false, 'x5t#S256': x5t,
    crit: ['sigT', 'sigD', 'b64'], sigT: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    sigD: { pars, mId: 'http://uri.etsi.org/19182/HttpHeaders' }, alg: 'RS256' })
    .sign(key, { crit: { sigT: true, sigD: true } });
  return [['Content-Type', contentType], ['Digest', digest], ['x-jws-signature', `${jws.protected}..${jws.signature}`],
    ['TPP-Signature-Certificate', certs.signingCertLine]];
}

// --- The setup: tokens and a legacy reference through well-formed requests --------------------
async function call(listener, method, target, headers, body = '') {
  const r = await exchange(listener, raw({ method, target, headers: H([...headers,
    ['Content-Length', String(Buffer.byteLength(body, 'latin1'))]]), body }));
  const res = r.responses[0];
  if (!res) throw new Error(`${method} ${target}: no answer`);
  return { status: res.status, headers: res.headers, text: res.body.toString('utf8') };
}
const GUARD = ")]}',\n";
const parseJson = (text) => JSON.parse(text.startsWith(GUARD) ? text.slice(GUARD.length) : text);

// A customer token for `scope` (URL-encoded): the authorization pages, then the code exchange.
async function customerTokenFor(scope, appToken) {
  const start = await call('web', 'GET', `/authorize/v2/NL?client_id=${CLIENT_ID}&scope=${scope}&state=h3&` +
    'response_type=code&redirect_uri=https%3A%2F%2Fwww.example.com%2F', []);
  const cookie = start.headers['set-cookie'].split(';')[0];
  const csrf = start.text.match(/name="csrf_token" value="([^"]+)"/)[1];
  const profile = start.text.match(/name="profile" value="([^"]+)"/)[1];
  const consent = await call('web', 'POST', '/authorize/consent', [['Cookie', cookie],
    ['Content-Type', 'application/x-www-form-urlencoded']],
  `csrf_token=${encodeURIComponent(csrf)}&profile=${encodeURIComponent(profile)}&action=next`);
  if (consent.status !== 302) throw new Error(`consent for ${scope}: ${consent.status} ${consent.text}`);
  const code = new URL(consent.headers.location).searchParams.get('code');
  const body = `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent('https://www.example.com/')}`;
  const r = await call('api', 'POST', '/oauth2/token', [['Content-Type', 'application/x-www-form-urlencoded'],
    ['Authorization', `Bearer ${appToken}`], ...signedHeaders('POST', '/oauth2/token', body)], body);
  if (r.status !== 200) throw new Error(`customer token for ${scope}: ${r.status} ${r.text}`);
  return parseJson(r.text).access_token;
}

async function setup() {
  const form = 'grant_type=client_credentials';
  const app = await call('api', 'POST', '/oauth2/token', [['Content-Type', 'application/x-www-form-urlencoded'],
    ['TPP-Signature-Certificate', certs.signingCertLine],
    ...signedHeaders('POST', '/oauth2/token', form, { keyId: 'SN=49BA5C71', header: 'Authorization' })], form);
  if (app.status !== 200) throw new Error(`signed application token: ${app.status} ${app.text}`);
  const appToken = parseJson(app.text).access_token;
  const mtls = await call('api', 'POST', '/oauth2/token', [['Content-Type', 'application/x-www-form-urlencoded']],
    `grant_type=client_credentials&client_id=${CLIENT_ID}`);
  if (mtls.status !== 200) throw new Error(`mTLS-only token: ${mtls.status} ${mtls.text}`);
  const mtlsToken = parseJson(mtls.text).access_token;

  const start = await call('web', 'GET', `/authorize/v2/NL?client_id=${CLIENT_ID}&scope=` +
    'payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview&state=h1&' +
    'response_type=code&redirect_uri=https%3A%2F%2Fwww.example.com%2F', []);
  const cookie = start.headers['set-cookie'].split(';')[0];
  const csrf = start.text.match(/name="csrf_token" value="([^"]+)"/)[1];
  const profile = start.text.match(/name="profile" value="([^"]+)"/)[1];
  const consent = await call('web', 'POST', '/authorize/consent', [['Cookie', cookie],
    ['Content-Type', 'application/x-www-form-urlencoded']],
  `csrf_token=${encodeURIComponent(csrf)}&profile=${encodeURIComponent(profile)}&action=next`);
  if (consent.status !== 302) throw new Error(`consent: ${consent.status} ${consent.text}`);
  const code = new URL(consent.headers.location).searchParams.get('code');
  const exchangeBody = `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent('https://www.example.com/')}`;
  const customer = await call('api', 'POST', '/oauth2/token', [['Content-Type', 'application/x-www-form-urlencoded'],
    ['Authorization', `Bearer ${appToken}`], ...signedHeaders('POST', '/oauth2/token', exchangeBody)], exchangeBody);
  if (customer.status !== 200) throw new Error(`customer token: ${customer.status} ${customer.text}`);
  const customerToken = parseJson(customer.text).access_token;
  const fundsToken = await customerTokenFor('payment-accounts%3Afunds-availability%3Aconfirm', appToken);

  const urlTarget = '/oauth2/authorization-server-url?scope=payment-accounts%3Abalances%3Aview' +
    '&redirect_uri=https://www.example.com&country_code=NL';
  const u = await call('api', 'GET', urlTarget, [['Authorization', `Bearer ${appToken}`],
    ...signedHeaders('GET', urlTarget, '')]);
  const reference = /\/granting\/([^/?#]+)\/NL$/.exec(parseJson(u.text).location ?? '')?.[1];
  if (!reference) throw new Error(`authorization-server-url: ${u.status} ${u.text}`);

  // A fresh page session for the web cases that need a valid cookie.
  const page = await call('web', 'GET', `/authorize/v2/NL?client_id=${CLIENT_ID}&scope=` +
    'payment-accounts%3Abalances%3Aview&state=h2&response_type=code&redirect_uri=https%3A%2F%2Fwww.example.com%2F', []);
  return { appToken, mtlsToken, customerToken, fundsToken, reference,
    session: page.headers['set-cookie'].split(';')[0],
    profile: page.text.match(/name="profile" value="([^"]+)"/)[1] };
}

// --- The catalogue ----------------------------------------------------------------------------
// A case: name, listener ('api' with the client certificate, 'apinocert', 'web'), request (bytes
// or a function of the setup returning them, possibly async), expect (allowed statuses; [] when
// the only allowed outcome is a close without an answer), close (the connection must be closed
// after the one answer), timeLimit, known (a known failure: its reason; reported, not counted).
const cases = [];
const LISTENERS = ['api', 'apinocert', 'web'];
function add(name, listeners, request, expect, opts = {}) {
  for (const l of [].concat(listeners)) cases.push({ name: `${name}@${l}`, listener: l, request, expect, ...opts });
}
const FRAMING = { close: true };

// 1. Request smuggling and framing (RFC 9112 §6): 400 and close; the smuggled request behind
//    must never be answered.
const tePost = (te, version = 'HTTP/1.1', extra = []) => raw({ method: 'POST', version,
  headers: H([['Transfer-Encoding', te], ...extra]), body: `5\r\nhello\r\n0\r\n\r\n${smuggled}` });
for (const [n, te] of [['gzip', 'gzip'], ['identity', 'identity'], ['chunked-gzip', 'chunked, gzip'],
  ['gzip-chunked-nochunked-last', 'chunked, identity'], ['xchunked', 'xchunked'], ['quoted', '"chunked"'],
  ['chunked-twice-list', 'chunked, chunked'], ['chunked-param', 'chunked;q=1'], ['empty', ''],
  ['comma', ','], ['chunked-comma', 'chunked,'], ['nul', 'chunked\x00'], ['ctl', 'chun\x01ked'],
  ['latin1', 'chunk\xe9d'], ['compress', 'compress'], ['deflate', 'deflate']]) {
  add(`te-${n}`, LISTENERS, tePost(te), [400], FRAMING);
}
add('te-two-fields', LISTENERS, raw({ method: 'POST', headers: H([['Transfer-Encoding', 'chunked'],
  ['Transfer-Encoding', 'chunked']]), body: `5\r\nhello\r\n0\r\n\r\n${smuggled}` }), [400], FRAMING);
add('te-gzip-then-chunked-fields', LISTENERS, raw({ method: 'POST', headers: H([['Transfer-Encoding', 'gzip'],
  ['Transfer-Encoding', 'chunked']]), body: `5\r\nhello\r\n0\r\n\r\n${smuggled}` }), [400], FRAMING);
add('te-http10', LISTENERS, tePost('chunked', 'HTTP/1.0'), [400], FRAMING);
add('te-and-cl', LISTENERS, tePost('chunked', 'HTTP/1.1', [['Content-Length', '5']]), [400], FRAMING);
add('cl-and-te', LISTENERS, raw({ method: 'POST', headers: H([['Content-Length', '40'], ['Transfer-Encoding', 'chunked']]),
  body: `0\r\n\r\n${smuggled}` }), [400], FRAMING);
add('cl-two-differing', LISTENERS, raw({ method: 'POST', headers: H([['Content-Length', '0'], ['Content-Length', '41']]),
  body: smuggled }), [400], FRAMING);
add('cl-list-differing', LISTENERS, raw({ method: 'POST', headers: H([['Content-Length', '0, 41']]),
  body: smuggled }), [400], FRAMING);
for (const [n, cl] of [['plus', '+0'], ['minus', '-1'], ['hex', '0x0'], ['hex-letters', 'a'], ['internal-space', '0 0'],
  ['exponent', '0e1'], ['decimal', '0.0'], ['overflow', '99999999999999999999999999'], ['empty', ''],
  ['nul', '0\x00'], ['letters', 'zero'], ['u64-max', '18446744073709551616']]) {
  add(`cl-${n}`, LISTENERS, raw({ method: 'POST', headers: H([['Content-Length', cl]]), body: smuggled }),
    n === 'overflow' || n === 'u64-max' ? [400, 413] : [400], FRAMING);
}
add('obs-fold', LISTENERS, raw({ headers: H([['X-Folded', 'a\r\n b']]) }), [400], FRAMING);
add('obs-fold-content-length', LISTENERS, raw({ method: 'POST', headers: H([['Content-Length', '\r\n 41']]),
  body: smuggled }), [400], FRAMING);
add('obs-fold-first-field', LISTENERS, Buffer.from(`GET /health HTTP/1.1\r\n Host: localhost\r\n\r\n`, 'latin1'),
  [400], FRAMING);
add('space-before-colon', LISTENERS, raw({ method: 'POST', headers: H([['Content-Length ', '41']]), body: smuggled }),
  [400], FRAMING);
add('bare-lf', LISTENERS, Buffer.from('GET /health HTTP/1.1\nHost: localhost\n\n', 'latin1'), [400], FRAMING);
add('bare-cr', LISTENERS, Buffer.from('GET /health HTTP/1.1\rHost: localhost\r\r\n\r\n', 'latin1'), [400], FRAMING);
add('lf-in-value', LISTENERS, Buffer.from('GET /health HTTP/1.1\r\nHost: localhost\r\nX-A: a\nb\r\n\r\n', 'latin1'),
  [400], FRAMING);
add('header-no-colon', LISTENERS, raw({ headers: [['Host', 'localhost'], ['X-No-Colon', '']] }).toString('latin1')
  .replace('X-No-Colon: ', 'X-No-Colon'), [400], FRAMING);
add('header-empty-name', LISTENERS, raw({ headers: H([['', 'x']]) }), [400], FRAMING);
add('header-name-ctl', LISTENERS, raw({ headers: H([['X-\x01', 'x']]) }), [400], FRAMING);
add('header-name-space', LISTENERS, raw({ headers: H([['X A', 'x']]) }), [400], FRAMING);
add('header-name-utf8', LISTENERS, raw({ headers: H([['X-\xc3\xa9', 'x']]) }), [400], FRAMING);
add('header-value-nul', LISTENERS, raw({ headers: H([['X-A', 'a\x00b']]) }), [400], FRAMING);
add('header-value-ctl', LISTENERS, raw({ headers: H([['X-A', 'a\x07b']]) }), [400], FRAMING);
add('leading-crlf-then-request', LISTENERS, Buffer.from(`\r\n${smuggled}`, 'latin1'), [200, 400]);

// Chunked bodies.
const chunked = (body, extra = []) => raw({ method: 'POST', target: '/health',
  headers: H([['Transfer-Encoding', 'chunked'], ...extra]), body });
for (const [n, body] of [['size-letters', 'zz\r\nhello\r\n0\r\n\r\n'], ['size-negative', '-5\r\nhello\r\n0\r\n\r\n'],
  ['size-overflow', 'ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n'], ['size-0x', '0x5\r\nhello\r\n0\r\n\r\n'],
  ['size-empty', '\r\nhello\r\n0\r\n\r\n'], ['size-space-inside', '5 5\r\nhello\r\n0\r\n\r\n'],
  ['data-longer-than-size', '3\r\nhello\r\n0\r\n\r\n'], ['data-no-crlf', '5\r\nhelloX0\r\n\r\n'],
  ['size-bare-lf', '5\nhello\r\n0\r\n\r\n'], ['last-chunk-bare-lf', '5\r\nhello\r\n0\n\n'],
  ['ext-ctl', '5;a=\x01\r\nhello\r\n0\r\n\r\n'], ['ext-unterminated-quote', '5;a="b\r\nhello\r\n0\r\n\r\n'],
  ['last-chunk-ext-unterminated-quote', '5\r\nhello\r\n0;a="b\r\n\r\n'],
  ['trailer-obs-fold', '5\r\nhello\r\n0\r\nX-T: a\r\n b\r\n\r\n'], ['trailer-no-colon', '5\r\nhello\r\n0\r\nXT\r\n\r\n'],
  ['size-plus', '+5\r\nhello\r\n0\r\n\r\n'], ['size-nul', '5\x00\r\nhello\r\n0\r\n\r\n']]) {
  add(`chunk-${n}`, LISTENERS, chunked(body + smuggled), [400, 431], FRAMING);
}
// Valid but tolerated: extensions and trailers are read and dropped.
add('chunk-ext-valid', LISTENERS, chunked('5;name=value;q="x"\r\nhello\r\n0\r\n\r\n'), [404, 405]);
add('chunk-trailer-host', LISTENERS, chunked('5\r\nhello\r\n0\r\nHost: evil.example\r\nX-Trailer: 1\r\n\r\n'),
  [404, 405]);
// A Transfer-Encoding in the trailer section is refused by Beast (bad_transfer_encoding).
add('chunk-trailer-transfer-encoding', LISTENERS, chunked('5\r\nhello\r\n0\r\nTransfer-Encoding: gzip\r\n\r\n'),
  [400, 404, 405]);

// 2. Oversized parts (docs/reliability.md "Sizes").
const big = (n, c = 'a') => c.repeat(n);
add('request-line-20k', LISTENERS, raw({ target: `/health?${big(20000)}` }), [414, 431], FRAMING);
add('request-line-1m', LISTENERS, raw({ target: `/${big(1 << 20)}` }), [414, 431], FRAMING);
add('method-20k', LISTENERS, raw({ method: big(20000, 'G') }), [400, 405, 431, 501], FRAMING);
add('header-value-20k', LISTENERS, raw({ headers: H([['X-Big', big(20000)]]) }), [431], FRAMING);
add('header-name-20k', LISTENERS, raw({ headers: H([[big(20000, 'X'), 'a']]) }), [431], FRAMING);
add('headers-10000', LISTENERS, raw({ headers: H(Array.from({ length: 10000 }, (_, i) => [`X-${i}`, 'a'])) }), [431],
  FRAMING);
add('headers-just-under-limit', LISTENERS, raw({ headers: H([['X-Big', big(15000)]]) }), [200]);
add('body-cl-2m', LISTENERS, raw({ method: 'POST', headers: H([['Content-Length', String(2 << 20)]]), body: big(65536) }),
  [413], FRAMING);
add('body-cl-2m-expect-continue', LISTENERS, raw({ method: 'POST', headers: H([['Content-Length', String(2 << 20)],
  ['Expect', '100-continue']]) }), [413], FRAMING);
add('body-chunked-1.2m', LISTENERS, chunked(`${Array.from({ length: 20 }, () => `10000\r\n${big(65536)}\r\n`).join('')}0\r\n\r\n`),
  [413], FRAMING);
add('chunk-ext-100k', LISTENERS, chunked(`5;${big(100000)}\r\nhello\r\n0\r\n\r\n`), [431], FRAMING);
add('chunk-ext-many-small', LISTENERS, chunked(`${Array.from({ length: 5000 }, () => '1;ext=0123456789abcdef0123456789\r\na\r\n').join('')}0\r\n\r\n`),
  [431], FRAMING);
add('chunk-size-zeros-100k', LISTENERS, chunked(`${big(100000, '0')}5\r\nhello\r\n0\r\n\r\n`), [400, 431], FRAMING);
add('trailer-100k', LISTENERS, chunked(`5\r\nhello\r\n0\r\nX-T: ${big(100000)}\r\n\r\n`), [431], FRAMING);
add('trailers-10000', LISTENERS, chunked(`5\r\nhello\r\n0\r\n${Array.from({ length: 10000 }, (_, i) => `T${i}: a\r\n`).join('')}\r\n`),
  [431], FRAMING);

// 3. Host (RFC 9112 §3.2).
add('host-missing', LISTENERS, raw({ headers: [] }), [400], FRAMING);
add('host-missing-http10', LISTENERS, raw({ version: 'HTTP/1.0', headers: [] }), [200]);
add('host-duplicate', LISTENERS, raw({ headers: [['Host', 'localhost'], ['Host', 'localhost']] }), [400], FRAMING);
add('host-duplicate-differing', LISTENERS, raw({ headers: [['Host', 'localhost'], ['Host', 'evil.example']] }), [400],
  FRAMING);
for (const [n, h] of [['space', 'local host'], ['userinfo', 'user@localhost'], ['slash', 'localhost/x'],
  ['port-letters', 'localhost:abc'], ['two-ports', 'localhost:1:2'], ['ipv6-unclosed', '[::1'], ['list', 'a, b'],
  ['nul', 'local\x00host'], ['utf8', 'b\xc3\xa4nk'], ['invalid-utf8', '\xff\xfe'], ['percent-bad', 'local%6'],
  ['backslash', 'localhost\\x'], ['query', 'localhost?x']]) {
  add(`host-${n}`, LISTENERS, raw({ headers: [['Host', h]] }), [400], FRAMING);
}
// RFC 3986 allows percent-encoded bytes in a reg-name and any number of port digits.
add('host-percent-encoded', LISTENERS, raw({ headers: [['Host', 'local%68ost']] }), [200]);
add('host-port-huge', LISTENERS, raw({ headers: [['Host', 'localhost:999999999']] }), [200]);
add('host-ipv6', LISTENERS, raw({ headers: [['Host', '[::1]:443']] }), [200]);
add('host-other-name', LISTENERS, raw({ headers: [['Host', 'evil.example']] }), [200, 400, 421]);

// 4. Methods, versions and targets.
for (const [n, m] of [['lowercase', 'get'], ['space', 'GE T'], ['nul', 'G\x00T'], ['utf8', 'G\xc3\xa9T'],
  ['ctl', 'GE\x01T'], ['unknown', 'BREW'], ['trace', 'TRACE'], ['propfind', 'PROPFIND'], ['empty', '']]) {
  add(`method-${n}`, LISTENERS, raw({ method: m }), [400, 405, 501]);
}
add('method-connect', LISTENERS, raw({ method: 'CONNECT', target: 'evil.example:443' }), [400, 404, 405, 501]);
add('options-asterisk', LISTENERS, raw({ method: 'OPTIONS', target: '*' }), [200, 204, 400, 404, 405]);
add('get-asterisk', LISTENERS, raw({ target: '*' }), [400, 404]);
add('absolute-form-same-host', LISTENERS, raw({ target: 'https://localhost/health' }), [200, 400]);
add('absolute-form-other-host', LISTENERS, raw({ target: 'https://evil.example/health' }), [200, 400, 404, 421]);
add('absolute-form-http', LISTENERS, raw({ target: 'http://127.0.0.1/health' }), [200, 400, 404, 421]);
add('authority-form-get', LISTENERS, raw({ target: 'localhost:443' }), [400, 404]);
add('target-no-slash', LISTENERS, raw({ target: 'health' }), [400, 404]);
add('target-empty', LISTENERS, Buffer.from('GET  HTTP/1.1\r\nHost: localhost\r\n\r\n', 'latin1'), [400], FRAMING);
add('target-double-slash', LISTENERS, raw({ target: '//health' }), [200, 400, 404]);
add('target-fragment', LISTENERS, raw({ target: '/health#x' }), [200, 400, 404]);
for (const [n, v] of [['http2', 'HTTP/2.0'], ['http12', 'HTTP/1.2'], ['http09', ''], ['lowercase', 'http/1.1'],
  ['no-dot', 'HTTP/11'], ['garbage', 'XTTP/1.1'], ['http3', 'HTTP/3'], ['long', `HTTP/1.${big(50, '1')}`]]) {
  const req = v === '' ? Buffer.from('GET /health\r\nHost: localhost\r\n\r\n', 'latin1') : raw({ version: v });
  add(`version-${n}`, LISTENERS, req, n === 'http12' ? [200, 400, 505] : [400, 505], n === 'http12' ? {} : FRAMING);
}
add('h2-preface', LISTENERS, Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), [400, 505], FRAMING);
add('tls-in-tls-garbage', LISTENERS, Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03,
  0x0d, 0x0a, 0x0d, 0x0a]), [400], FRAMING);
add('binary-garbage', LISTENERS, crypto.createHash('sha512').update('seed').digest(), [400], FRAMING);

// Percent-encoding, NUL and CTL bytes, traversal in paths and queries.
for (const [n, t] of [['pct-nul', '/health%00'], ['pct-nul-mid', '/hea%00lth'], ['raw-nul', '/health\x00'],
  ['raw-ctl', '/hea\x01lth'], ['raw-del', '/health\x7f'], ['raw-utf8', '/h\xc3\xa9alth'], ['raw-invalid-utf8', '/h\xffalth'],
  ['pct-invalid-utf8', '/h%ffalth'], ['pct-overlong-slash', '/%c0%af'], ['pct-bad', '/%zz'], ['pct-truncated', '/%'],
  ['pct-truncated2', '/%4'], ['pct-encoded-health', '/%68ealth'], ['pct-slash', '/health%2f'],
  ['traversal', '/../../../../etc/passwd'], ['traversal-pct', '/%2e%2e/%2e%2e/etc/passwd'],
  ['traversal-assets', '/authorize/assets/../../../../etc/passwd'],
  ['traversal-assets-pct', '/authorize/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
  ['traversal-assets-backslash', '/authorize/assets/..\\..\\..\\etc\\passwd'],
  ['traversal-double-encoded', '/authorize/assets/%252e%252e%252fetc%252fpasswd'],
  ['query-nul', '/health?a=%00'], ['query-raw-nul', '/health?a=\x00'], ['query-raw-ctl', '/health?a=\x1b[31m'],
  ['query-invalid-utf8', '/health?a=%ff%fe'], ['query-raw-invalid-utf8', '/health?a=\xff'],
  ['query-10000-params', `/health?${Array.from({ length: 3000 }, (_, i) => `p${i}=1`).join('&')}`],
  ['query-pct-bad', '/health?a=%zz&b=%'], ['path-10000-segments', `/${'a/'.repeat(5000)}`],
  ['path-dot-segments', '/./health/.'], ['path-semicolon', '/health;jsessionid=x']]) {
  const framing = /raw-(nul|ctl|del)|query-raw-(nul|ctl)/.test(n);
  add(`target-${n}`, LISTENERS, raw({ target: t }), framing ? [400] : [200, 400, 404, 414, 431], framing ? FRAMING : {});
}

// 5. Bodies, content types and JSON on every JSON endpoint.
const deepArray = (n) => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepObject = (n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const payment = (amount = '1.00') => `{"instructedAmount":{"amount":"${amount}","currency":"EUR"},` +
  '"creditorAccount":{"iban":"AT861921125678901234"},"creditorName":"Laura Musterfrau"}';
const JSON_BODIES = [
  ['duplicate-member', '{"instructedAmount":{"amount":"1.00","currency":"EUR"},"instructedAmount":{"amount":"9999.00","currency":"EUR"},' +
    '"creditorAccount":{"iban":"AT861921125678901234"},"creditorName":"Laura Musterfrau","contact":"a@example.com",' +
    '"redirect_uris":["https://www.example.com/"],"redirect_uris":["https://evil.example/"],"id":"a","id":"b","scopes":"x","scopes":"y",' +
    '"account":{"iban":"NL69INGB0123456789"},"account":{"iban":"NL69INGB0123456789"}}'],
  ['duplicate-member-nested', `{"instructedAmount":{"amount":"1.00","amount":"9.00","currency":"EUR"},"a":{"b":1,"b":2}}`],
  ['duplicate-member-escaped', '{"a":1,"\\u0061":2}'],
  ['deep-array-10000', deepArray(10000)], ['deep-object-10000', deepObject(10000)], ['deep-array-33', deepArray(33)],
  ['deep-object-40', deepObject(40)], ['invalid-utf8-string', '{"creditorName":"\xff\xfe\xc3"}'],
  ['invalid-utf8-key', '{"\xc0\xaf":1}'], ['overlong-utf8', '{"creditorName":"\xc0\xbcscript\xc0\xbe"}'],
  ['lone-surrogate', '{"creditorName":"\\ud800"}'], ['escaped-nul', '{"creditorName":"a\\u0000b"}'],
  ['raw-nul', '{"creditorName":"a\x00b"}'], ['raw-ctl-in-string', '{"creditorName":"a\x01b"}'],
  ['huge-number', '{"instructedAmount":{"amount":1e999999,"currency":"EUR"}}'],
  ['number-instead-of-string', '{"instructedAmount":{"amount":1.0,"currency":"EUR"}}'],
  ['not-json', 'this is not json'], ['empty', ''], ['trailing-garbage', `${payment()}garbage`],
  ['two-documents', `${payment()}${payment()}`], ['bom', `\xef\xbb\xbf${payment()}`], ['top-level-array', '[]'],
  ['top-level-string', '"x"'], ['null', 'null'], ['unterminated', '{"a":'], ['single-quotes', "{'a':1}"],
  ['comments', '{/*x*/"a":1}'], ['nan', '{"a":NaN}'], ['members-10000', `{${Array.from({ length: 10000 }, (_, i) => `"k${i}":1`).join(',')}}`],
  ['long-string-500k', `{"creditorName":"${big(500000)}"}`], ['script', '{"creditorName":"<script>alert(1)</script>","contact":"<script>alert(1)</script>"}'],
];
// PIS (signed with the signed application token: the body must reach the parser).
for (const [n, body] of JSON_BODIES) {
  for (const target of ['/v1/payments/sepa-credit-transfers', '/v1/periodic-payments/sepa-credit-transfers',
    '/v1/bulk-payments/sepa-credit-transfers']) {
    const kind = target.split('/')[2];
    add(`pis-${kind}-${n}`, 'api', (s) => raw({ method: 'POST', target, headers: H([['Content-Type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(body, 'latin1'))], ['Authorization', `Bearer ${s.appToken}`],
      ['X-Request-ID', crypto.randomUUID()], ['TPP-Redirect-URI', 'https://www.example.com/'], ['PSU-IP-Address', '127.0.0.1'],
      ...signedHeaders('POST', target, body)]), body }), [400, 413]);
  }
  add(`caf-${n}`, 'api', (s) => raw({ method: 'POST', target: '/v1/funds-confirmations', headers: H([
    ['Content-Type', 'application/json'], ['Content-Length', String(Buffer.byteLength(body, 'latin1'))],
    ['Authorization', `Bearer ${s.fundsToken}`], ['X-Request-ID', crypto.randomUUID()],
    ...signedHeaders('POST', '/v1/funds-confirmations', body)]), body }), [400, 413]);
  add(`dcr-${n}`, 'api', async () => raw({ method: 'POST', target: '/oauth2/applications', headers: H([
    ['Content-Length', String(Buffer.byteLength(body, 'latin1'))], ...await dcrJws(body)]), body }), [400, 413]);
  add(`grantssupport-${n}`, 'web', (s) => raw({ method: 'POST', target: `/grantssupport/${s.reference}/auth-code`,
    headers: H([['Content-Type', 'application/json'], ['Content-Length', String(Buffer.byteLength(body, 'latin1'))],
      ['Authorization', `Bearer ${s.appToken}`], ['Cookie', 'XSRF-TOKEN=abc'], ['X-XSRF-TOKEN', 'abc']]), body }), [400, 413]);
}
// Wrong Content-Type on each JSON endpoint, with a well-formed body.
for (const [n, type] of [['text-plain', 'text/plain'], ['form', 'application/x-www-form-urlencoded'], ['none', null],
  ['xml', 'application/xml'], ['json-garbage-param', 'application/json; charset=\xff'], ['empty', ''],
  ['multipart', 'multipart/form-data; boundary=x'], ['jsonx', 'application/jsonx']]) {
  const ct = type === null ? [] : [['Content-Type', type]];
  const pisTarget = '/v1/payments/sepa-credit-transfers';
  const body = payment();
  add(`content-type-pis-${n}`, 'api', (s) => raw({ method: 'POST', target: pisTarget, headers: H([...ct,
    ['Content-Length', String(body.length)], ['Authorization', `Bearer ${s.appToken}`], ['X-Request-ID', crypto.randomUUID()],
    ['TPP-Redirect-URI', 'https://www.example.com/'], ['PSU-IP-Address', '127.0.0.1'], ...signedHeaders('POST', pisTarget, body)]),
  // The charset parameter is not read: the media type is application/json.
  body }), n === 'xml' ? [400, 404, 415] : n === 'json-garbage-param' ? [201, 400, 415] : [400, 415]);
  const caf = '{"account":{"iban":"NL69INGB0123456789"},"instructedAmount":{"amount":"1.00","currency":"EUR"}}';
  add(`content-type-caf-${n}`, 'api', (s) => raw({ method: 'POST', target: '/v1/funds-confirmations', headers: H([...ct,
    ['Content-Length', String(caf.length)], ['Authorization', `Bearer ${s.fundsToken}`], ['X-Request-ID', crypto.randomUUID()],
    ...signedHeaders('POST', '/v1/funds-confirmations', caf)]), body: caf }),
  n === 'json-garbage-param' ? [400, 403, 415] : [400, 415]);
  const dcr = '{"contact":"a@example.com","redirect_uris":["https://www.example.com/"]}';
  add(`content-type-dcr-${n}`, 'api', async () => {
    const headers = (await dcrJws(dcr, type ?? '')).filter(([h]) => h !== 'Content-Type' || type !== null);
    return raw({ method: 'POST', target: '/oauth2/applications', headers: H([...headers, ['Content-Length', String(dcr.length)]]),
      body: dcr });
  }, [400, 401, 415]);
  const form = 'grant_type=client_credentials';
  add(`content-type-token-${n}`, 'api', () => raw({ method: 'POST', target: '/oauth2/token', headers: H([...ct,
    ['Content-Length', String(form.length)], ['TPP-Signature-Certificate', 'x'],
    ...signedHeaders('POST', '/oauth2/token', form, { keyId: 'SN=49BA5C71', header: 'Authorization' })]), body: form }),
  n === 'form' ? [400, 401] : [400, 415]);
}
// The token endpoint's form body.
for (const [n, form] of [['json', '{"grant_type":"client_credentials"}'], ['fields-10000', Array.from({ length: 10000 }, (_, i) => `f${i}=1`).join('&')],
  ['grant-type-twice', 'grant_type=client_credentials&grant_type=authorization_code'], ['invalid-utf8', 'grant_type=\xff\xfe'],
  ['pct-invalid-utf8', 'grant_type=%ff%fe'], ['nul', 'grant_type=client%00credentials'], ['pct-bad', 'grant_type=%zz'],
  ['huge-value', `grant_type=${big(500000)}`], ['empty', ''], ['only-ampersands', '&&&&&&'], ['no-equals', 'grant_type']]) {
  add(`token-form-${n}`, 'api', raw({ method: 'POST', target: '/oauth2/token', headers: H([
    ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', String(Buffer.byteLength(form, 'latin1'))],
    ['client_id', CLIENT_ID]]), body: form }), [400, 401]);
}

// 6. Signature, Digest, Date, JWS and certificate headers on signed routes.
const aisTarget = '/v3/accounts';
function aisWith(mutate) {
  return (s) => {
    let headers = [['Authorization', `Bearer ${s.customerToken}`], ['X-Request-ID', crypto.randomUUID()],
      ...signedHeaders('GET', aisTarget, '')];
    headers = mutate(headers);
    return raw({ target: aisTarget, headers: H(headers) });
  };
}
const replaceHeader = (name, value) => (hs) => hs.map(([n, v]) => [n, n.toLowerCase() === name ? value : v]);
const addHeader = (name, value) => (hs) => [...hs, [name, value]];
const dropHeader = (name) => (hs) => hs.filter(([n]) => n.toLowerCase() !== name);
const binary32 = Buffer.from(crypto.createHash('sha256').update('b').digest()).toString('latin1').replace(/[\r\n\x00]/g, 'x');
for (const [n, v] of [['empty', ''], ['huge-12k', `keyId="${CLIENT_ID}",algorithm="rsa-sha256",headers="date",signature="${big(12000, 'A')}"`],
  ['over-limit-20k', big(20000)], ['alg-hmac', `keyId="${CLIENT_ID}",algorithm="hmac-sha256",headers="(request-target) date digest",signature="AAAA"`],
  ['alg-none', `keyId="${CLIENT_ID}",algorithm="none",headers="date",signature=""`], ['binary', binary32],
  ['unterminated-quote', `keyId="${CLIENT_ID},algorithm="rsa-sha256`], ['no-quotes', `keyId=${CLIENT_ID},signature=AAAA`],
  ['keyid-empty', 'keyId="",algorithm="rsa-sha256",headers="date",signature="AAAA"'],
  ['keyid-unknown', 'keyId="nobody",algorithm="rsa-sha256",headers="(request-target) date digest",signature="AAAA"'],
  ['headers-unknown-header', `keyId="${CLIENT_ID}",algorithm="rsa-sha256",headers="x-nope",signature="AAAA"`],
  ['headers-empty', `keyId="${CLIENT_ID}",algorithm="rsa-sha256",headers="",signature="AAAA"`],
  ['signature-not-base64', `keyId="${CLIENT_ID}",algorithm="rsa-sha256",headers="date",signature="!!!!"`],
  ['params-1000', Array.from({ length: 1000 }, (_, i) => `p${i}="v"`).join(',')],
  ['backslashes', `keyId="\\\\\\"",signature="\\"`], ['invalid-utf8', `keyId="\xff\xfe",signature="AAAA"`],
  ['duplicate-params', `keyId="${CLIENT_ID}",keyId="other",algorithm="rsa-sha256",headers="date",signature="AAAA"`],
  ['script-keyid', 'keyId="<script>alert(1)</script>",algorithm="rsa-sha256",headers="date",signature="AAAA"']]) {
  const over = n === 'over-limit-20k';
  add(`signature-${n}`, 'api', aisWith(replaceHeader('signature', v)), over ? [431] : [400, 401], over ? FRAMING : {});
}
add('signature-duplicated', 'api', aisWith((hs) => [...hs, hs.find(([n]) => n === 'signature')]), [400, 401]);
add('signature-missing', 'api', aisWith(dropHeader('signature')), [400, 401]);
for (const [n, v] of [['empty', ''], ['no-value', 'SHA-256='], ['not-base64', 'SHA-256=!!!!'], ['md5', 'MD5=1B2M2Y8AsgTpgAmY7PhCfg=='],
  ['unknown-alg', 'SHA-999=AAAA'], ['huge', `SHA-256=${big(12000, 'A')}`], ['binary', binary32], ['list-garbage', ',,,,='],
  ['invalid-utf8', 'SHA-256=\xff\xfe']]) {
  add(`digest-${n}`, 'api', aisWith(replaceHeader('digest', v)), [400, 401]);
}
add('digest-duplicated', 'api', aisWith((hs) => [...hs, ['Digest', 'SHA-256=AAAA']]), [400, 401]);
for (const [n, v] of [['empty', ''], ['words', 'yesterday'], ['year-1699', 'Sat, 01 Jan 1699 00:00:00 GMT'],
  ['year-99999', 'Mon, 01 Jan 99999 00:00:00 GMT'], ['binary', binary32], ['huge', big(12000, '1')],
  ['rfc3339', '2026-12-02T07:00:00Z'], ['feb-30', 'Mon, 30 Feb 2026 00:00:00 GMT'], ['invalid-utf8', '\xff\xfe']]) {
  add(`date-${n}`, 'api', aisWith(replaceHeader('date', v)), [400, 401]);
}
add('date-duplicated', 'api', aisWith((hs) => [...hs, ['Date', new Date().toUTCString()]]), [400, 401]);
// Bearer tokens.
for (const [n, v] of [['bare-scheme', 'Bearer'], ['scheme-space', 'Bearer '], ['two-spaces', 'Bearer  abc'], ['basic', 'Basic YTpi'],
  ['huge-12k', `Bearer ${big(12000)}`], ['nul', 'Bearer a\x00b'], ['ctl', 'Bearer a\x01b'], ['invalid-utf8', 'Bearer \xff\xfe'],
  ['two-tokens', 'Bearer a b'], ['unknown', 'Bearer 0123456789abcdef'], ['jwt-alg-none', 'Bearer eyJhbGciOiJub25lIn0.e30.'],
  ['script', 'Bearer <script>alert(1)</script>'], ['empty', '']]) {
  add(`bearer-${n}`, 'api', aisWith(replaceHeader('authorization', v)), /nul|ctl/.test(n) ? [400] : [400, 401],
    /nul|ctl/.test(n) ? FRAMING : {});
}
add('bearer-duplicated', 'api', aisWith((hs) => [...hs, ['Authorization', 'Bearer other']]), [400, 401]);
add('bearer-on-apinocert', 'apinocert', aisWith((hs) => hs), [401]);
add('bearer-mtls-only-on-ais', 'api', (s) => aisWith(replaceHeader('authorization', `Bearer ${s.mtlsToken}`))(s), [401, 403]);
// x-jws-signature on PIS with the mTLS-only token.
const b64u = (s) => Buffer.from(s, 'latin1').toString('base64url');
for (const [n, v] of [['empty', ''], ['one-part', 'abc'], ['three-dots', '...'], ['two-dots', '..'],
  ['not-base64', '!!!..!!!'], ['header-not-json', `${b64u('nope')}..AAAA`],
  ['alg-none', `${b64u('{"alg":"none","b64":false,"crit":["b64"]}')}..`],
  ['alg-hs256', `${b64u('{"alg":"HS256","b64":false,"crit":["b64"]}')}..AAAA`],
  ['crit-unknown', `${b64u('{"alg":"RS256","b64":false,"crit":["x-unknown"]}')}..AAAA`],
  ['header-duplicate-member', `${b64u('{"alg":"RS256","alg":"none","b64":false}')}..AAAA`],
  ['header-deep', `${b64u(deepObject(1000))}..AAAA`], ['huge', `${big(12000, 'A')}..AAAA`],
  ['binary', binary32], ['attached-payload', `${b64u('{"alg":"RS256"}')}.${b64u('{}')}.AAAA`],
  ['x5c-garbage', `${b64u('{"alg":"RS256","b64":false,"crit":["b64"],"x5c":["!!!"]}')}..AAAA`],
  ['sigt-garbage', `${b64u('{"alg":"RS256","b64":false,"crit":["sigT","b64"],"sigT":"\xff"}')}..AAAA`]]) {
  const body = payment();
  const target = '/v1/payments/sepa-credit-transfers';
  add(`jws-${n}`, 'api', (s) => raw({ method: 'POST', target, headers: H([['Content-Type', 'application/json'],
    ['Content-Length', String(body.length)], ['Authorization', `Bearer ${s.mtlsToken}`], ['X-Request-ID', crypto.randomUUID()],
    ['TPP-Redirect-URI', 'https://www.example.com/'], ['PSU-IP-Address', '127.0.0.1'],
    ['Digest', `SHA-256=${sha256b64(body)}`], ['x-jws-signature', v], ['TPP-Signature-Certificate', certs.signingCertLine]]),
  body }), [400, 401]);
}
// TPP-Signature-Certificate on the signed token request.
for (const [n, v] of [['empty', ''], ['garbage', 'not a certificate'], ['huge-base64', Buffer.alloc(9000, 7).toString('base64')],
  ['pem-junk', '-----BEGIN CERTIFICATE-----AAAA-----END CERTIFICATE-----'], ['binary', binary32],
  ['truncated', null], ['pct-garbage', '%zz%00%ff'], ['invalid-utf8', '\xff\xfe']]) {
  const form = 'grant_type=client_credentials';
  add(`tpp-cert-${n}`, 'api', () => raw({ method: 'POST', target: '/oauth2/token', headers: H([
    ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', String(form.length)],
    ['TPP-Signature-Certificate', v ?? certs.signingCertLine.slice(0, 300)],
    ...signedHeaders('POST', '/oauth2/token', form, { keyId: 'SN=49BA5C71', header: 'Authorization' })]), body: form }),
  [400, 401]);
}
add('tpp-cert-duplicated', 'api', () => {
  const form = 'grant_type=client_credentials';
  return raw({ method: 'POST', target: '/oauth2/token', headers: H([['Content-Type', 'application/x-www-form-urlencoded'],
    ['Content-Length', String(form.length)], ['TPP-Signature-Certificate', certs.signingCertLine],
    ['TPP-Signature-Certificate', certs.signingCertLine],
    ...signedHeaders('POST', '/oauth2/token', form, { keyId: 'SN=49BA5C71', header: 'Authorization' })]), body: form });
}, [400, 401]);
// AIS/PIS without the client certificate and with path tricks.
for (const t of ['/v1/payments/sepa-credit-transfers/x/status', '/v3/accounts/%00/balances',
  '/v3/accounts/..%2f..%2fetc/balances', `/v3/accounts/${big(5000)}/balances`, '/v2/accounts/\xff/transactions',
  '/v2/accounts/x/transactions?dateFrom=%ff&limit=99999999999999999999']) {
  add(`ais-pis-path-${t.slice(0, 40).replace(/[^A-Za-z0-9]+/g, '-')}`, ['api', 'apinocert'],
    (s) => raw({ target: t, headers: H([['Authorization', `Bearer ${s.customerToken}`], ...signedHeaders('GET', t, '')]) }),
    [400, 401, 403, 404, 405]);
}

// 7. The web listener: cookies, CSRF, redirects, script payloads.
for (const [n, c] of [['huge-12k', `sandbank_authz=${big(12000)}`], ['over-limit-20k', `sandbank_authz=${big(20000)}`],
  ['cookies-1000', Array.from({ length: 1000 }, (_, i) => `c${i}=v`).join('; ')], ['nul', 'sandbank_authz=a\x00b'],
  ['invalid-utf8', 'sandbank_authz=\xff\xfe'], ['duplicate-session', 'sandbank_authz=a; sandbank_authz=b'],
  ['garbage', ';;;==;=;'], ['script', 'sandbank_authz=<script>alert(1)</script>']]) {
  const over = n === 'over-limit-20k';
  const nul = n === 'nul';
  add(`cookie-${n}`, 'web', raw({ target: '/authorize/profiles', headers: H([['Cookie', c]]) }),
    over ? [431] : [400, 401, 403], over || nul ? FRAMING : {});
}
const consentPost = (form, cookie) => (s) => raw({ method: 'POST', target: '/authorize/consent', headers: H([
  ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', String(Buffer.byteLength(form, 'latin1'))],
  ['Cookie', cookie ?? s.session]]), body: typeof form === 'function' ? form(s) : form });
for (const [n, form] of [['csrf-missing', 'profile=x&action=next'], ['csrf-wrong', 'csrf_token=wrong&profile=x&action=next'],
  ['csrf-huge-500k', `csrf_token=${big(500000)}&action=next`], ['csrf-twice', 'csrf_token=a&csrf_token=b&action=next'],
  ['csrf-invalid-utf8', 'csrf_token=\xff\xfe&action=next'], ['csrf-nul', 'csrf_token=%00&action=next'],
  ['fields-10000', Array.from({ length: 10000 }, (_, i) => `f${i}=1`).join('&')], ['json-body', '{"csrf_token":"x"}'],
  ['script-profile', 'csrf_token=x&profile=<script>alert(1)</script>&action=next']]) {
  add(`consent-${n}`, 'web', (s) => consentPost(form)(s), [400, 403]);
}
add('consent-no-session', 'web', consentPost('csrf_token=x&action=next', 'x=y'), [400, 401, 403]);
add('consent-body-2m', 'web', (s) => raw({ method: 'POST', target: '/authorize/consent', headers: H([
  ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', String(2 << 20)], ['Cookie', s.session]]) }),
[413], FRAMING);
const authorize = (q) => `/authorize/v2/NL?client_id=${CLIENT_ID}&scope=payment-accounts%3Abalances%3Aview&response_type=code&${q}`;
for (const [n, q] of [['redirect-evil', 'state=x&redirect_uri=https%3A%2F%2Fevil.example%2F'],
  ['redirect-userinfo', 'state=x&redirect_uri=https%3A%2F%2Fwww.example.com%40evil.example%2F'],
  ['redirect-javascript', 'state=x&redirect_uri=javascript%3Aalert(1)'],
  ['redirect-protocol-relative', 'state=x&redirect_uri=%2F%2Fevil.example%2F'],
  ['redirect-backslash', 'state=x&redirect_uri=https%3A%2F%2Fwww.example.com%5C%40evil.example%2F'],
  ['redirect-twice', 'state=x&redirect_uri=https%3A%2F%2Fwww.example.com%2F&redirect_uri=https%3A%2F%2Fevil.example%2F'],
  ['redirect-crlf', 'state=x&redirect_uri=https%3A%2F%2Fwww.example.com%2F%0d%0aSet-Cookie%3A%20a%3Db']]) {
  add(`authorize-${n}`, 'web', raw({ target: authorize(q) }), [400], { noRedirectTo: 'evil.example' });
}
for (const [n, q] of [['state-script', 'state=%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
  ['state-attr-break', 'state=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
  ['state-invalid-utf8', 'state=%ff%fe'], ['state-huge', `state=${big(8000)}`]]) {
  add(`authorize-${n}`, 'web', raw({ target: authorize(`${q}&redirect_uri=https%3A%2F%2Fwww.example.com%2F`) }), [200, 302, 400],
    { noScript: true });
}
add('authorize-scope-script', 'web', raw({ target: `/authorize/v2/NL?client_id=${CLIENT_ID}&scope=%3Cscript%3Ealert(1)%3C%2Fscript%3E` +
  '&response_type=code&state=x&redirect_uri=https%3A%2F%2Fwww.example.com%2F' }), [302, 400], { noScript: true });
add('authorize-client-id-script', 'web', raw({ target: '/authorize/v2/NL?client_id=%3Cscript%3Ealert(1)%3C%2Fscript%3E' +
  '&scope=payment-accounts%3Abalances%3Aview&response_type=code&state=x&redirect_uri=https%3A%2F%2Fwww.example.com%2F' }), [400],
{ noScript: true });
add('granting-unknown-script', 'web', raw({ target: '/granting/%3Cscript%3Ealert(1)%3C%2Fscript%3E/NL' }), [400, 404],
  { noScript: true });
add('payment-page-unknown', 'web', raw({ target: '/payment-initiation/%3Cscript%3E/NL' }), [400, 404], { noScript: true });
add('payment-page-post-no-csrf', 'web', raw({ method: 'POST', target: '/payment-initiation/x/NL', headers: H([
  ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', '8']]), body: 'action=a' }), [400, 403, 404]);
add('web-unknown-route', 'web', raw({ target: '/nope' }), [404]);
add('web-method-not-allowed', 'web', raw({ method: 'DELETE', target: '/authorize/consent' }), [404, 405]);
add('grantssupport-xsrf-missing', 'web', (s) => raw({ method: 'POST', target: `/grantssupport/${s.reference}/auth-code`,
  headers: H([['Content-Type', 'application/json'], ['Content-Length', '2'], ['Authorization', `Bearer ${s.appToken}`]]),
  body: '{}' }), [401, 403]);
add('grantssupport-xsrf-huge', 'web', (s) => raw({ method: 'POST', target: `/grantssupport/${s.reference}/auth-code`,
  headers: H([['Content-Type', 'application/json'], ['Content-Length', '2'], ['Authorization', `Bearer ${s.appToken}`],
    ['Cookie', `XSRF-TOKEN=${big(12000)}`], ['X-XSRF-TOKEN', big(12000)]]), body: '{}' }), [400, 403, 431]);
add('grantssupport-unknown-reference', 'web', (s) => raw({ method: 'POST', target: '/grantssupport/%00%ff/auth-code',
  headers: H([['Content-Type', 'application/json'], ['Content-Length', '2'], ['Authorization', `Bearer ${s.appToken}`],
    ['Cookie', 'XSRF-TOKEN=a'], ['X-XSRF-TOKEN', 'a']]), body: '{}' }), [400, 404]);

// Known failures: case name → reason (the case still runs and is reported, but does not fail).
const KNOWN = {};

// --- Checks -----------------------------------------------------------------------------------
const AIS_PIS = /^\/(v[123]\/(accounts|card-accounts|payments|periodic-payments|bulk-payments|funds-confirmations))(\/|\?|$)/;
function targetOf(bytes) {
  const line = bytes.subarray(0, Math.min(bytes.length, 200000)).toString('latin1').split('\r\n')[0];
  return line.split(' ')[1] ?? '';
}
function judge(c, bytes, r) {
  const problems = [];
  if (r.timedOut && r.responses.length === 0) return [`no answer within ${c.timeLimit ?? DEFAULT_TIME_LIMIT_MS} ms (a hang)`];
  if (r.timedOut && c.close) problems.push('the connection was not closed within the time limit');
  const res = r.responses[0];
  if (!res) {
    if (c.expect.length > 0) problems.push(`closed without an answer (expected ${c.expect.join('/')})`);
    return problems;
  }
  if (res.status >= 500 || res.status < 0) problems.push(`status ${res.status}`);
  else if (!c.expect.includes(res.status)) problems.push(`status ${res.status}, expected ${c.expect.join('/')}`);
  const text = res.body.toString('utf8');
  const type = res.headers['content-type'] ?? '';
  const target = targetOf(bytes);
  const grantssupport = target.startsWith('/grantssupport/');
  if (res.status >= 400) {
    if (c.listener === 'web' && !grantssupport) {
      if (!/^text\/html/.test(type) || !/^<!DOCTYPE html>/i.test(text)) problems.push(`not an HTML page: ${type} ${text.slice(0, 120)}`);
    } else {
      let json = null;
      try { json = JSON.parse(text); } catch { /* reported below */ }
      if (!/^application\/json/.test(type) || json === null || typeof json.detail !== 'string') {
        problems.push(`not JSON with detail: ${type} ${text.slice(0, 160)}`);
      } else if (c.listener !== 'web' && AIS_PIS.test(target) && !json.detail.startsWith('http.') &&
        !json.detail.startsWith('route.') && !Array.isArray(json.tppMessages)) {
        problems.push(`no tppMessages on an AIS/PIS route: ${text.slice(0, 160)}`);
      }
      if (!Buffer.from(text, 'utf8').equals(res.body)) problems.push('the body is not valid UTF-8');
    }
  }
  if (c.close) {
    if (!r.closed) problems.push('the connection stayed open after the refusal');
    if (r.responses.length > 1) problems.push(`${r.responses.length} answers: the bytes after the refused request were answered`);
  }
  if (c.noScript && /<script>alert\(1\)/i.test(text)) problems.push('the script payload is echoed unescaped');
  if (c.noRedirectTo && (res.headers.location ?? '').includes(c.noRedirectTo)) problems.push(`redirected to ${res.headers.location}`);
  const location = res.headers.location;
  if (res.status >= 300 && res.status < 400 && location !== undefined && (/[<>"\s]/.test(location) ||
    !(location.startsWith('/') && !location.startsWith('//')) && !location.startsWith('https://www.example.com/'))) {
    problems.push(`a redirect elsewhere than the registered redirect URI or this site: ${location}`);
  }
  if (/[\r\n]/.test(res.headers['set-cookie'] ?? '') || 'a' in res.headers) problems.push('a header was injected');
  return problems;
}

// --- Run --------------------------------------------------------------------------------------
let known = 0;
try {
  for (let i = 0; i < 300 && !fs.existsSync(readyFile); i++) await sleep(100);
  if (!fs.existsSync(readyFile)) throw new Error(`sandbank did not start:\n${serverErr}`);
  await sleep(100);
  endpoints = JSON.parse(fs.readFileSync(readyFile, 'utf8'));
  const dir = path.join(tmp, 'data', 'certs');
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
  certs = { ca: read('ca.cer'), tlsCert: read('example_client_tls.cer'), tlsKey: read('example_client_tls.key'),
    signingKey: read('example_client_signing.key'), signingCert: read('example_client_signing.cer') };
  certs.signingCertLine = certs.signingCert.replace(/[\r\n]/g, '');
  const s = await setup();

  const selected = cases.filter((c) => !filter || filter.test(c.name));
  const names = new Set();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`two cases named ${c.name}`);
    names.add(c.name);
  }
  if (!filter) check(`the catalogue has at least 300 cases (${cases.length})`, cases.length >= 300, cases.length, true);

  // Baseline after the setup and a warm-up of each listener.
  for (const l of LISTENERS) await exchange(l, raw({}));
  await sleep(300);
  const fdBefore = fdCount();
  const rssBefore = rssKb();

  for (const c of selected) {
    const made = typeof c.request === 'function' ? await c.request(s) : c.request;
    const bytes = typeof made === 'string' ? Buffer.from(made, 'latin1') : made;
    const r = await exchange(c.listener, bytes, { timeLimit: c.timeLimit ?? DEFAULT_TIME_LIMIT_MS, awaitClose: !!c.close });
    const problems = server.exitCode !== null || server.signalCode !== null ? ['the server exited'] : judge(c, bytes, r);
    const got = r.responses[0] ? r.responses[0].status : (r.timedOut ? 'hang' : 'closed');
    if (KNOWN[c.name]) {
      known++;
      console.log(`# known failure - ${c.name} (${KNOWN[c.name]}): ${problems.length ? problems.join('; ') : 'passes now'}`);
      continue;
    }
    check(`${c.name} → ${got}`, problems.length === 0, problems.join('; '));
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`the server died at ${c.name}:\n${serverErr}`);
  }

  // After the catalogue: health, descriptors, memory.
  const t0 = Date.now();
  const health = await exchange('apinocert', raw({}), { timeLimit: 2000 });
  check('/health answers 200 after the catalogue, within 1 s', health.responses[0]?.status === 200 && Date.now() - t0 < 1000,
    `${health.responses[0]?.status} after ${Date.now() - t0} ms`, true);
  let fdAfter = fdCount();
  for (let i = 0; i < 30 && fdAfter > fdBefore + FD_SLACK; i++) { await sleep(100); fdAfter = fdCount(); }
  check(`open descriptors back to the count before (${fdBefore} → ${fdAfter}, slack ${FD_SLACK})`,
    fdAfter <= fdBefore + FD_SLACK, `${fdBefore} → ${fdAfter}`, true);
  const rssAfter = rssKb();
  check(`RSS grew by less than ${RSS_BOUND_MB} MB (${(rssBefore / 1024).toFixed(1)} → ${(rssAfter / 1024).toFixed(1)} MB)`,
    rssAfter - rssBefore < RSS_BOUND_MB * 1024, `${rssBefore} → ${rssAfter} kB`, true);
  console.log(`# ${selected.length} cases run, ${passed} checks passed, ${failures} failed, ${known} known failures`);
} catch (e) {
  console.error(e);
  failures++;
} finally {
  if (server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server.on('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (failures > 0) console.log(`# server log (tail):\n${serverErr.split('\n').slice(-30).join('\n')}`);
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);
