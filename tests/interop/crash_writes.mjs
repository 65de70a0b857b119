// Crash test for every kind of write: concurrent registrations (JOSE-signed, new TPP
// certificates), signed token grants, consents (the authorization pages: codes), payments in
// JSON, bulk and pain.001 XML, then `kill -9` of the server in the middle (bookings by the
// bank's clock are not part of this load yet). After a restart on the same data directory every write that was answered 2xx exists
// exactly once (replays of the same X-Request-ID answer the same payment; codes exchange once;
// tokens and registrations work), nothing half-done exists (sqlite3: every payment has its
// idempotency key, every bulk batch its transfers) and the server starts without repair.
// Usage: node crash_writes.mjs <sandbank binary>
import { createRequire } from 'node:module';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as jose from 'jose';
import { Agent, request } from 'undici';

const require = createRequire(import.meta.url);
const httpSignature = require('http-signature');
const binary = process.argv[2];
const clientId = '5ca1ab1e-c0ca-c01a-cafe-154deadbea75';

let failures = 0;
function check(name, ok, detail) {
  console.log(`${ok ? 'ok' : 'FAILED'} - ${name}${ok ? '' : `: ${detail}`}`);
  if (!ok) failures++;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbank-crash-'));
const data = path.join(tmp, 'data');
const ready = path.join(tmp, 'ready.json');
let server;
async function start() {
  fs.rmSync(ready, { force: true });
  server = spawn(binary, ['serve', '--data', data, '--api-listen', '127.0.0.1:0', '--web-listen',
    '127.0.0.1:0', '--ready-file', ready, '--threads', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  server.stderr.on('data', (d) => { err += d; });
  for (let i = 0; i < 300 && !fs.existsSync(ready); i++) await new Promise((r) => setTimeout(r, 100));
  if (!fs.existsSync(ready)) throw new Error(`sandbank did not start:\n${err}`);
  return JSON.parse(fs.readFileSync(ready, 'utf8'));
}
const exited = () => new Promise((r) => {
  if (server.exitCode !== null || server.signalCode !== null) r(); else server.on('exit', r);
});

const certs = path.join(data, 'certs');
const read = (file) => fs.readFileSync(path.join(certs, file), 'utf8');
const digestOf = (body) => `SHA-256=${crypto.createHash('sha256').update(body).digest('base64')}`;

function signedHeaders(method, target, body, extra, keyId, header, key) {
  const headers = { date: new Date().toUTCString(), digest: digestOf(body), ...extra };
  const shim = { method, path: target, getHeader: (n) => headers[n.toLowerCase()],
    setHeader: (n, v) => { headers[n.toLowerCase()] = v; } };
  httpSignature.signRequest(shim, { key, keyId, algorithm: 'rsa-sha256',
    headers: ['(request-target)', 'date', 'digest'], authorizationHeaderName: header });
  return headers;
}

const pain001 = (amount, e2e) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn>
<GrpHdr><MsgId>${e2e}</MsgId><CreDtTm>2026-03-16T09:30:00</CreDtTm><NbOfTxs>1</NbOfTxs><InitgPty><Nm>T</Nm></InitgPty></GrpHdr>
<PmtInf><PmtInfId>${e2e}</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>1</NbOfTxs>
<Dbtr><Nm>A. van Dijk</Nm></Dbtr><DbtrAcct><Id><IBAN>NL69INGB0123456789</IBAN></Id></DbtrAcct>
<ReqdExctnDt>${new Date().toISOString().slice(0, 10)}</ReqdExctnDt>
<CdtTrfTxInf><PmtId><EndToEndId>${e2e}</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">${amount}</InstdAmt></Amt>
<Cdtr><Nm>Laura Musterfrau</Nm></Cdtr><CdtrAcct><Id><IBAN>AT861921125678901234</IBAN></Id></CdtrAcct>
</CdtTrfTxInf></PmtInf></CstmrCdtTrfInitn></Document>`;

try {
  let { api, web } = await start();
  const ca = read('ca.cer');
  const tls = { cert: read('example_client_tls.cer'), key: read('example_client_tls.key'), ca };
  let dispatcher = new Agent({ connect: tls });
  let webDispatcher = new Agent({ connect: { ca } });
  const signingKey = read('example_client_signing.key');
  const signingCert = read('example_client_signing.cer').replace(/[\r\n]/g, '');
  const call = async (method, target, body, headers, via = dispatcher) => {
    const r = await request(`${api}${target}`, { method, dispatcher: via, body: body || undefined, headers });
    const text = await r.body.text();
    return { status: r.statusCode, text, json: () => JSON.parse(text) };
  };
  const appToken = async () => {
    const form = 'grant_type=client_credentials';
    return call('POST', '/oauth2/token', form, signedHeaders('POST', '/oauth2/token', form, {
      'content-type': 'application/x-www-form-urlencoded', 'tpp-signature-certificate': signingCert },
    'SN=49BA5C71', 'Authorization', signingKey));
  };
  const token = (await appToken()).json().access_token;
  const pis = (method, target, body, requestId, contentType = 'application/json') =>
    call(method, target, body, signedHeaders(method, target, body, {
      authorization: `Bearer ${token}`, 'x-request-id': requestId,
      'tpp-redirect-uri': 'https://www.example.com/', 'psu-ip-address': '127.0.0.1',
      ...(body ? { 'content-type': contentType } : {}) }, clientId, 'Signature', signingKey));

  // New TPP certificate pairs for registrations, issued before the load.
  const pairs = [];
  for (let i = 0; i < 8; i++) {
    const out = path.join(tmp, `tpp${i}`);
    const r = spawnSync(binary, ['certs', 'issue', '--data', data, '--out', out, '--org', `Crash TPP ${i}`,
      '--roles', 'PSP_AI,PSP_PI', '--key', 'ec256'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const file = (n) => fs.readFileSync(path.join(out, n), 'utf8');
    pairs.push({ tls: file('tls.cer'), tlsKey: file('tls.key'), sign: file('signing.cer'), signKey: file('signing.key') });
  }
  const register = async (pair) => {
    const body = JSON.stringify({ contact: 'crash@example.com', redirect_uris: ['https://www.example.com/'] });
    const digest = digestOf(body);
    const x5t = crypto.createHash('sha256').update(new crypto.X509Certificate(pair.sign).raw).digest('base64url');
    const pars = ['(request-target)', 'digest', 'content-type'];
    const values = { '(request-target)': 'post /oauth2/applications', digest, 'content-type': 'application/json' };
    const payload = new TextEncoder().encode(pars.map((p) => `${p}: ${values[p]}`).join('\n'));
    const key = await jose.importPKCS8(crypto.createPrivateKey(pair.signKey).export({ type: 'pkcs8', format: 'pem' }), 'ES256');
    const jws = await new jose.FlattenedSign(payload).setProtectedHeader({ b64: false, 'x5t#S256': x5t,
      crit: ['sigT', 'sigD', 'b64'], sigT: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      sigD: { pars, mId: 'http://uri.etsi.org/19182/HttpHeaders' }, alg: 'ES256' })
      .sign(key, { crit: { sigT: true, sigD: true } });
    return call('POST', '/oauth2/applications', body, { 'content-type': 'application/json', digest,
      'x-jws-signature': `${jws.protected}..${jws.signature}`, 'tpp-signature-certificate': pair.sign.replace(/[\r\n]/g, '') },
    new Agent({ connect: { cert: pair.tls, key: pair.tlsKey, ca } }));
  };
  const consentCode = async () => {
    const start = await request(`${web}/authorize/v2/NL?client_id=${clientId}&scope=payment-accounts%3Abalances%3Aview` +
      '&state=crash&response_type=code&redirect_uri=https%3A%2F%2Fwww.example.com%2F', { dispatcher: webDispatcher });
    const page = await start.body.text();
    const cookie = [].concat(start.headers['set-cookie'])[0].split(';')[0];
    const csrf = page.match(/name="csrf_token" value="([^"]+)"/)[1];
    const profile = page.match(/name="profile" value="([^"]+)"/)[1];
    const consent = await request(`${web}/authorize/consent`, { method: 'POST', dispatcher: webDispatcher,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf_token=${encodeURIComponent(csrf)}&profile=${encodeURIComponent(profile)}&action=next` });
    await consent.body.text();
    if (consent.statusCode !== 302) return null;
    return new URL(consent.headers.location).searchParams.get('code');
  };

  // The load: four loops until the kill.
  const acknowledged = { tokens: [], payments: [], registrations: [], codes: [] };
  let stop = false;
  let writes = 0;
  const loop = async (body) => {
    while (!stop) {
      try { await body(); } catch { if (stop) return; }
    }
  };
  let n = 0;
  const loops = [
    loop(async () => {
      const r = await appToken();
      if (r.status === 200) { acknowledged.tokens.push(r.json().access_token); writes++; }
    }),
    loop(async () => {
      const i = n++;
      const id = crypto.randomUUID();
      let target;
      let body;
      let type = 'application/json';
      if (i % 3 === 0) {
        target = '/v1/payments/sepa-credit-transfers';
        body = JSON.stringify({ instructedAmount: { amount: '1.00', currency: 'EUR' },
          creditorAccount: { iban: 'AT861921125678901234' }, creditorName: 'Laura Musterfrau' });
      } else if (i % 3 === 1) {
        target = '/v1/bulk-payments/sepa-credit-transfers';
        body = JSON.stringify({ payments: [1, 2, 3].map((k) => ({ instructedAmount: { amount: `${k}.00`, currency: 'EUR' },
          creditorAccount: { iban: 'AT861921125678901234' }, creditorName: 'Laura Musterfrau' })) });
      } else {
        target = '/v1/payments/pain.001-sepa-credit-transfers';
        body = pain001('2.00', `CRASH-${i}`);
        type = 'application/xml';
      }
      const r = await pis('POST', target, body, id, type);
      if (r.status === 201) {
        acknowledged.payments.push({ target, body, type, id, paymentId: r.json().paymentId, bulk: i % 3 === 1 });
        writes++;
      }
    }),
    loop(async () => {
      const pair = pairs[acknowledged.registrations.length];
      if (!pair) { await new Promise((r) => setTimeout(r, 5)); return; }
      const r = await register(pair);
      if (r.status === 201) {
        acknowledged.registrations.push({ pair, clientId: r.json().application.client_id });
        writes++;
      }
    }),
    loop(async () => {
      const code = await consentCode();
      if (code) { acknowledged.codes.push(code); writes++; }
    }),
  ];
  const deadline = Date.now() + 60000;
  while (writes < 60 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  server.kill('SIGKILL');
  await exited();
  stop = true;
  await Promise.allSettled(loops);
  check('the server was killed under load', server.signalCode === 'SIGKILL', server.signalCode);
  check(`writes were acknowledged before the kill (${writes})`, writes >= 20, writes);

  // Restart on the same data directory, without repair.
  ({ api, web } = await start());
  dispatcher = new Agent({ connect: tls });
  webDispatcher = new Agent({ connect: { ca } });
  check('the server starts again on the killed data directory', true);

  let ok = 0;
  for (const t of acknowledged.tokens) {
    const target = '/oauth2/authorization-server-url?scope=payment-accounts%3Abalances%3Aview&redirect_uri=https%3A%2F%2Fwww.example.com%2F';
    const r = await call('GET', target, '', signedHeaders('GET', target, '', { authorization: `Bearer ${t}` },
      clientId, 'Signature', signingKey));
    if (r.status === 200) ok++;
  }
  check(`every acknowledged token grant works (${ok}/${acknowledged.tokens.length})`, ok === acknowledged.tokens.length, ok);
  ok = 0;
  for (const p of acknowledged.payments) {
    const again = await pis('POST', p.target, p.body, p.id, p.type);
    if (again.status === 201 && again.json().paymentId === p.paymentId) ok++;
    else console.log(`# ${p.target} ${p.paymentId}: ${again.status} ${again.text}`);
  }
  check(`every acknowledged payment exists once: its X-Request-ID answers it again (${ok}/${acknowledged.payments.length})`,
    ok === acknowledged.payments.length, ok);
  ok = 0;
  for (const p of acknowledged.payments.filter((q) => q.bulk)) {
    const r = await pis('GET', `${p.target}/${p.paymentId}/status`, '', crypto.randomUUID());
    if (r.status === 200 && r.json().payments?.length === 3) ok++;
  }
  const bulks = acknowledged.payments.filter((q) => q.bulk).length;
  check(`every acknowledged bulk payment has its three transfers (${ok}/${bulks})`, ok === bulks, ok);
  ok = 0;
  for (const reg of acknowledged.registrations) {
    const r = await call('GET', '/sandbank/whoami', '', {}, new Agent({ connect: { cert: reg.pair.tls, key: reg.pair.tlsKey, ca } }));
    if (r.status === 200 && r.json().client_id === reg.clientId) ok++;
  }
  check(`every acknowledged registration is there (${ok}/${acknowledged.registrations.length})`,
    ok === acknowledged.registrations.length, ok);
  ok = 0;
  for (const code of acknowledged.codes) {
    const body = `grant_type=authorization_code&code=${code}`;
    const r = await call('POST', '/oauth2/token', body, signedHeaders('POST', '/oauth2/token', body, {
      authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, clientId, 'Signature', signingKey));
    if (r.status === 200) ok++;
  }
  check(`every acknowledged consent's code exchanges (${ok}/${acknowledged.codes.length})`, ok === acknowledged.codes.length, ok);

  // Nothing half-done, straight from the database.
  const sql = (q) => spawnSync('sqlite3', ['-cmd', '.timeout 5000', path.join(data, 'sandbank.db'), q], { encoding: 'utf8' });
  if (spawnSync('sh', ['-c', 'command -v sqlite3']).status === 0) {
    const orphans = sql('SELECT count(*) FROM payments p WHERE NOT EXISTS (SELECT 1 FROM payment_requests r WHERE r.payment_id = p.id);');
    check('every stored payment has its idempotency key', orphans.stdout.trim() === '0', orphans.stdout + orphans.stderr);
    const empty = sql("SELECT count(*) FROM payments p WHERE p.kind = 'bulk' AND (SELECT count(*) FROM bulk_payment_entries e WHERE e.payment_id = p.id) <> 3;");
    check('every stored bulk payment has all its transfers', empty.stdout.trim() === '0', empty.stdout + empty.stderr);
    const loose = sql('SELECT count(*) FROM bulk_payment_entries e WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = e.payment_id);');
    check('no transfer exists without its bulk payment', loose.stdout.trim() === '0', loose.stdout + loose.stderr);
    const integrity = sql('PRAGMA integrity_check;');
    check('the database passes integrity_check', integrity.stdout.trim() === 'ok', integrity.stdout);
  }
} catch (e) {
  console.error(e);
  failures++;
} finally {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    await exited();
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);
