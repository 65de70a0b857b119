// Sandbank's OpenAPI document (docs/openapi.json) against ING's published specification files
// (Account Information 3.1.5 and Payment Initiation 2.0.2, Swagger 2.0; OAuth 2.0 2.3.5, OpenAPI
// 3.0.1), for the operations both describe:
//   - every operation of ING's files is one of ours (same path, same method), unless it is on
//     the list of operations Sandbank does not serve yet (and then it must not be in ours);
//   - every status ING documents is documented by us; the statuses we document beyond ING's are
//     each on the allowed list below, with the reason;
//   - every parameter of ING's (name and place; Authorization is our security schemes') is one
//     of ours, and a body parameter is our request body;
//   - the request and success bodies: at every object, the same required members, every member
//     of ING's with the same type and format, the same enums (ours may add members);
//   - the error bodies: ING's TPPMessage with the same required members and the same code and
//     category enums, ING's envelope's required members among ours (ours adds `detail`);
//   - the success responses' headers of ING's are ours, but the listed ones Sandbank never sends.
// Usage: node openapi_vs_ing.mjs <folder with ING's files> [docs/openapi.json]
// Exit 77 (skipped) when that folder is absent (it lives beside the repository, in shared/).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';

const here = path.dirname(fileURLToPath(import.meta.url));
const [specDir, documentArg] = process.argv.slice(2);
const files = { ais: 'Account-Information-API.json', pis: 'Payment-Initiation-API.json',
  oauth: 'OAuth-2.0-API.json' };
if (!specDir || !fs.existsSync(path.join(specDir, files.ais))) {
  console.log(`SKIP: ING's specification files are not in ${specDir}`);
  process.exit(77);
}
const documentPath = documentArg ?? path.join(here, '..', '..', 'docs', 'openapi.json');

let failures = 0;
function check(name, ok, detail) {
  console.log(`${ok ? 'ok' : 'FAILED'} - ${name}${ok ? '' : `: ${detail}`}`);
  if (!ok) failures++;
}
const note = (text) => console.log(`# ${text}`);

const ours = await SwaggerParser.dereference(documentPath);
const ing = {};
for (const [name, file] of Object.entries(files)) {
  ing[name] = await SwaggerParser.dereference(path.join(specDir, file));
}

// ING's operations Sandbank does not serve (none since pain.001 XML and bulk payments landed).
// Once served they belong in docs/openapi.json, and this list must lose them.
const NOT_SERVED = new Set([]);

// Statuses we document beyond ING's, and why (docs/api.md).
const SERVER = { 408: 'the server\'s own: a request not received in time',
  413: 'the server\'s own: a body beyond its limit', 431: 'the server\'s own: headers beyond its limit' };
const EXTRA_STATUSES = {
  oauth: { ...SERVER, 401: 'RFC 6749 §5.2: failed client authentication is 401 invalid_client',
    403: 'RFC 6750 §3.1: a token without the scope the call needs',
    405: 'the router: a method the path does not serve', 503: 'store.busy' },
  ais: { ...SERVER, 503: 'store.busy (ING documents it on the other AIS operations)' },
  pis: { ...SERVER, 405: 'the router: a method the path does not serve (AIS documents it, PIS does not)',
    503: 'store.busy (ING documents it on the other PIS operations)' },
};
// Reasons of one operation that differ from its API's.
const EXTRA_STATUS_OF = {
  'GET /oauth2/authorization-server-url 401': 'RFC 6750 §3.1 invalid_token; ING\'s migration FAQ answers 401 for the mTLS-only token',
};
// Success-response headers of ING's that Sandbank does not send.
const HEADERS_NOT_SENT = {
  'X-ING-AIS-ADJUSTED-DATEFROM': 'no transaction history period: dateFrom is never adjusted',
  'X-ING-AIS-TRANSACTION-VALIDITY-PERIOD': 'no transaction history period',
};
// Bodies ING's file types as one opaque string where ours describes the structure, and why.
const OPAQUE_IN_ING = {
  'GET /v1/periodic-payments/pain.001-{payment-product}/{paymentId} 200':
    'ING\'s file types the multipart answer as a string (its example); ours describes the form\'s parts',
};
// Request members where ours accepts more than ING's enum, and why.
const WIDER_ENUMS = {
  'POST /oauth2/token/revoke request.token_type_hint': 'access tokens can be revoked too (RFC 7009 §2.1)',
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const typesOf = (schema) => [].concat(schema?.type ?? []);
const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));

