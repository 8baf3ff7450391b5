/** `--json` event lines go out in blocks (src/cli/render/json-lines.ts): every line once, in order, none held long. */
import { describe, expect, it } from 'vitest';
import { JsonLines } from '../../src/cli/render/json-lines.ts';

describe('json lines in blocks', () => {
  it('writes nothing per line, then every line in order on flush', () => {
    const blocks: string[] = [];
    const j = new JsonLines((b) => blocks.push(b));
    for (let i = 0; i < 10; i++) j.push(JSON.stringify({ i }));
    expect(blocks).toEqual([]);
    j.flush();
    expect(blocks).toHaveLength(1);
    expect(blocks[0].split('\n').map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([...Array(10).keys()]);
    j.flush();
    expect(blocks).toHaveLength(1); // nothing left: no empty block
  });

  it('a block goes out once it passes 64 KiB, and a lone line after a short delay', async () => {
    const blocks: string[] = [];
    const j = new JsonLines((b) => blocks.push(b));
    const line = JSON.stringify({ pad: 'x'.repeat(1000) });
    for (let i = 0; i < 70; i++) j.push(line);
    expect(blocks).toHaveLength(1);
    expect(blocks[0].split('\n').length).toBeLessThan(70);
    const before = blocks[0].split('\n').length;
    await new Promise((r) => setTimeout(r, 300)); // the 50 ms delay, with room for a loaded machine
    expect(blocks).toHaveLength(2);
    expect(before + blocks[1].split('\n').length).toBe(70);
  });
});
