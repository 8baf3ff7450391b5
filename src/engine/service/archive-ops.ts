/**
 * The service's archive operations (`archive.*`): create, extract and verify run as jobs whose archive events go
 * to every client and into /metrics; list and info read an archive's manifest directly. Every archive created or
 * opened is recorded in the library. Inputs are assumed validated by the caller; the archive engine checks what
 * it owns. The secret (password or key file) is turned into a key source here, under the config's Argon2 limits.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  createArchive,
  extractArchive,
  verifyArchive,
  ArchiveReader,
  ENTRY_TYPE_NAMES,
  EntryType,
  keySourceFromFiles,
  type KeySource,
} from '../archive/index.ts';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { makeDirs } from '../core/make-dirs.ts';
import { snapshotOf } from '../core/progress.ts';
import type { WarpConfig } from '../config/index.ts';
import { jobTitle } from '../../shared/job-title.ts';
import type {
  ArchiveCreateRequest,
  ArchiveExtractRequest,
  ArchiveInfoDto,
  ArchiveInfoRequest,
  ArchiveListRequest,
  ArchiveListResult,
  ArchiveSecret,
  ArchiveVerifyRequest,
  JobRef,
} from '../../shared/bridge.ts';
import type { ArchiveEngineEvent, WarpEvent } from '../../shared/events.ts';
import type { ArchiveLibrary } from './archive-library.ts';
import type { JobRunner } from './job-runner.ts';
import type { Metrics } from './metrics.ts';

export interface ArchiveOpsDeps {
  jobs: JobRunner;
  metrics: Metrics;
  library: ArchiveLibrary;
  emit: (e: WarpEvent) => void;
  /** The current config (config.set replaces it). */
  config: () => WarpConfig;
}

export class ArchiveOps {
  private readonly d: ArchiveOpsDeps;

  constructor(deps: ArchiveOpsDeps) {
    this.d = deps;
  }

  private async key(s: ArchiveSecret): Promise<KeySource | undefined> {
    if (s.password !== undefined && s.keyFile !== undefined)
      throw new WarpError(ErrorCodes.USAGE, 'give either a password or a key file, not both');
    if (s.password !== undefined) {
      const a = this.d.config().archive;
      return {
        kind: 'password',
        password: new TextEncoder().encode(s.password),
        kdfLimits: { maxMemKiB: Math.floor(a.argon2MaxMemory / 1024), maxOps: a.argon2MaxPasses },
      };
    }
    return keySourceFromFiles({ keyFile: s.keyFile });
  }

  private listener(job: string): (e: ArchiveEngineEvent) => void {
    return (e) => {
      this.d.metrics.onArchive(e);
      if (e.type === 'archive.progress') this.d.jobs.update(job, { progress: snapshotOf(e) });
      this.d.emit({ ...e, job } as WarpEvent);
    };
  }

  /** `kind` is `archive.upload` when the inputs were uploaded (HTTP); `after` runs when the job ends either way. */
  create(
    req: ArchiveCreateRequest,
    kind: 'archive.create' | 'archive.upload' = 'archive.create',
    after?: () => void,
  ): JobRef {
    for (const i of req.inputs)
      if (!fs.existsSync(i)) throw new WarpError(ErrorCodes.INPUT_NOT_FOUND, `${i} does not exist on this machine`);
    const job = this.d.jobs.run(
      kind,
      jobTitle('create', { name: path.basename(req.output) }),
      async ({ id, signal }) => {
        try {
          const outDir = path.dirname(path.resolve(req.output));
          try {
            makeDirs(outDir);
          } catch (e) {
            throw fromSystemError(e, outDir, 'write');
          }
          const cfg = this.d.config().archive;
          const r = await createArchive({
            inputs: req.inputs,
            output: req.output,
            level: req.level ?? cfg.level,
            key: await this.key(req),
            overwrite: req.overwrite,
            chunker: { minSize: cfg.chunkMin, avgSize: cfg.chunkAvg, maxSize: cfg.chunkMax },
            workers: cfg.workers,
            signal,
            onEvent: this.listener(id),
          });
          this.d.library.record(
            {
              archive: r.archive,
              archiveBytes: r.archiveBytes,
              files: r.files,
              bytes: r.bytesIn,
              encrypted: r.encrypted,
            },
            'created',
          );
          return {
            archive: r.archive,
            bytesIn: r.bytesIn,
            files: r.files,
            uniqueChunks: r.uniqueChunks,
            archiveBytes: r.archiveBytes,
            dedupRatio: r.dedupRatio,
            compressionRatio: r.compressionRatio,
            encrypted: r.encrypted,
            merkleRoot: r.merkleRoot,
            contentId: r.contentId,
            elapsedSeconds: r.elapsedSeconds,
          };
        } finally {
          after?.();
        }
      },
    );
    return { job };
  }

