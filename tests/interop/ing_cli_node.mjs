// ING's open-banking CLI, Node.js flavour (scripts/javascript/call_account_information_api.js):
// what its Authenticator and AccountInformationClient send with axios, replayed against a fresh
// Sandbank. requestAppToken (Authorization: Signature keyId="SN=..."), requestAuthorizationUrl
// (GET /oauth2/authorization-server-url with the raw query signed and a BARE base64 Digest, as
// the client computes it; the location + "?client_id=..&redirect_uri=https://www.example.com&
// scope=..&state=some-state&response_type=code"), then, where the CLI asks a human to type the
// code, this script opens that URL over plain HTTPS as a browser would, picks a test profile
// and posts the consent form; requestCustomerToken (no redirect_uri) and callGetAccounts.
//
// Changed from ING's client: the hosts, the certificate files, the CA of the https agent (the
// sandbox CA instead of the public ones), keyId SN=49BA5C71, `proxy: false` (only 127.0.0.1 is
// ever contacted) and `validateStatus` (so that a refusal is reported instead of swallowed by
// the client's .catch(console.error)).
//
// usage: node ing_cli_node.mjs SANDBANK_BINARY
import axios, { AxiosHeaders } from 'axios';
import crypto from 'node:crypto';
import https from 'node:https';
import { check, runAgainstSandbank } from './sandbox.mjs';

const binary = process.argv[2];
if (!binary) {
  console.error('usage: node ing_cli_node.mjs SANDBANK_BINARY');
  process.exit(2);
}

const CONFIG_KEY_ID = 'SN:49BA5C71'; // as ING's config-psd2.env writes it (keyId=SN:<serial>)
const PROFILE = 'Jane Doe';

// ING's src/util/util.js, rewritten: base64 SHA-256, RSA-SHA256 signature, the cavage string.
const digest = (algorithm, data) => crypto.createHash(algorithm).update(data).digest('base64');
const sign = (algorithm, data, key) => crypto.createSign(algorithm).update(data).sign(key, 'base64');
const signCavage = (method, url, date, digestValue, key) =>
  sign('sha256', `(request-target): ${method} ${url}\ndate: ${date}\ndigest: ${digestValue}`, key);

