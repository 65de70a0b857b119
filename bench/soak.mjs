// Soak: mixed traffic at a steady rate against one `sandbank serve` for a long time (default 30
// minutes; not part of CI), sampling the server's RSS and open file descriptors from /proc and
// the latency of each request kind, to show that memory and descriptors stay flat and p99 stable.
// Traffic: signed application tokens, AIS reads (accounts, balances, a transactions page),
// payments (JSON) and their status, health checks, and requests that are refused (bad
// signature, unknown token), over keep-alive and new connections alike. Only 127.0.0.1.
//
// usage: node bench/soak.mjs SANDBANK_BINARY [SECONDS=1800] [RATE_PER_SECOND=200]
// Needs the npm packages of tests/interop (undici, http-signature): run `make test-deps` first.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(path.join(here, '../tests/interop/package.json'));
const { Agent, request } = require('undici');
const httpSignature = require('http-signature');

const [binary, secondsArg = '1800', rateArg = '200'] = process.argv.slice(2);
const seconds = Number(secondsArg);
const rate = Number(rateArg);
const clientId = '5ca1ab1e-c0ca-c01a-cafe-154deadbea75';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbank-soak-'));
const ready = path.join(tmp, 'ready.json');
const server = spawn(binary, ['serve', '--data', path.join(tmp, 'data'), '--api-listen', '127.0.0.1:0',
  '--web-listen', '127.0.0.1:0', '--ready-file', ready, '--threads', '2', '--log-level', 'warn'],
{ stdio: ['ignore', 'ignore', 'inherit'] });
for (let i = 0; i < 300 && !fs.existsSync(ready); i++) await new Promise((r) => setTimeout(r, 100));
const { api, web } = JSON.parse(fs.readFileSync(ready, 'utf8'));
const certs = path.join(tmp, 'data', 'certs');
const read = (f) => fs.readFileSync(path.join(certs, f), 'utf8');
const tls = { cert: read('example_client_tls.cer'), key: read('example_client_tls.key'), ca: read('ca.cer') };
const keepAlive = new Agent({ connect: tls, connections: 8 });
const signingKey = read('example_client_signing.key');
const signingCert = read('example_client_signing.cer').replace(/[\r\n]/g, '');
const digestOf = (body) => `SHA-256=${crypto.createHash('sha256').update(body).digest('base64')}`;
function signed(method, target, body, extra, keyId, header) {
  const headers = { date: new Date().toUTCString(), digest: digestOf(body), ...extra };
  const shim = { method, path: target, getHeader: (n) => headers[n.toLowerCase()],
    setHeader: (n, v) => { headers[n.toLowerCase()] = v; } };
  httpSignature.signRequest(shim, { key: signingKey, keyId, algorithm: 'rsa-sha256',
    headers: ['(request-target)', 'date', 'digest'], authorizationHeaderName: header });
  return headers;
}
async function call(method, target, body, headers, dispatcher = keepAlive, base = api) {
  const r = await request(`${base}${target}`, { method, dispatcher, body: body || undefined, headers });
  const text = await r.body.text();
  return { status: r.statusCode, text };
}
const form = 'grant_type=client_credentials';
const appToken = () => call('POST', '/oauth2/token', form, signed('POST', '/oauth2/token', form,
  { 'content-type': 'application/x-www-form-urlencoded', 'tpp-signature-certificate': signingCert },
  'SN=49BA5C71', 'Authorization'));
let token = JSON.parse((await appToken()).text).access_token;

// A customer token for AIS (the authorization pages over plain HTTP).
const webAgent = new Agent({ connect: { ca: tls.ca } });
const start = await request(`${web}/authorize/v2/NL?client_id=${clientId}&scope=payment-accounts%3Abalances%3Aview+` +
  'payment-accounts%3Atransactions%3Aview&state=soak&response_type=code&redirect_uri=https%3A%2F%2Fwww.example.com%2F',
{ dispatcher: webAgent });
const page = await start.body.text();
const cookie = [].concat(start.headers['set-cookie'])[0].split(';')[0];
const csrf = page.match(/name="csrf_token" value="([^"]+)"/)[1];
const profile = page.match(/name="profile" value="([^"]+)"[^>]*>\s*<span class="profile-name">John Doe</)[1];
const consent = await request(`${web}/authorize/consent`, { method: 'POST', dispatcher: webAgent,
  headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  body: `csrf_token=${encodeURIComponent(csrf)}&profile=${encodeURIComponent(profile)}&action=next` });
