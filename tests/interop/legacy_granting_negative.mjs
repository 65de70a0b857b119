// ING's pre-migration granting flow (GET /oauth2/authorization-server-url, /granting/<reference>,
// /grantssupport/*) where it must refuse, against a fresh Sandbank:
//   - grantssupport and authorization-server-url without the signed application token (none,
//     an unknown one, the mTLS-only one) → 401;
//   - a reference used once → the /granting page is a 400 error page and auth-code a 400
//     granting.reference_used; an unknown one likewise;
//   - auth-code without the X-XSRF-Token header, or with one that differs from the XSRF-TOKEN
//     cookie → 403 grantssupport.xsrf_mismatch, with a body naming a member twice → 400
//     request.duplicate_member (and the reference stays usable);
//   - redirect URIs: only the empty path equals "/"; anything else that differs is refused at
//     /authorize/v2 (error page, no redirect) and at the code exchange (grant.redirect_uri_mismatch);
//   - ING's migration guide, "RedirectURIs backwards compatibility": once the TPP registered
//     its redirect URIs itself (PUT /oauth2/applications/{id}, here `sandbank tpp app update`),
//     a code from the legacy flow exchanged without redirect_uri → 400
//     request.redirect_uri_missing; the same exchange with redirect_uri succeeds.
//
// usage: node legacy_granting_negative.mjs SANDBANK_BINARY
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import https from 'node:https';
import path from 'node:path';
import { check, runAgainstSandbank } from './sandbox.mjs';

const binary = process.argv[2];
if (!binary) {
  console.error('usage: node legacy_granting_negative.mjs SANDBANK_BINARY');
  process.exit(2);
}

const CLIENT_ID = '5ca1ab1e-c0ca-c01a-cafe-154deadbea75';
const AIS = 'payment-accounts:balances:view payment-accounts:transactions:view';
const AIS_QUERY = 'payment-accounts%3Abalances%3Aview%20payment-accounts%3Atransactions%3Aview';
const GUARD = ")]}',\n";
const XSRF = 't7oVFHD1d4MKlzKqbqME1QrYGrdWdPtkbPoFBngMR5xlWEYaJPLk-BVvE8Up1CKV';
const REGISTERED = ['https://www.example.com/', 'https://example.com/redirect',
  'http://localhost:8080/redirect', 'http://localhost:8080/callback'];

