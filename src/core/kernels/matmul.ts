/**
 * The TypeScript matrix kernels over flat row-major Float64Arrays (the WebAssembly SIMD ones in
 * wasm/gemm.wat compute the same products). Each keeps a 4×4 block of outputs in registers so every
 * loaded element is used four times:
 *   C = A·Bᵀ: each output a dot product of two contiguous rows (forward, z = x·Wᵀ);
 *   C = A·B with A read through strides: rows of B and C stream contiguously, so A may be read
 *   transposed at no cost (backward, ∂E/∂x = g·W and ∂E/∂W = gᵀ·x).
 */

/** Longest run of k kept in cache at once: 8 rows of 512 doubles (32 KB) fit a core's L1. */
const K_BLOCK = 512;

/** C (m×n) = A (m×k) · Bᵀ with B stored n×k: C[i][j] = Σₚ A[i][p]·B[j][p]. */
export function matmulABt(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number): void {
  if (k === 0) {
    c.fill(0, 0, m * n);
    return;
  }
  if (k <= K_BLOCK) {
    kernelABt(a, b, c, m, n, k, 0, k, false);
    return;
  }
  // long dot products: sum k in cache-sized blocks, the first block writing C, the rest adding to it
  for (let p0 = 0; p0 < k; p0 += K_BLOCK) kernelABt(a, b, c, m, n, k, p0, Math.min(k, p0 + K_BLOCK), p0 > 0);
}

/** C (+)= A[:, p0:p1] · B[:, p0:p1]ᵀ with rows of length k; `add` accumulates into C instead of overwriting it. */
// long kernel: a 4×4 register-blocked loop nest and its row/column remainders in one body, so V8 keeps the 16
// accumulators in registers; split into calls, each remainder would cost a call per element group.
function kernelABt(
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  m: number,
  n: number,
  k: number,
  p0: number,
  p1: number,
  add: boolean,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = i * k,
      a1 = a0 + k,
      a2 = a1 + k,
      a3 = a2 + k;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = j * k,
        b1 = b0 + k,
        b2 = b1 + k,
        b3 = b2 + k;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let p = p0; p < p1; p++) {
        const x0 = a[a0 + p],
          x1 = a[a1 + p],
          x2 = a[a2 + p],
          x3 = a[a3 + p];
        const y0 = b[b0 + p],
          y1 = b[b1 + p],
          y2 = b[b2 + p],
          y3 = b[b3 + p];
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      let r = i * n + j;
      if (add) {
        c[r] += c00;
        c[r + 1] += c01;
        c[r + 2] += c02;
        c[r + 3] += c03;
        r += n;
        c[r] += c10;
        c[r + 1] += c11;
        c[r + 2] += c12;
        c[r + 3] += c13;
        r += n;
        c[r] += c20;
        c[r + 1] += c21;
        c[r + 2] += c22;
        c[r + 3] += c23;
        r += n;
        c[r] += c30;
        c[r + 1] += c31;
        c[r + 2] += c32;
        c[r + 3] += c33;
      } else {
        c[r] = c00;
        c[r + 1] = c01;
        c[r + 2] = c02;
        c[r + 3] = c03;
        r += n;
        c[r] = c10;
        c[r + 1] = c11;
        c[r + 2] = c12;
        c[r + 3] = c13;
        r += n;
        c[r] = c20;
        c[r + 1] = c21;
        c[r + 2] = c22;
        c[r + 3] = c23;
        r += n;
        c[r] = c30;
        c[r + 1] = c31;
        c[r + 2] = c32;
        c[r + 3] = c33;
      }
    }
    for (; j < n; j++) {
      const bj = j * k;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let p = p0; p < p1; p++) {
        const y = b[bj + p];
        s0 += a[a0 + p] * y;
        s1 += a[a1 + p] * y;
        s2 += a[a2 + p] * y;
        s3 += a[a3 + p] * y;
      }
      if (add) {
        c[i * n + j] += s0;
        c[(i + 1) * n + j] += s1;
        c[(i + 2) * n + j] += s2;
        c[(i + 3) * n + j] += s3;
      } else {
        c[i * n + j] = s0;
        c[(i + 1) * n + j] = s1;
        c[(i + 2) * n + j] = s2;
        c[(i + 3) * n + j] = s3;
      }
    }
  }
  for (; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = p0; p < p1; p++) s += a[ai + p] * b[bj + p];
      c[i * n + j] = add ? c[i * n + j] + s : s;
    }
  }
}

/**
 * C (m×n) = A·B with B stored k×n and A's element (r, p) at a[r·sr + p·sp]: C[r][q] = Σₚ A(r, p)·B[p][q].
 * A stored m×k row-major is sr = k, sp = 1 (C = A·B); A stored k×m is sr = 1, sp = m (C = Aᵀ·B).
 */
// long kernel: the 4-row blocked loop nest with its remainders in one body, for the same reason as kernelABt.
export function matmulStridedAB(
  a: Float64Array,
  sr: number,
  sp: number,
  b: Float64Array,
  c: Float64Array,
  m: number,
  n: number,
  k: number,
): void {
  let r = 0;
  for (; r + 4 <= m; r += 4) {
    const a0 = r * sr,
      a1 = a0 + sr,
      a2 = a1 + sr,
      a3 = a2 + sr;
    let q = 0;
    for (; q + 4 <= n; q += 4) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let p = 0, ap = 0, bp = q; p < k; p++, ap += sp, bp += n) {
        const x0 = a[a0 + ap],
          x1 = a[a1 + ap],
          x2 = a[a2 + ap],
          x3 = a[a3 + ap];
        const y0 = b[bp],
          y1 = b[bp + 1],
          y2 = b[bp + 2],
          y3 = b[bp + 3];
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      let o = r * n + q;
      c[o] = c00;
      c[o + 1] = c01;
      c[o + 2] = c02;
      c[o + 3] = c03;
      o += n;
      c[o] = c10;
      c[o + 1] = c11;
      c[o + 2] = c12;
      c[o + 3] = c13;
      o += n;
      c[o] = c20;
      c[o + 1] = c21;
      c[o + 2] = c22;
      c[o + 3] = c23;
      o += n;
      c[o] = c30;
      c[o + 1] = c31;
      c[o + 2] = c32;
      c[o + 3] = c33;
    }
    for (; q < n; q++) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let p = 0, ap = 0, bp = q; p < k; p++, ap += sp, bp += n) {
        const y = b[bp];
        s0 += a[a0 + ap] * y;
        s1 += a[a1 + ap] * y;
        s2 += a[a2 + ap] * y;
        s3 += a[a3 + ap] * y;
      }
      c[r * n + q] = s0;
      c[(r + 1) * n + q] = s1;
      c[(r + 2) * n + q] = s2;
      c[(r + 3) * n + q] = s3;
    }
  }
  for (; r < m; r++) {
    const ar = r * sr;
    for (let q = 0; q < n; q++) {
      let s = 0;
      for (let p = 0, ap = ar, bp = q; p < k; p++, ap += sp, bp += n) s += a[ap] * b[bp];
      c[r * n + q] = s;
    }
  }
}

/** dst (cols×rows) = srcᵀ for src stored rows×cols. */
export function transpose(src: Float64Array, rows: number, cols: number, dst: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[base + c];
  }
}
