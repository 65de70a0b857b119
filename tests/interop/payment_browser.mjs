// A payment initiated by a TPP (signed with npm http-signature, as ING's PIS specification
// wants it) and approved by the customer in Debian's chromium (playwright-core): the
// payment page shows amount and creditor, the customer picks a test profile's account, and
// the browser lands on the TPP-Redirect-URI; the status is then ACSC.
// A second payment is rejected in the browser and ends RJCT.
// Usage: node payment_browser.mjs <sandbank binary> <artifacts dir>. Exit 77 without chromium.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} is not installed (apt-get install chromium)`);
  process.exit(77);
}
const require = createRequire(import.meta.url);
const httpSignature = require('http-signature');
const [binary, artifacts] = process.argv.slice(2);
fs.mkdirSync(artifacts, { recursive: true });
const REDIRECT = 'http://localhost:8080/redirect';

let failures = 0;
function check(condition, what) {
  console.log(`${condition ? 'ok' : 'FAILED'} - ${what}`);
  if (!condition) failures++;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbank-payment-browser-'));
const ready = path.join(tmp, 'ready.json');
const server = spawn(binary, ['serve', '--data', path.join(tmp, 'data'), '--api-listen',
  '127.0.0.1:0', '--web-listen', '127.0.0.1:0', '--ready-file', ready, '--threads', '2'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
let serverErr = '';
server.stderr.on('data', (d) => { serverErr += d; });
for (let i = 0; i < 300 && !fs.existsSync(ready); i++) await new Promise((r) => setTimeout(r, 100));
if (!fs.existsSync(ready)) {
  console.error(`sandbank did not start:\n${serverErr}`);
  process.exit(1);
}
const api = new URL(JSON.parse(fs.readFileSync(ready, 'utf8')).api);
const certs = path.join(tmp, 'data', 'certs');
const read = (name) => fs.readFileSync(path.join(certs, name), 'utf8');
const tls = { cert: read('example_client_tls.cer'), key: read('example_client_tls.key'),
  ca: read('ca.cer') };
const signingKey = read('example_client_signing.key');
const digestOf = (body) => `SHA-256=${crypto.createHash('sha256').update(body).digest('base64')}`;

// One request over mTLS, signed by http-signature when `sign` is given.
function send(method, target, { headers = {}, body = '', sign } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: api.hostname, port: api.port, method, path: target, ...tls });
    for (const [n, v] of Object.entries(headers)) req.setHeader(n, v);
    req.setHeader('Date', new Date().toUTCString());
    req.setHeader('Digest', digestOf(body));
    if (sign) httpSignature.signRequest(req, { key: signingKey, algorithm: 'rsa-sha256', ...sign });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

let browser;
try {
  // The guide's step 3c: the signed application token (Authorization: Signature keyId=SN=...).
  const token = await send('POST', '/oauth2/token', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded',
      'TPP-Signature-Certificate': read('example_client_signing.cer').replace(/[\r\n]/g, '') },
    body: 'grant_type=client_credentials',
    sign: { keyId: 'SN=49BA5C71', headers: ['(request-target)', 'date', 'digest'] },
  });
  check(token.status === 200, `application token (${token.status})`);
  const appToken = token.json.access_token;
  const clientId = token.json.client_id;

  // PIS as ING's specification signs it: Signature header, keyId = client_id, x-request-id.
  async function initiate(amount) {
    const body = JSON.stringify({
      instructedAmount: { amount, currency: 'EUR' },
      creditorAccount: { iban: 'AT861921125678901234' },
      creditorName: 'Laura Musterfrau',
      remittanceInformationUnstructured: 'Browser test',
      localInstrumentCode: 'INST',
    });
    return send('POST', '/v1/payments/sepa-credit-transfers', {
      headers: { 'Content-Type': 'application/json', 'Authorization': `Bearer ${appToken}`,
        'X-Request-ID': crypto.randomUUID(), 'TPP-Redirect-URI': REDIRECT,
        'PSU-IP-Address': '127.0.0.1' },
      body,
      sign: { keyId: clientId, headers: ['(request-target)', 'date', 'digest', 'x-request-id'],
        authorizationHeaderName: 'Signature' },
    });
  }
  const status = async (id) => (await send('GET', `/v1/payments/sepa-credit-transfers/${id}/status`, {
    headers: { 'Authorization': `Bearer ${appToken}`, 'X-Request-ID': crypto.randomUUID() },
    sign: { keyId: clientId, headers: ['(request-target)', 'date', 'digest', 'x-request-id'],
      authorizationHeaderName: 'Signature' },
  })).json?.transactionStatus;

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--no-pings'] });

  // 1. Approve.
  const paid = await initiate('12.34');
  check(paid.status === 201 && paid.json.transactionStatus === 'RCVD', `payment initiated (${paid.status} ${paid.text})`);
  const scaRedirect = paid.json._links?.scaRedirect;
  check(typeof scaRedirect === 'string' && scaRedirect.includes('/payment-initiation/'), 'scaRedirect link');
  {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(scaRedirect);
    check((await page.textContent('#amount')).includes('12.34'), 'the page shows the amount');
    check((await page.textContent('#creditor')).includes('Laura Musterfrau'), 'the page shows the creditor');
    await page.screenshot({ path: path.join(artifacts, 'payment-approve.png'), fullPage: true });
    const redirected = page.waitForRequest((r) => r.url().startsWith(REDIRECT));
    await page.locator('input[name="account"]').first().check();
    await page.click('button[name="action"][value="approve"]');
    const landed = await redirected;
    check(landed.url().startsWith(REDIRECT), `back at the TPP-Redirect-URI (${landed.url()})`);
    await context.close();
  }
  check(await status(paid.json.paymentId) === 'ACSC', 'an approved instant payment is ACSC');

  // 2. Reject.
  const rejected = await initiate('5.00');
  {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(rejected.json._links.scaRedirect);
    const redirected = page.waitForRequest((r) => r.url().startsWith(REDIRECT));
    await page.click('button[name="action"][value="reject"]');
    await redirected;
    await context.close();
  }
  check(await status(rejected.json.paymentId) === 'RJCT', 'a payment rejected in the browser is RJCT');
} catch (e) {
  console.error(e);
  failures++;
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);