// One HTTPS request; the path and query are sent exactly as given.
function request(base, target, { method = 'GET', headers = {}, body, agentOptions }) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = https.request({ host: u.hostname, port: u.port, method, path: target, headers,
      ...agentOptions }, (res) => {
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
// A success body of the consent app carries the XSSI guard; an error body is plain JSON
// (docs/api.md "grantssupport"), so a guarded error reads as no JSON at all.
function json(text) {
  try { return JSON.parse(text.startsWith(GUARD) ? text.slice(GUARD.length) : text); } catch { return null; }
}
function errorJson(text) {
  if (text.startsWith(GUARD)) return null;
  try { return JSON.parse(text); } catch { return null; }
}
const show = (r) => `${r.status} ${r.headers['content-type'] ?? ''} ${r.body.slice(0, 400)}`;
const sha256 = (s) => crypto.createHash('sha256').update(s).digest('base64');

async function main({ api, web, certs, read }) {
  const ca = read('ca.cer');
  const mtls = { ca, cert: read('example_client_tls.cer'), key: read('example_client_tls.key') };
  const signingKey = read('example_client_signing.key');
  const signingCert = read('example_client_signing.cer').replace(/[\r\n]/g, '');
  const apiCall = (target, options = {}) => request(api, target, { ...options, agentOptions: mtls });
  const webCall = (target, options = {}) => request(web, target, { ...options, agentOptions: { ca } });

  // Digest, Date and Signature over "(request-target) date digest" (keyId as given).
  function signed(method, target, body, keyId) {
    const digest = `SHA-256=${sha256(body)}`;
    const date = new Date().toUTCString();
    const signature = crypto.createSign('sha256').update(
      `(request-target): ${method.toLowerCase()} ${target}\ndate: ${date}\ndigest: ${digest}`).sign(signingKey, 'base64');
    return { digest, date, keyId,
      value: `keyId="${keyId}",algorithm="rsa-sha256",headers="(request-target) date digest",signature="${signature}"` };
  }
  async function signedAppToken() {
    const body = 'grant_type=client_credentials';
    const s = signed('POST', '/oauth2/token', body, 'SN=49BA5C71');
    const r = await apiCall('/oauth2/token', { method: 'POST', body, headers: {
      'content-type': 'application/x-www-form-urlencoded', digest: s.digest, date: s.date,
      'tpp-signature-certificate': signingCert, authorization: `Signature ${s.value}` } });
    const token = json(r.body)?.access_token;
    if (r.status !== 200 || !token) throw new Error(`signed application token: ${show(r)}`);
    return token;
  }
  async function mtlsToken() {
    const r = await apiCall('/oauth2/token', { method: 'POST',
      body: `grant_type=client_credentials&client_id=${CLIENT_ID}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const token = json(r.body)?.access_token;
    if (r.status !== 200 || !token) throw new Error(`mTLS-only token: ${show(r)}`);
    return token;
  }
  // GET /oauth2/authorization-server-url with a bearer token and a Signature over the raw query.
  function authorizationServerUrl(token, redirect = 'https://www.example.com', country = 'NL') {
    const target = `/oauth2/authorization-server-url?scope=${AIS_QUERY}&redirect_uri=${redirect}` +
      (country ? `&country_code=${country}` : '');
    const s = signed('GET', target, '', CLIENT_ID);
    return apiCall(target, { headers: { accept: 'application/json', digest: s.digest, date: s.date,
      authorization: `Bearer ${token}`, signature: s.value } });
  }
  async function reference(token, redirect) {
    const r = await authorizationServerUrl(token, redirect);
    const ref = /\/granting\/([^/?#]+)\/NL$/.exec(json(r.body)?.location ?? '')?.[1];
    if (r.status !== 200 || !ref) throw new Error(`authorization-server-url: ${show(r)}`);
    return ref;
  }
  function authCode(token, ref, { header = XSRF, cookie = XSRF, redirect = 'https://www.example.com',
    state = 'ANY_ARBITRARY_VALUE', body } = {}) {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    if (header !== null) headers['x-xsrf-token'] = header;
    if (cookie !== null) headers.cookie = `XSRF-TOKEN=${cookie}`;
    return webCall(`/grantssupport/${ref}/auth-code`, { method: 'POST', headers,
      body: body ?? JSON.stringify({ id: 'nl-jane-doe', client_id: CLIENT_ID, scopes: AIS, state, redirectURL: redirect }) });
  }
  async function legacyCode(token, redirect = 'https://www.example.com') {
    const r = await authCode(token, await reference(token, redirect), { redirect });
    const location = json(r.body)?.location ?? '';
    const code = /[?&]code=([^&]*)$/.exec(location)?.[1];
    if (r.status !== 200 || !code) throw new Error(`auth-code: ${show(r)}`);
    return code;
  }
  // A customer's walk through an authorization page (/authorize/v2/NL or /granting/<ref>/NL):
  // pick Jane Doe and press Next. Returns the 302's Location.
  async function consent(pageTarget) {
    const page = await webCall(pageTarget);
    const csrf = /name="csrf_token" value="([^"]*)"/.exec(page.body)?.[1];
    const profile = /name="profile" value="([^"]*)"[^>]*>\s*<span class="profile-name">Jane Doe</.exec(page.body)?.[1];
    const cookie = (page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0])
      .find((c) => c.startsWith('sandbank_authz='));
    if (page.status !== 200 || !csrf || !profile || !cookie) throw new Error(`profile page ${pageTarget}: ${show(page)}`);
    const r = await webCall('/authorize/consent', { method: 'POST', headers: {
      'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ csrf_token: csrf, profile, action: 'next' }).toString() });
    if (r.status !== 302 || !r.headers.location) throw new Error(`consent: ${show(r)}`);
    return r.headers.location;
  }
  const authorizeTarget = (redirect, state = 'negative') => `/authorize/v2/NL?client_id=${CLIENT_ID}` +
    `&scope=${AIS_QUERY}&state=${state}&redirect_uri=${encodeURIComponent(redirect)}&response_type=code`;
  const grantingTarget = (ref, redirect = 'https://www.example.com') => `/granting/${ref}/NL?client_id=${CLIENT_ID}` +
    `&redirect_uri=${redirect}&scope=${AIS_QUERY}&state=some-state&response_type=code`;
  const codeOf = (location) => new URL(location).searchParams.get('code');
  async function exchange(appToken, code, redirect) {
    let body = `grant_type=authorization_code&code=${code}`;
    if (redirect !== undefined) body += `&redirect_uri=${encodeURIComponent(redirect)}`;
    const s = signed('POST', '/oauth2/token', body, CLIENT_ID);
    const r = await apiCall('/oauth2/token', { method: 'POST', body, headers: {
      accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded',
      digest: s.digest, date: s.date, authorization: `Bearer ${appToken}`, signature: s.value } });
    return { ...r, json: json(r.body) };
  }
  const isErrorPage = (r) => r.status === 400 && /text\/html/.test(r.headers['content-type'] ?? '') &&
    r.body.includes('data-outcome="error"') && !r.headers.location;

  const appToken = await signedAppToken();
  const mtlsOnly = await mtlsToken();

  // --- Tokens: grantssupport and authorization-server-url need the signed application token.
  {
    let r = await webCall('/grantssupport/accounts');
    check('grantssupport/accounts without a token → 401 token.missing',
      r.status === 401 && json(r.body)?.detail === 'token.missing' && typeof json(r.body)?.message === 'string', show(r));
    r = await webCall('/grantssupport/accounts', { headers: { authorization: 'Bearer not-a-token' } });
    check('grantssupport/accounts with an unknown token → 401 token.unknown',
      r.status === 401 && json(r.body)?.detail === 'token.unknown', show(r));
    r = await webCall('/grantssupport/accounts', { headers: { authorization: `Bearer ${mtlsOnly}` } });
    check('grantssupport/accounts with the mTLS-only token → 401',
      r.status === 401 && /^token\./.test(json(r.body)?.detail ?? ''), show(r));
    r = await webCall('/grantssupport/accounts', { headers: { authorization: `Bearer ${appToken}` } });
    check('grantssupport/accounts with the signed application token → 200 behind the guard',
      r.status === 200 && r.body.startsWith(GUARD) && Array.isArray(json(r.body)?.accounts), show(r));

    r = await authorizationServerUrl(mtlsOnly);
    check('authorization-server-url with the mTLS-only token → 401 token.wrong_kind',
      r.status === 401 && json(r.body)?.detail === 'token.wrong_kind', show(r));
    r = await authorizationServerUrl('not-a-token');
    check('authorization-server-url with an unknown token → 401 token.unknown',
      r.status === 401 && json(r.body)?.detail === 'token.unknown', show(r));

    r = await authorizationServerUrl(appToken, 'https://www.example.com', '');
    const plain = json(r.body)?.location ?? '';
    check('authorization-server-url without country_code → <web>/granting/<reference> (no country)',
      r.status === 200 && plain.startsWith(`${web}/granting/`) &&
      /^[^/?#]+$/.test(plain.slice(`${web}/granting/`.length)), show(r));

    const ref = await reference(appToken);
    r = await authCode(mtlsOnly, ref);
    check('auth-code with the mTLS-only token → 401', r.status === 401, show(r));
    r = await authCode(appToken, ref);
    check('... and the reference still works with the signed application token', r.status === 200, show(r));
  }

  // --- References are single use; unknown ones are refused.
  {
    const ref = await reference(appToken);
    let r = await authCode(appToken, ref);
    check('auth-code on a fresh reference → 200', r.status === 200 && r.body.startsWith(GUARD), show(r));
    r = await authCode(appToken, ref);
    check('auth-code on a used reference → 400 granting.reference_used',
      r.status === 400 && json(r.body)?.detail === 'granting.reference_used', show(r));
    r = await webCall(grantingTarget(ref));
    check('the /granting page of a used reference → 400 error page, no redirect', isErrorPage(r), show(r));

    const viaPage = await reference(appToken);
    const location = await consent(grantingTarget(viaPage));
    check('a code from the /granting page comes back to https://www.example.com',
      new URL(location).origin === 'https://www.example.com' && !!codeOf(location), location);
    r = await webCall(grantingTarget(viaPage));
    check('the /granting page of a reference used through the page → 400 error page', isErrorPage(r), show(r));
    r = await authCode(appToken, viaPage);
    check('auth-code on a reference used through the page → 400 granting.reference_used',
      r.status === 400 && json(r.body)?.detail === 'granting.reference_used', show(r));

    r = await authCode(appToken, 'no-such-reference');
    check('auth-code on an unknown reference → 400 granting.reference_unknown',
      r.status === 400 && json(r.body)?.detail === 'granting.reference_unknown', show(r));
    r = await webCall(grantingTarget('no-such-reference'));
    check('the /granting page of an unknown reference → 400 error page', isErrorPage(r), show(r));
  }

  // --- XSRF: the header must equal the cookie.
  {
    const ref = await reference(appToken);
    let r = await authCode(appToken, ref, { header: null });
    check('auth-code without X-XSRF-Token → 403 grantssupport.xsrf_mismatch',
      r.status === 403 && errorJson(r.body)?.detail === 'grantssupport.xsrf_mismatch', show(r));
    r = await authCode(appToken, ref, { header: `${XSRF}x` });
    check('auth-code with an X-XSRF-Token other than the cookie → 403 grantssupport.xsrf_mismatch',
      r.status === 403 && errorJson(r.body)?.detail === 'grantssupport.xsrf_mismatch', show(r));
    r = await authCode(appToken, ref, { cookie: null });
    check('auth-code with X-XSRF-Token but no XSRF-TOKEN cookie → 403 grantssupport.xsrf_mismatch',
      r.status === 403 && errorJson(r.body)?.detail === 'grantssupport.xsrf_mismatch', show(r));
    r = await authCode(appToken, ref, { body: `{"id":"nl-jane-doe","id":"nl-john-doe","client_id":"${CLIENT_ID}",` +
      `"scopes":"${AIS}","state":"s","redirectURL":"https://www.example.com"}` });
    check('auth-code with the member id twice → 400 request.duplicate_member',
      r.status === 400 && json(r.body)?.detail === 'request.duplicate_member', show(r));
    r = await authCode(appToken, ref, { header: 'any-other-value', cookie: 'any-other-value' });
    check('after the refusals the reference still gives a code (any equal header and cookie)',
      r.status === 200 && /[?&]code=[^&]+$/.test(json(r.body)?.location ?? ''), show(r));
  }

  // --- Redirect URIs: only an empty path equals "/".
  {
    const refused = ['https://WWW.example.com/', 'https://www.example.com/x',
      'https://example.com/redirect/', 'https://www.example.com/?a=1', 'http://www.example.com/',
      'https://www.example.com:443/', 'https://www.example.com/#'];
    for (const uri of refused) {
      const r = await webCall(authorizeTarget(uri));
      check(`/authorize/v2 refuses redirect_uri ${uri} (400 error page, no redirect)`, isErrorPage(r), show(r));
    }
    const page = await webCall(authorizeTarget('https://www.example.com'));
    check('/authorize/v2 accepts redirect_uri https://www.example.com (no slash) for the registered https://www.example.com/',
      page.status === 200 && page.body.includes('data-outcome="select-profile"'), show(page));

    // The exchange: a code issued for https://www.example.com/ and redirect_uri sent otherwise.
    for (const uri of refused) {
      const code = codeOf(await consent(authorizeTarget('https://www.example.com/')));
      const r = await exchange(appToken, code, uri);
      check(`the exchange refuses redirect_uri ${uri} for a code of https://www.example.com/ (grant.redirect_uri_mismatch)`,
        r.status === 400 && r.json?.detail === 'grant.redirect_uri_mismatch', show(r));
    }
    let code = codeOf(await consent(authorizeTarget('https://www.example.com/')));
    let r = await exchange(appToken, code, 'https://www.example.com');
    check('the exchange accepts https://www.example.com for a code of https://www.example.com/',
      r.status === 200 && !!r.json?.access_token, show(r));
    code = codeOf(await consent(authorizeTarget('https://www.example.com')));
    r = await exchange(appToken, code, 'https://www.example.com/');
    check('the exchange accepts https://www.example.com/ for a code of https://www.example.com',
      r.status === 200 && !!r.json?.access_token, show(r));
    code = codeOf(await consent(authorizeTarget('https://example.com/redirect')));
    r = await exchange(appToken, code, 'https://example.com/redirect/');
    check('the exchange refuses https://example.com/redirect/ for a code of https://example.com/redirect',
      r.status === 400 && r.json?.detail === 'grant.redirect_uri_mismatch', show(r));

    // Legacy codes follow the same rule.
    code = await legacyCode(appToken);
    r = await exchange(appToken, code, 'https://www.example.com/x');
    check('the exchange refuses https://www.example.com/x for a legacy code of https://www.example.com',
      r.status === 400 && r.json?.detail === 'grant.redirect_uri_mismatch', show(r));
    code = await legacyCode(appToken);
    r = await exchange(appToken, code, 'https://www.example.com/');
    check('the exchange accepts https://www.example.com/ for a legacy code of https://www.example.com',
      r.status === 200 && !!r.json?.access_token, show(r));
  }

  // --- Before any PUT: the pre-registered application's legacy code needs no redirect_uri.
  {
    let r = await exchange(appToken, await legacyCode(appToken));
    check('never PUT: a legacy (grantssupport) code exchanged without redirect_uri → 200',
      r.status === 200 && !!r.json?.access_token, show(r));
    const ref = await reference(appToken);
    r = await exchange(appToken, codeOf(await consent(grantingTarget(ref))));
    check('never PUT: a legacy (/granting page) code exchanged without redirect_uri → 200',
      r.status === 200 && !!r.json?.access_token, show(r));
  }

  // --- The TPP registers its redirect URIs itself (PUT /oauth2/applications/{id}).
  {
    const data = path.dirname(certs);
    const update = spawnSync(path.resolve(binary), ['tpp', '--data', data, 'app', 'update', '--contact', 'interop@example.com',
      ...REGISTERED.flatMap((u) => ['--redirect-uri', u])], { cwd: path.dirname(data), encoding: 'utf8' });
    check('`sandbank tpp app update --redirect-uri ...` (PUT /oauth2/applications/{id}) succeeds',
      update.status === 0, `exit ${update.status} ${update.error ?? ''}\n${update.stdout}\n${update.stderr}`);
    if (update.status !== 0) throw new Error('no PUT: the mixed-flow checks cannot run');

    const token = await signedAppToken();
    let code = await legacyCode(token);
    let r = await exchange(token, code);
    check('after the PUT: a legacy (grantssupport) code exchanged without redirect_uri → 400 request.redirect_uri_missing',
      r.status === 400 && r.json?.detail === 'request.redirect_uri_missing', show(r));
    r = await exchange(token, code, 'https://www.example.com');
    check('... the same exchange with redirect_uri=https://www.example.com → 200',
      r.status === 200 && !!r.json?.access_token, show(r));

    const ref = await reference(token);
    code = codeOf(await consent(grantingTarget(ref)));
    r = await exchange(token, code);
    check('after the PUT: a legacy (/granting page) code exchanged without redirect_uri → 400 request.redirect_uri_missing',
      r.status === 400 && r.json?.detail === 'request.redirect_uri_missing', show(r));
    r = await exchange(token, code, 'https://www.example.com');
    check('... the same exchange with redirect_uri → 200', r.status === 200 && !!r.json?.access_token, show(r));

    code = codeOf(await consent(authorizeTarget('https://www.example.com/')));
    r = await exchange(token, code);
    check('after the PUT: a code of /authorize/v2 (the new flow) exchanged without redirect_uri → 200',
      r.status === 200 && !!r.json?.access_token, show(r));
  }
}

await runAgainstSandbank(binary, 'legacy-granting', main);
