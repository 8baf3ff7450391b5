import { describe, expect, it } from 'vitest';
import { MAX_PENDING_OPENS, OpenQueue, archivesInArgv } from '../../src/main/open-file-model.ts';

describe('archivesInArgv', () => {
  it('takes .warp arguments after the executable, resolved from the working folder, once each', () => {
    const argv = ['/opt/Warp/warp-desktop', '--hidden', 'photos.warp', '/data/b.WARP', 'notes.txt', 'photos.warp'];
    expect(archivesInArgv(argv, '/home/me', 'linux')).toEqual(['/home/me/photos.warp', '/data/b.WARP']);
  });

  it('skips the app folder of a development run and Chromium switches', () => {
    const argv = ['/usr/bin/electron', '.', '--allow-file-access-from-files', '--x=a.warp', '/tmp/a.warp'];
    expect(archivesInArgv(argv, '/repo', 'linux')).toEqual(['/tmp/a.warp']);
  });

  it('reads file:// URIs (a Linux desktop entry passes %U) and ignores other schemes', () => {
    const argv = ['warp', 'file:///home/me/My%20Archive.warp', 'https://example.com/x.warp', 'warp://a.warp'];
    expect(archivesInArgv(argv, '/', 'linux')).toEqual(['/home/me/My Archive.warp']);
  });

  it('resolves Windows paths the Windows way, drive letters are not URI schemes', () => {
    const argv = ['C:\\Program Files\\Warp\\Warp.exe', 'C:\\Users\\me\\a.warp', 'b.warp'];
    expect(archivesInArgv(argv, 'D:\\work', 'win32')).toEqual(['C:\\Users\\me\\a.warp', 'D:\\work\\b.warp']);
  });

  it('the executable itself never counts, even when it ends in .warp', () => {
    expect(archivesInArgv(['/odd/name.warp'], '/', 'linux')).toEqual([]);
  });
});

describe('OpenQueue', () => {
  it('holds paths until taken, once each, and says when something new arrived', () => {
    const q = new OpenQueue();
    expect(q.push(['/a.warp'])).toBe(true);
    expect(q.push(['/a.warp'])).toBe(false);
    expect(q.push(['/b.warp', '/a.warp'])).toBe(true);
    expect(q.take()).toEqual(['/a.warp', '/b.warp']);
    expect(q.take()).toEqual([]);
    expect(q.push(['/a.warp'])).toBe(true);
  });

  it('is bounded: a burst keeps the first paths', () => {
    const q = new OpenQueue();
    q.push(Array.from({ length: MAX_PENDING_OPENS + 10 }, (_, i) => `/f${i}.warp`));
    expect(q.size).toBe(MAX_PENDING_OPENS);
    expect(q.take()[0]).toBe('/f0.warp');
  });
});
