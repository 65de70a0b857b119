// The customer authorization app in a real browser (Debian's chromium driven by playwright-core):
// the guide's step 3a/3b without a country in the URL, then step 3d (curl + openssl) with the
// code. A second run presses Cancel. Screenshots of every page go to the artifacts directory.
//
// usage: node authorize_browser.mjs SANDBANK_BINARY ARTIFACT_DIR
// Exit 77 (ctest: skipped) when /usr/bin/chromium is absent.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHROMIUM = '/usr/bin/chromium';
const CLIENT_ID = '5ca1ab1e-c0ca-c01a-cafe-154deadbea75';
const REDIRECT_URI = 'http://localhost:8080/redirect';
const SCOPE = 'payment-accounts:balances:view payment-accounts:transactions:view';
const here = path.dirname(fileURLToPath(import.meta.url));

if (!fs.existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} is not installed (apt-get install chromium)`);
  process.exit(77);
}
const { chromium } = await import('playwright-core');

const [binary, artifacts] = process.argv.slice(2);
if (!binary || !artifacts) {
  console.error('usage: node authorize_browser.mjs SANDBANK_BINARY ARTIFACT_DIR');
  process.exit(2);
}
fs.mkdirSync(artifacts, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbank-browser-'));
let failures = 0;
function check(condition, what) {
  console.log(`${condition ? 'ok' : 'FAIL'} - ${what}`);
  if (!condition) failures += 1;
}

// The server, on free ports.
const ready = path.join(tmp, 'ready.json');
const server = spawn(binary, ['serve', '--data', path.join(tmp, 'data'), '--api-listen',
  '127.0.0.1:0', '--web-listen', '127.0.0.1:0', '--ready-file', ready, '--threads', '2'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
let serverErr = '';
server.stderr.on('data', (d) => { serverErr += d; });
for (let i = 0; i < 300 && !fs.existsSync(ready); i++) await new Promise((r) => setTimeout(r, 100));
if (!fs.existsSync(ready)) {
  console.error('sandbank did not start:\n' + serverErr);
  server.kill('SIGTERM');
  process.exit(1);
}
const endpoints = JSON.parse(fs.readFileSync(ready, 'utf8'));
const certs = path.join(tmp, 'data', 'certs');

function authorizeUrl(state, country = '') {
  const q = new URLSearchParams({ client_id: CLIENT_ID, scope: SCOPE, state,
    redirect_uri: REDIRECT_URI, response_type: 'code' });
  return `${endpoints.web}/authorize/v2${country ? '/' + country : ''}?${q.toString()}`;
}

// The guide's step 3c then 3d with curl and openssl; prints the customer token response.
function exchange(code) {
  const step3c = spawnSync('bash', [path.join(here, 'guide', 'step3c_app_token.sh')], {
    env: { ...process.env, SANDBANK_HOST: endpoints.api, SANDBANK_CERTS: certs }, encoding: 'utf8',
  });
  const appToken = /"access_token"\s*:\s*"([^"]+)"/.exec(step3c.stdout)?.[1];
  if (!appToken) return { error: 'no application token: ' + step3c.stdout + step3c.stderr };
  const script = `
set -e
httpHost="${endpoints.api}"; certPath="${certs}/"; keyId="${CLIENT_ID}"
payload="grant_type=authorization_code&code=$CODE&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fredirect"
payloadDigest=\`echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64\`
digest=SHA-256=$payloadDigest
reqDate=$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")
reqPath="/oauth2/token"
signingString="(request-target): post $reqPath
date: $reqDate
digest: $digest"
signature=\`printf %s "$signingString" | openssl dgst -sha256 -sign "\${certPath}example_client_signing.key" -passin "pass:changeit" | openssl base64 -A\`
curl -s -X POST "\${httpHost}\${reqPath}" \\
  -H "Accept: application/json" -H "Content-Type: application/x-www-form-urlencoded" \\
  -H "Digest: \${digest}" -H "Date: \${reqDate}" -H "Authorization: Bearer $APP_TOKEN" \\
  -H "Signature: keyId=\\"\${keyId}\\",algorithm=\\"rsa-sha256\\",headers=\\"(request-target) date digest\\",signature=\\"\${signature}\\"" \\
  -d "\${payload}" --cacert "\${certPath}ca.cer" \\
  --cert "\${certPath}example_client_tls.cer" --key "\${certPath}example_client_tls.key"
`;
  const r = spawnSync('bash', ['-c', script], {
    env: { ...process.env, CODE: code, APP_TOKEN: appToken }, encoding: 'utf8',
  });
  try { return JSON.parse(r.stdout); } catch { return { error: r.stdout + r.stderr }; }
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--no-pings'],
  // playwright gives every launch a fresh temporary --user-data-dir of its own (it refuses the
  // flag here), so no profile state survives between runs.
});

