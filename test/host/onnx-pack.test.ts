/**
 * The WebAssembly SIMD packer of predict's DOUBLE columns (host/services/onnx-pack.ts) against
 * the plain definition out[j·w + f] = Math.fround(cols[f][j]): every width from 1 to 13, even
 * and odd row counts, values that round, overflow or are special, columns in shared memory, and
 * a memory that grows between batches; and predict() over such columns end to end.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Database } from '../../core/database.ts'
import { PACK_WASM, simdPacker } from '../../host/services/onnx-pack.ts'
import { registerOnnx } from '../../host/services/onnx.ts'
import { mlp, mlpModel, mlpWeights, weights } from '../../bench/onnx-models.ts'

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
      const want = Math.fround(cols[f]![j]!), got: number = out[j * w + f]!
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

test('predict over DOUBLE, INTEGER and mixed columns agrees with the JavaScript MLP and with FLOAT[n], NULL rows included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-onnx-pack-'))
  const db = await Database.open()
  try {
    registerOnnx(db.hooks, 'onnx')
    for (const k of [4, 5, 8, 11]) {
      const m = mlpWeights(k, 16, 1, 40 + k)
      const path = join(dir, `m${k}.onnx`)
      writeFileSync(path, mlpModel(m))
      await db.exec(`CREATE MODEL m${k} FROM '${path}'`)
      const cols = Array.from({ length: k }, (_, f) => `f${f}`)
      // 9,001 rows: two full 4096-row chunks without NULLs (the SIMD path) and an odd tail with some (the JavaScript loop); column 1 INTEGER
      const exprs = cols.map((c, f) => f === 1 ? `(i % 7 - 3)::INTEGER AS ${c}` : `CASE WHEN i > 8192 AND i % 97 = 5 AND ${f} = 2 THEN NULL ELSE ((i * ${f + 3} + ${f}) % 101) / 50.0 - 1 END AS ${c}`)
      await db.exec(`CREATE OR REPLACE TABLE t AS SELECT i, ${exprs.join(', ')} FROM range(9001) r(i)`)
      const got = (await db.query(`SELECT i, ${cols.join(', ')}, predict('m${k}', ${cols.join(', ')}), predict('m${k}', [${cols.join(', ')}]::FLOAT[${k}]) FROM t ORDER BY i`)).rows
      assert.equal(got.length, 9001)
      for (const r of got) {
        const x = r.slice(1, k + 1) as (number | null)[]
        const [p, a] = [r[k + 1] as number | null, r[k + 2] as number | null]
        if (x.includes(null)) { assert.equal(p, null); assert.equal(a, null); continue }
        const want = mlp(m, x.map(v => Math.fround(v!)))[0]!
        assert.ok(Math.abs(p! - want) <= 1e-4 * Math.max(1, Math.abs(want)), `k ${k}, row ${String(r[0])}: ${p} vs ${want}`)
        assert.equal(p, a, `k ${k}, row ${String(r[0])}: columns and FLOAT[${k}] differ`)
      }
      // a whole column's sum through the packed path equals the sum over the FLOAT[n] form
      const [s1, s2] = (await db.query(`SELECT sum(predict('m${k}', ${cols.join(', ')})), sum(predict('m${k}', [${cols.join(', ')}]::FLOAT[${k}])) FROM t`)).rows[0]! as number[]
      assert.equal(s1, s2)
    }
  } finally {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
