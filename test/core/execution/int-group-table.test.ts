import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BIGINT, DATE, DOUBLE, INTEGER, SMALLINT, TINYINT, VARCHAR, type LogicalType, type Value } from '../../../core/types/types.ts'
import { getValue, vectorFromValues, type Vector } from '../../../core/vector/vector.ts'
import { GroupTable } from '../../../core/execution/group-table.ts'
import { IntGroupTable, isIntKey } from '../../../core/execution/int-group-table.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { Database } from '../../../index.ts'

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 }
}

/**
 * Group ids from the integer table and from the general table over the same keys plus a constant
 * VARCHAR column (two keys, so it takes the general path): they must agree row for row.
 */
function compareWithGeneral(type: LogicalType, chunks: Value[][], nullsEqual: boolean): void {
  const fast = new GroupTable([type], nullsEqual, 4)
  const general = new GroupTable([type, VARCHAR], nullsEqual, 4)
  for (const values of chunks) {
    const v = vectorFromValues(type, values)
    const pad = vectorFromValues(VARCHAR, values.map(() => 'x'))
    const a = new Int32Array(values.length), b = new Int32Array(values.length)
    const beforeA = fast.findOrCreate([v], values.length, a)
    const beforeB = general.findOrCreate([v, pad], values.length, b)
    assert.equal(beforeA, beforeB)
    assert.deepEqual(Array.from(a), Array.from(b))
    fast.find([v], values.length, a)
    general.find([v, pad], values.length, b)
    assert.deepEqual(Array.from(a), Array.from(b))
  }
  assert.equal(fast.size, general.size)
  const keysA = fast.keyVectors()[0]!, keysB = general.keyVectors()[0]!
  assert.equal(keysA.type, type)
  for (let g = 0; g < fast.size; g++) assert.deepEqual(getValue(keysA, g), getValue(keysB, g))
}

function randomChunks(seed: number, chunks: number, size: number, pick: (r: () => number) => Value): Value[][] {
  const r = rng(seed)
  const out: Value[][] = []
  for (let c = 0; c < chunks; c++) out.push(Array.from({ length: size }, () => (r() < 0.05 ? null : pick(r))))
  return out
}

test('one integer key takes the slot-keyed table; other keys do not', () => {
  for (const t of [TINYINT, SMALLINT, INTEGER, DATE, BIGINT]) assert.equal(isIntKey(t), true)
  for (const t of [DOUBLE, VARCHAR]) assert.equal(isIntKey(t), false)
})

test('INTEGER keys (negative, zero, extremes, NULL) group as the general table groups them', () => {
  const extremes: Value[] = [0, -1, 1, 2147483647, -2147483648, null, -1, 0, null, 2147483647]
  compareWithGeneral(INTEGER, [extremes], true)
  compareWithGeneral(INTEGER, [extremes], false)
  // many chunks with repeats, growing the table well past its first size
  compareWithGeneral(INTEGER, randomChunks(7, 20, 1000, r => Math.floor(r() * 5000) - 2500), true)
  compareWithGeneral(INTEGER, randomChunks(8, 5, 3000, r => Math.floor(r() * 2 ** 32) - 2 ** 31), false)
})

test('runs of one key, broken by NULLs and by missing keys, keep their groups', () => {
  const runs: Value[] = [3, 3, 3, null, 3, 0, 0, null, null, 0, 4, 4, 3, 3]
  for (const nullsEqual of [true, false]) {
    compareWithGeneral(INTEGER, [runs, [9, 9, 3, 3, null, 9, 0, 0], runs], nullsEqual)
    compareWithGeneral(INTEGER, randomChunks(11, 6, 800, r => Math.floor(r() * 40) >> 3), nullsEqual)
  }
  const t = new GroupTable([INTEGER], true, 4)
  const ids = new Int32Array(6)
  t.findOrCreate([vectorFromValues(INTEGER, [0, 0, 5])], 3, ids)
  t.find([vectorFromValues(INTEGER, [7, 7, 0, 0, 7, 5])], 6, ids)
  assert.deepEqual(Array.from(ids), [-1, -1, 0, 0, -1, 1])
})

