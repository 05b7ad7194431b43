/**
 * Mutated CSV files: each seeded mutation of a valid file must either read or fail with a
 * GrizzlyError — never crash with another error, never hang.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { sqlString as q, tempDir } from './csv-helpers.ts'

const t = tempDir('grizzly-csv-fuzz-')
test.after(t.cleanup)

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const BASE = new TextEncoder().encode([
  'id,name,price,day,ts,flag,note',
  ...Array.from({ length: 40 }, (_, i) => `${i},"name ${i}",${(i * 1.25).toFixed(2)},2024-01-${String(i % 28 + 1).padStart(2, '0')},2024-01-01 0${i % 10}:00:00,${i % 2 === 0},"a ""q"" b, c"`),
].join('\n') + '\n')

const SPECIAL = [0x22, 0x2c, 0x0a, 0x0d, 0x3b, 0x7c, 0x09, 0x5c, 0x27, 0x00, 0xff, 0xc3, 0x23]

function mutate(bytes: Uint8Array, r: () => number): Uint8Array {
  const out = Array.from(bytes)
  const edits = 1 + Math.floor(r() * 6)
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(r() * out.length)
    const kind = Math.floor(r() * 5)
    const b = r() < 0.7 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : Math.floor(r() * 256)
    if (kind === 0) out[at] = b
    else if (kind === 1) out.splice(at, 0, b)
    else if (kind === 2) out.splice(at, 1 + Math.floor(r() * 8))
    else if (kind === 3) out.length = at
    else out.splice(at, 0, ...out.slice(Math.floor(r() * out.length), Math.floor(r() * out.length)))
  }
  return Uint8Array.from(out)
}

test('300 seeded mutations each read or fail with a GrizzlyError', async () => {
  const db = await Database.open()
  let read = 0, refused = 0
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed)
    let bytes = mutate(BASE, r)
    const gz = seed % 10 === 0
    if (gz) {
      // a compressed file, sometimes cut short
      const z = gzipSync(bytes)
      bytes = seed % 20 === 0 ? z.subarray(0, Math.floor(z.length * r())) : z
    }
    const path = t.file(`m${seed}.csv${gz ? '.gz' : ''}`, bytes)
    const options = ['', ', ignore_errors = true', ', all_varchar = true', ", quote = '\"', delim = ','", ', null_padding = true, ignore_errors = true'][seed % 5]
    try {
      const res = await db.query(`SELECT * FROM read_csv(${q(path)}${options})`)
      assert.ok(Array.isArray(res.rows))
      read++
    } catch (e) {
      if (!(e instanceof GrizzlyError)) assert.fail(`seed ${seed}: not a GrizzlyError: ${String((e as Error).stack ?? e)}`)
      assert.ok(e.code.length === 5, `seed ${seed}: SQLSTATE ${e.code}`)
      refused++
    }
  }
  assert.equal(read + refused, 300)
  assert.ok(read > 100, `most mutations still read (${read})`)
  await db.close()
})
