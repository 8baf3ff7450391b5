import { describe, expect, it } from 'vitest';
import { autostartEntry, HIDDEN_FLAG, planLoginItem, startedHidden } from '../../src/main/login-item.ts';

const base = { startAtLogin: true, isPackaged: true, execPath: '/opt/Warp/warp', configHome: '/home/me/.config' };

describe('start at login', () => {
  it('never registers a development build', () => {
    expect(planLoginItem({ ...base, isPackaged: false, platform: 'darwin' })).toMatchObject({ kind: 'skip' });
  });

  it('macOS and Windows: Electron login item, opened hidden; turning it off unregisters', () => {
    expect(planLoginItem({ ...base, platform: 'darwin' })).toEqual({
      kind: 'electron',
      settings: { openAtLogin: true, args: [HIDDEN_FLAG] },
    });
    expect(planLoginItem({ ...base, platform: 'win32', startAtLogin: false })).toEqual({
      kind: 'electron',
      settings: { openAtLogin: false, args: [HIDDEN_FLAG] },
    });
  });

  it('Linux: an XDG autostart entry, pointing at the AppImage when running from one', () => {
    const p = planLoginItem({ ...base, platform: 'linux', appImage: '/home/me/Apps/Warp 1.0.AppImage' });
    expect(p).toMatchObject({ kind: 'xdg-autostart', enable: true, file: '/home/me/.config/autostart/warp.desktop' });
    if (p.kind !== 'xdg-autostart') throw new Error('unreachable');
    expect(p.contents).toContain('Exec="/home/me/Apps/Warp 1.0.AppImage" --hidden\n');
    expect(planLoginItem({ ...base, platform: 'linux', startAtLogin: false })).toMatchObject({
      kind: 'xdg-autostart',
      enable: false,
    });
  });

  it('quotes Exec arguments per the Desktop Entry spec', () => {
    expect(autostartEntry('/opt/Warp/warp')).toContain('Exec=/opt/Warp/warp --hidden');
    expect(autostartEntry('/o/a"b$c')).toContain('Exec="/o/a\\"b\\$c" --hidden');
    expect(autostartEntry('/x').startsWith('[Desktop Entry]\nType=Application\n')).toBe(true);
  });

  it('knows when it was started at login', () => {
    expect(startedHidden(['/opt/Warp/warp', '--hidden'])).toBe(true);
    expect(startedHidden(['/opt/Warp/warp'])).toBe(false);
    expect(startedHidden(['/Applications/Warp.app/Contents/MacOS/Warp'], true)).toBe(true);
  });
});
