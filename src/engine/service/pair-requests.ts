/**
 * The service's side of pairing by request (net/pair-request.ts): asks a nearby device to pair (a job that ends
 * when the person there decides), lists the requests both ways for the Peers page, and answers the ones asked of
 * this machine. A peer is added to the trusted peers only on a yes: here when this machine's user accepts, or when
 * the other side's `accepted` arrives for a request this machine asked.
 */
import { jobTitle } from '../../shared/job-title.ts';
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import type { SelfInfo } from '../net/pair.ts';
import { PairRequestBook, askToPair, type PairRequest } from '../net/pair-request.ts';
import { WarpNode } from '../net/node.ts';
import type { TrustedPeer } from '../net/trust.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import type { PairAnswerRequest, PairAskRequest, PairRequestDto } from '../../shared/bridge.ts';
import type { WarpEvent } from '../../shared/events.ts';
import { targetsOf, type DiscoveryHost } from './discovery-host.ts';
import { errorDto, type JobRunner } from './job-runner.ts';

export interface PairRequestsOptions {
  env: TransferEnv;
  jobs: JobRunner;
  emit: (e: WarpEvent) => void;
  /** What this machine says of itself. */
  me: () => SelfInfo;
  discovery: () => DiscoveryHost | undefined;
  /** A peer is now trusted (either way): the service emits `peer.paired` and announces. */
  onPaired: (rec: TrustedPeer) => void;
}

export class PairRequests {
  /** Requests asked of this machine (PeerHost serves them from this book). */
  readonly book: PairRequestBook;
  private readonly outgoing = new Map<string, PairRequestDto>();
  private readonly o: PairRequestsOptions;

  constructor(o: PairRequestsOptions) {
    this.o = o;
    this.book = new PairRequestBook({ onChange: (r) => o.emit({ type: 'peer.pair-request', request: incoming(r) }) });
  }

  list(): PairRequestDto[] {
    return [...this.book.pending().map(incoming), ...[...this.outgoing.values()].filter((r) => r.state === 'pending')];
  }

  /** Asks a nearby device; answers once both sides show the code (the job `id` goes on until it is decided). */
  async ask(req: PairAskRequest): Promise<PairRequestDto> {
    const device = this.o.discovery()?.device(req.peer);
    if (!device)
      throw new WarpError(
        ErrorCodes.PEER_UNREACHABLE,
        `no device ${req.peer} was seen on this network lately (is discovery on at both ends?); pair with a code instead`,
        { details: { status: 404 } },
      );
    if (this.o.env.trust.has(req.peer))
      throw new WarpError(ErrorCodes.USAGE, `already paired with ${device.name} (${req.peer})`, {
        details: { status: 409 },
      });
    return new Promise((resolve, reject) => {
      let shown = false;
      this.o.jobs.run('peers.pair', jobTitle('pair', { name: device.name }), async (ctx) => {
        const node = await WarpNode.create({ identity: this.o.env.identity, isTrusted: () => false });
        try {
          const got = await askToPair({
            node,
            targets: targetsOf(device),
            transport: this.o.env.transport,
            self: this.o.env.identity.peerId,
            me: this.o.me(),
            signal: ctx.signal,
            onCode: (c) => {
              shown = true;
              const dto: PairRequestDto = {
                id: ctx.id,
                direction: 'out',
                peer: c.peer,
                name: device.name,
                addresses: device.addrs,
                code: c.code,
                expiresAt: new Date(c.expiresAt).toISOString(),
                state: 'pending',
              };
              this.outgoing.set(ctx.id, dto);
              this.o.emit({ type: 'peer.pair-request', request: dto });
              resolve(dto);
            },
          });
          const rec = this.o.env.trust.add({
            id: got.peer,
            name: req.name ?? got.info.name ?? device.name,
            renamed: req.name !== undefined || undefined,
            addresses: got.info.addrs.length > 0 ? got.info.addrs : [got.address],
            via: 'pair',
          });
          this.end(ctx.id, 'accepted');
          this.o.onPaired(rec);
          return { peer: rec.id };
        } catch (e) {
          if (!shown) reject(e);
          this.end(ctx.id, isWarpError(e, ErrorCodes.CANCELLED) ? 'withdrawn' : 'failed');
          if (shown && !isWarpError(e, ErrorCodes.CANCELLED))
            this.o.emit({ type: 'peer.pair-failed', error: errorDto(e) });
          throw e;
        } finally {
          await node.stop();
        }
      });
    });
  }

  /** This machine's user decided: a yes trusts the asker first, then lets its next poll hear `accepted`. */
  answer(req: PairAnswerRequest): PairRequestDto {
    const r = this.book.get(req.id);
    if (!r || r.state !== 'pending') return incoming(this.book.decide(req.id, req.accept)); // throws how it ended
    if (!req.accept) return incoming(this.book.decide(req.id, false));
    // Both synchronous: the asker's next poll hears `accepted` only with the peer already trusted here.
    const done = incoming(this.book.decide(req.id, true));
    const rec = this.o.env.trust.add({ id: r.peer, name: r.info.name, addresses: r.info.addrs, via: 'pair' });
    this.o.onPaired(rec);
    return done;
  }

  close(): void {
    this.book.close();
  }

  private end(id: string, state: PairRequestDto['state']): void {
    const dto = this.outgoing.get(id);
    if (!dto) return;
    this.outgoing.delete(id);
    this.o.emit({ type: 'peer.pair-request', request: { ...dto, state } });
  }
}

function incoming(r: PairRequest): PairRequestDto {
  return {
    id: r.id,
    direction: 'in',
    peer: r.peer,
    name: r.info.name,
    addresses: r.info.addrs,
    code: r.code ?? '',
    expiresAt: new Date(r.expiresAt).toISOString(),
    state: r.state === 'asking' ? 'pending' : r.state,
  };
}
