/**
 * Sync modes (send-only, receive-only) and selective sync against a real `warp listen` peer on 127.0.0.1. The
 * peer's side of the folder is edited directly on its disk, as another machine's sync would leave it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manager, read, setup } from './sync-helpers.ts';
import { warp } from '../helpers/cli.ts';
import { peerIdOf } from '../transfer/peers.ts';
import { incomingSyncDto } from '../../src/engine/service/sync-host.ts';
import type { IncomingSync } from '../../src/engine/sync/incoming.ts';

const write = (file: string, data: string): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
};
const text = (file: string): string | undefined => read(file)?.toString();
const versionsOf = (folder: string): string[] =>
  fs.existsSync(path.join(folder, '.warp-versions'))
    ? (fs.readdirSync(path.join(folder, '.warp-versions'), { recursive: true }) as string[])
    : [];

describe('sync modes against a real warp listen peer', () => {
  it("send-only: this folder's edits and deletions reach the peer; the peer's edits, deletions and new files are held, never overwritten or brought here", async () => {
    const s = await setup({ 'a.txt': 'A\n', 'b.txt': 'B\n', 'c.txt': 'C\n' });
    const { m } = manager(s);
    const job = m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox', mode: 'send-only' });
    await m.start();
    await m.syncNow(job.id);
    expect(text(path.join(s.peerFolder, 'c.txt'))).toBe('C\n');

    write(path.join(s.peerFolder, 'a.txt'), 'edited on the peer\n');
    fs.rmSync(path.join(s.peerFolder, 'b.txt'));
    write(path.join(s.peerFolder, 'p.txt'), 'new on the peer\n');
    write(path.join(s.folder, 'c.txt'), 'C, edited here\n');
    const st = await m.syncNow(job.id);
    expect(st.state).toBe('idle');
    expect(text(path.join(s.peerFolder, 'c.txt'))).toBe('C, edited here\n');
    expect(text(path.join(s.peerFolder, 'a.txt'))).toBe('edited on the peer\n');
    expect(fs.existsSync(path.join(s.peerFolder, 'b.txt'))).toBe(false);
    expect(text(path.join(s.folder, 'a.txt'))).toBe('A\n');
    expect(text(path.join(s.folder, 'b.txt'))).toBe('B\n');
    expect(fs.existsSync(path.join(s.folder, 'p.txt'))).toBe(false);
    expect(st.held).toBe(3);

    // Held again on the next sync (the snapshot kept what both sides agreed on), and a local deletion goes out.
    fs.rmSync(path.join(s.folder, 'c.txt'));
    const st2 = await m.syncNow(job.id);
    expect(fs.existsSync(path.join(s.peerFolder, 'c.txt'))).toBe(false);
    expect(versionsOf(s.peerFolder).some((v) => v.startsWith('c~'))).toBe(true);
    expect(text(path.join(s.peerFolder, 'a.txt'))).toBe('edited on the peer\n');
    expect(text(path.join(s.folder, 'a.txt'))).toBe('A\n');
    expect(st2.held).toBe(3);
    expect(st2.lastPush?.deleted).toBe(1);

    // The receiving machine lists the folder by this machine's id, in its mirrored mode, with what moved.
    const list = warp(['--json', 'sync', 'list'], { home: s.homeB });
    expect(list.status, list.stderr).toBe(0);
    const rows = list.json.filter((e) => e.type === 'sync.incoming') as unknown as IncomingSync[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      peer: peerIdOf(s.homeA),
      job: job.id,
      dest: '/inbox/photos',
      folder: s.peerFolder,
      mode: 'receive-only',
      state: 'idle',
      moved: { deleted: 1, held: 3 }, // a later sync that moved nothing keeps this as what moved
    });
    const dto = incomingSyncDto(rows[0]);
    expect(dto).toMatchObject({ direction: 'in', mode: 'receive-only', localPath: s.peerFolder });
    expect(dto.lastPushLine).toMatch(/deleted 1 here, 3 held by the mode, .* on the wire/);
    expect(warp(['sync', 'list'], { home: s.homeB }).stdout).toMatch(/^in {2}.*photos <- .* receive-only here/m);
    await s.listener.stop();
  }, 120_000);

  it("receive-only: the peer's files, edits and deletions come here; local edits, new files and deletions are held, never pushed", async () => {
    const s = await setup({ 'a.txt': 'local A\n', 'mine.txt': 'mine\n' });
    write(path.join(s.peerFolder, 'a.txt'), 'peer A, longer\n');
    write(path.join(s.peerFolder, 'b.txt'), 'peer B\n');
    write(path.join(s.peerFolder, 'keep.txt'), 'keep\n');
    const { m, events } = manager(s);
    const job = m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox', mode: 'receive-only' });
    await m.start();
    const st = await m.syncNow(job.id);
    expect(st.state).toBe('idle');
    expect(text(path.join(s.folder, 'b.txt'))).toBe('peer B\n');
    // A file both sides hold differently: the peer's copy wins here, the local one is kept as a conflict copy.
    expect(text(path.join(s.folder, 'a.txt'))).toBe('peer A, longer\n');
    const kept = fs.readdirSync(s.folder).find((n) => n.startsWith('a.txt.conflict-'));
    expect(kept && text(path.join(s.folder, kept))).toBe('local A\n');
    expect(events.some((e) => e.type === 'sync.conflict' && e.winner === 'remote')).toBe(true);
    // Nothing went to the peer.
    expect(fs.existsSync(path.join(s.peerFolder, 'mine.txt'))).toBe(false);
    expect(fs.readdirSync(s.peerFolder).some((n) => n.includes('.conflict-'))).toBe(false);
    expect(st.lastPush?.pulled).toBe(2);

    fs.rmSync(path.join(s.peerFolder, 'b.txt'));
    fs.rmSync(path.join(s.folder, 'keep.txt'));
    write(path.join(s.folder, 'mine.txt'), 'mine, edited\n');
    const st2 = await m.syncNow(job.id);
    expect(fs.existsSync(path.join(s.folder, 'b.txt'))).toBe(false);
    expect(versionsOf(s.folder).some((v) => v.startsWith('b~'))).toBe(true);
    // The local deletion is held: the peer keeps its file, and it is not pulled back here either.
    expect(text(path.join(s.peerFolder, 'keep.txt'))).toBe('keep\n');
    expect(fs.existsSync(path.join(s.folder, 'keep.txt'))).toBe(false);
    expect(fs.existsSync(path.join(s.peerFolder, 'mine.txt'))).toBe(false);
    expect(st2.held).toBeGreaterThanOrEqual(3); // mine.txt, keep.txt, the conflict copy
    const st3 = await m.syncNow(job.id);
    expect(fs.existsSync(path.join(s.folder, 'keep.txt'))).toBe(false);
    expect(st3.held).toBe(st2.held);
    await s.listener.stop();
  }, 120_000);

  it('selective sync: only the chosen subfolders move, both ways; the rest stays untouched on both sides', async () => {
    const s = await setup({ 'docs/a.txt': 'a\n', 'photos/p.bin': 'p\n', 'top.txt': 'top\n' });
    write(path.join(s.peerFolder, 'docs/old.txt'), 'old\n');
    write(path.join(s.peerFolder, 'music/m.txt'), 'm\n');
    const { m } = manager(s);
    const job = m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox', only: ['docs/'] });
    expect(job.only).toEqual(['docs']);
    await m.start();
    await m.syncNow(job.id);
    expect(text(path.join(s.peerFolder, 'docs/a.txt'))).toBe('a\n');
    expect(text(path.join(s.folder, 'docs/old.txt'))).toBe('old\n');
    expect(fs.existsSync(path.join(s.peerFolder, 'photos'))).toBe(false);
    expect(fs.existsSync(path.join(s.peerFolder, 'top.txt'))).toBe(false);
    expect(fs.existsSync(path.join(s.folder, 'music'))).toBe(false);

    // Deleting outside the chosen folders is not a sync deletion on either side.
    fs.rmSync(path.join(s.folder, 'photos'), { recursive: true });
    fs.rmSync(path.join(s.peerFolder, 'docs/old.txt'));
    const st = await m.syncNow(job.id);
    expect(fs.existsSync(path.join(s.folder, 'docs/old.txt'))).toBe(false);
    expect(text(path.join(s.peerFolder, 'music/m.txt'))).toBe('m\n');
    expect(st.guard).toBeUndefined();
    expect(() => m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/other', only: ['../escape'] })).toThrow(
      /subfolders inside the synced folder/,
    );
    await s.listener.stop();
  }, 120_000);

  it('an invalid pattern in a .warpignore stops the sync with E_IGNORE_INVALID naming the file and line; nothing moves until fixed', async () => {
    const s = await setup({ 'a.txt': 'a\n', 'sub/b.txt': 'b\n', 'sub/.warpignore': '# fine\n*.tmp\n[z-a]\n' });
    const { m } = manager(s);
    const job = m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox' });
    await m.start();
    const st = await m.syncNow(job.id);
    expect(st.state).toBe('error');
    expect(st.lastErrorCode).toBe('E_IGNORE_INVALID');
    expect(st.lastError).toContain(`${path.join(s.folder, 'sub', '.warpignore')}:3`);
    expect(fs.existsSync(path.join(s.peerFolder, 'a.txt'))).toBe(false);
    fs.writeFileSync(path.join(s.folder, 'sub', '.warpignore'), '*.tmp\n');
    const fixed = await m.syncNow(job.id);
    expect(fixed.state).toBe('idle');
    expect(text(path.join(s.peerFolder, 'sub/b.txt'))).toBe('b\n');
    await s.listener.stop();
  }, 120_000);
});
