// The Account Information API from Node.js clients that know nothing of Sandbank: undici over
// mutual TLS for every request, joyent http-signature for the `Signature:` header (keyId =
// client_id) of the code exchange and the AIS calls. Reads accounts, balances and the whole
// transaction history by following `next` links, and checks the data agree.
// Usage: node ais_client.mjs <sandbank binary>
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import { Agent, request } from 'undici';
import { check, runAgainstSandbank } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const httpSignature = require('http-signature');

const binary = process.argv[2];
const clientId = '5ca1ab1e-c0ca-c01a-cafe-154deadbea75';
async function main({ api, web, certs, read }) {
  const ca = read('ca.cer');
  const dispatcher = new Agent({
    connect: { cert: read('example_client_tls.cer'), key: read('example_client_tls.key'), ca } });
  const webDispatcher = new Agent({ connect: { ca } });
  const signingKey = read('example_client_signing.key');
  const signingCert = read('example_client_signing.cer').replace(/[\r\n]/g, '');
  const digestOf = (body) => `SHA-256=${crypto.createHash('sha256').update(body).digest('base64')}`;

  // Headers of a signed request: http-signature signs a minimal request object.
  function signed(method, target, body, extra, keyId, header) {
    const headers = { date: new Date().toUTCString(), digest: digestOf(body), ...extra };
    const shim = {
      method, path: target,
      getHeader: (n) => headers[n.toLowerCase()],
      setHeader: (n, v) => { headers[n.toLowerCase()] = v; },
    };
    httpSignature.signRequest(shim, { key: signingKey, keyId, algorithm: 'rsa-sha256',
      headers: ['(request-target)', 'date', 'digest'], authorizationHeaderName: header });
    return headers;
  }
  const call = async (method, target, body, headers) => {
    const r = await request(`${api}${target}`, { method, dispatcher, body: body || undefined, headers });
    return { status: r.statusCode, headers: r.headers, json: await r.body.json() };
  };

  // Signed application token, then the authorization pages (plain HTTP walk of docs/authorize.md).
  const form = 'grant_type=client_credentials';
  const app = await call('POST', '/oauth2/token', form, signed('POST', '/oauth2/token', form, {
    'content-type': 'application/x-www-form-urlencoded', 'tpp-signature-certificate': signingCert },
  'SN=49BA5C71', 'Authorization'));
  check('signed application token', app.status === 200, JSON.stringify(app.json));

  const start = await request(`${web}/authorize/v2/NL?client_id=${clientId}&scope=` +
    'payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview&state=n1&' +
    'response_type=code&redirect_uri=https%3A%2F%2Fwww.example.com%2F', { dispatcher: webDispatcher });
  const page = await start.body.text();
  const cookie = [].concat(start.headers['set-cookie'])[0].split(';')[0];
  const csrf = page.match(/name="csrf_token" value="([^"]+)"/)[1];
  const profile = page.match(/name="profile" value="([^"]+)"[^>]*>\s*<span class="profile-name">John Doe</)[1];
  const consent = await request(`${web}/authorize/consent`, {
    method: 'POST', dispatcher: webDispatcher,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: `csrf_token=${encodeURIComponent(csrf)}&profile=${encodeURIComponent(profile)}&action=next` });
  await consent.body.text();
  const code = new URL(consent.headers.location).searchParams.get('code');
  const exchange = `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent('https://www.example.com/')}`;
  const customer = await call('POST', '/oauth2/token', exchange, signed('POST', '/oauth2/token',
    exchange, { 'content-type': 'application/x-www-form-urlencoded',
      authorization: `Bearer ${app.json.access_token}` }, clientId, 'Signature'));
  check('customer token', customer.status === 200, JSON.stringify(customer.json));
  const bearer = { authorization: `Bearer ${customer.json.access_token}`, accept: 'application/json' };
  const get = (target) => call('GET', target, '', signed('GET', target, '',
    { ...bearer, 'x-request-id': crypto.randomUUID() }, clientId, 'Signature'));

  const accounts = await get('/v3/accounts');
  check('GET /v3/accounts', accounts.status === 200 && accounts.json.accounts?.length === 2,
    JSON.stringify(accounts.json));
  const current = accounts.json.accounts.find((a) => !a.maskedPan);
  const balances = await get(current._links.balances.href);
  const expected = balances.json.balances?.find((b) => b.balanceType === 'expected');
  check('balances follow the account link; amounts are numbers', balances.status === 200 &&
    typeof expected?.balanceAmount.amount === 'number', JSON.stringify(balances.json));

  // Each page carries its share of the booked and of the pending list: the lists are compared
  // one by one (a page puts its booked entries before its pending ones).
  const history = async (first) => {
    const ids = { booked: [], pending: [] };
    let sum = 0;
    for (let target = first; target;) {
      const r = await get(target);
      if (r.status !== 200) throw new Error(`${target}: ${r.status} ${JSON.stringify(r.json)}`);
      for (const list of ['booked', 'pending']) {
        for (const t of r.json.transactions[list]) {
          ids[list].push(t.transactionId);
          sum += Math.round(t.transactionAmount.amount * 100);
        }
      }
      target = r.json.transactions._links?.next?.href;
    }
    return { ids, sum };
  };
  const whole = await history(`/v2/accounts/${current.resourceId}/transactions?dateFrom=2000-01-01&limit=1000`);
  const paged = await history(`/v3/accounts/${current.resourceId}/transactions?dateFrom=2000-01-01&limit=25`);
  check('paging with next links reads the same history', whole.ids.booked.length > 50 &&
    JSON.stringify(whole.ids) === JSON.stringify(paged.ids) && whole.sum === paged.sum,
    `${whole.ids.booked.length}+${whole.ids.pending.length} vs ` +
    `${paged.ids.booked.length}+${paged.ids.pending.length}`);

  const bad = await get(`/v2/accounts/${current.resourceId}/transactions?limit=5000`);
  check('limit out of range is a tppMessages 400', bad.status === 400 &&
    bad.json.tppMessages?.[0]?.code === 'FORMAT_ERROR' && bad.json.tppMessages[0].path === 'limit',
    JSON.stringify(bad.json));
}

await runAgainstSandbank(binary, 'ais-client', main);
