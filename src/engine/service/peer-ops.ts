/**
 * The service's peer operations (`peers.*` but pairing by request, which is pair-requests.ts): this machine's
 * identity as peers see it, the trusted-peer book in the contract's shapes, and pairing by code, as the inviter
 * (one code at a time, tracked as a `pair-…` job that ends with the code) or as the joiner. Every change to the
 * book is told to clients as a `peer.*` event. The peer listener and LAN discovery are optional and may appear
 * after construction (WarpService.start), so they are read through getters.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { WarpConfig } from '../config/index.ts';
import { looksLikePeerAddress, parsePeerAddress } from '../net/address.ts';
import { lastPath } from '../net/path.ts';
import type { SelfInfo } from '../net/pair.ts';
import { fullCode, shortCode } from '../net/pair-code.ts';
import { joinPairing } from '../net/pair-join.ts';
import { defaultDeviceName, dialTargets, type DialTarget } from '../net/peer-book.ts';
import { cleanName, type AddressSource, type TrustedPeer } from '../net/trust.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import { jobTitle } from '../../shared/job-title.ts';
import type {
  NearbyDto,
  PairJoinRequest,
  PairStartRequest,
  PairStartResult,
  PeerAddressesRequest,
  PeerDto,
  PeerRenameRequest,
  RemoveResult,
  SelfDto,
} from '../../shared/bridge.ts';
import type { JobDto, WarpEvent } from '../../shared/events.ts';
import type { DiscoveryHost } from './discovery-host.ts';
import type { JobRunner } from './job-runner.ts';
import type { PeerHost } from './peer-host.ts';

export interface PeerOpsDeps {
  env: TransferEnv;
  jobs: JobRunner;
  emit: (e: WarpEvent) => void;
  config: () => WarpConfig;
  /** The peer listener's host address as configured (0.0.0.0 is shown as 127.0.0.1 in a pairing's addresses). */
  listenHost?: string;
  peerHost: () => PeerHost | undefined;
  discovery: () => DiscoveryHost | undefined;
}

export class PeerOps {
  private readonly d: PeerOpsDeps;
  private pendingPairName?: string;
  private pendingPairJob?: string;
  /** LAN lookup of an inviter by its code's lookup id (set when discovery runs). */
  findOnLan?: (lookup: string) => Promise<DialTarget[]>;

  constructor(deps: PeerOpsDeps) {
    this.d = deps;
  }

  /** This machine's friendly name: `transfer.name`, else its host name. */
  deviceName(): string {
    return cleanName(this.d.config().transfer.name) ?? defaultDeviceName();
  }

  /** What this machine tells peers of itself (its peer listener's addresses, best first, and its name). */
  selfInfo(): SelfInfo {
    return this.d.peerHost()?.selfInfo() ?? { addrs: [], name: this.deviceName() };
  }

  /** A paired peer's addresses or name changed (it said so on contact, or discovery saw it). */
  learn(peer: string, info: SelfInfo, from: AddressSource): void {
    const trust = this.d.env.trust;
    if (trust.learn(peer, { addresses: info.addrs, name: info.name }, from))
      this.d.emit({ type: 'peer.updated', peer: peerDto(trust.get(peer)) });
  }

  /** A paired peer's id or name (with its remembered address) or an address, to an address the engine dials. */
  resolve(peer: string): string {
    const p = this.d.env.trust.find(peer);
    // The best known address, pinned to the id; the dial tries the peer's other addresses after it.
    if (p) return dialTargets(this.d.env.trust, peer)[0].text;
    if (!looksLikePeerAddress(peer)) {
      throw new WarpError(
        ErrorCodes.USAGE,
        `invalid peer address '${peer}': not a paired peer's id or name, and not host:port, <peer-id>@host:port or a multiaddr`,
      );
    }
    parsePeerAddress(peer); // throws a clear usage error for a bad port or peer id
    return peer;
  }

  self(): SelfDto {
    return {
      peerId: this.d.env.identity.peerId,
      addresses: this.d.peerHost()?.addresses() ?? [],
      name: this.deviceName(),
      reachability: this.d.peerHost()?.reachability(),
    };
  }

  list(): PeerDto[] {
    return this.d.env.trust.list().map(peerDto);
  }

  nearby(): NearbyDto[] {
    return this.d.discovery()?.nearby() ?? [];
  }

  setAddresses(req: PeerAddressesRequest): PeerDto {
    const p = peerDto(this.d.env.trust.setAddresses(req.peer, req.addresses));
    this.d.emit({ type: 'peer.updated', peer: p });
    return p;
  }

