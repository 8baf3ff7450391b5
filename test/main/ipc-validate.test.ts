import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/engine/http/routes.ts';
import { IPC_ARG_FORMS, isIpcValidationError, MAX_PATH, validateIpcArgs } from '../../src/main/ipc-validate.ts';
import { IPC_METHODS } from '../../src/shared/ipc.ts';

/** Runs the validator and returns the BAD_REQUEST message, failing the test if it did not reject. */
function rejects(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isIpcValidationError(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a BAD_REQUEST, but the input was accepted');
}

describe('IPC validation', () => {
  it('maps every IPC method of the contract, and none more, onto a daemon route with the inputs it needs', () => {
    expect(Object.keys(IPC_ARG_FORMS).sort()).toEqual([...IPC_METHODS].sort());
    for (const m of IPC_METHODS) {
      const r = ROUTES.find((x) => x.id === m);
      expect(r, m).toBeDefined();
      const form = IPC_ARG_FORMS[m];
      if (form === 'id') expect(r!.params, m).toBeDefined();
      if (form === 'body' || form === 'optional-body') expect(r!.body, m).toBeDefined();
      if (form === 'query') expect(r!.query, m).toBeDefined();
    }
  });

  it('accepts well-formed requests and passes exactly the fields that were set', () => {
    expect(
      validateIpcArgs('archive.create', [
        { inputs: ['/home/me/photos'], output: '/home/me/photos.warp', level: 'max', password: 'pw' },
      ]),
    ).toEqual([{ inputs: ['/home/me/photos'], output: '/home/me/photos.warp', level: 'max', password: 'pw' }]);
    expect(validateIpcArgs('info', [])).toEqual([]);
    expect(validateIpcArgs('transfers.list', [])).toEqual([]);
    expect(validateIpcArgs('transfers.list', [{ all: false }])).toEqual([{ all: false }]);
    expect(validateIpcArgs('transfers.get', ['t-1'])).toEqual(['t-1']);
    expect(
      validateIpcArgs('transfers.start', [
        { kind: 'swarm', localPath: '/data/in', remotePath: 'set/a', from: ['p1', 'p2'] },
      ]),
    ).toEqual([{ kind: 'swarm', localPath: '/data/in', remotePath: 'set/a', from: ['p1', 'p2'] }]);
    expect(
      validateIpcArgs('sync.add', [
        {
          localPath: '/docs',
          peer: 'laptop',
          remotePath: 'docs',
          windows: [{ days: [1, 2], start: '22:00', end: '06:00' }],
          pauseOnBattery: true,
          debounceMs: 2000,
        },
      ])[0],
    ).toMatchObject({ windows: [{ days: [1, 2], start: '22:00', end: '06:00' }], pauseOnBattery: true });
    expect(
      validateIpcArgs('config.set', [
        { values: { 'transfer.port': 7000, 'archive.level': 'max', 'transfer.mdns': true } },
      ]),
    ).toEqual([{ values: { 'transfer.port': 7000, 'archive.level': 'max', 'transfer.mdns': true } }]);
    expect(
      validateIpcArgs('archive.extract', [
        { archive: '/a.warp', target: '/out', paths: ['docs/x.txt'], existing: 'skip' },
      ])[0],
    ).toMatchObject({ existing: 'skip' });
  });

  it('rejects relative, empty, over-long and NUL-containing local paths', () => {
    expect(rejects(() => validateIpcArgs('archive.create', [{ inputs: ['photos'], output: '/x.warp' }]))).toMatch(
      /inputs\[0\].*absolute/,
    );
    expect(rejects(() => validateIpcArgs('archive.create', [{ inputs: [], output: '/x.warp' }]))).toMatch(
      /inputs: needs at least 1 item/,
    );
    expect(rejects(() => validateIpcArgs('archive.verify', [{ archive: '' }]))).toMatch(/archive.*empty/);
    expect(rejects(() => validateIpcArgs('archive.verify', [{ archive: '/a\u0000/etc/passwd' }]))).toMatch(/control/);
    expect(rejects(() => validateIpcArgs('archive.verify', [{ archive: `/${'a'.repeat(MAX_PATH)}` }]))).toMatch(
      /at most/,
    );
    expect(
      rejects(() =>
        validateIpcArgs('transfers.start', [{ kind: 'fetch', peer: 'p', localPath: '../up', remotePath: 'x' }]),
      ),
    ).toMatch(/localPath.*absolute/);
  });

  it('rejects wrong types, unknown fields, bad enums and out-of-range numbers, naming the field', () => {
    expect(
      rejects(() => validateIpcArgs('archive.create', [{ inputs: ['/a'], output: '/b', level: 'ultra' }])),
    ).toMatch(/level: must be one of fast, balanced, max/);
    expect(
      rejects(() => validateIpcArgs('archive.create', [{ inputs: ['/a'], output: '/b', compresion: 'max' }])),
    ).toMatch(/compresion: unknown field/);
    expect(
      rejects(() =>
        validateIpcArgs('archive.create', [{ inputs: ['/a'], output: '/b', password: 'x', keyFile: '/k' }]),
      ),
    ).toMatch(/not both/);
    expect(
      rejects(() => validateIpcArgs('archive.create', [{ inputs: ['/a'], output: '/b', overwrite: 'yes' }])),
    ).toMatch(/overwrite: must be true or false/);
    expect(rejects(() => validateIpcArgs('archive.list', [{ archive: '/a.warp', limit: 100_001 }]))).toMatch(
      /limit: must be at most 100000/,
    );
    expect(rejects(() => validateIpcArgs('archive.list', [{ archive: '/a.warp', offset: 1.5 }]))).toMatch(
      /offset: must be a whole number/,
    );
    expect(
      rejects(() =>
        validateIpcArgs('transfers.start', [{ kind: 'teleport', localPath: '/a', remotePath: 'b', peer: 'p' }]),
      ),
    ).toMatch(/kind: must be one of/);
    expect(
      rejects(() =>
        validateIpcArgs('transfers.start', [{ kind: 'swarm', localPath: '/a', remotePath: 'b', peer: 'p' }]),
      ),
    ).toMatch(/peer: unknown field/);
    expect(
      rejects(() =>
        validateIpcArgs('transfers.start', [{ kind: 'swarm', localPath: '/a', remotePath: 'b', from: [] }]),
      ),
    ).toMatch(/from: needs at least 1 item/);
    expect(
      rejects(() =>
        validateIpcArgs('sync.add', [
          { localPath: '/a', peer: 'p', remotePath: 'b', windows: [{ start: '25:00', end: '06:00' }] },
        ]),
      ),
    ).toMatch(/start: must be a local time/);
    expect(
      rejects(() =>
        validateIpcArgs('sync.add', [
          { localPath: '/a', peer: 'p', remotePath: 'b', windows: [{ days: [7], start: '01:00', end: '06:00' }] },
        ]),
      ),
    ).toMatch(/days\[0\]: must be at most 6/);
    expect(rejects(() => validateIpcArgs('peers.pairStart', [{ timeoutSeconds: 1 }]))).toMatch(/timeoutSeconds/);
    expect(rejects(() => validateIpcArgs('config.set', [{ values: { port: 1 } }]))).toMatch(/section\.key/);
    expect(rejects(() => validateIpcArgs('config.set', [{ values: { 'transfer.port': { $gt: 1 } } }]))).toMatch(
      /string, number or boolean/,
    );
    expect(rejects(() => validateIpcArgs('config.set', [{ values: {} }]))).toMatch(/at least one key/);
  });

  it('rejects non-objects, class instances, arrays and wrong argument counts', () => {
    expect(rejects(() => validateIpcArgs('archive.info', [null]))).toMatch(/must be an object/);
    expect(rejects(() => validateIpcArgs('archive.info', [['/a']]))).toMatch(/must be an object/);
    expect(rejects(() => validateIpcArgs('archive.info', [new Date()]))).toMatch(/plain object/);
    expect(rejects(() => validateIpcArgs('archive.info', []))).toMatch(/takes 1 argument, got 0/);
    expect(rejects(() => validateIpcArgs('info', [1]))).toMatch(/takes 0 arguments, got 1/);
    expect(rejects(() => validateIpcArgs('jobs.get', [42]))).toMatch(/must be a string/);
    expect(rejects(() => validateIpcArgs('jobs.cancel', ['x'.repeat(257)]))).toMatch(/at most 128/);
    expect(rejects(() => validateIpcArgs('transfers.list', [{}, {}]))).toMatch(/takes 0 to 1 arguments/);
    expect(rejects(() => validateIpcArgs('nope' as 'info', []))).toMatch(/unknown method/);
  });

  it('a prototype-pollution key is an unknown field, not a merge', () => {
    const evil = JSON.parse('{"archive":"/a.warp","__proto__":{"polluted":true}}') as unknown;
    expect(rejects(() => validateIpcArgs('archive.info', [evil]))).toMatch(/__proto__: unknown field/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
