/**
 * Stored VARCHAR columns keep a UTF-8 form per segment, made on the first sandboxed call and
 * copied into the arena instead of encoding the strings again: the bytes and offsets an
 * extension sees are exactly the rows' UTF-8, across chunks and segments, NULLs and non-ASCII
 * text, and a change to the table (UPDATE, DELETE, INSERT, another transaction's uncommitted
 * write) or to the scanned vector is never read through a stale form.
 */
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { Database } from '../../core/database.ts'
import { ColumnSegment } from '../../core/catalog/column-segment.ts'
import { storedUtf8Bytes } from '../../core/catalog/segment-utf8.ts'
import { VARCHAR } from '../../core/types/types.ts'
import { storedUtf8 } from '../../core/vector/stored-utf8.ts'
import { Vector } from '../../core/vector/vector.ts'
import { ExtensionSandbox } from '../../sandbox/sandbox.ts'
import { registerSandboxedFunctions } from '../../sandbox/register.ts'

const CODE = `defineExtension({ name: 'bytes', version: '1.0.0', scalars: [
  // the bytes as the extension got them, handed back with the argument's offsets
  { name: 'ident', args: ['VARCHAR'], returns: 'VARCHAR', invoke([s], n) {
      return { type: 'VARCHAR', length: n, values: { bytes: s.values.bytes.slice(), offsets: s.values.offsets }, validity: s.validity } } },
  // writes over the argument bytes it was given, which must be the arena's copy, not the store's
  { name: 'scrawl', args: ['VARCHAR'], returns: 'INTEGER', invoke([s], n) {
      s.values.bytes.fill(88)
      return { type: 'INTEGER', length: n, values: new Int32Array(n), validity: null } } },
  { name: 'blen', args: ['VARCHAR'], returns: 'INTEGER', invoke([s], n) {
      const o = s.values.offsets, out = new Int32Array(n)
      for (let i = 0; i < n; i++) out[i] = o[i + 1] - o[i]
      return { type: 'INTEGER', length: n, values: out, validity: s.validity } } },
] })`

let db: Database
let sandbox: ExtensionSandbox
// over one 65536-row segment and not a multiple of the 4096-row chunk
const ROWS = 70_001
const valueOf = (i: number): string | null =>
  i % 97 === 0 ? null : i % 13 === 0 ? `é${i}日本` : i % 31 === 0 ? `a😀${i}` : i % 50 === 0 ? '' : `row ${i}`

before(async () => {
  db = await Database.open()
  sandbox = ExtensionSandbox.load({ name: 'bytes', code: CODE })
  registerSandboxedFunctions(db.hooks, sandbox)
  await db.exec(`CREATE TABLE t AS SELECT i::INTEGER AS i, CASE WHEN i % 97 = 0 THEN NULL WHEN i % 13 = 0 THEN 'é' || i || '日本'
    WHEN i % 31 = 0 THEN 'a😀' || i WHEN i % 50 = 0 THEN '' ELSE 'row ' || i END AS s FROM range(${ROWS}) r(i)`)
})
after(async () => { sandbox.dispose(); await db.close() })

async function check(expected: (i: number) => string | null, where = ''): Promise<void> {
  const r = await db.query(`SELECT i, ident(s), blen(s) FROM t ${where} ORDER BY i`)
  for (const [i, s, len] of r.rows as [number, string | null, number | null][]) {
    const want = expected(i)
    if (s !== want || len !== (want === null ? null : Buffer.byteLength(want))) {
      assert.fail(`row ${i}: got ${JSON.stringify(s)} (${len} bytes), expected ${JSON.stringify(want)}`)
    }
  }
}

test('a scanned column crosses as its stored UTF-8 form: the same rows, NULLs, non-ASCII, over chunks and segments', async () => {
  const before = storedUtf8Bytes()
  await check(valueOf)
  const held = storedUtf8Bytes()
  assert.ok(held > before, 'the first call keeps the form')
  await check(valueOf)
  assert.equal(storedUtf8Bytes(), held, 'the second call reuses it')
})

test('an extension writing into its argument bytes changes only the arena, never the stored form', async () => {
  await db.query('SELECT sum(scrawl(s)) FROM t')
  await check(valueOf)
})

