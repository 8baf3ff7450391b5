/**
 * `warp hub` with real processes: an owner publishes a share to a hub (`warp share create --publish`) and the
 * link works from the hub with no daemon of the owner running; the hub holds ciphertext only; only the owner's
 * token may publish, pause, extend or revoke there (a wrong token or none is refused, an id cannot be taken
 * over); the owner's `warp share pause|resume|extend|revoke` reach the hub.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { spawnWarp } from '../transfer/peers.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');

describe('warp hub: shares that work while the owner is off', () => {
  const w = tmpDir('warp-hub-');
  const owner = path.join(w, 'owner');
  const hubHome = path.join(w, 'hub-home');
  const client = path.join(w, 'client');
  const src = path.join(w, 'secret-plans');
  let hub: ChildProcess;
  let url = '';
  beforeAll(async () => {
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, 'plan.txt'), 'the confidential plan\n'.repeat(500));
    fs.writeFileSync(
      path.join(src, 'blob.bin'),
      Buffer.from(Array.from({ length: 1_500_000 }, (_, i) => (i * 13) & 0xff)),
    );
    // Its own process (spawnWarp's are killed after each test): the hub outlives the tests that use it.
    hub = spawn(process.execPath, [BIN, '--json', 'hub', '--port', '0'], {
      env: { ...process.env, WARP_HOME: hubHome },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const first = await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: hub.stdout! }).once('line', resolve);
      hub.once('exit', () => reject(new Error('warp hub exited')));
    });
    url = (JSON.parse(first) as { url: string }).url;
  });
  afterAll(async () => {
    if (hub && hub.exitCode === null) {
      const gone = new Promise((r) => hub.once('exit', r));
      hub.kill('SIGTERM');
      await gone;
    }
  });

  const fetchTo = (link: string, dir: string) => spawnWarp(client, ['fetch', link, dir]).done;
  const tree = (dir: string) =>
    Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]));

  it('publishes at create; the hub serves the link with the owner off; ciphertext only', async () => {
    const r = warp(['--json', 'share', 'create', src, '--publish', url, '--max-downloads', '5'], { home: owner });
    expect(r.status, r.stderr).toBe(0);
    const s = r.json.find((e) => e.type === 'share')!;
    expect(String(s.link)).toMatch(new RegExp(`^${url}/s/${String(s.id)}#`));
    expect(s.hubs).toEqual([url]);
    expect(JSON.stringify(r.json)).not.toContain('owner');
    const got = await fetchTo(String(s.link), path.join(w, 'o1'));
    expect(got.status, got.stderr).toBe(0);
    expect(tree(path.join(w, 'o1', 'secret-plans'))).toEqual(tree(src));
    const dir = path.join(hubHome, 'hub', 'shares', String(s.id));
    for (const f of fs.readdirSync(dir)) {
      const b = fs.readFileSync(path.join(dir, f));
      for (const word of ['confidential plan', 'secret-plans', 'plan.txt', String(s.link).split('#')[1]])
        expect(b.includes(word), `${f} holds '${word}'`).toBe(false);
    }
  });

  it("only the owner's token changes a share there; pause, extend, resume and revoke reach the hub", async () => {
    const r = warp(['--json', 'share', 'create', src, '--publish', url], { home: owner });
    expect(r.status, r.stderr).toBe(0);
    const s = r.json.find((e) => e.type === 'share')!;
    const id = String(s.id);
    const link = String(s.link);
    const bad = { authorization: `Warp-Owner ${'A'.repeat(43)}`, 'content-type': 'application/json' };
    for (const [method, p, body] of [
      ['POST', `/hub/${id}/state`, '{"state":"paused"}'],
      ['DELETE', `/hub/${id}`, undefined],
      ['PUT', `/hub/${id}/data`, 'x'],
    ] as const) {
      const a = await fetch(`${url}${p}`, { method, headers: bad, body });
      expect(a.status, `${method} ${p} with a wrong token`).toBe(method === 'PUT' ? 409 : 403);
      const none = await fetch(`${url}${p}`, { method, body });
      expect(none.status, `${method} ${p} with no token`).toBeGreaterThanOrEqual(403);
    }
    expect((await fetchTo(link, path.join(w, 'o2'))).status).toBe(0);

    expect(warp(['share', 'pause', id], { home: owner }).status).toBe(0);
    const paused = await fetchTo(link, path.join(w, 'o3'));
    expect(paused.status).toBe(8);
    expect(paused.stderr).toMatch(/paused/);
    expect(warp(['share', 'resume', id], { home: owner }).status).toBe(0);
    expect(warp(['share', 'extend', id, '--max-downloads', '1'], { home: owner }).status).toBe(0);
    const limited = await fetchTo(link, path.join(w, 'o4'));
    expect(limited.status).toBe(8);
    expect(limited.stderr).toMatch(/download limit/);
    expect(warp(['share', 'revoke', id], { home: owner }).status).toBe(0);
    expect(fs.existsSync(path.join(hubHome, 'hub', 'shares', id, 'data.bin'))).toBe(false);
    expect((await fetchTo(link, path.join(w, 'o5'))).stderr).toMatch(/revoked/);
  });

  it('refuses what is not a hub address and an unknown share; a hub that does not answer is exit 8', () => {
    expect(warp(['share', 'create', src, '--publish', 'ftp://x'], { home: owner }).status).toBe(2);
    expect(warp(['share', 'publish', 'AAAAAAAAAAAAAAAAAAAAAA', url], { home: owner }).status).toBe(2);
    const r = warp(['--json', 'share', 'create', src], { home: owner });
    const id = String(r.json.find((e) => e.type === 'share')!.id);
    const off = warp(['share', 'publish', id, 'http://127.0.0.1:9'], { home: owner });
    expect(off.status).toBe(8);
    expect(off.stderr).toMatch(/E_PEER_UNREACHABLE.*could not reach the hub/);
  });
});
