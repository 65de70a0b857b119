// The request inspector in Debian's chromium (playwright-core): a TPP sends a badly signed
// token request (its signing string ends with a newline, the guide's troubleshooting
// mistake), asks for its inspector link over mutual TLS, opens it with JavaScript off, finds
// the 401 in the list and, on the request's page, the failed signature check with the cause
// trailing_newline; the signature is not on the page in full.
// Usage: node inspector_browser.mjs <sandbank binary> <artifacts dir>. Exit 77 without chromium.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { check, runAgainstSandbank } from './sandbox.mjs';

const CHROMIUM = '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} is not installed (apt-get install chromium)`);
  process.exit(77);
}
const [binary, artifacts] = process.argv.slice(2);
fs.mkdirSync(artifacts, { recursive: true });

await runAgainstSandbank(binary, 'inspector-browser', async ({ api, read }) => {
  const apiUrl = new URL(api);
  const tls = { cert: read('example_client_tls.cer'), key: read('example_client_tls.key'),
    ca: read('ca.cer') };
  const send = (method, target, headers = {}, body = '') => new Promise((resolve, reject) => {
    const req = https.request({ host: apiUrl.hostname, port: apiUrl.port, method, path: target,
      headers, ...tls });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });

  // The guide's step 3c, signed over a signing string with a trailing newline.
  const signingCert = read('example_client_signing.cer');
  const serial = new crypto.X509Certificate(signingCert).serialNumber.replace(/^0+/, '');
  const body = 'grant_type=client_credentials';
  const digest = `SHA-256=${crypto.createHash('sha256').update(body).digest('base64')}`;
  const date = new Date().toUTCString();
  const signature = crypto.sign('sha256',
    Buffer.from(`(request-target): post /oauth2/token\ndate: ${date}\ndigest: ${digest}\n`),
    read('example_client_signing.key')).toString('base64');
  const bad = await send('POST', '/oauth2/token', {
    'Content-Type': 'application/x-www-form-urlencoded', Date: date, Digest: digest,
    'TPP-Signature-Certificate': signingCert.replace(/[\r\n]/g, ''),
    Authorization: `Signature keyId="SN=${serial}",algorithm="rsa-sha256",` +
      `headers="(request-target) date digest",signature="${signature}"`,
  }, body);
  check('the badly signed token request is refused with signature.invalid',
    bad.status === 401 && bad.text.includes('signature.invalid'), `${bad.status} ${bad.text}`);
  const responseId = bad.headers['x-ing-response-id'];

  const link = await send('GET', '/sandbank/inspector');
  check('GET /sandbank/inspector answers a link', link.status === 200, link.text);
  const { url } = JSON.parse(link.text);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--no-pings'] });
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(url);
    const row = page.locator('tr', { hasText: 'POST /oauth2/token' }).first();
    const rowText = await row.innerText();
    check('the list shows the token request with 401 and its failed check',
      rowText.includes('401') && rowText.includes('signature'), rowText);
    await page.screenshot({ path: path.join(artifacts, 'inspector-list.png'), fullPage: true });
    await row.locator('a').click();
    await page.waitForLoadState();
    check('the request page is the one of its response id',
      page.url().endsWith(`/requests/${responseId}`), page.url());
    const signatureRow = await page.locator('tr[data-check="signature"]').innerText();
    check('the signature check failed with signature.invalid',
      signatureRow.includes('failed') && signatureRow.includes('signature.invalid'), signatureRow);
    const cause = await page.locator('code.cause').allInnerTexts();
    check('the cause is trailing_newline', cause.includes('trailing_newline'), cause.join(','));
    const mtls = await page.locator('tr[data-check="mtls"]').innerText();
    check('mutual TLS passed', mtls.includes('passed'), mtls);
    const html = await page.content();
    check('the signing string Sandbank built is shown',
      html.includes('(request-target): post /oauth2/token'), 'no signing string');
    check('the signature is masked', !html.includes(signature.slice(0, 40)), 'found in full');
    await page.screenshot({ path: path.join(artifacts, 'inspector-detail.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});