// A fresh browser context (cookies, cache) trusting the sandbox's self-signed server.
async function newPage(viewport) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport });
  const page = await context.newPage();
  return { context, page };
}
// The browser's request to the TPP's redirect URI (nothing needs to listen there: Chromium
// follows the 302 itself, which also proves the CSP form-action lets it through).
function waitForRedirect(page) {
  return page.waitForRequest((r) => r.url().startsWith(REDIRECT_URI + '?'));
}
async function outcome(page) {
  return page.getAttribute('main', 'data-outcome');
}

try {
  // 1. Next: country NL, "Jane Doe", Next → redirect URI with code and state.
  {
    const state = 'sandbank-browser_1=+/;,#%';
    const { context, page } = await newPage({ width: 1024, height: 800 });
    const csp = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
    await page.goto(authorizeUrl(state));
    check(await outcome(page) === 'select-country', 'without a country the country page opens');
    check((await page.title()).startsWith('Select your country'), 'country page title');
    check(await page.isVisible('#sandbox-marker'), 'the Sandbox marker is visible');
    const styled = await page.evaluate(() => getComputedStyle(document.querySelector('.sandbox-marker')).backgroundColor);
    check(styled === 'rgb(255, 98, 0)', `the stylesheet is applied (marker ${styled})`);
    await page.screenshot({ path: path.join(artifacts, 'authorize-country.png'), fullPage: true });

    await page.click('button[name="country"][value="NL"]');
    check(await outcome(page) === 'select-profile', 'NL leads to the profile page');
    for (const name of ['Hr A van Dijk, Mw B Mol-van Dijk', 'A Van Dijk', 'Alice and Bob',
      'Jane Doe', 'John Doe', 'Peter Smith', 'Sarah Smith', 'W Van Dijk']) {
      check(await page.getByText(name, { exact: true }).count() === 1, `profile "${name}" listed`);
    }
    check(await page.getByText('Access balance information').isVisible(), 'permission in words');
    await page.getByText('Jane Doe', { exact: true }).click();
    await page.screenshot({ path: path.join(artifacts, 'authorize-profiles.png'), fullPage: true });

    // A phone-sized look at the same page.
    await page.setViewportSize({ width: 375, height: 740 });
    await page.screenshot({ path: path.join(artifacts, 'authorize-profiles-phone.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    check(!overflow, 'no horizontal scrolling on a phone');

    const [request] = await Promise.all([waitForRedirect(page),
      page.click('button[name="action"][value="next"]')]);
    const landed = new URL(request.url());
    const code = landed.searchParams.get('code');
    check(landed.origin + landed.pathname === REDIRECT_URI, `the browser goes to the redirect URI (${request.url()})`);
    check(!!code && code.length >= 32, 'the redirect carries a code');
    check(landed.searchParams.get('state') === state, 'the redirect carries the original state');
    check(csp.length === 0, 'no Content-Security-Policy violations ' + csp.join(' | '));
    await context.close();

    const token = exchange(code);
    check(!!token.access_token && !!token.refresh_token,
      'step 3d exchanges the code for a customer token ' + (token.error || ''));
    check(token.scope === SCOPE, `the customer token carries the requested scope (${token.scope})`);
    const again = exchange(code);
    check(!again.access_token, 'the code is single use');
  }

  // 2. Cancel on the profile page → access_denied with the state.
  {
    const { context, page } = await newPage({ width: 1024, height: 800 });
    await page.goto(authorizeUrl('cancel-me', 'NL'));
    check(await outcome(page) === 'select-profile', 'a country in the path skips the country page');
    const [request] = await Promise.all([waitForRedirect(page),
      page.click('button[name="action"][value="cancel"]')]);
    const landed = new URL(request.url());
    check(landed.searchParams.get('error') === 'access_denied', 'Cancel answers error=access_denied');
    check(landed.searchParams.get('state') === 'cancel-me', 'Cancel keeps the state');
    check(!landed.searchParams.get('code'), 'Cancel issues no code');
    await context.close();
  }

  // 3. An unknown client: an error page, no redirect.
  {
    const { context, page } = await newPage({ width: 1024, height: 800 });
    await page.goto(`${endpoints.web}/authorize/v2?client_id=nobody&scope=granting&state=1&response_type=code`);
    check(await outcome(page) === 'error', 'an unknown client_id shows the error page');
    check((await page.title()).startsWith('Authorization error'), 'error page title');
    check(page.url().startsWith(endpoints.web), 'no redirect on an unknown client_id');
    await page.screenshot({ path: path.join(artifacts, 'authorize-error.png'), fullPage: true });
    await context.close();
  }
} catch (e) {
  console.error(e);
  failures += 1;
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(failures === 0 ? 'all checks passed' : `${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
