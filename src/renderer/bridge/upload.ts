/**
 * Web mode's `archive.upload` and `shares.upload`: begin an upload, send the files (a few at a time, each with its
 * relative path), then commit it (as an archive job, or as a share); on any failure the staging copy is discarded. Files go by XHR, not fetch:
 * fetch has no upload progress, and a 1 GiB file would otherwise show nothing for minutes.
 */
import type { UploadFile } from '../../shared/bridge.ts';
import { API_ROUTES, apiPath, type ApiRouteId } from '../../shared/api-routes.ts';
import { bridgeError } from './errors.ts';

const UPLOAD_PARALLEL = 4;

export interface UploaderDeps {
  baseUrl: string;
  token(): string | undefined;
  call<T>(id: ApiRouteId, opts?: { params?: Record<string, string>; body?: unknown }): Promise<T>;
  onUnauthorized(): void;
}

type CommitRoute = 'archive.uploadCommit' | 'shares.uploadCommit';

/** Sends `files`, then commits them through `commit` with `options` as its body; resolves to its answer. */
export type Uploader = <T>(
  commit: CommitRoute,
  files: readonly UploadFile[],
  options: unknown,
  onProgress?: (sent: number, total: number) => void,
  signal?: AbortSignal,
) => Promise<T>;

export function createUploader(d: UploaderDeps): Uploader {
  async function uploadOne(
    upload: string,
    path: string,
    blob: Blob,
    onBytes: (n: number) => void,
    signal?: AbortSignal,
    mtimeMs?: number,
  ): Promise<void> {
    const q = new URLSearchParams({ path, ...(mtimeMs !== undefined ? { mtime: String(Math.floor(mtimeMs)) } : {}) });
    const url = `${d.baseUrl}${apiPath('archive.uploadFile', { upload })}?${q.toString()}`;
    await new Promise<void>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(API_ROUTES['archive.uploadFile'].method, url);
      xhr.withCredentials = true;
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      const token = d.token();
      if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
      let last = 0;
      xhr.upload.onprogress = (ev) => {
        onBytes(ev.loaded - last);
        last = ev.loaded;
      };
      xhr.onload = () => {
        onBytes(blob.size - last);
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else {
          let err: { code?: string; message?: string } | undefined;
          try {
            err = (JSON.parse(xhr.responseText) as { error?: typeof err }).error;
          } catch {
            err = undefined;
          }
          if (xhr.status === 401) d.onUnauthorized();
          reject(
            bridgeError(
              err?.code ?? `HTTP_${xhr.status}`,
              err?.message ?? `upload of ${path} failed (${xhr.status})`,
              xhr.status,
            ),
          );
        }
      };
      xhr.onerror = () => reject(bridgeError('UNREACHABLE', `upload of ${path} failed: the daemon did not answer`));
      xhr.onabort = () => reject(cancelled());
      if (signal?.aborted) return reject(cancelled());
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(blob);
    });
  }

  return async function upload<T>(
    commit: CommitRoute,
    files: readonly UploadFile[],
    options: unknown,
    onProgress?: (sent: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<T> {
    const total = files.reduce((s, f) => s + f.blob.size, 0);
    const { upload: id } = await d.call<{ upload: string }>('archive.uploadBegin');
    let sent = 0;
    const onBytes = (n: number) => {
      sent += n;
      onProgress?.(sent, total);
    };
    try {
      let next = 0;
      const worker = async () => {
        while (next < files.length) {
          if (signal?.aborted) throw cancelled();
          const f = files[next++];
          await uploadOne(id, f.path, f.blob, onBytes, signal, f.mtimeMs);
        }
      };
      await Promise.all(Array.from({ length: Math.min(UPLOAD_PARALLEL, files.length) }, worker));
      return await d.call<T>(commit, { params: { upload: id }, body: options });
    } catch (err) {
      void d.call('archive.uploadDiscard', { params: { upload: id } }).catch(() => undefined);
      throw err;
    }
  };
}

function cancelled(): Error {
  return bridgeError('E_CANCELLED', 'the upload was cancelled');
}
