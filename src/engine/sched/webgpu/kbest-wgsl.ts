/**
 * WGSL for the fused cost + k-best kernel: one invocation per chunk, a private insertion-sorted top list,
 * the same comparison as cpu/kbest.ts (cost, then edge id). Kept as a TS string so Vite and Node load it
 * without loaders.
 *
 * Bindings (4 storage buffers, within WebGPU compatibility mode's minimum):
 *   0 uniform  params   { count, k, maxFail, pairBase }
 *   1 storage  chunks   vec2<u32> per chunk + 1 trailing record: (costSize f32 bits, first pair index)
 *   2 storage  pairs    u32: edge | failures << 16
 *   3 storage  edges    { a: f32, b: f32, excluded: u32, pad: u32 }
 *   4 storage  out      vec2<u32> per (chunk, slot): (edge, cost f32 bits); slot >= found: (0xffff, +inf)
 * No infinities are computed on the GPU (WGSL may assume finite floats): +inf is written as bits.
 */
export const WORKGROUP_SIZE = 64;

export const KBEST_WGSL = /* wgsl */ `
struct Params {
  count: u32,
  k: u32,
  maxFail: u32,
  pairBase: u32,
};

struct Edge {
  a: f32,
  b: f32,
  excluded: u32,
  pad: u32,
};

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> chunks: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read> pairs: array<u32>;
@group(0) @binding(3) var<storage, read> edges: array<Edge>;
@group(0) @binding(4) var<storage, read_write> outp: array<vec2<u32>>;

const NO_EDGE: u32 = 0xffffu;
const INF_BITS: u32 = 0x7f800000u;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let c = gid.x + gid.y * groups.x * ${WORKGROUP_SIZE}u;
  if (c >= params.count) {
    return;
  }
  let k = params.k;
  let size = bitcast<f32>(chunks[c].x);
  let j0 = chunks[c].y - params.pairBase;
  let j1 = chunks[c + 1u].y - params.pairBase;
  var tc: array<f32, 8>;
  var te: array<u32, 8>;
  var n = 0u;
  for (var j = j0; j < j1; j = j + 1u) {
    let w = pairs[j];
    let e = w & 0xffffu;
    if (((w >> 16u) & 0xffu) >= params.maxFail) {
      continue;
    }
    let ed = edges[e];
    if (ed.excluded != 0u) {
      continue;
    }
    // a * size is exact (both operands have 12 significant bits), so fused or not, one rounding remains.
    let cost = ed.a * size + ed.b;
    var i = n;
    if (n == k) {
      let wc = tc[k - 1u];
      if (cost > wc || (cost == wc && e > te[k - 1u])) {
        continue;
      }
      i = k - 1u;
    } else {
      n = n + 1u;
    }
    loop {
      if (i == 0u) {
        break;
      }
      let pc = tc[i - 1u];
      if (pc < cost || (pc == cost && te[i - 1u] < e)) {
        break;
      }
      tc[i] = pc;
      te[i] = te[i - 1u];
      i = i - 1u;
    }
    tc[i] = cost;
    te[i] = e;
  }
  let o = c * k;
  for (var s = 0u; s < k; s = s + 1u) {
    if (s < n) {
      outp[o + s] = vec2<u32>(te[s], bitcast<u32>(tc[s]));
    } else {
      outp[o + s] = vec2<u32>(NO_EDGE, INF_BITS);
    }
  }
}
`;
