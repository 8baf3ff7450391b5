/**
 * How the daemon answers: JSON bodies, the one error shape (`{ error: { code, message } }` with the status of
 * http-status.ts), and the bounded JSON body reader.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import { httpStatusFor } from './http-status.ts';

const MAX_JSON_BODY = 1024 * 1024;

/** A failure met by the HTTP layer itself: a WarpError whose details carry its status and API code. */
export class HttpError extends WarpError {
  constructor(status: number, code: string, message: string) {
    super(status >= 500 ? ErrorCodes.INTERNAL : ErrorCodes.USAGE, message, { details: { status, code } });
    this.name = 'HttpError';
  }
}

export function errorResponse(e: unknown): { status: number; code: string; message: string } {
  if (isWarpError(e)) {
    const d = e.details as { status?: number; code?: string };
    return { status: httpStatusFor(e.code, d), code: d.code ?? e.code, message: e.message };
  }
  return { status: 500, code: 'INTERNAL', message: (e as Error)?.message ?? String(e) };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, e: unknown): void {
  const { status, code, message } = errorResponse(e);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: { code, message } });
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_JSON_BODY)
      throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the JSON body is larger than ${MAX_JSON_BODY} bytes`);
    chunks.push(c);
  }
  if (size === 0) return undefined;
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type))
    throw new HttpError(
      400,
      'BAD_REQUEST',
      `send the body as JSON (Content-Type: application/json), not '${type || 'none'}'`,
    );
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new HttpError(400, 'BAD_REQUEST', `the body is not valid JSON: ${(e as Error).message}`);
  }
}