  extract(req: ArchiveExtractRequest): JobRef {
    const job = this.d.jobs.run(
      'archive.extract',
      jobTitle('extract', { name: path.basename(req.archive) }),
      async ({ id, signal }) => {
        const r = await extractArchive({
          archive: req.archive,
          target: req.target,
          paths: req.paths,
          key: await this.key(req),
          existing: req.existing === 'error' || req.existing === undefined ? 'fail' : req.existing,
          workers: this.d.config().archive.workers,
          signal,
          onEvent: this.listener(id),
          manifestInWorker: true,
        });
        return { ...r, target: req.target };
      },
    );
    return { job };
  }

  verify(req: ArchiveVerifyRequest): JobRef {
    const job = this.d.jobs.run(
      'archive.verify',
      jobTitle('verify', { name: path.basename(req.archive) }),
      async ({ id, signal }) => {
        const r = await verifyArchive({
          archive: req.archive,
          key: await this.key(req),
          workers: this.d.config().archive.workers,
          signal,
          onEvent: this.listener(id),
          manifestInWorker: true,
        });
        this.d.library.verified(req.archive, r.ok, damagedFileCount(r));
        return { ...r };
      },
    );
    return { job };
  }

  async list(req: ArchiveListRequest): Promise<ArchiveListResult> {
    const reader = await ArchiveReader.open(req.archive, await this.key(req), { manifestInWorker: true });
    try {
      const prefix = req.prefix?.replace(/\/+$/, '');
      const offset = req.offset ?? 0;
      const limit = req.limit ?? 1000;
      const entries: ArchiveListResult['entries'] = [];
      let total = 0;
      for (const e of reader.manifest.entries()) {
        if (prefix && e.path !== prefix && !e.path.startsWith(prefix + '/')) continue;
        if (total >= offset && entries.length < limit) {
          entries.push({
            path: e.path,
            type: ENTRY_TYPE_NAMES[e.type],
            size: e.size,
            mode: e.mode,
            mtimeMs: e.mtimeMs,
            ...(e.linkTarget !== undefined ? { target: e.linkTarget } : {}),
          });
        }
        total++;
      }
      return { archive: req.archive, total, offset, entries };
    } finally {
      reader.close();
    }
  }

  async info(req: ArchiveInfoRequest): Promise<ArchiveInfoDto> {
    const reader = await ArchiveReader.open(req.archive, await this.key(req), { manifestInWorker: true });
    try {
      const m = reader.manifest;
      let files = 0,
        dirs = 0,
        symlinks = 0,
        bytes = 0;
      for (const e of m.entries()) {
        if (e.type === EntryType.FILE) {
          files++;
          bytes += e.size;
        } else if (e.type === EntryType.DIR) dirs++;
        else symlinks++;
      }
      this.d.library.record(
        { archive: req.archive, archiveBytes: reader.size, files, bytes, encrypted: reader.encrypted },
        'opened',
      );
      return {
        archive: req.archive,
        archiveBytes: reader.size,
        formatVersion: reader.header.version,
        encrypted: reader.encrypted,
        files,
        dirs,
        symlinks,
        bytes,
        chunks: m.chunkCount,
        merkleRoot: m.merkleRoot.toString('hex'),
        contentId: m.contentId().toString('hex'),
      };
    } finally {
      reader.close();
    }
  }
}

/** Files a verify found damaged: those that failed their own hash and those holding a bad chunk, each once. */
function damagedFileCount(r: { badFiles: Array<{ path: string }>; badChunks: Array<{ files: string[] }> }): number {
  return new Set([...r.badFiles.map((f) => f.path), ...r.badChunks.flatMap((c) => c.files)]).size;
}
