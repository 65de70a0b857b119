// The guide's OAuth steps from Node.js clients that know nothing of Sandbank: undici for
// mutual TLS, jose for the detached x-jws-signature, joyent http-signature for the signed
// application token. Usage: node oauth_clients.mjs <sandbank binary>
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import https from 'node:https';
import * as jose from 'jose';
import { Agent, request } from 'undici';
import { check, runAgainstSandbank } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const httpSignature = require('http-signature');

const binary = process.argv[2];
async function main({ api, web, certs, read }) {
  const ca = read('ca.cer');
  const tls = { cert: read('example_client_tls.cer'), key: read('example_client_tls.key'), ca };
  const dispatcher = new Agent({ connect: tls });
  const signingCert = read('example_client_signing.cer');
  const signingKey = read('example_client_signing.key');
  const digestOf = (body) => `SHA-256=${crypto.createHash('sha256').update(body).digest('base64')}`;

  // Step 1: POST /oauth2/applications with an x-jws-signature made by jose.
  const body = JSON.stringify({ contact: 'node@example.com', redirect_uris: ['https://www.example.com/'] });
  const digest = digestOf(body);
  const der = new crypto.X509Certificate(signingCert).raw;
  const x5t = crypto.createHash('sha256').update(der).digest('base64url');
  const pars = ['(request-target)', 'digest', 'content-type'];
  const signed = { '(request-target)': 'post /oauth2/applications', digest, 'content-type': 'application/json' };
  const payload = new TextEncoder().encode(pars.map((p) => `${p}: ${signed[p]}`).join('\n'));
  const key = await jose.importPKCS8(
    crypto.createPrivateKey(signingKey).export({ type: 'pkcs8', format: 'pem' }), 'PS256');
  const jws = await new jose.FlattenedSign(payload).setProtectedHeader({
    b64: false, 'x5t#S256': x5t, crit: ['sigT', 'sigD', 'b64'],
    sigT: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    sigD: { pars, mId: 'http://uri.etsi.org/19182/HttpHeaders' }, alg: 'PS256',
  }).sign(key, { crit: { sigT: true, sigD: true } });
  const registered = await request(`${api}/oauth2/applications`, {
    method: 'POST', dispatcher, body,
    headers: { 'content-type': 'application/json', digest,
               'x-jws-signature': `${jws.protected}..${jws.signature}`,
               'tpp-signature-certificate': signingCert.replace(/[\r\n]/g, '') },
  });
  const registration = await registered.body.json();
  check('jose-signed registration is accepted', registered.statusCode === 200 &&
        registration.application?.client_id === '5ca1ab1e-c0ca-c01a-cafe-154deadbea75',
        `${registered.statusCode} ${JSON.stringify(registration)}`);

  // Step 2: the mTLS-only token, then GET /oauth2/applications/me, with undici.
  const clientId = registration.application?.client_id;
  const tokenResponse = await request(`${api}/oauth2/token`, {
    method: 'POST', dispatcher,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=${clientId}`,
  });
  const token = await tokenResponse.body.json();
  check('undici mTLS token', tokenResponse.statusCode === 200 && token.token_type === 'Bearer',
        JSON.stringify(token));
  const me = await request(`${api}/oauth2/applications/me`, {
    dispatcher, headers: { authorization: `Bearer ${token.access_token}` } });
  const mine = await me.body.json();
  check('GET /oauth2/applications/me lists the application', me.statusCode === 200 &&
        mine.applications?.some((a) => a.client_id === clientId), JSON.stringify(mine));

  // Without a client certificate the API explains mutual TLS.
  const bare = await request(`${api}/oauth2/token`, {
    method: 'POST', dispatcher: new Agent({ connect: { ca } }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials' });
  const bareBody = await bare.body.json();
  check('no client certificate is a 401 naming mTLS', bare.statusCode === 401 &&
        bareBody.detail === 'mtls.certificate_missing', JSON.stringify(bareBody));

  // Step 3c: the signed application token, signed by joyent http-signature.
  const form = 'grant_type=client_credentials';
  const signedToken = await new Promise((resolve, reject) => {
    const url = new URL(`${api}/oauth2/token`);
    const req = https.request({ host: url.hostname, port: url.port, method: 'POST',
      path: '/oauth2/token', ...tls });
    req.setHeader('Content-Type', 'application/x-www-form-urlencoded');
    req.setHeader('Date', new Date().toUTCString());
    req.setHeader('Digest', digestOf(form));
    req.setHeader('TPP-Signature-Certificate', signingCert.replace(/[\r\n]/g, ''));
    httpSignature.signRequest(req, { key: signingKey, keyId: 'SN=49BA5C71',
      algorithm: 'rsa-sha256', headers: ['(request-target)', 'date', 'digest'] });
    // joyent writes "Authorization: Signature keyId=..." as the guide's token request wants.
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(form);
  });
  const appToken = JSON.parse(signedToken.text);
  check('http-signature signed application token', signedToken.status === 200 &&
        appToken.client_id === clientId && appToken.expires_in === 905,
        `${signedToken.status} ${signedToken.text}`);
}

await runAgainstSandbank(binary, 'oauth-clients', main);
