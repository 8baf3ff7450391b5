/** Which NAT-traversal services a node runs for its [net] settings (node.ts natServices). */
import { describe, expect, it } from 'vitest';
import { natServices } from '../../src/engine/net/nat-services.ts';

const ALL = { upnp: true, autonat: true, holePunch: true };
const keys = (o: Parameters<typeof natServices>[0]): string[] => Object.keys(natServices(o)).sort();

describe('NAT services per setting', () => {
  it('an outward listener with everything on runs UPnP, AutoNAT and DCUtR', () => {
    expect(keys({ listen: { host: '0.0.0.0', port: 0 }, nat: ALL })).toEqual(['autonat', 'dcutr', 'identify', 'upnp']);
  });

  it('UPnP without AutoNAT is left out (libp2p refuses to start upnp-nat without the AutoNAT capability)', () => {
    expect(keys({ listen: { host: '0.0.0.0', port: 0 }, nat: { ...ALL, autonat: false } })).toEqual([
      'dcutr',
      'identify',
    ]);
  });

  it('loopback listeners and dial-only nodes neither map ports nor ask for dial-backs', () => {
    expect(keys({ listen: { host: '127.0.0.1', port: 0 }, nat: ALL })).toEqual(['dcutr', 'identify']);
    expect(keys({ nat: ALL })).toEqual(['dcutr', 'identify']);
    expect(keys({ listen: { host: '0.0.0.0', port: 0 } })).toEqual(['identify']);
  });
});
