/**
 * Validation of every IPC call's arguments before main hands them to the engine: the renderer is untrusted
 * (a compromised page can send anything over the channels the preload uses), so each method's arguments are
 * checked for shape, types, ranges and unknown keys, and local paths must be absolute (they are resolved on
 * this machine, never against main's working directory). A failure throws an Error with code BAD_REQUEST
 * naming the field, which the handler returns to the renderer like the daemon's 400s.
 * Pure; unit-tested in test/main/ipc-validate.test.ts.
 */
import path from 'node:path';
import type { IpcArgs, IpcMethod } from '../shared/ipc.ts';
import type {
  ArchiveCreateRequest, ArchiveExtractRequest, ArchiveInfoRequest, ArchiveListRequest, ArchiveSecret, ArchiveVerifyRequest,
  ConfigSetRequest, PairJoinRequest, PairStartRequest, SyncAddRequest, SyncWindowDto, TransferListRequest, TransferStartRequest,
} from '../shared/bridge.ts';

export interface IpcValidationError extends Error {
  code: 'BAD_REQUEST';
}

export function isIpcValidationError(e: unknown): e is IpcValidationError {
  return e instanceof Error && (e as Partial<IpcValidationError>).code === 'BAD_REQUEST';
}

function bad(at: string, message: string): never {
  const err = new Error(`${at}: ${message}`) as IpcValidationError;
  err.code = 'BAD_REQUEST';
  throw err;
}

/** Longest path accepted (Linux PATH_MAX); longer strings are not paths but abuse. */
export const MAX_PATH = 4096;
const MAX_TEXT = 1024;
const MAX_LIST = 100_000;
// C0 control characters and DEL: no legitimate id, name or path needs them, and NUL truncates paths in C APIs.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

type Rec = Record<string, unknown>;

function record(v: unknown, at: string, allowed: readonly string[]): Rec {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(at, 'must be an object');
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) bad(at, 'must be a plain object');
  for (const k of Object.keys(v)) if (!allowed.includes(k)) bad(`${at}.${k}`, `unknown field (allowed: ${allowed.join(', ')})`);
  return v as Rec;
}

function text(v: unknown, at: string, max = MAX_TEXT): string {
  if (typeof v !== 'string') bad(at, 'must be a string');
  if (v.length === 0) bad(at, 'must not be empty');
  if (v.length > max) bad(at, `must be at most ${max} characters`);
  if (CONTROL.test(v)) bad(at, 'must not contain control characters');
  return v;
}

/** A path on this machine: absolute, so it never depends on the main process's working directory. */
function localPath(v: unknown, at: string): string {
  const p = text(v, at, MAX_PATH);
  if (!path.isAbsolute(p)) bad(at, `must be an absolute path (got '${p}')`);
  return p;
}

/** A path on a peer or inside an archive: the other side resolves and confines it; here only its form. */
function foreignPath(v: unknown, at: string): string {
  return text(v, at, MAX_PATH);
}

function bool(v: unknown, at: string): boolean {
  if (typeof v !== 'boolean') bad(at, 'must be true or false');
  return v;
}

function int(v: unknown, at: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) bad(at, 'must be an integer');
  if (v < min || v > max) bad(at, `must be between ${min} and ${max}`);
  return v;
}

function oneOf<T extends string>(values: readonly T[]) {
  return (v: unknown, at: string): T => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) bad(at, `must be one of ${values.join(', ')}`);
    return v as T;
  };
}

function list<T>(v: unknown, at: string, item: (v: unknown, at: string) => T, min: number, max = MAX_LIST): T[] {
  if (!Array.isArray(v)) bad(at, 'must be an array');
  if (v.length < min) bad(at, min === 1 ? 'must not be empty' : `needs at least ${min} entries`);
  if (v.length > max) bad(at, `must have at most ${max} entries`);
  return v.map((x, i) => item(x, `${at}[${i}]`));
}

function opt<T>(v: unknown, at: string, check: (v: unknown, at: string) => T): T | undefined {
  return v === undefined ? undefined : check(v, at);
}