  rename(req: PeerRenameRequest): PeerDto {
    const p = peerDto(this.d.env.trust.rename(req.peer, req.name));
    this.d.emit({ type: 'peer.updated', peer: p });
    return p;
  }

  remove(id: string): RemoveResult {
    const removed = this.d.env.trust.remove(id);
    if (removed) this.d.emit({ type: 'peer.removed', peer: id });
    return { removed };
  }

  pairStart(req: PairStartRequest = {}): PairStartResult {
    const host = this.d.peerHost();
    if (!host)
      throw new WarpError(
        ErrorCodes.USAGE,
        'this daemon runs without a peer listener (started with --no-listen), so it cannot pair',
        { details: { status: 409 } },
      );
    const ttl = (req.timeoutSeconds ?? 300) * 1000;
    if (this.pendingPairJob) this.d.jobs.update(this.pendingPairJob, { status: 'cancelled' });
    const code = host.startPairing(ttl);
    this.pendingPairName = req.name;
    const job = `pair-${code.lookup}${code.secret.slice(0, 3)}`;
    this.pendingPairJob = job;
    const now = new Date().toISOString();
    this.d.jobs.track({
      id: job,
      kind: 'peers.pair',
      status: 'running',
      ...jobTitle('pairWait'),
      createdAt: now,
      updatedAt: now,
    });
    this.d.discovery()?.announce(); // the lookup id, so a joiner with the short code finds this machine
    const port = host.node.port();
    const hostAddr = this.d.listenHost === '0.0.0.0' ? '127.0.0.1' : this.d.listenHost;
    const addresses = host.addresses();
    const peerId = this.d.env.identity.peerId;
    return {
      code: shortCode(code),
      fullCode: fullCode(code, { peerId, addresses, expiresAt: code.expiresAt }),
      peerId,
      name: this.deviceName(),
      addresses: [`${hostAddr}:${port}`, ...addresses],
      expiresAt: new Date(code.expiresAt).toISOString(),
      job,
    };
  }

  /** The peer listener paired with a joiner of this machine's code. */
  onPaired(peer: string, info: SelfInfo): void {
    const given = this.pendingPairName;
    const rec = this.d.env.trust.add({
      id: peer,
      name: given ?? info.name,
      renamed: given !== undefined || undefined,
      addresses: info.addrs,
      via: 'pair',
    });
    this.d.emit({ type: 'peer.paired', peer, name: rec.name, address: rec.addresses[0] });
    if (this.pendingPairJob) this.d.jobs.update(this.pendingPairJob, { status: 'done', result: { peer } });
    this.d.discovery()?.announce(); // no longer pairing
  }

  /** A joiner's attempt at this machine's code failed. */
  onPairFailed(message: string): void {
    const error = { code: ErrorCodes.PAIRING_FAILED, message };
    this.d.discovery()?.announce();
    this.d.emit({ type: 'peer.pair-failed', error });
    if (this.pendingPairJob) this.d.jobs.update(this.pendingPairJob, { status: 'failed', error });
  }

  /** Cancels a code's job (`pair-…`): the code stops working. Ended or superseded codes are left as they are. */
  cancelPairJob(id: string): JobDto {
    const j = this.d.jobs.get(id);
    if (id === this.pendingPairJob && j.status === 'running') {
      this.d.peerHost()?.cancelPairing();
      this.d.discovery()?.announce();
      this.pendingPairJob = undefined;
      this.d.jobs.update(id, { status: 'cancelled' });
    }
    return this.d.jobs.get(id);
  }

  async pairJoin(req: PairJoinRequest): Promise<PeerDto> {
    const env = this.d.env;
    const joined = await joinPairing({
      identity: env.identity,
      transport: env.transport,
      code: req.code,
      address: req.address || undefined,
      defaultPort: this.d.config().transfer.port,
      me: this.selfInfo(),
      findOnLan: this.findOnLan,
    });
    const rec = env.trust.add({
      id: joined.peer,
      name: req.name ?? joined.info.name,
      renamed: req.name !== undefined || undefined,
      addresses: joined.info.addrs.length > 0 ? joined.info.addrs : [joined.address],
      via: 'pair',
    });
    const dto = peerDto(rec);
    this.d.emit({ type: 'peer.paired', peer: rec.id, name: rec.name, address: dto.address });
    return dto;
  }
}

function peerDto(p: TrustedPeer): PeerDto {
  return {
    id: p.id,
    name: p.name,
    address: p.addresses[0],
    addresses: p.addresses,
    addressesAt: p.addressesAt,
    addressesFrom: p.addressesFrom,
    path: lastPath(p.id),
    addedAt: p.addedAt,
    via: p.via,
  };
}
