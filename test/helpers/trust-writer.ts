/**
 * One of several processes changing the same peers.json at once (test/net/trust-lock.test.ts):
 * `node test/helpers/trust-writer.ts <home> <tag> <n>` adds n peers (fresh Ed25519 ids) one at a time, and after
 * each one renames the first peer it added and records an address learned for it, so every cycle reads and writes
 * the whole file. Prints the ids it added, as JSON, when done.
 */
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { TrustStore } from '../../src/engine/net/trust.ts';

const [home, tag, count] = process.argv.slice(2);
const store = new TrustStore(home);
const ids: string[] = [];
for (let i = 0; i < Number(count); i++) {
  const id = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
  ids.push(id);
  store.add({ id, name: `${tag}-${i}`, addresses: [`127.0.0.1:${2000 + i}`], via: 'manual' });
  store.learn(ids[0], { addresses: [`127.0.0.1:${3000 + i}`] }, 'contact');
  store.rename(ids[0], `${tag}-first`);
}
process.stdout.write(JSON.stringify(ids) + '\n');