// A browser's request over TLS (no client certificate): the path and query exactly as in the URL.
function browserRequest(url, { method = 'GET', headers = {}, body, ca }) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = https.request({ host: u.hostname, port: u.port, method, path: u.pathname + u.search,
      ca, headers: { 'user-agent': 'Mozilla/5.0 (sandbank ing_cli_node)', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// The cookie a browser would send to `path` from one Set-Cookie header (name=value; Path=...).
function cookieFor(setCookies, name, path) {
  for (const line of setCookies ?? []) {
    const [pair, ...attributes] = line.split(';').map((s) => s.trim());
    if (!pair.startsWith(`${name}=`)) continue;
    const cookiePath = attributes.find((a) => /^path=/i.test(a))?.slice(5) || '/';
    const covers = path === cookiePath || (path.startsWith(cookiePath) &&
      (cookiePath.endsWith('/') || path[cookiePath.length] === '/'));
    return covers ? pair : null;
  }
  return null;
}

async function main({ api, web, read }) {
  const ca = read('ca.cer');
  const signingKey = read('example_client_signing.key');
  // ING's HttpsAgent (cert + key), plus the sandbox CA.
  const httpsAgent = new https.Agent({ cert: read('example_client_tls.cer'),
    key: read('example_client_tls.key'), ca });
  const options = { baseURL: api, httpsAgent, proxy: false, validateStatus: () => true };
  const authenticatorAxios = axios.create(options); // Authenticator's instance
  const clientAxios = axios.create(options); // Client's instance (AccountInformationClient)

  // --- Authenticator.requestAppToken()
  const tokenUrl = '/oauth2/token';
  const scopes = 'grant_type=client_credentials';
  const tokenDigest = 'SHA-256=' + digest('sha256', scopes);
  let date = new Date().toUTCString();
  let signature = signCavage('post', tokenUrl, date, tokenDigest, signingKey);
  const authorization = `Signature keyId="${CONFIG_KEY_ID.split(':').join('=')}",algorithm="rsa-sha256",headers="(request-target) date digest",signature="${signature}"`;
  const appHeaders = new AxiosHeaders({
    'Accept': 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded',
    'Digest': tokenDigest,
    'Date': date,
    'User-Agent': 'open-banking-cli/1.0.0 javascript',
    'Authorization': authorization,
  });
  appHeaders.set('TPP-Signature-Certificate',
    read('example_client_signing.cer').replaceAll('\r\n', '').replaceAll('\n', ''));
  const appResponse = await authenticatorAxios.post(tokenUrl, scopes, { headers: appHeaders });
  const accessToken = appResponse.data?.access_token;
  const clientId = appResponse.data?.client_id;
  check('requestAppToken: POST /oauth2/token with Signature keyId="SN=49BA5C71" gives a token and client_id',
    appResponse.status === 200 && typeof accessToken === 'string' && accessToken.length > 0 &&
    clientId === '5ca1ab1e-c0ca-c01a-cafe-154deadbea75',
    `${appResponse.status} ${JSON.stringify(appResponse.data)}`);
  if (!accessToken || !clientId) throw new Error('no application token: the chain cannot go on');

  // --- Authenticator.requestAuthorizationUrl(accessToken, clientId)
  const redirectUri = 'https://www.example.com';
  const scope = 'payment-accounts%3Abalances%3Aview%20payment-accounts%3Atransactions%3Aview';
  const url = `/oauth2/authorization-server-url?scope=${scope}&redirect_uri=${redirectUri}&country_code=NL`;
  date = new Date().toUTCString();
  const bareDigest = digest('sha256', ''); // no "SHA-256=" in front: what the client sends
  signature = signCavage('get', url, date, bareDigest, signingKey);
  const urlHeaders = new AxiosHeaders({
    'Accept': 'application/json',
    'Content-Type': 'application/json',
    'Digest': bareDigest,
    'Date': date,
    'User-Agent': 'open-banking-cli/1.0.0 javascript',
    'Authorization': `Bearer ${accessToken}`,
    'Signature': `keyId="${clientId}",algorithm="rsa-sha256",headers="(request-target) date digest",signature="${signature}"`,
  });
  const urlResponse = await authenticatorAxios.get(url, { headers: urlHeaders });
  const location = urlResponse.data?.location;
  const granting = new RegExp(`^${web.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/granting/([^/?#]+)/NL$`);
  check('requestAuthorizationUrl: GET /oauth2/authorization-server-url (bare base64 Digest) answers <web>/granting/<reference>/NL',
    urlResponse.status === 200 && typeof location === 'string' && granting.test(location),
    `${urlResponse.status} ${JSON.stringify(urlResponse.data)}`);
  const notice = urlResponse.headers['x-sandbank-notice'];
  check('the bare Digest (no "SHA-256=") draws an X-Sandbank-Notice saying so',
    typeof notice === 'string' && /digest/i.test(notice), `header: ${notice}`);
  if (urlResponse.status !== 200 || typeof location !== 'string') {
    throw new Error('no authorization URL: the chain cannot go on');
  }
  const authorizationUrl = location +
    `?client_id=${clientId}&redirect_uri=${redirectUri}&scope=${scope}&state=some-state&response_type=code`;
  console.log(`# Authorization URL: ${authorizationUrl}`);

  // --- The human's part: open the URL in a browser, pick a test profile, press Next.
  const page = await browserRequest(authorizationUrl, { ca });
  check('the authorization URL opens the test profile page (NL from the path)',
    page.status === 200 && page.body.includes('data-outcome="select-profile"'),
    `${page.status} ${page.body.match(/data-(outcome|error)="[^"]*"/g)} ${page.body.match(/id="message"[^<]*/)}`);
  const cookie = cookieFor(page.headers['set-cookie'], 'sandbank_authz', '/authorize/consent');
  check('the page sets the sandbank_authz cookie for the consent form', !!cookie,
    JSON.stringify(page.headers['set-cookie']));
  const csrf = /name="csrf_token" value="([^"]*)"/.exec(page.body)?.[1];
  const flat = page.body.replace(/\n/g, '');
  const escapedName = PROFILE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const profileId = new RegExp(`name="profile" value="([^"]*)"[^>]*>\\s*<span class="profile-name">${escapedName}<`)
    .exec(flat)?.[1];
  check(`the page lists "${PROFILE}" and carries a csrf_token`, !!csrf && !!profileId, page.body.slice(0, 300));
  if (!csrf || !profileId) throw new Error('cannot fill in the profile form');
  const consent = await browserRequest(`${web}/authorize/consent`, {
    method: 'POST', ca,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams({ csrf_token: csrf, profile: profileId, action: 'next' }).toString(),
  });
  const landed = consent.headers.location ? new URL(consent.headers.location) : null;
  const code = landed?.searchParams.get('code');
  check('Next answers 302 to https://www.example.com with the code and state=some-state',
    consent.status === 302 && landed?.origin + landed?.pathname === 'https://www.example.com/' &&
    landed.searchParams.get('state') === 'some-state' && !!code,
    `${consent.status} Location: ${consent.headers.location} ${consent.body.slice(0, 300)}`);
  if (!code) throw new Error('no code: the chain cannot go on');

  // --- Authenticator.requestCustomerToken(accessToken, clientId, code): no redirect_uri
  date = new Date().toUTCString();
  const data = `grant_type=authorization_code&code=${code}`;
  const digestString = 'SHA-256=' + digest('sha256', data);
  signature = signCavage('post', tokenUrl, date, digestString, signingKey);
  const exchangeHeaders = new AxiosHeaders({
    'Accept': 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded',
    'Digest': digestString,
    'Date': date,
    'User-Agent': 'open-banking-cli/1.0.0 javascript',
    'Authorization': `Bearer ${accessToken}`,
    'Signature': `keyId="${clientId}",algorithm="rsa-sha256",headers="(request-target) date digest",signature="${signature}"`,
  });
  const exchange = await authenticatorAxios.post(tokenUrl, data, { headers: exchangeHeaders });
  const customerToken = exchange.data?.access_token;
  check('requestCustomerToken: the code exchange without redirect_uri gives a customer token',
    exchange.status === 200 && typeof customerToken === 'string' && customerToken.length > 0 &&
    exchange.data.scope === 'payment-accounts:balances:view payment-accounts:transactions:view',
    `${exchange.status} ${JSON.stringify(exchange.data)}`);
  if (!customerToken) throw new Error('no customer token: the chain cannot go on');

  // --- AccountInformationClient.callGetAccounts(customerToken, clientId)
  const accountsUrl = '/v3/accounts';
  date = new Date().toUTCString();
  const emptyDigest = `SHA-256=${digest('sha256', '')}`;
  signature = signCavage('get', accountsUrl, date, emptyDigest, signingKey);
  const accountsHeaders = new AxiosHeaders({
    'Accept': 'application/json',
    'Content-Type': 'application/json',
    'Digest': emptyDigest,
    'Date': date,
    'User-Agent': 'open-banking-cli/1.0.0 javascript',
    'Authorization': `Bearer ${customerToken}`,
    'Signature': `keyId="${clientId}",algorithm="rsa-sha256",headers="(request-target) date digest",signature="${signature}"`,
  });
  const accounts = await clientAxios.get(accountsUrl, { headers: accountsHeaders });
  const list = accounts.data?.accounts;
  check(`callGetAccounts: GET /v3/accounts returns the accounts of "${PROFILE}"`,
    accounts.status === 200 && Array.isArray(list) && list.length > 0 &&
    list.every((a) => a.name === PROFILE && typeof a.resourceId === 'string'),
    `${accounts.status} ${JSON.stringify(accounts.data)}`);
}

await runAgainstSandbank(binary, 'ing-cli-node', main);
