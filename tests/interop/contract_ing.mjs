// Sandbank's real answers against ING's published API specifications (Account Information
// 3.1.5 and Payment Initiation 2.0.2, Swagger 2.0; OAuth 2.0 2.3.5, OpenAPI 3.0.1): the flows of
// the guide, success and error, and every answer is validated with ajv against the response
// schema of its operation and status in ING's file (enums, required fields, formats). A status
// the operation does not document fails too, except where docs/api.md says Sandbank follows an
// RFC over ING's file (401/403 on the OAuth endpoints).
// Usage: node contract_ing.mjs <sandbank binary> <folder with ING's specification files>
// Exit 77 (skipped) when that folder is absent (it lives beside the repository, in shared/).
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Agent, request } from 'undici';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { check, runAgainstSandbank } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const httpSignature = require('http-signature');

const [binary, specDir] = process.argv.slice(2);
const files = { ais: 'Account-Information-API.json', pis: 'Payment-Initiation-API.json',
  oauth: 'OAuth-2.0-API.json' };
if (!specDir || !fs.existsSync(path.join(specDir, files.ais))) {
  console.log(`SKIP: ING's specification files are not in ${specDir}`);
  process.exit(77);
}

const specs = {};
for (const [name, file] of Object.entries(files)) {
  specs[name] = await SwaggerParser.dereference(path.join(specDir, file));
}
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new Map();