/** Drops undefined fields so the engine sees exactly what the caller set. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function args(a: unknown[], at: string, min: number, max: number): void {
  if (!Array.isArray(a)) bad(at, 'arguments must be an array');
  if (a.length < min || a.length > max) bad(at, min === max ? `takes ${min} argument${min === 1 ? '' : 's'}, got ${a.length}` : `takes ${min} to ${max} arguments, got ${a.length}`);
}

const SECRET_KEYS = ['password', 'keyFile'] as const;

function secret(o: Rec, at: string): ArchiveSecret {
  if (o.password !== undefined && o.keyFile !== undefined) bad(at, 'give a password or a key file, not both');
  return compact({ password: opt(o.password, `${at}.password`, (v, a) => text(v, a)), keyFile: opt(o.keyFile, `${at}.keyFile`, localPath) });
}

const level = oneOf(['fast', 'balanced', 'max'] as const);

function archiveCreate(v: unknown, at: string): ArchiveCreateRequest {
  const o = record(v, at, ['inputs', 'output', 'level', 'overwrite', ...SECRET_KEYS]);
  return compact({
    inputs: list(o.inputs, `${at}.inputs`, localPath, 1),
    output: localPath(o.output, `${at}.output`),
    level: opt(o.level, `${at}.level`, level),
    overwrite: opt(o.overwrite, `${at}.overwrite`, bool),
    ...secret(o, at),
  });
}

function archiveExtract(v: unknown, at: string): ArchiveExtractRequest {
  const o = record(v, at, ['archive', 'target', 'paths', 'existing', ...SECRET_KEYS]);
  return compact({
    archive: localPath(o.archive, `${at}.archive`),
    target: localPath(o.target, `${at}.target`),
    paths: opt(o.paths, `${at}.paths`, (x, a) => list(x, a, foreignPath, 0)),
    existing: opt(o.existing, `${at}.existing`, oneOf(['error', 'skip', 'overwrite'] as const)),
    ...secret(o, at),
  });
}

function archiveOnly(v: unknown, at: string): ArchiveVerifyRequest & ArchiveInfoRequest {
  const o = record(v, at, ['archive', ...SECRET_KEYS]);
  return compact({ archive: localPath(o.archive, `${at}.archive`), ...secret(o, at) });
}

function archiveList(v: unknown, at: string): ArchiveListRequest {
  const o = record(v, at, ['archive', 'prefix', 'offset', 'limit', ...SECRET_KEYS]);
  return compact({
    archive: localPath(o.archive, `${at}.archive`),
    prefix: opt(o.prefix, `${at}.prefix`, foreignPath),
    offset: opt(o.offset, `${at}.offset`, (x, a) => int(x, a, 0, Number.MAX_SAFE_INTEGER)),
    limit: opt(o.limit, `${at}.limit`, (x, a) => int(x, a, 1, 10_000)),
    ...secret(o, at),
  });
}

/** Job, transfer, sync and peer ids: short printable strings. */
function id(v: unknown, at: string): string {
  return text(v, at, 256);
}

function transferStart(v: unknown, at: string): TransferStartRequest {
  const kind = oneOf(['send', 'fetch', 'swarm'] as const)((v as Rec | null)?.kind, `${at}.kind`);
  if (kind === 'swarm') {
    const o = record(v, at, ['kind', 'localPath', 'remotePath', 'from']);
    return { kind, localPath: localPath(o.localPath, `${at}.localPath`), remotePath: foreignPath(o.remotePath, `${at}.remotePath`), from: list(o.from, `${at}.from`, id, 1, 256) };
  }
  const o = record(v, at, ['kind', 'localPath', 'remotePath', 'peer']);
  return { kind, localPath: localPath(o.localPath, `${at}.localPath`), remotePath: foreignPath(o.remotePath, `${at}.remotePath`), peer: id(o.peer, `${at}.peer`) };
}

function transferList(v: unknown, at: string): TransferListRequest {
  const o = record(v, at, ['all']);
  return compact({ all: opt(o.all, `${at}.all`, bool) });
}

function pairStart(v: unknown, at: string): PairStartRequest {
  const o = record(v, at, ['timeoutSeconds', 'name']);
  return compact({ timeoutSeconds: opt(o.timeoutSeconds, `${at}.timeoutSeconds`, (x, a) => int(x, a, 10, 86_400)), name: opt(o.name, `${at}.name`, id) });
}

