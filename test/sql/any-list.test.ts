/**
 * x op ANY / SOME / ALL (list), as PostgreSQL's over an array: three-valued as over a subquery,
 * NULL for a NULL list, false (ANY) or true (ALL) for an empty one; a list parameter works as
 * `WHERE id = ANY($1)` does with node-postgres. Wrong operands are refused with a code. And
 * struct_pack, which names its fields after its arguments.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../index.ts'
import { GrizzlyError } from '../../core/errors.ts'

async function rows(db: Database, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  return (await db.query(sql, params)).rows
}

test('ANY and ALL over list columns with NULL elements', async () => {
  const db = await Database.open()
  try {
    // the lists: g 0 → [0, 5, 10, 15], 1 → [1, NULL, 11, 16], 2 → [2, 7, 12, 17], 3 → [3, NULL, 13, 18], 4 → [4, 9, 14, 19]
    await db.exec('CREATE VIEW v AS SELECT i % 5 AS g, list(CASE WHEN i = 6 OR i = 8 THEN NULL ELSE i END ORDER BY i) AS l FROM range(20) t(i) GROUP BY g')
    assert.deepEqual(await rows(db, 'SELECT g, 5 = ANY(l), 5 = SOME(l) FROM v ORDER BY g'),
      [[0n, true, true], [1n, null, null], [2n, false, false], [3n, null, null], [4n, false, false]])
    assert.deepEqual(await rows(db, 'SELECT g, 3 > ANY(l), 3 > ALL(l), 20 > ALL(l), 0 <> ALL(l) FROM v ORDER BY g'),
      [[0n, true, false, true, false], [1n, true, false, null, null], [2n, true, false, true, true], [3n, null, false, null, null], [4n, false, false, true, true]])
  } finally { await db.close() }
})

test('empty and NULL lists, literals and a list parameter', async () => {
  const db = await Database.open()
  try {
    assert.deepEqual(await rows(db, 'SELECT 1 = ANY([]), 1 = ALL([]), 1 = ANY(NULL::INTEGER[]), 1 = ALL(NULL::INTEGER[]), NOT (false = ANY([]))'),
      [[false, true, null, null, true]])
    assert.deepEqual(await rows(db, "SELECT 'b' = ANY(['a', 'b']), 2 <> ALL([1, 3]), 2.5 < ANY([1, 2, 3]), NULL::INTEGER = ANY([1])"),
      [[true, true, true, null]])
    assert.deepEqual(await rows(db, 'SELECT i FROM range(10) t(i) WHERE i = ANY($1) ORDER BY i', [[2, 4, 11]]), [[2n], [4n]])
    // the column is named as written, not after the subquery it runs as
    assert.deepEqual((await db.query('SELECT 3 = ANY([1, 2]), 1 <> ALL([2])')).columns.map(c => c.name), ['(3 = ANY([1, 2]))', '(1 <> ALL([2]))'])
    assert.deepEqual(await rows(db, "SELECT s FROM (VALUES ('a'), ('b'), ('c')) t(s) WHERE s <> ALL($1) ORDER BY s", [['a', 'c']]), [['b']])
  } finally { await db.close() }
})

test('a right side that is not a list, or of another type, is refused', async () => {
  const db = await Database.open()
  try {
    for (const [sql, code] of [['SELECT 1 = ANY(1)', '42804'], ["SELECT 1 = ANY(['a'])", '42883'], ['SELECT 1 = ANY([1', '42601']] as const) {
      const err = await db.query(sql).then(() => undefined, (e: unknown) => e)
      assert.ok(err instanceof GrizzlyError, `${sql} should fail`)
      assert.equal(err.code, code, err.message)
      assert.ok(err.position !== undefined, 'a position')
    }
    // the message names what was written, not the unnest it runs as
    const err = await db.query("SELECT 1 = ALL('abc')").then(() => undefined, (e: unknown) => e)
    assert.ok(err instanceof GrizzlyError)
    assert.match(err.message, /ALL needs a list or a subquery on its right, not VARCHAR/)
    assert.doesNotMatch(err.message, /unnest/)
    assert.match(err.hint ?? '', /ALL\(\[1, 2, 3\]\)/)
  } finally { await db.close() }
})

test('struct_pack names its fields by argument name or column name', async () => {
  const db = await Database.open()
  try {
    await db.exec('CREATE TABLE s(e INTEGER); INSERT INTO s VALUES (1), (NULL)')
    assert.deepEqual(await rows(db, 'SELECT struct_pack(a := 42, b := 43)'), [[{ a: 42, b: 43 }]])
    assert.deepEqual(await rows(db, 'SELECT struct_pack(e), struct_pack(x := e + 1, e) FROM s ORDER BY e'),
      [[{ e: 1 }, { x: 2, e: 1 }], [{ e: null }, { x: null, e: null }]])
    assert.deepEqual(await rows(db, "SELECT typeof(struct_pack(a := 1, b := 'x'))"), [['STRUCT(a INTEGER, b VARCHAR)']])
    for (const [sql, code] of [['SELECT struct_pack(a := 1, a := 2)', '42701'], ['SELECT struct_pack()', '42883']] as const) {
      const err = await db.query(sql).then(() => undefined, (e: unknown) => e)
      assert.ok(err instanceof GrizzlyError, `${sql} should fail`)
      assert.equal(err.code, code, err.message)
      assert.ok(err.hint !== undefined, 'a hint')
    }
  } finally { await db.close() }
})