// Compares ING's schema with ours; `strict` = the same required members (success and request
// bodies), else ING's required members among ours (error envelopes). Returns the differences.
function compareSchemas(theirs, mine, where, strict, seen = new Set()) {
  const problems = [];
  if (!theirs || typeof theirs !== 'object') return problems;
  if (!mine || typeof mine !== 'object') return [`${where}: absent in ours`];
  if (seen.has(theirs)) return problems;
  seen.add(theirs);
  const theirTypes = typesOf(theirs);
  const myTypes = typesOf(mine);
  if (theirTypes.length && !theirTypes.every((t) => myTypes.includes(t))) {
    problems.push(`${where}: type ${theirTypes.join('|')} in ING's, ${myTypes.join('|') || '(none)'} in ours`);
  }
  if (theirs.format && theirs.format !== mine.format) {
    problems.push(`${where}: format ${theirs.format} in ING's, ${mine.format ?? '(none)'} in ours`);
  }
  if (theirs.enum) {
    const wider = WIDER_ENUMS[where];
    if (!mine.enum) problems.push(`${where}: no enum in ours`);
    else if (!sameSet(theirs.enum, mine.enum) && !(wider && theirs.enum.every((v) => mine.enum.includes(v)))) {
      problems.push(`${where}: enum ${theirs.enum.join(',')} in ING's, ${mine.enum.join(',')} in ours`);
    } else if (wider && !sameSet(theirs.enum, mine.enum)) {
      note(`${where}: ours also takes ${mine.enum.filter((v) => !theirs.enum.includes(v)).join(', ')} (${wider})`);
    }
  }
  const theirRequired = theirs.required ?? [];
  const myRequired = mine.required ?? [];
  if (strict ? !sameSet(theirRequired, myRequired) : !theirRequired.every((r) => myRequired.includes(r))) {
    problems.push(`${where}: required ${theirRequired.join(',') || '(none)'} in ING's, ${myRequired.join(',') || '(none)'} in ours`);
  }
  for (const [name, property] of Object.entries(theirs.properties ?? {})) {
    const mineProperty = mine.properties?.[name];
    if (!mineProperty) {
      problems.push(`${where}.${name}: absent in ours`);
      continue;
    }
    problems.push(...compareSchemas(property, mineProperty, `${where}.${name}`, strict, seen));
  }
  if (theirs.items) problems.push(...compareSchemas(theirs.items, mine.items, `${where}[]`, strict, seen));
  return problems;
}

// ING's response of a status in either file format: {schema, headers}.
function ingResponse(api, response) {
  if (api === 'oauth') {
    return { schema: response.content?.['application/json']?.schema, headers: response.headers ?? {} };
  }
  return { schema: response.schema, headers: response.headers ?? {} };
}
function ourSchema(response, media = 'application/json') {
  return response?.content?.[media]?.schema;
}
const isTppMessages = (schema) => Boolean(schema?.properties?.tppMessages);

