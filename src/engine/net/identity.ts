/**
 * This installation's identity: an Ed25519 key pair whose public key is its libp2p peer id. Created on first
 * use in WARP_HOME/identity.key (libp2p protobuf encoding, mode 0600) and the same on every later run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { PrivateKey } from '@libp2p/interface';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';

export interface Identity {
  privateKey: PrivateKey;
  peerId: string;
  file: string;
}

export function identityFile(home: string): string {
  return path.join(home, 'identity.key');
}

export async function loadIdentity(home: string, opts: { create?: boolean } = {}): Promise<Identity> {
  const file = identityFile(home);
  let bytes: Buffer | undefined;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fromSystemError(e, file, 'read');
  }
  if (bytes) {
    let key: PrivateKey;
    try {
      key = privateKeyFromProtobuf(bytes);
    } catch (e) {
      throw new WarpError(
        ErrorCodes.KEY_FILE_INVALID,
        `${file}: the identity key is damaged (${(e as Error).message}); move it away to create a new identity (paired peers must pair again)`,
      );
    }
    if (key.type !== 'Ed25519')
      throw new WarpError(ErrorCodes.KEY_FILE_INVALID, `${file}: expected an Ed25519 identity, found ${key.type}`);
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077) fs.chmodSync(file, 0o600); // never leave a private key readable by others
    return { privateKey: key, peerId: peerIdFromPrivateKey(key).toString(), file };
  }
  if (opts.create === false)
    throw new WarpError(ErrorCodes.INPUT_NOT_FOUND, `no identity in ${home}; run 'warp id' to create one`);
  const key = await generateKeyPair('Ed25519');
  try {
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file); // atomic, and never replaces an identity created meanwhile by another process
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      fs.rmSync(tmp, { force: true });
      return loadIdentity(home, { create: false });
    }
    fs.rmSync(tmp, { force: true });
  } catch (e) {
    throw fromSystemError(e, file, 'write');
  }
  return { privateKey: key, peerId: peerIdFromPrivateKey(key).toString(), file };
}
