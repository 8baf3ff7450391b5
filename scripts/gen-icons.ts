/**
 * Draws Warp's icons without any download or image library: the app icon (build/icon.png, which
 * electron-builder converts for dmg/nsis/AppImage) and the tray icons (resources/tray/<state>.png and
 * <state>@2x.png, one per tray state of src/main/tray-model.ts, and <state>-on-dark*.png for dark panels). Shapes are signed-distance functions sampled
 * 4×4 per pixel for anti-aliasing; the PNG encoder is zlib + CRC-32 from node:zlib.
 *
 *   npm exec -- node scripts/gen-icons.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

type Rgba = readonly [number, number, number, number];
/** A layer: coverage test in unit coordinates (0..1 both axes, y down) and its colour. */
interface Layer {
  inside: (x: number, y: number) => boolean;
  color: Rgba;
}

const root = path.resolve(import.meta.dirname, '..');

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** Encodes RGBA pixels (row-major, 4 bytes each) as a PNG (colour type 6, filter 0 on every row). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Rasterises layers (later ones on top) with 4×4 supersampling and straight-alpha "over" compositing. */
function render(size: number, layers: readonly Layer[]): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  const ss = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = (px + (sx + 0.5) / ss) / size;
          const y = (py + (sy + 0.5) / ss) / size;
          let cr = 0,
            cg = 0,
            cb = 0,
            ca = 0;
          for (const l of layers) {
            if (!l.inside(x, y)) continue;
            const la = l.color[3] / 255;
            const na = la + ca * (1 - la);
            if (na > 0) {
              cr = (l.color[0] * la + cr * ca * (1 - la)) / na;
              cg = (l.color[1] * la + cg * ca * (1 - la)) / na;
              cb = (l.color[2] * la + cb * ca * (1 - la)) / na;
            }
            ca = na;
          }
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const o = (py * size + px) * 4;
      const n = ss * ss;
      out[o + 3] = Math.round((a / n) * 255);
      if (a > 0) {
        out[o] = Math.round(r / a);
        out[o + 1] = Math.round(g / a);
        out[o + 2] = Math.round(b / a);
      }
    }
  }
  return out;
}

const circle = (cx: number, cy: number, rad: number) => (x: number, y: number) =>
  (x - cx) ** 2 + (y - cy) ** 2 <= rad * rad;
const roundedSquare = (inset: number, rad: number) => (x: number, y: number) => {
  const dx = Math.max(Math.abs(x - 0.5) - (0.5 - inset - rad), 0);
  const dy = Math.max(Math.abs(y - 0.5) - (0.5 - inset - rad), 0);
  return dx * dx + dy * dy <= rad * rad;
};
const rect = (x0: number, y0: number, x1: number, y1: number) => (x: number, y: number) =>
  x >= x0 && x <= x1 && y >= y0 && y <= y1;
/** A chevron pointing right ("›"), the Warp mark: two thick strokes meeting at (tipX, 0.5). */
const chevron = (x0: number, tipX: number, half: number, thick: number) => (x: number, y: number) => {
  const seg = (ax: number, ay: number, bx: number, by: number) => {
    const vx = bx - ax,
      vy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
    return Math.hypot(x - (ax + t * vx), y - (ay + t * vy)) <= thick / 2;
  };
  return seg(x0, 0.5 - half, tipX, 0.5) || seg(tipX, 0.5, x0, 0.5 + half);
};

const WHITE: Rgba = [255, 255, 255, 255];
const BLUE: Rgba = [37, 99, 235, 255];
const TRAY_COLORS: Record<string, Rgba> = {
  idle: [100, 116, 139, 255],
  active: BLUE,
  paused: [217, 119, 6, 255],
  error: [220, 38, 38, 255],
};

/** The same states drawn for a dark panel (src/main/tray-theme.ts picks): lighter discs, a dark glyph. */
const TRAY_COLORS_ON_DARK: Record<string, Rgba> = {
  idle: [203, 213, 225, 255],
  active: [96, 165, 250, 255],
  paused: [251, 191, 36, 255],
  error: [248, 113, 113, 255],
};
const INK: Rgba = [15, 23, 42, 255];

function trayLayers(state: string, onDark = false): Layer[] {
  const base: Layer = { inside: circle(0.5, 0.5, 0.47), color: (onDark ? TRAY_COLORS_ON_DARK : TRAY_COLORS)[state]! };
  const glyph = onDark ? INK : WHITE;
  if (state === 'paused')
    return [
      base,
      { inside: rect(0.33, 0.28, 0.44, 0.72), color: glyph },
      { inside: rect(0.56, 0.28, 0.67, 0.72), color: glyph },
    ];
  if (state === 'error')
    return [
      base,
      { inside: rect(0.44, 0.22, 0.56, 0.6), color: glyph },
      { inside: circle(0.5, 0.74, 0.065), color: glyph },
    ];
  if (state === 'active')
    return [
      base,
      { inside: chevron(0.26, 0.5, 0.2, 0.11), color: glyph },
      { inside: chevron(0.48, 0.72, 0.2, 0.11), color: glyph },
    ];
  return [base, { inside: chevron(0.38, 0.62, 0.22, 0.12), color: glyph }];
}

function write(rel: string, size: number, layers: Layer[]): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodePng(size, size, render(size, layers)));
  console.log(`${rel} (${size}×${size})`);
}

if (import.meta.main) {
  write('build/icon.png', 512, [
    { inside: roundedSquare(0.06, 0.2), color: BLUE },
    { inside: chevron(0.24, 0.5, 0.22, 0.1), color: WHITE },
    { inside: chevron(0.46, 0.72, 0.22, 0.1), color: WHITE },
  ]);
  for (const state of Object.keys(TRAY_COLORS)) {
    write(`resources/tray/${state}.png`, 16, trayLayers(state));
    write(`resources/tray/${state}@2x.png`, 32, trayLayers(state));
    write(`resources/tray/${state}-on-dark.png`, 16, trayLayers(state, true));
    write(`resources/tray/${state}-on-dark@2x.png`, 32, trayLayers(state, true));
  }
  write('resources/icon.png', 256, [
    { inside: roundedSquare(0.06, 0.2), color: BLUE },
    { inside: chevron(0.24, 0.5, 0.22, 0.1), color: WHITE },
    { inside: chevron(0.46, 0.72, 0.22, 0.1), color: WHITE },
  ]);
}