// The operation of `method` + concrete `target` in a specification: its templated path.
function operation(spec, method, target) {
  const pathOnly = target.split('?')[0];
  for (const [template, ops] of Object.entries(spec.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`);
    // A literal segment wins over a parameter (pain.001-{product} over {product}).
    if (pattern.test(pathOnly) && ops[method.toLowerCase()]) {
      const literal = !template.includes('{payment-product}') || !pathOnly.includes('pain.001');
      if (literal) return { template, op: ops[method.toLowerCase()] };
    }
  }
  return null;
}

let validated = 0;
// Validates one answer; `name` describes the call.
function validate(specName, method, target, answer, name, { rfcStatuses = [] } = {}) {
  const spec = specs[specName];
  const found = operation(spec, method, target);
  if (!found) {
    check(`${name}: ${method} ${target} is an operation of ING's ${specName} file`, false, 'absent');
    return;
  }
  const response = found.op.responses[String(answer.status)];
  if (!response) {
    const allowed = rfcStatuses.includes(answer.status);
    check(`${name}: status ${answer.status} is documented for ${method} ${found.template}` +
      (allowed ? ' (or docs/api.md follows an RFC there)' : ''), allowed,
    `documented: ${Object.keys(found.op.responses).join(', ')}; body ${answer.text}`);
    if (!allowed) return;
    // Judged against the operation's 400 body: ING's error shape for the endpoint.
    return validateBody(specName, found.op.responses['400'], answer, `${name} (RFC status)`);
  }
  validateBody(specName, response, answer, name);
  if (response.headers?.['X-Request-ID'] && answer.sentRequestId) {
    check(`${name}: X-Request-ID echoed`, answer.headers['x-request-id'] === answer.sentRequestId,
      `${answer.headers['x-request-id']}`);
  }
}

function validateBody(specName, response, answer, name) {
  const schema = specName === 'oauth'
    ? response.content?.['application/json']?.schema
    : response.schema;
  if (!schema) {
    check(`${name}: no body expected`, answer.text === '', answer.text);
    return;
  }
  let validator = compiled.get(schema);
  if (!validator) {
    validator = ajv.compile(schema);
    compiled.set(schema, validator);
  }
  let json;
  try {
    json = JSON.parse(answer.text);
  } catch {
    check(`${name}: the body is JSON`, false, answer.text.slice(0, 300));
    return;
  }
  const ok = validator(json);
  validated++;
  check(`${name}: ${answer.status} body valid against ING's schema`, ok,
    `${ajv.errorsText(validator.errors)}\n${answer.text.slice(0, 600)}`);
}

const clientId = '5ca1ab1e-c0ca-c01a-cafe-154deadbea75';

async function main({ api, web, read }) {
  const ca = read('ca.cer');
  const dispatcher = new Agent({
    connect: { cert: read('example_client_tls.cer'), key: read('example_client_tls.key'), ca } });
  const webDispatcher = new Agent({ connect: { ca } });
  const signingKey = read('example_client_signing.key');
  const signingCert = read('example_client_signing.cer').replace(/[\r\n]/g, '');
  const digestOf = (body) => `SHA-256=${crypto.createHash('sha256').update(body).digest('base64')}`;

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
  const call = async (method, target, body, headers = {}) => {
    const r = await request(`${api}${target}`, { method, dispatcher, body: body || undefined, headers });
    const text = await r.body.text();
    return { status: r.statusCode, headers: r.headers, text, sentRequestId: headers['x-request-id'],
      json: () => JSON.parse(text) };
  };
  const form = 'application/x-www-form-urlencoded';

  // --- OAuth 2.0 ---------------------------------------------------------------------------
  const appForm = 'grant_type=client_credentials';
  const app = await call('POST', '/oauth2/token', appForm, signed('POST', '/oauth2/token', appForm,
    { 'content-type': form, 'tpp-signature-certificate': signingCert }, 'SN=49BA5C71', 'Authorization'));
  validate('oauth', 'POST', '/oauth2/token', app, 'signed application token');
  const appToken = app.json().access_token;
  const withApp = (method, target, body, extra = {}) => call(method, target, body, signed(method,
    target, body, { authorization: `Bearer ${appToken}`, ...extra }, clientId, 'Signature'));

  const badGrant = await withApp('POST', '/oauth2/token', 'grant_type=authorization_code&code=nope',
    { 'content-type': form });
  validate('oauth', 'POST', '/oauth2/token', badGrant, 'unknown code');
  const badType = await withApp('POST', '/oauth2/token', 'grant_type=password', { 'content-type': form });
  validate('oauth', 'POST', '/oauth2/token', badType, 'unsupported grant type');
  const unsigned = await call('POST', '/oauth2/token', appForm, { 'content-type': form });
  validate('oauth', 'POST', '/oauth2/token', unsigned, 'application token without signature',
    { rfcStatuses: [401] });

  const serverUrlTarget = '/oauth2/authorization-server-url?scope=payment-accounts%3Abalances%3Aview&' +
    'redirect_uri=https%3A%2F%2Fwww.example.com%2F&country_code=NL';
  const serverUrl = await withApp('GET', serverUrlTarget, '');
  validate('oauth', 'GET', serverUrlTarget, serverUrl, 'authorization-server-url');
  const noScope = '/oauth2/authorization-server-url?redirect_uri=https%3A%2F%2Fwww.example.com%2F';
  validate('oauth', 'GET', noScope, await withApp('GET', noScope, ''), 'authorization-server-url without scope');

  // The customer's consent (plain HTTP walk of docs/authorize.md) for John Doe, all scopes.
  const consentFor = async (profileName, scope) => {
    const start = await request(`${web}/authorize/v2/NL?client_id=${clientId}&scope=${scope}` +
      '&state=c1&response_type=code&redirect_uri=https%3A%2F%2Fwww.example.com%2F',
    { dispatcher: webDispatcher });
    const page = await start.body.text();
    const cookie = [].concat(start.headers['set-cookie'])[0].split(';')[0];
    const csrf = page.match(/name="csrf_token" value="([^"]+)"/)[1];
    const profile = page.match(new RegExp(
      `name="profile" value="([^"]+)"[^>]*>\\s*<span class="profile-name">${profileName}<`))[1];
    const consent = await request(`${web}/authorize/consent`, {
      method: 'POST', dispatcher: webDispatcher, headers: { cookie, 'content-type': form },
      body: `csrf_token=${encodeURIComponent(csrf)}&profile=${encodeURIComponent(profile)}&action=next` });
    await consent.body.text();
    return new URL(consent.headers.location).searchParams.get('code');
  };
  const allScopes = 'payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview+' +
    'payment-accounts%3Afunds-availability%3Aconfirm';
  const code = await consentFor('John Doe', allScopes);
  const exchangeBody = `grant_type=authorization_code&code=${code}`;
  const customer = await withApp('POST', '/oauth2/token', exchangeBody, { 'content-type': form });
  validate('oauth', 'POST', '/oauth2/token', customer, 'code exchange (no redirect_uri)');
  // A second code used twice (that revokes the tokens issued from it, not John's first ones).
  const second = `grant_type=authorization_code&code=${await consentFor('John Doe', allScopes)}`;
  await withApp('POST', '/oauth2/token', second, { 'content-type': form });
  const reused = await withApp('POST', '/oauth2/token', second, { 'content-type': form });
  validate('oauth', 'POST', '/oauth2/token', reused, 'code used twice');
  const { access_token: customerToken, refresh_token: refreshToken } = customer.json();
  const refreshBody = `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}`;
  validate('oauth', 'POST', '/oauth2/token',
    await withApp('POST', '/oauth2/token', refreshBody, { 'content-type': form }), 'refresh');

  // --- AIS ---------------------------------------------------------------------------------
  const ais = (target, token = customerToken, method = 'GET') => {
    const headers = signed(method, target, '', { authorization: `Bearer ${token}`,
      'x-request-id': crypto.randomUUID(), accept: 'application/json' }, clientId, 'Signature');
    return call(method, target, '', headers);
  };
  const accounts = await ais('/v3/accounts');
  validate('ais', 'GET', '/v3/accounts', accounts, 'accounts');
  // X-Sandbank-Scenario (docs/scenarios.md): the 500 and 503 of ING's AIS file (its
  // GET /v3/accounts documents no 503, its balances do).
  const firstAccount = accounts.json().accounts[0].resourceId;
  for (const [scenario, target] of [['server-error', '/v3/accounts'],
    ['server-error', `/v3/accounts/${firstAccount}/balances`],
    ['unavailable', `/v3/accounts/${firstAccount}/balances`]]) {
    const headers = signed('GET', target, '', { authorization: `Bearer ${customerToken}`,
      'x-request-id': crypto.randomUUID(), accept: 'application/json',
      'x-sandbank-scenario': scenario }, clientId, 'Signature');
    validate('ais', 'GET', target, await call('GET', target, '', headers),
      `${target.includes('balances') ? 'balances' : 'accounts'}, scenario ${scenario}`);
  }
  validate('ais', 'GET', '/v3/accounts', await ais('/v3/accounts', appToken), 'accounts with an application token');
  validate('ais', 'GET', '/v3/accounts', await ais('/v3/accounts', 'not-a-token'), 'accounts with an unknown token');
  if (accounts.status !== 200) throw new Error(`accounts: ${accounts.status} ${accounts.text}`);
  const list = accounts.json().accounts;
  const current = list.find((a) => !a.maskedPan);
  const card = list.find((a) => a.maskedPan);
  const id = current.resourceId;
  for (const target of [`/v3/accounts/${id}/balances`, `/v3/accounts/${id}/balances?balanceTypes=expected,closingBooked`,
    `/v3/accounts/${id}/balances?balanceTypes=bogus`, `/v3/accounts/${id}/balances?currency=USD`,
    '/v3/accounts/00000000-0000-0000-0000-000000000000/balances']) {
    validate('ais', 'GET', target, await ais(target), `balances ${target.split('/').pop()}`);
  }
  for (const version of ['v2', 'v3']) {
    for (const query of ['?dateFrom=2000-01-01&limit=10', '?dateFrom=2024-13-01', '?limit=5000',
      '?dateFrom=2024-02-01&dateTo=2024-01-01', '?next=garbage', '?fieldsToOmit=iban']) {
      const target = `/${version}/accounts/${id}/transactions${query}`;
      validate('ais', 'GET', target, await ais(target), `transactions ${version}${query}`);
    }
  }
  const page = (await ais(`/v3/accounts/${id}/transactions?dateFrom=2000-01-01&limit=3`)).json();
  const next = page.transactions._links?.next?.href;
  if (next) validate('ais', 'GET', next, await ais(next), 'transactions next page');
  if (card) {
    const target = `/v1/card-accounts/${card.resourceId}/transactions?dateFrom=2000-01-01`;
    validate('ais', 'GET', target, await ais(target), 'card transactions');
    const wrong = `/v1/card-accounts/${id}/transactions`;
    validate('ais', 'GET', wrong, await ais(wrong), 'card transactions of a current account');
  }
  const methodNotAllowed = await call('DELETE', '/v3/accounts', '', { 'x-request-id': crypto.randomUUID() });
  const tppMessages = specs.ais.definitions.TPPMessages;
  const v405 = ajv.compile(tppMessages);
  check('405 on /v3/accounts is a TPPMessages body', methodNotAllowed.status === 405 &&
    v405(JSON.parse(methodNotAllowed.text)), methodNotAllowed.text);

  // --- PIS ---------------------------------------------------------------------------------
  const payment = JSON.stringify({ instructedAmount: { amount: '12.50', currency: 'EUR' },
    creditorAccount: { iban: 'AT861921125678901234' }, creditorName: 'Laura Musterfrau',
    remittanceInformationUnstructured: 'contract test' });
  const pis = (method, target, body, requestId = crypto.randomUUID(), token = appToken,
    more = {}) => {
    const extra = { authorization: `Bearer ${token}`, 'x-request-id': requestId,
      'tpp-redirect-uri': 'https://www.example.com/', 'psu-ip-address': '127.0.0.1', ...more };
    if (body) extra['content-type'] = 'application/json';
    return call(method, target, body, signed(method, target, body, extra, clientId, 'Signature'));
  };
  const product = '/v1/payments/sepa-credit-transfers';
  // X-Sandbank-Scenario (docs/scenarios.md): the 429, 500 and 503 of ING's PIS file.
  for (const scenario of ['rate-limited', 'server-error', 'unavailable']) {
    const answer = await pis('POST', product, payment, crypto.randomUUID(), appToken,
      { 'x-sandbank-scenario': scenario });
    validate('pis', 'POST', product, answer, `initiation, scenario ${scenario}`);
  }
  const requestId = crypto.randomUUID();
  const created = await pis('POST', product, payment, requestId);
  validate('pis', 'POST', product, created, 'initiate a payment');
  validate('pis', 'POST', product, await pis('POST', product, payment, requestId), 'the same X-Request-ID again');
  const other = payment.replace('12.50', '13.50');
  validate('pis', 'POST', product, await pis('POST', product, other, requestId), 'X-Request-ID with another body');
  validate('pis', 'POST', product, await pis('POST', product, '{"instructedAmount":{}}'), 'an invalid payment');
  validate('pis', 'POST', '/v1/payments/nonsense-transfers',
    await pis('POST', '/v1/payments/nonsense-transfers', payment), 'an unknown product');
  validate('pis', 'POST', product, await pis('POST', product, payment, crypto.randomUUID(), 'nope'),
    'a payment with an unknown token');
  const paymentId = created.json().paymentId;
  validate('pis', 'GET', `${product}/${paymentId}`, await pis('GET', `${product}/${paymentId}`, ''), 'get the payment');
  validate('pis', 'GET', `${product}/${paymentId}/status`,
    await pis('GET', `${product}/${paymentId}/status`, ''), 'payment status');
  validate('pis', 'GET', `${product}/unknown-id`, await pis('GET', `${product}/unknown-id`, ''), 'unknown payment');
  validate('pis', 'DELETE', `${product}/${paymentId}`, await pis('DELETE', `${product}/${paymentId}`, ''),
    'cancel the payment');
  validate('pis', 'DELETE', `${product}/${paymentId}`, await pis('DELETE', `${product}/${paymentId}`, ''),
    'cancel it again');

  const periodic = '/v1/periodic-payments/sepa-credit-transfers';
  const start = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const order = JSON.stringify({ ...JSON.parse(payment), startDate: start, frequency: 'MNTH' });
  const createdPeriodic = await pis('POST', periodic, order);
  validate('pis', 'POST', periodic, createdPeriodic, 'initiate a periodic payment');
  if (createdPeriodic.status !== 201) throw new Error(`periodic: ${createdPeriodic.text}`);
  const periodicId = createdPeriodic.json().paymentId;
  for (const [method, target] of [['GET', `${periodic}/${periodicId}`], ['GET', `${periodic}/${periodicId}/status`],
    ['DELETE', `${periodic}/${periodicId}`]]) {
    validate('pis', method, target, await pis(method, target, ''), `periodic ${method} ${target.slice(periodic.length)}`);
  }
  // Bulk payments, v1 and v2.
  const transfers = [1, 2, 3].map((n) => ({ endToEndIdentification: `E2E-${n}`,
    instructedAmount: { amount: `${n}.00`, currency: 'EUR' },
    creditorAccount: { iban: 'AT861921125678901234' }, creditorName: 'Laura Musterfrau' }));
  for (const version of ['v1', 'v2']) {
    const base = `/${version}/bulk-payments/sepa-credit-transfers`;
    const batch = JSON.stringify({ batchBookingPreferred: false, payments: transfers });
    const made = await pis('POST', base, batch);
    validate('pis', 'POST', base, made, `${version} bulk initiation`);
    if (made.status !== 201) throw new Error(`bulk: ${made.text}`);
    const bulkId = made.json().paymentId;
    validate('pis', 'GET', `${base}/${bulkId}`, await pis('GET', `${base}/${bulkId}`, ''),
      `${version} bulk details`);
    validate('pis', 'POST', base, await pis('POST', base, '{"payments":[]}'), `${version} empty bulk`);
    const v1 = `/v1/bulk-payments/sepa-credit-transfers/${bulkId}`;
    validate('pis', 'GET', `${v1}/status`, await pis('GET', `${v1}/status`, ''), `${version} bulk status`);
    validate('pis', 'DELETE', v1, await pis('DELETE', v1, ''), `${version} bulk cancellation`);
  }
  check(`validated answers against ING's files (${validated})`, validated >= 59, `${validated}`);
}

await runAgainstSandbank(binary, 'contract-ing', main);
