// Full VARCHAR segments are sealed (dictionary or packed rows): every read answers as the plain array did.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Buffer } from 'node:buffer'
import { ColumnSegment } from '../../../core/catalog/column-segment.ts'
import { DICTIONARY_MAX, PACK_MIN_AVERAGE_CHARS, sealStrings } from '../../../core/catalog/sealed-strings.ts'
import { MemoryTable, ROW_GROUP_SIZE } from '../../../core/catalog/memory-table.ts'
import { VARCHAR } from '../../../core/types/types.ts'
import { Vector } from '../../../core/vector/vector.ts'
import { storedUtf8 } from '../../../core/vector/stored-utf8.ts'
import { Database } from '../../../index.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-sealed-'))
after(() => rmSync(dir, { recursive: true, force: true }))

/** n rows from `f`, NULL where it gives null */
function rowsFrom(n: number, f: (i: number) => string | null): { data: string[]; validity: Uint8Array | null } {
  const data = new Array<string>(n), validity = new Uint8Array(n)
  let anyNull = false
  for (let i = 0; i < n; i++) {
    const s = f(i)
    data[i] = s ?? ''
    validity[i] = s === null ? 0 : 1
    if (s === null) anyNull = true
  }
  return { data, validity: anyNull ? validity : null }
}

test('sealing picks a one-byte dictionary, a two-byte one, or packed rows by distinct count; every read gives the rows back', () => {
  const cases: [string, (i: number) => string | null, string][] = [
    ['few', i => (i % 11 === 0 ? null : ['AIR', 'MAIL', 'SHIP', 'TRUCK'][i % 4]!), 'dictionary'],
    ['hundreds', i => `clerk#${Math.floor(i / 2) % 1000}`, 'dictionary'],
    ['unique', i => (i % 13 === 0 ? null : `a comment long enough to pack ${i} ${'x'.repeat(i % 17)}`), 'packed'],
    // the first rows repeat: a sample of nearly unique rows gives up on the dictionary at once
    ['exactly the limit', i => `a comment long enough to pack v${i < 2048 ? i % 8 : i % DICTIONARY_MAX}`, 'dictionary'],
    ['one past it', i => `a comment long enough to pack v${i < 2048 ? i % 8 : i % (DICTIONARY_MAX + 1)}`, 'packed'],
    ['nearly unique from the start', i => `a comment long enough to pack v${i % 3000}`, 'packed'],
    // short distinct rows (keys, codes) stay as they are: see PACK_MIN_AVERAGE_CHARS
    ['short and nearly unique', i => `id${String(i).padStart(PACK_MIN_AVERAGE_CHARS - 3, '0')}`, 'none'],
    ['nearly unique, just long enough', i => `id${String(i).padStart(PACK_MIN_AVERAGE_CHARS - 2, '0')}`, 'packed'],
  ]
  const n = 10_000
  for (const [what, f, kind] of cases) {
    const { data, validity } = rowsFrom(n, f)
    const sealed = sealStrings(data, n, validity)
    if (kind === 'none') { assert.equal(sealed, null, what); continue }
    assert.ok(sealed !== null, what)
    assert.equal(sealed.kind, kind, what)
    const expect = data.map((s, i) => (validity === null || validity[i] === 1 ? s : ''))
    assert.deepEqual(sealed.range(0, n), expect, what)
    assert.deepEqual(sealed.range(4000, 4100), expect.slice(4000, 4100), what)
    const sel = Int32Array.of(9999, 0, 17, 17, 5000)
    assert.deepEqual(sealed.gather(sel, sel.length), [...sel].map(i => expect[i]), what)
    for (const i of [0, 1, 11, 13, n - 1]) assert.equal(sealed.at(i), expect[i], `${what} row ${i}`)
  }
  // codes: one byte up to 256 values, two bytes above
  assert.equal(sealStrings(rowsFrom(1000, i => `a${i % 256}`).data, 1000, null)!.offHeapBytes, 1000)
  assert.equal(sealStrings(rowsFrom(1000, i => `a${i % 257}`).data, 1000, null)!.offHeapBytes, 2000)
})

test('packed rows keep non-ASCII text and lone surrogates of neighbouring rows apart', () => {
  const rows = ['\uD83D', '\uDE00', 'é', '', '日本語のテキスト、十三文字以上のもの', '\uD83D\uDE00 x', 'plain']
  const data = Array.from({ length: DICTIONARY_MAX + 10 }, (_, i) => `${rows[i % rows.length]}${i} long enough to be packed`)
  data[0] = '\uD83D'
  data[1] = '\uDE00'
  const sealed = sealStrings(data, data.length, null)!
  assert.equal(sealed.kind, 'packed')
  assert.equal(sealed.at(0), '\uD83D')
  assert.equal(sealed.at(1), '\uDE00')
  assert.deepEqual(sealed.range(0, data.length), data)
})