test('BIGINT keys that share a low or high word stay apart', () => {
  const big: Value[] = [2n ** 62n, 0n, 2n ** 32n, 1n, 2n ** 32n + 1n, -1n, -(2n ** 32n), 2n ** 62n, null, 9223372036854775807n,
    -9223372036854775808n, 4294967295n, 0n, null, 1n]
  compareWithGeneral(BIGINT, [big], true)
  compareWithGeneral(BIGINT, [big], false)
  compareWithGeneral(BIGINT, randomChunks(9, 10, 500, r => BigInt(Math.floor(r() * 300)) * 2n ** 31n - 7n), true)
})

test('TINYINT, SMALLINT and DATE keys group as the general table groups them', () => {
  compareWithGeneral(TINYINT, randomChunks(1, 4, 300, r => Math.floor(r() * 256) - 128), true)
  compareWithGeneral(SMALLINT, randomChunks(2, 4, 300, r => Math.floor(r() * 65536) - 32768), true)
  compareWithGeneral(DATE, randomChunks(3, 4, 300, r => Math.floor(r() * 20000) - 10000), false)
})

test('dense keys (direct-mapped) in ascending, descending and scattered order group as the general table groups them', () => {
  // order-key-like: 8 of every 32 keys, each repeated a few times, ascending over many chunks
  const ascending: Value[][] = []
  for (let c = 0, k = 1; c < 12; c++) {
    const chunk: Value[] = []
    while (chunk.length < 4000) { const key = k++; if ((key & 31) < 8) for (let r = key % 5; r >= 0; r--) chunk.push(key % 997 === 0 ? null : key) }
    ascending.push(chunk)
  }
  for (const nullsEqual of [true, false]) {
    compareWithGeneral(INTEGER, ascending, nullsEqual)
    compareWithGeneral(INTEGER, [...ascending].reverse().map(c => [...c].reverse()), nullsEqual)
    compareWithGeneral(INTEGER, randomChunks(12, 8, 2000, r => Math.floor(r() * 30000) + 1_000_000), nullsEqual)
    compareWithGeneral(INTEGER, [[2147483647, 2147483640, null, 2147483647, 2147483000], [-2147483648, -2147483640, 0]], nullsEqual)
  }
})

test('a key far from the others moves a direct-mapped table to hashing mid-chunk, keeping every group id', () => {
  for (const nullsEqual of [true, false]) {
    const first: Value[] = [10, 11, null, 12, 10, 50_000_000, 11, null, 13, -7, 12]
    compareWithGeneral(INTEGER, [first, [13, 10, 50_000_000, 14, null, -7, 99]], nullsEqual)
    const t = new IntGroupTable(INTEGER, nullsEqual, 4)
    const ids = new Int32Array(first.length)
    t.findOrCreate(vectorFromValues(INTEGER, [1, 2, 3]), 3, ids)
    t.find(vectorFromValues(INTEGER, [3, 4, 0, -100000, 1]), 5, ids)
    assert.deepEqual(Array.from(ids.subarray(0, 5)), [2, -1, -1, -1, 0])
    t.findOrCreate(vectorFromValues(INTEGER, [2, 2 ** 30, 4]), 3, ids)
    assert.deepEqual(Array.from(ids.subarray(0, 3)), [1, 3, 4])
    t.find(vectorFromValues(INTEGER, [4, 2 ** 30, 1, 5]), 4, ids)
    assert.deepEqual(Array.from(ids.subarray(0, 4)), [4, 3, 0, -1])
  }
  // spread out past the limit only gradually: the span may reach 8 slots a group, not more
  compareWithGeneral(INTEGER, Array.from({ length: 6 }, (_, c) => Array.from({ length: 5000 }, (_, i) => (c * 5000 + i) * 20)), true)
})

