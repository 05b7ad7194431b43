/**
 * The WebAssembly SIMD packer of predict's DOUBLE columns (host/services/onnx-pack.ts) against
 * the plain definition out[j·w + f] = Math.fround(cols[f][j]): every width from 1 to 13, even
 * and odd row counts, values that round, overflow or are special, columns in shared memory, and
 * a memory that grows between batches.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PACK_WASM, simdPacker } from '../../host/services/onnx-pack.ts'
import { weights } from '../../bench/onnx-models.ts'

function columns(w: number, m: number, seed: number, shared = false): Float64Array[] {
  const v = weights(w * m, seed)
  return Array.from({ length: w }, (_, f) => {
    const col = shared ? new Float64Array(new SharedArrayBuffer(m * 8)) : new Float64Array(m)
    for (let j = 0; j < m; j++) col[j] = v[f * m + j]! * 10 ** ((j % 9) - 3)
    return col
  })
}

function check(out: Float32Array | null, cols: readonly Float64Array[], m: number, what: string): void {
  assert.ok(out !== null, what)
  const w = cols.length
  assert.equal(out.length, m * w, `${what}: length`)
  for (let j = 0; j < m; j++) {
    for (let f = 0; f < w; f++) {
      const want = Math.fround(cols[f]![j]!), got = out[j * w + f]!
      if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want))) assert.fail(`${what}: row ${j}, column ${f}: ${got}, want ${want}`)
    }
  }
}

test('the module validates, and every width and row count packs as Math.fround would', () => {
  const p = simdPacker()
  assert.ok(p !== null, 'WebAssembly SIMD is available in Node')
  for (let w = 1; w <= 13; w++) {
    for (const m of [0, 1, 2, 3, 7, 64, 4095, 4096]) check(p.interleave(columns(w, m, w * 100 + m), m), columns(w, m, w * 100 + m), m, `w ${w}, m ${m}`)
  }
  assert.equal(PACK_WASM[0], 0x00)
})

test('rounding, overflow and special values match Math.fround; shared-memory columns and columns longer than the batch', () => {
  const p = simdPacker()!
  const special = [0, -0, 1 / 3, -2.5e-40, 1e-46, 3.4028235677973366e38, 3.5e38, -1e300, Infinity, -Infinity, NaN, 16777217, 0.1, Number.MAX_VALUE, Number.MIN_VALUE]
  const m = special.length
  const cols = [0, 1, 2, 3, 4].map(s => Float64Array.from(special.map((_, j) => special[(j + s) % m]!)))
  check(p.interleave(cols, m), cols, m, 'special values')
  const shared = columns(8, 999, 5, true)
  check(p.interleave(shared, 999), shared, 999, 'SharedArrayBuffer columns')
  // columns longer than the rows asked for: only the first m are read
  const long = columns(6, 50, 9)
  check(p.interleave(long, 31), long.map(c => c.subarray(0, 31)), 31, 'first 31 of 50')
})

test('the memory grows for a wider batch, and later smaller batches still pack right', () => {
  const p = simdPacker()!
  const small = columns(4, 10, 1)
  check(p.interleave(small, 10), small, 10, 'small')
  const wide = columns(64, 4096, 2)
  check(p.interleave(wide, 4096), wide, 4096, 'wide (3 MB)')
  const again = columns(9, 333, 3)
  check(p.interleave(again, 333), again, 333, 'after growing')
  // two packers do not share memory
  const q = simdPacker()!
  const a = p.interleave(small, 10)!, before = Array.from(a)
  q.interleave(columns(4, 10, 77), 10)
  assert.deepEqual(Array.from(a), before)
})

test('a batch too large to hold in the module gives null (the caller keeps its JavaScript loop)', () => {
  const p = simdPacker()!
  const col = new Float64Array(1)
  // 2^22 rows × 8 columns × 12 bytes is past the 256 MB limit; the columns are not read
  assert.equal(p.interleave(Array.from({ length: 8 }, () => col), 1 << 22), null)
})