function pairJoin(v: unknown, at: string): PairJoinRequest {
  const o = record(v, at, ['code', 'address', 'name']);
  return compact({ code: text(o.code, `${at}.code`, 128), address: text(o.address, `${at}.address`, 1024), name: opt(o.name, `${at}.name`, id) });
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function syncWindow(v: unknown, at: string): SyncWindowDto {
  const o = record(v, at, ['days', 'start', 'end']);
  const hhmm = (x: unknown, a: string) => {
    if (typeof x !== 'string' || !HHMM.test(x)) bad(a, 'must be a local time HH:MM (00:00-23:59)');
    return x;
  };
  return compact({ days: opt(o.days, `${at}.days`, (x, a) => list(x, a, (d, da) => int(d, da, 0, 6), 1, 7)), start: hhmm(o.start, `${at}.start`), end: hhmm(o.end, `${at}.end`) });
}

function syncAdd(v: unknown, at: string): SyncAddRequest {
  const o = record(v, at, ['localPath', 'peer', 'remotePath', 'windows', 'pauseOnBattery', 'pauseOnMetered', 'debounceMs']);
  return compact({
    localPath: localPath(o.localPath, `${at}.localPath`),
    peer: id(o.peer, `${at}.peer`),
    remotePath: foreignPath(o.remotePath, `${at}.remotePath`),
    windows: opt(o.windows, `${at}.windows`, (x, a) => list(x, a, syncWindow, 0, 64)),
    pauseOnBattery: opt(o.pauseOnBattery, `${at}.pauseOnBattery`, bool),
    pauseOnMetered: opt(o.pauseOnMetered, `${at}.pauseOnMetered`, bool),
    debounceMs: opt(o.debounceMs, `${at}.debounceMs`, (x, a) => int(x, a, 0, 3_600_000)),
  });
}

const CONFIG_KEY = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

/** Shape only: each value's meaning is checked by the config schema when the engine applies it. */
function configSet(v: unknown, at: string): ConfigSetRequest {
  const o = record(v, at, ['values']);
  const values = record(o.values, `${at}.values`, Object.keys((o.values ?? {}) as object));
  const out: Record<string, unknown> = {};
  const keys = Object.keys(values);
  if (keys.length === 0) bad(`${at}.values`, 'must set at least one key');
  if (keys.length > 256) bad(`${at}.values`, 'too many keys');
  for (const k of keys) {
    if (!CONFIG_KEY.test(k)) bad(`${at}.values.${k}`, 'keys are "section.key" (e.g. "transfer.port")');
    const x = values[k];
    if (typeof x === 'string') text(x, `${at}.values.${k}`, MAX_PATH);
    else if (typeof x === 'number') { if (!Number.isFinite(x)) bad(`${at}.values.${k}`, 'must be a finite number'); }
    else if (typeof x !== 'boolean') bad(`${at}.values.${k}`, 'must be a string, number or boolean');
    out[k] = x;
  }
  return { values: out };
}

type Validators = { [M in IpcMethod]: (a: unknown[]) => IpcArgs<M> };

const none = (m: string) => (a: unknown[]): [] => { args(a, m, 0, 0); return []; };
const oneId = (m: string) => (a: unknown[]): [string] => { args(a, m, 1, 1); return [id(a[0], `${m}(id)`)]; };
function one<T>(m: string, check: (v: unknown, at: string) => T) {
  return (a: unknown[]): [T] => { args(a, m, 1, 1); return [check(a[0], `${m}(request)`)]; };
}
function optional<T>(m: string, check: (v: unknown, at: string) => T) {
  return (a: unknown[]): [T?] => { args(a, m, 0, 1); return a[0] === undefined ? [] : [check(a[0], `${m}(request)`)]; };
}

/** One validator per IPC method: returns the arguments to pass to the engine, or throws BAD_REQUEST. */
export const IPC_VALIDATORS: Validators = {
  info: none('info'),
  'archive.create': one('archive.create', archiveCreate),
  'archive.extract': one('archive.extract', archiveExtract),
  'archive.verify': one('archive.verify', archiveOnly),
  'archive.list': one('archive.list', archiveList),
  'archive.info': one('archive.info', archiveOnly),
  'jobs.list': none('jobs.list'),
  'jobs.get': oneId('jobs.get'),
  'jobs.cancel': oneId('jobs.cancel'),
  'transfers.start': one('transfers.start', transferStart),
  'transfers.list': optional('transfers.list', transferList),
  'transfers.get': oneId('transfers.get'),
  'transfers.cancel': oneId('transfers.cancel'),
  'transfers.pause': oneId('transfers.pause'),
  'transfers.resume': oneId('transfers.resume'),
  'peers.self': none('peers.self'),
  'peers.list': none('peers.list'),
  'peers.pairStart': optional('peers.pairStart', pairStart),
  'peers.pairJoin': one('peers.pairJoin', pairJoin),
  'peers.remove': oneId('peers.remove'),
  'swarm.status': none('swarm.status'),
  'sync.list': none('sync.list'),
  'sync.add': one('sync.add', syncAdd),
  'sync.remove': oneId('sync.remove'),
  'sync.pause': oneId('sync.pause'),
  'sync.resume': oneId('sync.resume'),
  'config.get': none('config.get'),
  'config.set': one('config.set', configSet),
};

export function validateIpcArgs<M extends IpcMethod>(method: M, a: unknown[]): IpcArgs<M> {
  const v = (IPC_VALIDATORS as Record<string, ((a: unknown[]) => unknown) | undefined>)[method];
  if (!v) bad(String(method), 'unknown method');
  return v(a) as IpcArgs<M>;
}
