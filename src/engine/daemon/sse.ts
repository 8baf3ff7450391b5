/**
 * Server-Sent Events: every WarpEvent to every connected client, numbered, with a heartbeat so clients and
 * proxies notice a dead stream. A client that stops reading (over 8 MiB queued) is dropped rather than
 * letting its queue grow without bound.
 */
import type { ServerResponse } from 'node:http';
import type { WarpEvent } from '../../shared/events.ts';

const MAX_QUEUED = 8 * 1024 * 1024;

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private seq = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(heartbeatSeconds: number) {
    this.timer = setInterval(() => this.broadcast({ type: 'daemon.heartbeat', t: Date.now() }), heartbeatSeconds * 1000);
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  add(res: ServerResponse, hello: WarpEvent): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    this.send(res, hello);
  }

  broadcast(e: WarpEvent): void {
    for (const c of this.clients) this.send(c, e);
  }

  private send(res: ServerResponse, e: WarpEvent): void {
    if (res.writableLength > MAX_QUEUED) {
      this.clients.delete(res);
      res.destroy();
      return;
    }
    res.write(`id: ${++this.seq}\ndata: ${JSON.stringify(e)}\n\n`);
  }

  close(): void {
    clearInterval(this.timer);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}
