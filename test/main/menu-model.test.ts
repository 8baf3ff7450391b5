import { describe, expect, it } from 'vitest';
import { applicationMenu, type MenuItemModel } from '../../src/main/menu-model.ts';
import { COMMANDS, matchesKey } from '../../src/shared/commands.ts';

const flat = (items: MenuItemModel[]): MenuItemModel[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])]);

describe('application menu', () => {
  it('a production build has no Reload or developer tools; a development build has them', () => {
    const prod = flat(applicationMenu({ platform: 'linux', dev: false }));
    expect(prod.some((i) => i.role === 'reload' || i.role === 'toggleDevTools')).toBe(false);
    const dev = flat(applicationMenu({ platform: 'linux', dev: true }));
    expect(dev.filter((i) => i.role === 'reload' || i.role === 'toggleDevTools')).toHaveLength(2);
  });

  it('every command is in the menu once, with its shortcut', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const items = flat(applicationMenu({ platform, dev: false })).filter((i) => i.command);
      for (const c of COMMANDS) {
        const hits = items.filter((i) => i.command === c.command);
        expect(hits, `${platform} ${c.command}`).toHaveLength(1);
        expect(hits[0].accelerator).toBe(c.accelerator);
      }
    }
  });

  it('has the platform shape: an app menu and Window on macOS, Quit and Settings under File elsewhere', () => {
    const labels = (p: NodeJS.Platform) => applicationMenu({ platform: p, dev: false }).map((m) => m.label);
    expect(labels('darwin')).toEqual(['Warp', 'File', 'Edit', 'Go', 'Transfer', 'View', 'Window', 'Help']);
    expect(labels('linux')).toEqual(['File', 'Edit', 'Go', 'Transfer', 'View', 'Help']);
    const file = applicationMenu({ platform: 'win32', dev: false })[0].submenu!;
    expect(file.some((i) => i.role === 'quit')).toBe(true);
    expect(file.some((i) => i.command === 'page:settings')).toBe(true);
    // Copy and paste in text fields need the Edit roles.
    const edit = applicationMenu({ platform: 'linux', dev: false })[1].submenu!.map((i) => i.role);
    expect(edit).toEqual(expect.arrayContaining(['copy', 'paste', 'cut', 'selectAll', 'undo']));
  });

  it('no two commands share a key, in the menu or in the page', () => {
    expect(new Set(COMMANDS.map((c) => c.accelerator)).size).toBe(COMMANDS.length);
    expect(new Set(COMMANDS.map((c) => c.webKey)).size).toBe(COMMANDS.length);
  });
});

describe('matchesKey', () => {
  const ev = (
    key: string,
    mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {},
    code?: string,
  ) => ({
    key,
    code,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...mods,
  });
  it('CmdOrCtrl is Ctrl off macOS and ⌘ on it; extra modifiers do not match', () => {
    expect(matchesKey('CmdOrCtrl+O', ev('o', { ctrlKey: true }), false)).toBe(true);
    expect(matchesKey('CmdOrCtrl+O', ev('o', { metaKey: true }), false)).toBe(false);
    expect(matchesKey('CmdOrCtrl+O', ev('o', { metaKey: true }), true)).toBe(true);
    expect(matchesKey('CmdOrCtrl+O', ev('o', { ctrlKey: true, shiftKey: true }), false)).toBe(false);
    expect(matchesKey('CmdOrCtrl+,', ev(',', { ctrlKey: true }), false)).toBe(true);
  });
  it('digits and letters with Shift/Alt held match by the physical key', () => {
    expect(matchesKey('Alt+Shift+2', ev('@', { altKey: true, shiftKey: true }, 'Digit2'), false)).toBe(true);
    expect(matchesKey('Alt+Shift+N', ev('Ñ', { altKey: true, shiftKey: true }, 'KeyN'), false)).toBe(true);
    expect(matchesKey('Alt+Shift+2', ev('2', { altKey: true }, 'Digit2'), false)).toBe(false);
  });
});

describe('application menu language', () => {
  it('speaks the chosen language from the shared catalogues, commands and roles alike', () => {
    const de = flat(applicationMenu({ platform: 'linux', dev: false, language: 'de' }));
    expect(applicationMenu({ platform: 'linux', dev: false, language: 'de' }).map((m) => m.label)).toEqual([
      'Datei',
      'Bearbeiten',
      'Gehe zu',
      'Übertragung',
      'Darstellung',
      'Hilfe',
    ]);
    expect(de.find((i) => i.command === 'open-archive')?.label).toBe('Archiv öffnen…');
    expect(de.find((i) => i.role === 'copy')?.label).toBe('Kopieren');
    expect(de.every((i) => i.separator || i.label)).toBe(true);
  });
});
