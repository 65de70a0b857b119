// Third-party peers for the signing library: npm http-signature (joyent) and npm jose.
//
//   node peer.mjs joyent-sign   INPUT.json  -> a request signed by joyent, as a real HTTP
//                                              server on 127.0.0.1 received it
//   node peer.mjs joyent-verify INPUT.json  -> sends a request signed by Sandbank over real
//                                              HTTP; joyent's parseRequest + verifySignature
//   node peer.mjs jose-sign     INPUT.json  -> a detached b64:false JWS with crit sigT/sigD
//   node peer.mjs jose-verify   INPUT.json  -> jose's flattenedVerify of a Sandbank JWS
//
// Requests travel as {method, target, headers: [[name, value], ...], body}. Output: JSON on
// stdout.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import crypto from 'node:crypto';
import * as jose from 'jose';

const require = createRequire(import.meta.url);
const httpSignature = require('http-signature');

const [, , command, inputPath] = process.argv;
const input = JSON.parse(readFileSync(inputPath, 'utf8'));

// A loopback server for one request: resolves with its port once listening, and `done`
// resolves with what `onRequest` returned for the first request received.
function listen(onRequest) {
  return new Promise((resolveListening, reject) => {
    let finish;
    const done = new Promise((resolve) => { finish = resolve; });
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        let result;
        try {
          result = onRequest(req, Buffer.concat(chunks).toString('utf8'));
        } catch (e) {
          result = { ok: false, error: `${e.name}: ${e.message}` };
        }
        res.end('ok');
        server.close();
        finish(result);
      });
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListening({ port: server.address().port, done }));
  });
}

function capture(req, body) {
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  }
  return { method: req.method, target: req.url, headers, body };
}

function headerValue(request, name) {
  const values = request.headers
    .filter(([n]) => n.toLowerCase() === name)
    .map(([, v]) => v.trim());
  if (values.length === 0) throw new Error(`header ${name} absent`);
  return values.join(', ');
}

// The "HTTP headers to be signed" built independently of Sandbank.
function headerString(request, pars) {
  return pars
    .map((p) =>
      p === '(request-target)'
        ? `(request-target): ${request.method.toLowerCase()} ${request.target}`
        : `${p}: ${headerValue(request, p)}`)
    .join('\n');
}

async function joyentSign() {
  const { port, done } = await listen(capture);
  await new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: input.method, path: input.target });
    for (const [n, v] of input.headers) req.setHeader(n, v);
    const digest = crypto.createHash('sha256').update(input.body).digest('base64');
    req.setHeader('Digest', `SHA-256=${digest}`);
    httpSignature.signRequest(req, {
      key: input.privateKeyPem,
      keyId: input.keyId,
      algorithm: input.algorithm,
      headers: input.signedHeaders,
    });
    req.on('response', (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(input.body);
  });
  return done;
}

async function joyentVerify() {
  const request = input.request;
  const { port, done } = await listen((req) => {
    const parsed = httpSignature.parseRequest(req, { clockSkew: 300 });
    return { ok: httpSignature.verifySignature(parsed, input.publicKeyPem),
             signingString: parsed.signingString };
  });
  await new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: request.method,
                               path: request.target });
    for (const [n, v] of request.headers) req.setHeader(n, v);
    req.on('response', (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(request.body);
  });
  return done;
}

const crit = { sigT: true, sigD: true };

async function joseSign() {
  const key = await jose.importPKCS8(input.privateKeyPem, input.alg);
  const header = {
    b64: false,
    'x5t#S256': input.x5t,
    crit: ['sigT', 'sigD', 'b64'],
    sigT: input.sigT,
    sigD: { pars: input.pars, mId: 'http://uri.etsi.org/19182/HttpHeaders' },
    alg: input.alg,
  };
  const payload = new TextEncoder().encode(headerString(input.request, input.pars));
  const jws = await new jose.FlattenedSign(payload).setProtectedHeader(header).sign(key, { crit });
  return { jws: `${jws.protected}..${jws.signature}`, payload: jws.payload };
}

async function joseVerify() {
  const [protectedHeader, middle, signature] = input.jws.split('.');
  if (middle !== '') throw new Error('not detached');
  const header = JSON.parse(Buffer.from(protectedHeader, 'base64url').toString('utf8'));
  const key = await jose.importX509(input.certPem, header.alg);
  try {
    const result = await jose.flattenedVerify(
      { protected: protectedHeader, payload: headerString(input.request, header.sigD.pars),
        signature },
      key, { crit, algorithms: [header.alg] });
    return { ok: true, alg: result.protectedHeader.alg };
  } catch (e) {
    return { ok: false, error: e.code || e.message };
  }
}

const commands = {
  'joyent-sign': joyentSign,
  'joyent-verify': joyentVerify,
  'jose-sign': joseSign,
  'jose-verify': joseVerify,
};

let exitCode = 0;
let output;
try {
  output = await commands[command]();
} catch (e) {
  output = { ok: false, error: `${e.name}: ${e.message}` };
  exitCode = 1;
}
// Exit explicitly: a failed request would otherwise leave the loopback server listening.
process.stdout.write(JSON.stringify(output), () => process.exit(exitCode));
