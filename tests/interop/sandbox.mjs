// Shared by the Node.js client scripts: a fresh Sandbank (`serve` on free ports in a temporary
// data directory), its certificates, and TAP-like checks.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Runs body({ api, web, certs, read }) against a fresh sandbox and exits 0 when every check
// passed, 1 otherwise (also when body throws).
export async function runAgainstSandbank(binary, name, body) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `sandbank-${name}-`));
  const ready = path.join(tmp, 'ready.json');
  const server = spawn(binary, ['serve', '--data', path.join(tmp, 'data'), '--api-listen',
    '127.0.0.1:0', '--web-listen', '127.0.0.1:0', '--ready-file', ready, '--threads', '2'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let serverErr = '';
  server.stderr.on('data', (d) => { serverErr += d; });
  try {
    for (let i = 0; i < 300 && !fs.existsSync(ready); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!fs.existsSync(ready)) throw new Error(`sandbank did not start:\n${serverErr}`);
    const { api, web } = JSON.parse(fs.readFileSync(ready, 'utf8'));
    const certs = path.join(tmp, 'data', 'certs');
    const read = (file) => fs.readFileSync(path.join(certs, file), 'utf8');
    await body({ api, web, certs, read });
  } catch (e) {
    console.error(e);
    failures++;
  } finally {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.on('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(failures === 0 ? 0 : 1);
}

let failures = 0;
export function check(name, ok, detail) {
  console.log(`${ok ? 'ok' : 'FAILED'} - ${name}${ok ? '' : `: ${detail}`}`);
  if (!ok) failures++;
}