function fullSegment(f: (i: number) => string | null, packable = true): { segment: ColumnSegment; expect: (string | null)[] } {
  const segment = new ColumnSegment(VARCHAR, ROW_GROUP_SIZE)
  if (packable) segment.allowPacking()
  const expect: (string | null)[] = []
  for (let start = 0; start < ROW_GROUP_SIZE; start += 4096) {
    const { data, validity } = rowsFrom(4096, i => f(start + i))
    segment.append(new Vector(VARCHAR, 4096, data, validity), 0, 4096)
    data.forEach((s, i) => expect.push(validity === null || validity[i] === 1 ? s : null))
  }
  return { segment, expect }
}

function valuesOf(v: Vector): (string | null)[] {
  return Array.from({ length: v.length }, (_, i) => (v.isValid(i) ? (v.data as string[])[i]! : null))
}

test('a full segment answers read, gather, valueAt, copyTo and UTF-8 requests as before; writes and truncates unseal it', () => {
  const kinds = ['dictionary', 'packed']
  for (const f of [(i: number) => (i % 9 === 0 ? null : `mode ${i % 7}`), (i: number) => (i % 9 === 0 ? null : `a comment long enough to pack ${i} é ${'y'.repeat(i % 23)}`)]) {
    const { segment, expect } = fullSegment(f)
    assert.equal(segment.sealedAs, kinds.shift())
    assert.deepEqual(valuesOf(segment.read(0, ROW_GROUP_SIZE)), expect)
    assert.deepEqual(valuesOf(segment.view(100, 4196)), expect.slice(100, 4196))
    const sel = Int32Array.of(65535, 9, 10, 3)
    assert.deepEqual(valuesOf(segment.gather(sel, 4)), [...sel].map(i => expect[i]))
    assert.equal(segment.valueAt(9), null)
    assert.equal(segment.valueAt(10), expect[10])
    // the UTF-8 form of a scanned vector: its rows' bytes, NULL rows empty
    const v = segment.read(0, 4096)
    const utf8 = storedUtf8(v, 4096)
    assert.ok(utf8 !== null)
    for (const i of [0, 1, 10, 4095]) {
      const bytes = Buffer.from(utf8.bytes.subarray(utf8.offsets[i]!, utf8.offsets[i + 1]!)).toString('utf8')
      assert.equal(bytes, expect[i] ?? '')
    }
    // a changed vector is not described by the segment's form
    ;(v.data as string[])[1] = 'changed'
    assert.equal(storedUtf8(v, 4096), null)
    segment.write(10, new Vector(VARCHAR, 1, ['new value'], null), 0)
    expect[10] = 'new value'
    assert.equal(segment.sealedAs, null)
    assert.deepEqual(valuesOf(segment.read(0, ROW_GROUP_SIZE)), expect)
    segment.truncate(60_000)
    segment.append(new Vector(VARCHAR, 2, ['a', 'b'], null), 0, 2)
    assert.deepEqual(valuesOf(segment.read(59_998, 60_002)), [...expect.slice(59_998, 60_000), 'a', 'b'])
  }
})

/** six row groups, five of them full: enough for packing */
const ROWS = 330_000
const TABLE = `CREATE TABLE t AS SELECT i AS id,
  CASE WHEN i % 10 = 0 THEN NULL ELSE 'mode ' || (i % 7) END AS m,
  CASE WHEN i % 17 = 0 THEN NULL ELSE 'a comment long enough to pack ' || i || ' ' || repeat('x', i % 5) END AS c
  FROM range(${ROWS}) r(i)`

const QUERIES = [
  'SELECT m, count(*), count(c), min(c), max(c) FROM t GROUP BY m ORDER BY m',
  "SELECT count(*), count(DISTINCT c), sum(length(c)) FROM t WHERE c LIKE 'a comment long enough to pack 1%'",
  'SELECT id, m, c FROM t WHERE id IN (0, 1, 17, 65535, 65536, 100000, 149999) ORDER BY id',
  "SELECT count(*) FROM t a JOIN t b ON a.c = b.c WHERE a.m = 'mode 3'",
]

/** per row group of t, how columns m and c keep their rows */
function sealedKinds(db: Database): (string | null)[][] {
  const txn = db.transactions.begin({ readOnly: true })
  const entry = db.catalog.lookup(txn, null, 't')
  db.transactions.commit(txn)
  assert.ok(entry?.kind === 'table' && entry.provider instanceof MemoryTable)
  return entry.provider.groups.map(g => [g.segments[1]!.sealedAs, g.segments[2]!.sealedAs])
}

