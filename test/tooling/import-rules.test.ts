/** The import rule checker (scripts/check-imports.ts) flags each kind of wrong arrow and passes the right ones. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, layerCycles } from '../../scripts/check-imports.ts';
import { ENGINE_LAYERS } from '../../scripts/import-rules.ts';

const src = path.resolve(import.meta.dirname, '../../src');
const check = (file: string, text: string): string[] => checkFile(path.join(src, file), text);

describe('import rule', () => {
  it('allows the arrows of ARCHITECTURE.md', () => {
    expect(check('engine/archive/x.ts', "import { a } from '../codec/blake3.ts';")).toEqual([]);
    expect(check('engine/service/x.ts', "import type { WarpBridge } from '../../shared/bridge.ts';")).toEqual([]);
    expect(
      check('renderer/x.tsx', "import { Prng } from '../engine/sched/sim/prng.ts';\nimport React from 'react';"),
    ).toEqual([]);
    expect(check('cli/x.ts', "import fs from 'node:fs';\nimport { x } from '../engine/transfer/client.ts';")).toEqual(
      [],
    );
    expect(check('shared/x.ts', "import type { SwarmEvent } from './swarm-events.ts';")).toEqual([]);
  });

  it('flags a package importing its own facade, and a layer table with a cycle', () => {
    expect(check('engine/swarm/x.ts', "import { a } from './index.ts';").join()).toMatch(/its own package's facade/);
    expect(check('engine/service/x.ts', "import { a } from '../swarm/index.ts';")).toEqual([]);
    expect(check('engine/swarm/index.ts', "export { a } from './run.ts';")).toEqual([]);
    expect(layerCycles(ENGINE_LAYERS)).toEqual([]);
    expect(layerCycles({ a: ['b'], b: ['c'], c: ['a'] })).toEqual(['a -> b -> c -> a']);
  });

  it('flags a lower engine layer importing a higher one', () => {
    expect(check('engine/codec/x.ts', "import { a } from '../archive/create.ts';").join()).toMatch(
      /layer 'codec' may not import 'archive'/,
    );
  });

  it('flags Electron or React in the engine, and Node built-ins in browser-safe code', () => {
    expect(check('engine/transfer/x.ts', "import { app } from 'electron';").join()).toMatch(
      /may not import 'electron'/,
    );
    expect(check('engine/sched/x.ts', "import fs from 'node:fs';").join()).toMatch(/browser-safe/);
    expect(check('renderer/x.ts', "import fs from 'node:fs';").join()).toMatch(/renderer may not import Node built-in/);
  });

  it('keeps surfaces apart', () => {
    expect(check('renderer/x.ts', "import { a } from '../engine/archive/create.ts';").join()).toMatch(
      /src\/renderer may not import src\/engine\/archive/,
    );
    expect(check('preload/x.ts', "import { a } from '../engine/core/errors.ts';").join()).toMatch(
      /src\/preload may not import/,
    );
    expect(check('engine/core/x.ts', "import { a } from '../../main/index.ts';").join()).toMatch(
      /src\/engine may not import src\/main/,
    );
  });

  it('keeps src/shared to types and data: no packages, no Node built-ins, no other folder', () => {
    expect(check('shared/x.ts', "import { create } from 'zustand';").join()).toMatch(/src\/shared may import only/);
    expect(check('shared/x.ts', "import fs from 'node:fs';").join()).toMatch(/src\/shared may import only/);
    expect(check('shared/x.ts', "import { a } from '../engine/core/errors.ts';").join()).toMatch(
      /src\/shared may not import src\/engine/,
    );
    expect(check('shared/x.ts', "import { type A, b } from '../engine/swarm/swarm-events.ts';").join()).toMatch(
      /src\/shared may not import src\/engine/,
    );
  });

  it('lets src/shared take the engine types (erased at build time) and the schema language, nothing else of it', () => {
    expect(check('shared/x.ts', "import type { SwarmEvent } from '../engine/swarm/swarm-events.ts';")).toEqual([]);
    expect(check('shared/x.ts', "export type { TransferRole } from '../engine/transfer/transfer-events.ts';")).toEqual(
      [],
    );
    expect(check('shared/x.ts', "import { object } from '../engine/core/schema.ts';")).toEqual([]);
    expect(
      check(
        'shared/x.ts',
        "import type { A } from '../engine/archive/archive-events.ts';\nimport { b } from '../engine/archive/archive-events.ts';",
      ).join(),
    ).toMatch(/src\/shared may not import src\/engine/);
  });
});
