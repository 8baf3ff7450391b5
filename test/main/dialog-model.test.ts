import { describe, expect, it } from 'vitest';
import { openDialogPlan, parsePickRequest, pickedPath } from '../../src/main/dialog-model.ts';

describe('dialog model', () => {
  it('a folder dialog may create folders; a file dialog offers the extensions and all files', () => {
    expect(openDialogPlan({ kind: 'folder', defaultPath: '/home/u' })).toEqual({
      title: 'Choose a folder',
      defaultPath: '/home/u',
      buttonLabel: 'Choose',
      properties: ['openDirectory', 'createDirectory'],
    });
    expect(openDialogPlan({ kind: 'file', extensions: ['warp'], title: 'Open an archive' })).toEqual({
      title: 'Open an archive',
      buttonLabel: 'Open',
      properties: ['openFile'],
      filters: [
        { name: '.warp', extensions: ['warp'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
  });

  it('refuses odd requests from the page', () => {
    expect(() => parsePickRequest(null)).toThrow(/request object/);
    expect(() => parsePickRequest({ kind: 'save' })).toThrow(/kind/);
    expect(() => parsePickRequest({ kind: 'folder', defaultPath: 'relative/p' })).toThrow(/absolute/);
    expect(() => parsePickRequest({ kind: 'file', extensions: ['.warp'] })).toThrow(/no dot/);
    expect(() => parsePickRequest({ kind: 'file', title: 'x'.repeat(201) })).toThrow(/short/);
    expect(parsePickRequest({ kind: 'file', extensions: ['warp'], defaultPath: '', extra: 1 })).toEqual({
      kind: 'file',
      extensions: ['warp'],
    });
  });

  it('a cancelled dialog picks nothing; otherwise the first path', () => {
    expect(pickedPath({ canceled: true, filePaths: ['/a'] })).toBeUndefined();
    expect(pickedPath({ canceled: false, filePaths: [] })).toBeUndefined();
    expect(pickedPath({ canceled: false, filePaths: ['/a', '/b'] })).toBe('/a');
  });
});
