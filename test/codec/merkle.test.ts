import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blake3 } from '../../src/engine/codec/blake3.ts';
import {
  EMPTY_ROOT,
  leafHash,
  merkleProof,
  merkleRoot,
  merkleRootRecursive,
  nodeHash,
  verifyMerkleProof,
} from '../../src/engine/codec/merkle.ts';

const ids = (n: number, salt = 0) => Array.from({ length: n }, (_, i) => blake3(Buffer.from(`chunk ${i} ${salt}`)));

describe('Merkle tree', () => {
  it('bottom-up and recursive roots agree for 0..70 leaves', () => {
    for (let n = 0; n <= 70; n++) {
      const l = ids(n);
      expect(merkleRoot(n, (i) => l[i]).equals(merkleRootRecursive(n, (i) => l[i])), `n=${n}`).toBe(true);
    }
    expect(merkleRoot(0, () => new Uint8Array()).equals(EMPTY_ROOT)).toBe(true);
  });
  it('every proof verifies for trees of 1..N leaves, and fails for another chunk, index or root', () => {
    for (let n = 1; n <= 40; n++) {
      const l = ids(n);
      const root = merkleRoot(n, (i) => l[i]);
      for (let i = 0; i < n; i++) {
        const p = merkleProof(i, n, (j) => l[j]);
        expect(verifyMerkleProof(l[i], p, root), `n=${n} i=${i}`).toBe(true);
        expect(verifyMerkleProof(blake3(Buffer.from('other')), p, root)).toBe(false);
        if (n > 1) expect(verifyMerkleProof(l[i], { ...p, index: (i + 1) % n }, root)).toBe(false);
        expect(verifyMerkleProof(l[i], p, blake3(Buffer.from('x')))).toBe(false);
      }
    }
  });
  it('leaves and nodes are domain-separated: a node cannot pose as a leaf', () => {
    const [a, b] = ids(2);
    const node = nodeHash(leafHash(a), leafHash(b));
    expect(leafHash(node).equals(node)).toBe(false);
    // A one-leaf tree whose "chunk id" is the two-leaf root's preimage halves does not collide.
    expect(merkleRoot(1, () => node).equals(merkleRoot(2, (i) => [a, b][i]))).toBe(false);
  });
  it('random trees: proofs of random leaves verify', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), (n, pick, salt) => {
        const l = ids(n, salt);
        const i = pick % n;
        expect(
          verifyMerkleProof(
            l[i],
            merkleProof(i, n, (j) => l[j]),
            merkleRoot(n, (j) => l[j]),
          ),
        ).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