await consent.body.text();
const code = new URL(consent.headers.location).searchParams.get('code');
const exchange = `grant_type=authorization_code&code=${code}`;
const exchanged = JSON.parse((await call('POST', '/oauth2/token', exchange, signed('POST', '/oauth2/token',
  exchange, { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
  clientId, 'Signature'))).text);
let customer = exchanged.access_token;
const refresh = exchanged.refresh_token;
const ais = (target) => call('GET', target, '', signed('GET', target, '', {
  authorization: `Bearer ${customer}`, 'x-request-id': crypto.randomUUID() }, clientId, 'Signature'));
const accounts = JSON.parse((await ais('/v3/accounts')).text).accounts;
const account = accounts[0].resourceId;

const payment = JSON.stringify({ instructedAmount: { amount: '0.01', currency: 'EUR' },
  creditorAccount: { iban: 'AT861921125678901234' }, creditorName: 'Laura Musterfrau' });
const kinds = {
  token: () => appToken(),
  accounts: () => ais('/v3/accounts'),
  balances: () => ais(`/v3/accounts/${account}/balances`),
  transactions: () => ais(`/v3/accounts/${account}/transactions?limit=25`),
  payment: async () => {
    const target = '/v1/payments/sepa-credit-transfers';
    const r = await call('POST', target, payment, signed('POST', target, payment, {
      authorization: `Bearer ${token}`, 'x-request-id': crypto.randomUUID(), 'content-type': 'application/json',
      'tpp-redirect-uri': 'https://www.example.com/', 'psu-ip-address': '127.0.0.1' }, clientId, 'Signature'));
    return r;
  },
  health_new_connection: () => call('GET', '/health', '', {}, new Agent({ connect: tls, pipelining: 0 })),
  refused: () => call('GET', '/v3/accounts', '', { authorization: 'Bearer not-a-token' }),
};
const names = Object.keys(kinds);
const latencies = Object.fromEntries(names.map((n) => [n, []]));
const errors = Object.fromEntries(names.map((n) => [n, 0]));

const proc = (file) => fs.readFileSync(`/proc/${server.pid}/${file}`, 'utf8');
const sample = () => ({
  t: Math.round((Date.now() - began) / 1000),
  rss_mb: Number(proc('status').match(/VmRSS:\s+(\d+)/)[1]) / 1024,
  fds: fs.readdirSync(`/proc/${server.pid}/fd`).length,
});
const p = (list, q) => {
  if (list.length === 0) return 0;
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

const began = Date.now();
const samples = [sample()];
let sent = 0;
let inflight = 0;
const interval = 1000 / rate;
const end = began + seconds * 1000;
let next = Date.now();
let windowStart = Date.now();
while (Date.now() < end) {
  // Tokens expire after 900 s: renew both every 10 minutes.
  if (sent % (rate * 600) === rate * 600 - 1) {
    token = JSON.parse((await appToken()).text).access_token;
    const body = `grant_type=refresh_token&refresh_token=${encodeURIComponent(refresh)}`;
    customer = JSON.parse((await call('POST', '/oauth2/token', body, signed('POST', '/oauth2/token', body, {
      'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` }, clientId, 'Signature'))).text).access_token;
  }
  const name = names[sent % names.length];
  sent++;
  if (inflight < 64) {
    inflight++;
    const t0 = process.hrtime.bigint();
    kinds[name]().then((r) => {
      latencies[name].push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (r.status >= 500) errors[name]++;
    }, () => { errors[name]++; }).finally(() => { inflight--; });
  }
  next += interval;
  const wait = next - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  if (Date.now() - windowStart >= 10000) {
    windowStart = Date.now();
    samples.push(sample());
  }
}
while (inflight > 0) await new Promise((r) => setTimeout(r, 10));
samples.push(sample());
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
fs.rmSync(tmp, { recursive: true, force: true });

const first = samples[1] ?? samples[0];
const last = samples[samples.length - 1];
console.log(JSON.stringify({ seconds, rate, sent,
  rss_mb: { start: first.rss_mb, end: last.rss_mb, max: Math.max(...samples.map((s) => s.rss_mb)) },
  fds: { start: first.fds, end: last.fds, max: Math.max(...samples.map((s) => s.fds)) },
  latency_ms: Object.fromEntries(names.map((n) => [n, { count: latencies[n].length, p50: +p(latencies[n], 0.5).toFixed(2),
    p99: +p(latencies[n], 0.99).toFixed(2), errors: errors[n] }])),
  samples }, null, 1));
