/** `warp fetch` against a hostile listener: crafted manifests and frames end with a clear error and its exit code. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

const HELPER = path.resolve(import.meta.dirname, '../helpers/hostile-listener.ts');
const procs: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const p of procs.splice(0)) p.kill('SIGKILL');
});

async function hostileListener(kind: string): Promise<string> {
  const p = spawn(process.execPath, [HELPER, tmpDir(), kind], { stdio: ['ignore', 'pipe', 'inherit'] });
  procs.push(p);
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    p.once('exit', (c) => reject(new Error(`hostile listener exited ${c}`)));
  });
  const { peerId, port } = JSON.parse(line) as { peerId: string; port: number };
  return `${peerId}@127.0.0.1:${port}`;
}

describe('warp fetch against a hostile listener', () => {
  it('a 30,000-level path in the manifest: a clear error (E_UNSAFE_PATH, exit 7) and nothing written', async () => {
    const addr = await hostileListener('deep');
    const out = path.join(tmpDir(), 'o');
    const r = warp(['fetch', `${addr}:/x`, out], { home: tmpDir() });
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr).toMatch(/E_UNSAFE_PATH|E_MANIFEST_CORRUPT/);
    expect([3, 7]).toContain(r.status);
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
  }, 60_000);

  it('header fields of the wrong type: E_PROTOCOL (exit 8), never E_INTERNAL or a folder named [object Object]', async () => {
    const addr = await hostileListener('object-path');
    const out = path.join(tmpDir(), 'o');
    const r = warp(['fetch', `${addr}:/x`, out], { home: tmpDir() });
    expect(r.stderr).toMatch(/E_PROTOCOL/);
    expect(r.stderr).not.toMatch(/E_INTERNAL|\n\s+at /);
    expect(r.status).toBe(8);
    expect(fs.existsSync(path.join(out, '[object Object]'))).toBe(false);
  }, 60_000);

  it('a batched chunk answer carrying more answers than were asked for: E_PROTOCOL (exit 8), nothing written', async () => {
    const addr = await hostileListener('extra-answers');
    const out = path.join(tmpDir(), 'o');
    const r = warp(['fetch', `${addr}:/x`, out], { home: tmpDir() });
    expect(r.stderr).toMatch(/E_PROTOCOL/);
    expect(r.stderr).toMatch(/nobody asked for/);
    expect(r.stderr).not.toMatch(/E_INTERNAL|\n\s+at /);
    expect(r.status).toBe(8);
    expect(fs.existsSync(path.join(out, 'x', 'f'))).toBe(false);
  }, 60_000);

  it('a sender that dies halfway through sending the manifest: a clear error with a stable code, nothing written', async () => {
    const addr = await hostileListener('half-manifest');
    const out = path.join(tmpDir(), 'o');
    const r = warp(['--json', 'fetch', `${addr}:/x`, out], { home: tmpDir() });
    expect(r.stderr).not.toMatch(/E_INTERNAL|\n\s+at /);
    // Which the fetch notices first, the stream or the connection ending, varies: either is E_PEER_UNREACHABLE.
    expect(r.stderr).toMatch(/E_PEER_UNREACHABLE.*(manifest|connection .* was lost)/);
    expect(r.status).toBe(8);
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
  }, 60_000);
});