let compared = 0;
const extraNotes = new Map();  // "status (api: reason)" → operations
for (const [api, spec] of Object.entries(ing)) {
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const theirOp = item[method];
      if (!theirOp) continue;
      const key = `${method.toUpperCase()} ${template}`;
      const myOp = ours.paths[template]?.[method];
      if (NOT_SERVED.has(key)) {
        check(`${key} (${api}): not served by Sandbank yet, and not in docs/openapi.json`, !myOp,
          'it is documented now: take it off NOT_SERVED');
        continue;
      }
      check(`${key} (${api}) is an operation of docs/openapi.json`, Boolean(myOp), 'absent');
      if (!myOp) continue;
      compared++;

      // Statuses.
      const theirStatuses = Object.keys(theirOp.responses);
      const myStatuses = Object.keys(myOp.responses);
      const missing = theirStatuses.filter((s) => !myStatuses.includes(s));
      check(`${key}: every status of ING's is documented (${theirStatuses.join(', ')})`, missing.length === 0,
        `missing ${missing.join(', ')}`);
      const extra = myStatuses.filter((s) => !theirStatuses.includes(s) && !(Number(s) >= 200 && Number(s) < 300 &&
        theirStatuses.some((t) => t.startsWith('2'))));
      const unexplained = extra.filter((s) => !EXTRA_STATUSES[api][s]);
      check(`${key}: the statuses documented beyond ING's are on the allowed list`, unexplained.length === 0,
        `unexplained: ${unexplained.join(', ')}`);
      for (const s of extra.filter((s) => EXTRA_STATUSES[api][s])) {
        const reason = `${s} (${api}: ${EXTRA_STATUS_OF[`${key} ${s}`] ?? EXTRA_STATUSES[api][s]})`;
        extraNotes.set(reason, [...(extraNotes.get(reason) ?? []), key]);
      }
      const extraSuccess = myStatuses.filter((s) => s.startsWith('2') && !theirStatuses.includes(s));
      if (extraSuccess.length) note(`${key}: Sandbank also answers ${extraSuccess.join(', ')}`);

      // Parameters (formData ones are members of our multipart/form-data request body).
      const myParameters = [...(ours.paths[template].parameters ?? []), ...(myOp.parameters ?? [])];
      const mine = new Set(myParameters.map((p) => `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`));
      const absent = [];
      for (const p of [...(item.parameters ?? []), ...(theirOp.parameters ?? [])]) {
        if (p.in === 'body') {
          if (!myOp.requestBody) absent.push('the request body');
          continue;
        }
        if (p.in === 'formData') {
          if (!myOp.requestBody?.content?.['multipart/form-data']?.schema?.properties?.[p.name]) {
            absent.push(`form field ${p.name}`);
          }
          continue;
        }
        if (p.in === 'header' && p.name.toLowerCase() === 'authorization') continue;
        const id = `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
        if (!mine.has(id)) absent.push(`${p.in} ${p.name}`);
      }
      check(`${key}: every parameter of ING's is documented`, absent.length === 0, absent.join(', '));

      // The request body: Swagger 2.0's body parameter (its media type the operation's
      // `consumes`), or its formData parameters as the members of one multipart/form-data object.
      const formFields = (theirOp.parameters ?? []).filter((p) => p.in === 'formData');
      const formBody = formFields.length === 0 ? undefined : {
        type: 'object',
        required: formFields.filter((p) => p.required).map((p) => p.name),
        properties: Object.fromEntries(formFields.map((p) => [p.name, {
          type: p.type === 'file' ? 'string' : p.type,
          ...(p.format ? { format: p.format } : {}),
          ...(p.enum ? { enum: p.enum } : {}),
        }])),
      };
      const theirBody = api === 'oauth'
        ? Object.values(theirOp.requestBody?.content ?? {})[0]?.schema
        : (theirOp.parameters ?? []).find((p) => p.in === 'body')?.schema ?? formBody;
      if (theirBody) {
        const media = api === 'oauth' ? Object.keys(theirOp.requestBody.content)[0]
          : formBody && theirBody === formBody ? 'multipart/form-data'
            : (theirOp.consumes ?? spec.consumes ?? ['application/json'])[0];
        const problems = compareSchemas(theirBody, myOp.requestBody?.content?.[media]?.schema, `${key} request`, true);
        check(`${key}: the request body (${media}) has ING's members, required members and enums`,
          problems.length === 0, problems.join('; '));
      }

      // Responses.
      for (const status of theirStatuses) {
        const theirs = ingResponse(api, theirOp.responses[status]);
        const myResponse = myOp.responses[status];
        if (!myResponse) continue;
        const success = status.startsWith('2');
        if (success) {
          // Swagger 2.0: the operation's `produces` (the first one) is the success body's type.
          const media = api === 'oauth' ? 'application/json'
            : (theirOp.produces ?? spec.produces ?? ['application/json'])[0];
          const opaque = OPAQUE_IN_ING[`${key} ${status}`];
          if (opaque) {
            check(`${key} ${status}: ours documents a ${media} body`, Boolean(ourSchema(myResponse, media)),
              `no ${media} content`);
            note(`${key} ${status}: ${opaque}`);
          }
          const problems = theirs.schema && !opaque
            ? compareSchemas(theirs.schema, ourSchema(myResponse, media), `${key} ${status}`, true)
            : [];
          if (theirs.schema && !opaque) {
            check(`${key} ${status}: the success body (${media}) has ING's members, required members and enums`,
              problems.length === 0, problems.join('; '));
          }
          const headers = Object.keys(theirs.headers).filter((h) => !myResponse.headers?.[h] && !HEADERS_NOT_SENT[h]);
          check(`${key} ${status}: ING's response headers are documented`, headers.length === 0, headers.join(', '));
          for (const h of Object.keys(theirs.headers).filter((h) => HEADERS_NOT_SENT[h])) {
            note(`${key} ${status}: ${h} not sent (${HEADERS_NOT_SENT[h]})`);
          }
        } else if (theirs.schema) {
          const mySchema = ourSchema(myResponse);
          if (isTppMessages(theirs.schema)) {
            const envelope = compareSchemas({ ...theirs.schema, properties: {} }, mySchema, `${key} ${status}`, false);
            const message = compareSchemas(theirs.schema.properties.tppMessages.items,
              mySchema?.properties?.tppMessages?.items, `${key} ${status} tppMessages[]`, true);
            check(`${key} ${status}: the error body is ING's TPPMessages (same TPPMessage codes, categories, ` +
              'required members)', envelope.length === 0 && message.length === 0, [...envelope, ...message].join('; '));
          } else {
            const problems = compareSchemas(theirs.schema, mySchema, `${key} ${status}`, false);
            check(`${key} ${status}: the error body has the members ING's requires`, problems.length === 0,
              problems.join('; '));
          }
        }
      }
    }
  }
}
note('statuses documented beyond ING\'s files:');
for (const [reason, operations] of [...extraNotes].sort()) note(`  ${reason}: ${operations.join(', ')}`);
check(`operations compared with ING's files (${compared})`, compared >= 28, `${compared}`);
process.exit(failures === 0 ? 0 : 1);
