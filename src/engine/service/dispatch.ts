/**
 * The service's side of the operation table (src/shared/operations.ts): which WarpService method serves each
 * operation. The type-checker holds it to exactly the table's names, arguments and results, so an operation
 * added to the table and not served here (or served with the wrong types) fails `npm run typecheck`.
 * Both transports call through it: the HTTP routes (src/engine/http) and Electron main's IPC handlers; each
 * says what it is (HostFacts) instead of the service knowing which host runs it.
 */
import type { InfoDto } from '../../shared/bridge.ts';
import type { OperationHandlers } from '../../shared/operations.ts';
import { browseFolder } from './folder-browser.ts';
import type { WarpService } from './warp-service.ts';

/** What the hosting process adds to `info()`: which process it is, and whether its transport takes uploads. */
export interface HostFacts {
  host: InfoDto['host'];
  upload: boolean;
}

export function serviceOperations(s: WarpService, facts: HostFacts): OperationHandlers {
  return {
    info: () => {
      const i = s.info();
      return { ...i, host: facts.host, features: { ...i.features, upload: facts.upload } };
    },
    'archive.create': (req) => s.archives.create(req),
    'archive.extract': (req) => s.archives.extract(req),
    'archive.verify': (req) => s.archives.verify(req),
    'archive.list': (req) => s.archives.list(req),
    'archive.info': (req) => s.archives.info(req),
    'library.list': () => s.library.list(),
    'fs.browse': (req) => browseFolder(req),
    'library.remove': (req) => ({ removed: s.library.remove(req.archive) }),
    'jobs.list': () => s.jobList(),
    'jobs.get': (id) => s.jobGet(id),
    'jobs.cancel': (id) => s.jobCancel(id),
    'transfers.start': (req) => s.transferStart(req),
    'transfers.list': (req) => s.transferList(req),
    'transfers.get': (id) => s.transferGet(id),
    'transfers.cancel': (id) => s.transferCancel(id),
    'transfers.pause': (id) => s.transferPause(id),
    'transfers.resume': (id) => s.transferResume(id),
    'peers.self': () => s.peers.self(),
    'peers.list': () => s.peers.list(),
    'peers.pairStart': (req) => s.peers.pairStart(req),
    'peers.pairJoin': (req) => s.peers.pairJoin(req),
    'peers.remove': (id) => s.peers.remove(id),
    'peers.nearby': () => s.peers.nearby(),
    'peers.pairAsk': (req) => s.pairRequests.ask(req),
    'peers.pairRequests': () => s.pairRequests.list(),
    'peers.pairAnswer': (req) => s.pairRequests.answer(req),
    'peers.setAddresses': (req) => s.peers.setAddresses(req),
    'peers.rename': (req) => s.peers.rename(req),
    'swarm.status': () => s.swarmStatus(),
    'sync.list': () => s.syncList(),
    'sync.add': (req) => s.syncAdd(req),
    'sync.remove': (id) => s.syncRemove(id),
    'sync.pause': (id) => s.syncPause(id),
    'sync.resume': (id) => s.syncResume(id),
    'sync.confirm': (id) => s.syncConfirm(id),
    'sync.versions': (id) => s.syncVersions(id),
    'sync.restore': (req) => s.syncRestore(req),
    'sync.conflicts': (id) => s.syncConflicts(id),
    'sync.now': (id) => s.syncNow(id),
    'sync.resolve': (req) => s.syncResolve(req),
    'sync.settings': (req) => s.syncSettings(req),
    'shares.list': () => s.shares.list(),
    'shares.create': (req) => s.shares.create(req),
    'shares.pause': (id) => s.shares.pause(id),
    'shares.resume': (id) => s.shares.resume(id),
    'shares.revoke': (id) => s.shares.revoke(id),
    'shares.extend': (req) => s.shares.extend(req),
    'config.get': () => s.configGet(),
    'config.set': (req) => s.configSet(req),
  };
}
