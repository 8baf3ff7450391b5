/**
 * Server-Sent Events: every WarpEvent to every connected client, numbered, with a heartbeat so clients and
 * proxies notice a dead stream. The last events are kept in a ring so a client that reconnects (EventSource
 * sends Last-Event-ID by itself) gets what it missed. A client that stops reading (over 8 MiB queued) is
 * dropped rather than letting its queue grow without bound.
 */
import type { ServerResponse } from 'node:http';
import type { WarpEvent } from '../../shared/events.ts';

const MAX_QUEUED = 8 * 1024 * 1024;
const REPLAY = 2000;

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly ring: { id: number; text: string }[] = [];
  private seq = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(heartbeatMs: number) {
    this.timer = setInterval(() => this.broadcast({ type: 'daemon.heartbeat', t: Date.now() }), heartbeatMs);
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** `lastEventId`: the id the client saw last (a reconnect); events after it still in the ring are replayed. */
  add(res: ServerResponse, hello: WarpEvent, lastEventId?: number): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    res.write(`data: ${JSON.stringify(hello)}\n\n`); // no id: it must not move the client's Last-Event-ID
    if (lastEventId !== undefined && Number.isInteger(lastEventId)) {
      for (const e of this.ring) if (e.id > lastEventId) res.write(e.text);
    }
  }

  broadcast(e: WarpEvent): void {
    const id = ++this.seq;
    const text = `id: ${id}\ndata: ${JSON.stringify(e)}\n\n`;
    if (e.type !== 'daemon.heartbeat') {
      this.ring.push({ id, text });
      if (this.ring.length > REPLAY) this.ring.splice(0, this.ring.length - REPLAY);
    }
    for (const c of this.clients) {
      if (c.writableLength > MAX_QUEUED) {
        this.clients.delete(c);
        c.destroy();
        continue;
      }
      c.write(text);
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}
