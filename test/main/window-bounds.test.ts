import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIZE,
  MIN_SIZE,
  parseBounds,
  readBounds,
  restoreBounds,
  writeBounds,
} from '../../src/main/window-bounds.ts';
import { tmpDir } from '../helpers/tmp.ts';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const external = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('window bounds', () => {
  it('first start: the default size, placed by the OS', () => {
    expect(restoreBounds(undefined, [laptop])).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
  });

  it('restores position and size when the window is still on a display', () => {
    expect(restoreBounds({ x: 1600, y: 100, width: 1400, height: 900, maximized: true }, [laptop, external])).toEqual({
      bounds: { x: 1600, y: 100, width: 1400, height: 900 },
      maximized: true,
    });
  });

  it('a monitor unplugged since: keeps the size, drops the position', () => {
    expect(restoreBounds({ x: 1600, y: 100, width: 1400, height: 800, maximized: false }, [laptop])).toEqual({
      bounds: { width: 1400, height: 800 },
      maximized: false,
    });
    expect(restoreBounds({ x: 100, y: -500, width: 900, height: 600, maximized: false }, [laptop]).bounds).toEqual({
      width: 900,
      height: 600,
    });
  });

  it('clamps the size to the minimum and to the largest display', () => {
    expect(restoreBounds({ x: 10, y: 10, width: 100, height: 50, maximized: false }, [laptop]).bounds).toEqual({
      x: 10,
      y: 10,
      ...MIN_SIZE,
    });
    expect(restoreBounds({ x: 10, y: 10, width: 9000, height: 9000, maximized: false }, [laptop]).bounds).toEqual({
      x: 10,
      y: 10,
      width: 1440,
      height: 875,
    });
  });

  it('ignores unusable saved files instead of failing', () => {
    expect(parseBounds('not json')).toBeUndefined();
    expect(parseBounds('{"x":1,"y":2,"width":"big","height":3}')).toBeUndefined();
    expect(parseBounds('null')).toBeUndefined();
    expect(parseBounds('{"x":1.4,"y":2,"width":800,"height":600}')).toEqual({
      x: 1,
      y: 2,
      width: 800,
      height: 600,
      maximized: false,
    });
  });

  it('round-trips through its file, and a missing file reads as nothing', () => {
    const f = path.join(tmpDir(), 'sub', 'window-bounds.json');
    expect(readBounds(f)).toBeUndefined();
    writeBounds(f, { x: 5, y: 6, width: 1000, height: 700, maximized: true });
    expect(readBounds(f)).toEqual({ x: 5, y: 6, width: 1000, height: 700, maximized: true });
  });
});