test('a hashing table probed with more rows than its keys span finds through a direct array, rebuilt after new groups', () => {
  for (const nullsEqual of [true, false]) {
    const r = rng(nullsEqual ? 7 : 8)
    // 300 keys over 200 k (past the direct-mapped limit, so the table hashes), NULLs among them
    const keys: Value[] = Array.from({ length: 300 }, (_, i) => i % 50 === 0 ? null : Math.floor(r() * 200_000) - 100_000)
    const fast = new IntGroupTable(INTEGER, nullsEqual, 300)
    const general = new GroupTable([INTEGER, VARCHAR], nullsEqual, 300)
    const pad = (n: number): Vector => vectorFromValues(VARCHAR, Array.from({ length: n }, () => 'x'))
    const add = (values: Value[]): void => {
      const a = new Int32Array(values.length), b = new Int32Array(values.length)
      fast.findOrCreate(vectorFromValues(INTEGER, values), values.length, a)
      general.findOrCreate([vectorFromValues(INTEGER, values), pad(values.length)], values.length, b)
      assert.deepEqual(Array.from(a), Array.from(b))
    }
    const find = (values: Value[]): void => {
      const a = new Int32Array(values.length), b = new Int32Array(values.length)
      fast.find(vectorFromValues(INTEGER, values), values.length, a)
      general.find([vectorFromValues(INTEGER, values), pad(values.length)], values.length, b)
      assert.deepEqual(Array.from(a), Array.from(b))
    }
    // hits, misses inside and outside the span, NULLs
    const probe = (chunks: number): void => {
      for (let c = 0; c < chunks; c++) {
        find(Array.from({ length: 4096 }, (_, i) =>
          i % 97 === 0 ? null : i % 3 === 0 ? keys[Math.floor(r() * keys.length)]! : Math.floor(r() * 400_000) - 200_000))
      }
    }
    const direct = (): boolean => (fast as unknown as { probeDirect: Int32Array | null }).probeDirect !== null
    add(keys)
    probe(4)
    assert.equal(direct(), false, 'not before the probes pay for the span')
    probe(60)
    assert.equal(direct(), true, 'once the probes pay for it')
    // a stale array would miss the new keys (150 000 lies past the old span)
    add([150_000, 5, 5, null])
    find([150_000, 5, 149_999, null])
    probe(20)
    assert.equal(direct(), true, 'built again over the wider span')
  }
})

test('find returns -1 for missing keys and for NULL when NULLs differ', () => {
  const t = new GroupTable([INTEGER], false, 4)
  const ids = new Int32Array(4)
  t.findOrCreate([vectorFromValues(INTEGER, [5, null, 7, null])], 4, ids)
  assert.deepEqual(Array.from(ids), [0, 1, 2, 3])
  t.find([vectorFromValues(INTEGER, [7, null, 6, 5])], 4, ids)
  assert.deepEqual(Array.from(ids), [2, -1, -1, 0])
  const keys = t.keyVectors()[0]!
  assert.deepEqual([0, 1, 2, 3].map(g => getValue(keys, g)), [5, null, 7, null])
  assert.equal(new GroupTable([BIGINT]).keyVectors()[0]!.length, 0)
})

test('a probe key that is not an integer is refused as an internal error, not misread', () => {
  const t = new IntGroupTable(INTEGER, true, 4)
  const v: Vector = vectorFromValues(DOUBLE, [1.5])
  assert.throws(() => t.find(v, 1, new Int32Array(1)), (e: unknown) => e instanceof GrizzlyError && e.code === 'XX000')
})

test('joins and GROUP BY over integer keys with NULLs answer as before', async () => {
  const db = await Database.open()
  try {
    await db.exec(`CREATE TABLE a (k BIGINT, v INTEGER); CREATE TABLE b (k BIGINT, w INTEGER);
      INSERT INTO a SELECT CASE WHEN i % 10 = 0 THEN NULL ELSE (i % 97) * 4294967296 END, i FROM range(1000) t(i);
      INSERT INTO b SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 50) * 4294967296 END, i FROM range(300) t(i)`)
    const join = await db.query('SELECT count(*), sum(v), sum(w) FROM a JOIN b ON a.k = b.k')
    const loop = await db.query('SELECT count(*), sum(v), sum(w) FROM a, b WHERE a.k <= b.k AND a.k >= b.k')  // no equi-key: nested loop
    assert.deepEqual(join.rows, loop.rows)
    assert.notEqual(join.rows[0]![0], 0n)
    const nd = await db.query('SELECT count(*) FROM a JOIN b ON a.k IS NOT DISTINCT FROM b.k')
    const ndLoop = await db.query('SELECT count(*) FROM a, b WHERE coalesce(a.k, -1) <= coalesce(b.k, -1) AND coalesce(a.k, -1) >= coalesce(b.k, -1)')
    assert.deepEqual(nd.rows, ndLoop.rows)
    const groups = await db.query('SELECT k IS NULL AS n, count(*) AS groups, sum(c) FROM (SELECT k, count(*) AS c FROM a GROUP BY k) GROUP BY n ORDER BY n')
    assert.deepEqual(groups.rows, [[false, 97n, 900], [true, 1n, 100]])
  } finally {
    await db.close()
  }
})