test('UPDATE, DELETE and INSERT drop the form of the segments they change; later calls see the new rows', async () => {
  await db.exec(`UPDATE t SET s = 'changed ' || i WHERE i % 1000 = 7`)
  const updated = (i: number) => i % 1000 === 7 ? `changed ${i}` : valueOf(i)
  await check(updated)
  await db.exec('DELETE FROM t WHERE i % 5 = 1')
  await check(updated, 'WHERE i % 5 <> 1')
  await db.exec(`INSERT INTO t VALUES (${ROWS}, 'appended ü'), (${ROWS + 1}, NULL)`)
  await check(i => i === ROWS ? 'appended ü' : i === ROWS + 1 ? null : updated(i), 'WHERE i % 5 <> 1')
})

test('another transaction\'s uncommitted UPDATE: each side reads its own version', async () => {
  const writer = db.connect(), reader = db.connect()
  await writer.query('BEGIN')
  await writer.query(`UPDATE t SET s = 'mine' WHERE i = 2`)
  assert.deepEqual((await writer.query('SELECT ident(s) FROM t WHERE i = 2')).rows, [['mine']])
  assert.deepEqual((await reader.query('SELECT ident(s) FROM t WHERE i = 2')).rows, [['row 2']])
  assert.deepEqual((await reader.query('SELECT count(*) FROM t WHERE ident(s) = \'mine\'')).rows, [[0n]])
  await writer.query('ROLLBACK')
  assert.deepEqual((await reader.query('SELECT ident(s) FROM t WHERE i = 2')).rows, [['row 2']])
})

const segmentOf = (values: readonly (string | null)[]): ColumnSegment => {
  const seg = new ColumnSegment(VARCHAR, 1 << 16)
  const validity = values.some(v => v === null) ? Uint8Array.from(values, v => v === null ? 0 : 1) : null
  seg.append(new Vector(VARCHAR, values.length, values.map(v => v ?? ''), validity), 0, values.length)
  return seg
}
const decode = (v: Vector, n: number): string[] | null => {
  const f = storedUtf8(v, n)
  if (f === null) return null
  return Array.from({ length: n }, (_, i) => Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength).toString('utf8', f.offsets[i], f.offsets[i + 1]))
}

test('rows are encoded one by one when not ASCII: a lone high surrogate does not pair with the next row\'s low one', () => {
  const seg = segmentOf(['a\uD83D', '\uDE00b', 'ok', null, 'z'])
  const v = seg.read(1, 5)
  assert.deepEqual(decode(v, 4), ['\uFFFDb', 'ok', '', 'z'])
  assert.equal(storedUtf8(v, 4)!.offsets[1]! - storedUtf8(v, 4)!.offsets[0]!, 4)
})

test('a vector changed after the scan, one not made by a scan, or a rewritten row gets no stored form', () => {
  const seg = segmentOf(['one', 'two', 'three', 'four'])
  const v = seg.read(0, 4)
  assert.deepEqual(decode(v, 4), ['one', 'two', 'three', 'four'])
  assert.deepEqual(decode(v, 2), ['one', 'two'])
  ;(v.data as string[])[1] = 'TWO'
  assert.equal(storedUtf8(v, 4), null, 'changed string')
  const w = seg.read(0, 4)
  w.validity = Uint8Array.of(1, 0, 1, 1)
  assert.equal(storedUtf8(w, 4), null, 'changed validity')
  assert.equal(storedUtf8(new Vector(VARCHAR, 2, ['one', 'two'], null), 2), null, 'not from a scan')
  const x = seg.read(0, 4)
  seg.write(2, new Vector(VARCHAR, 1, ['THREE'], null), 0)
  assert.equal(storedUtf8(x, 4), null, 'the segment changed under the vector')
  assert.deepEqual(decode(seg.read(0, 4), 4), ['one', 'two', 'THREE', 'four'])
  seg.truncate(2)
  seg.append(new Vector(VARCHAR, 2, ['x', 'y'], null), 0, 2)
  assert.deepEqual(decode(seg.read(0, 4), 4), ['one', 'two', 'x', 'y'])
})
