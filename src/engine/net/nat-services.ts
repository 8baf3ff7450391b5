/**
 * The libp2p services behind `[net] autonat`, `upnp` and `hole_punch`, for listeners (node.ts) and the relay
 * (relay-server.ts): identify always, UPnP IGD / NAT-PMP port mapping and AutoNAT reachability checks for a
 * listener bound beyond loopback, DCUtR (hole punching a relayed connection into a direct one) where asked.
 *
 * AutoNAT is wrapped (`safeAutoNAT`): @libp2p/autonat 3's v1 server dials a peer back without `force`, so libp2p
 * hands it the connection the peer asked on whenever the address to check is the one it is connected from (the
 * usual case: the peer asks about its observed address). The server then reports that connection as a
 * successful dial-back and closes it in its `finally`: the asking peer loses the connection it asked on (its
 * relay slot, or a transfer) and reads EOF instead of the verdict. bench/nat.ts saw a listener's relay
 * connection drop every ~4 s; test/net/nat-autonat.test.ts proves it stays up now.
 */
import { autoNAT, type AutoNATComponents, type AutoNATServiceInit } from '@libp2p/autonat';
import { dcutr } from '@libp2p/dcutr';
import { identify } from '@libp2p/identify';
import { uPnPNAT } from '@libp2p/upnp-nat';
import type { ServiceFactoryMap } from 'libp2p';

export interface NatSettings {
  /** Where the node listens; undefined for a dial-only node. */
  listen?: { host: string; port: number };
  /** [net] upnp, autonat, hole_punch; each absent: off. */
  nat?: { upnp?: boolean; autonat?: boolean; holePunch?: boolean };
}

/** identify plus the NAT traversal services `o` asks for (see the header). */
export function natServices(o: NatSettings): ServiceFactoryMap {
  const s: ServiceFactoryMap = { identify: identify({ timeout: 10_000 }) };
  // A listener bound to loopback has nothing to map or to check from outside.
  const outward = o.listen !== undefined && !/^(127\.|::1$|localhost$)/.test(o.listen.host);
  // @libp2p/upnp-nat requires the AutoNAT capability: with [net] autonat off the node would not start at all
  // (bench/nat.ts found it), so UPnP follows AutoNAT.
  // A mapping the router made is trusted at once (autoConfirmAddress): AutoNAT re-checks addresses only when it
  // connects to a new peer or every refreshInterval, so a mapping made after the relay connection (the only
  // AutoNAT server a home listener knows) stayed unverified, unannounced and useless (bench/nat.ts --upnp).
  if (outward && o.nat?.upnp && o.nat.autonat)
    s.upnp = uPnPNAT({ portMappingDescription: 'warp', autoConfirmAddress: true });
  if (outward && o.nat?.autonat) s.autonat = safeAutoNAT({ startupDelay: 2_000, refreshInterval: 5 * 60_000 });
  if (o.nat?.holePunch) s.dcutr = dcutr({ timeout: 5_000, retries: 2 });
  return s;
}

type AutoNATFactory = ReturnType<typeof autoNAT>;
type ConnectionManager = AutoNATComponents['connectionManager'];

/**
 * AutoNAT whose dial-backs open a new connection. The service's only single-address `openConnection` call is the
 * server's dial-back (its client side dials lists of a random peer's addresses, or uses the connection it has);
 * that one gets `force: true`, so the check really dials and the `finally` closes only the dial-back.
 */
export function safeAutoNAT(init: AutoNATServiceInit = {}): AutoNATFactory {
  const factory = autoNAT(init);
  return (components: AutoNATComponents) => {
    const forcing = (cm: ConnectionManager): ConnectionManager =>
      new Proxy(cm, {
        get(target, prop) {
          if (prop === 'openConnection')
            return (peer: Parameters<ConnectionManager['openConnection']>[0], opts = {}) =>
              target.openConnection(peer, isOneAddress(peer) ? { ...opts, force: true } : opts);
          const v = Reflect.get(target, prop) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    let wrapped: ConnectionManager | undefined;
    const view = new Proxy(components, {
      get(target, prop, receiver) {
        if (prop !== 'connectionManager') return Reflect.get(target, prop, receiver) as unknown;
        wrapped ??= forcing(target.connectionManager);
        return wrapped;
      },
    });
    return factory(view);
  };
}

/** One multiaddr (not a peer id, not a list of a peer's addresses). */
function isOneAddress(peer: unknown): boolean {
  return !Array.isArray(peer) && typeof (peer as { getComponents?: unknown })?.getComponents === 'function';
}