async function answers(db: Database): Promise<string> {
  const out: unknown[] = []
  for (const q of QUERIES) out.push((await db.query(q)).textRows())
  return JSON.stringify(out)
}

test('a segment of a small table keeps rows of many distinct values as strings until packing is allowed', () => {
  const { segment, expect } = fullSegment(i => `a comment long enough to pack ${i}`, false)
  assert.equal(segment.sealedAs, null)
  assert.deepEqual(valuesOf(segment.read(0, ROW_GROUP_SIZE)), expect)
  segment.allowPacking()
  assert.equal(segment.sealedAs, 'packed')
  assert.deepEqual(valuesOf(segment.read(0, ROW_GROUP_SIZE)), expect)
  assert.equal(fullSegment(i => `mode ${i % 5}`, false).segment.sealedAs, 'dictionary')
})

test('a table of fewer than five row groups seals dictionaries only; the fifth group packs the earlier ones too', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t AS SELECT i AS id, 'mode ' || (i % 7) AS m, 'a comment long enough to pack ' || i AS c FROM range(${4 * ROW_GROUP_SIZE}) r(i)`)
  assert.deepEqual(sealedKinds(db), Array(4).fill(['dictionary', null]))
  await db.exec("INSERT INTO t VALUES (-1, 'mode 1', 'one more')")
  assert.deepEqual(sealedKinds(db), [...Array(4).fill(['dictionary', 'packed']), [null, null]])
  assert.deepEqual((await db.query("SELECT c FROM t WHERE id IN (-1, 70000) ORDER BY id")).textRows(), [['one more'], ['a comment long enough to pack 70000']])
  await db.close()
})

test('SQL over sealed segments: queries, UPDATE, DELETE and a rolled-back INSERT answer as over plain rows', async () => {
  const db = await Database.open()
  await db.exec(TABLE)
  assert.deepEqual(sealedKinds(db), [...Array(5).fill(['dictionary', 'packed']), [null, null]])
  const first = JSON.parse(await answers(db)) as (string | null)[][][]
  assert.deepEqual(first[0]![first[0]!.length - 1]!.slice(0, 2), [null, String(ROWS / 10)])
  assert.deepEqual(first[2]!.map(r => r[2]), [null, 'a comment long enough to pack 1 x', null, null, 'a comment long enough to pack 65536 x', 'a comment long enough to pack 100000 ', 'a comment long enough to pack 149999 xxxx'])
  assert.equal(first[3]![0]![0], String([...Array(ROWS).keys()].filter(i => i % 10 !== 0 && i % 7 === 3 && i % 17 !== 0).length))
  await db.exec("UPDATE t SET c = 'updated', m = 'mode 9' WHERE id IN (5, 70000)")
  await db.exec('DELETE FROM t WHERE id % 3 = 0')
  const rows = (await db.query('SELECT id, m, c FROM t WHERE id IN (3, 4, 5, 70000, 70001) ORDER BY id')).textRows()
  assert.deepEqual(rows, [['4', 'mode 4', 'a comment long enough to pack 4 xxxx'], ['5', 'mode 9', 'updated'], ['70000', 'mode 9', 'updated'], ['70001', 'mode 1', 'a comment long enough to pack 70001 x']])
  await db.exec('BEGIN; INSERT INTO t SELECT * FROM t; ROLLBACK')
  assert.deepEqual((await db.query("SELECT count(*), count(c), count(*) FILTER (WHERE c = 'updated') FROM t")).textRows(), [[String(ROWS - ROWS / 3), String(ROWS - ROWS / 3 - [...Array(ROWS).keys()].filter(i => i % 3 !== 0 && i % 17 === 0).length), '2']])
  await db.close()
})

test('a checkpointed table read back, evicted and loaded again gives the same answers', async () => {
  const path = join(dir, 'sealed.grz')
  let db = await Database.open(path)
  await db.exec(TABLE)
  const expected = await answers(db)
  await db.close()
  db = await Database.open(path)
  assert.equal(await answers(db), expected)
  db.storageEngine!.buffers.evictAll()
  assert.equal(await answers(db), expected)
  // loaded again from the file: full segments sealed as when they filled
  assert.deepEqual(sealedKinds(db), [...Array(5).fill(['dictionary', 'packed']), [null, null]])
  await db.exec("SET memory_limit = '16MB'")
  assert.equal(await answers(db), expected)
  await db.exec("UPDATE t SET c = 'after reload' WHERE id = 65537")
  assert.deepEqual((await db.query('SELECT c FROM t WHERE id = 65537')).textRows(), [['after reload']])
  await db.close()
})
