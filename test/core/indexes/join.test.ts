import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, type Connection } from '../../../core/database.ts'
import { prng as rng } from '../../differential/data.ts'

type Runner = Database | Connection

const canonical = (rows: unknown[][]): string[] => rows.map(r => JSON.stringify(r, (_k, v) => typeof v === 'bigint' ? `${v}n` : v)).sort()

async function plan(db: Runner, sql: string): Promise<string> {
  return String(((await db.query(`EXPLAIN ${sql}`)).rows as unknown[][])[0]![1])
}

/** the rows with and without index joins, compared as multisets */
async function bothWays(db: Runner, sql: string): Promise<unknown[][]> {
  await db.query(`SET disabled_optimizers = ''`)
  const withIndex = (await db.query(sql)).rows as unknown[][]
  await db.query(`SET disabled_optimizers = 'index_join'`)
  const without = (await db.query(sql)).rows as unknown[][]
  await db.query(`SET disabled_optimizers = ''`)
  assert.deepEqual(canonical(withIndex), canonical(without), sql)
  return withIndex
}

async function setup(): Promise<Database> {
  const random = rng(7)
  const db = await Database.open()
  await db.exec(`CREATE TABLE big (id INTEGER PRIMARY KEY, g INTEGER, s VARCHAR, e BIGINT);
    INSERT INTO big SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 500 END, 's' || (i % 300), i * 10 FROM range(40000) r(i);
    CREATE INDEX big_g ON big (g); CREATE INDEX big_s ON big (s, g);
    CREATE TABLE small (k INTEGER, t VARCHAR, b BIGINT)`)
  const rows = Array.from({ length: 60 }, () => {
    const k = random() < 0.2 ? 'NULL' : String(Math.floor(random() * 45000) - 1000)
    const t = random() < 0.2 ? 'NULL' : `'s${Math.floor(random() * 320)}'`
    const b = random() < 0.2 ? 'NULL' : String(Math.floor(random() * 40000) * 10)
    return `(${k}, ${t}, ${b})`
  })
  await db.query(`INSERT INTO small VALUES ${rows.join(', ')}`)
  return db
}

const QUERIES = [
  'SELECT * FROM small JOIN big ON big.id = small.k',
  'SELECT * FROM big JOIN small ON small.k = big.id',
  'SELECT small.k, big.s FROM small JOIN big ON big.g = small.k AND big.id < 20000',
  'SELECT * FROM small JOIN big ON big.s = small.t AND big.g > small.k',
  'SELECT count(*), sum(big.id) FROM small JOIN big ON big.g = small.k + 1',
  'SELECT * FROM small JOIN big ON big.e = small.b',
  'SELECT * FROM small WHERE k IN (SELECT g FROM big)',
  'SELECT * FROM small WHERE EXISTS (SELECT 1 FROM big WHERE big.id = small.k AND big.s LIKE \'s1%\')',
  'SELECT * FROM small WHERE t IN (SELECT s FROM big WHERE g < 100)',
  'SELECT * FROM small LEFT JOIN big ON big.id = small.k',
  'SELECT small.*, big.s FROM small LEFT JOIN big ON big.g = small.k AND big.id % 2 = 0',
  'SELECT * FROM small WHERE NOT EXISTS (SELECT 1 FROM big WHERE big.id = small.k)',
  'SELECT * FROM small WHERE NOT EXISTS (SELECT 1 FROM big WHERE big.g = small.k AND big.s = small.t)',
]

test('index joins give the same rows as hash joins (NULL keys, residual conditions, both sides, outer, semi and anti joins)', async () => {
  const db = await setup()
  let used = 0
  for (const sql of QUERIES) {
    if ((await plan(db, sql)).includes('INDEX_JOIN')) used++
    await bothWays(db, sql)
  }
  assert.ok(used >= 11, `index join used for ${used} of ${QUERIES.length} queries`)
  assert.match(await plan(db, QUERIES[9]!), /INDEX_JOIN (left|right) USING PRIMARY_big_id/)
  assert.match(await plan(db, QUERIES[11]!), /INDEX_JOIN anti USING PRIMARY_big_id/)
  assert.match(await plan(db, QUERIES[0]!), /INDEX_JOIN inner USING PRIMARY_big_id/)
  assert.match(await plan(db, QUERIES[6]!), /INDEX_JOIN semi USING big_g/)
  // a big outer side keeps the hash join
  assert.match(await plan(db, 'SELECT * FROM big b1 JOIN big b2 ON b1.g = b2.id'), /HASH_JOIN/)
})

test('index joins follow DML and fall back while another transaction changes the indexed table', async () => {
  const db = await setup()
  await db.exec(`DELETE FROM big WHERE id % 3 = 0; UPDATE big SET g = g + 1 WHERE id % 5 = 0`)
  for (const sql of QUERIES) await bothWays(db, sql)
  const reader = db.connect(), writer = db.connect()
  await reader.query('BEGIN')
  const before = canonical(await bothWays(reader, QUERIES[0]!))
  assert.ok(before.length > 10)
  await writer.query('BEGIN')
  await writer.exec(`UPDATE big SET g = 1 WHERE id < 30000; DELETE FROM big WHERE id % 2 = 0`)
  assert.deepEqual(canonical(await bothWays(reader, QUERIES[0]!)), before)
  const ownView = canonical(await bothWays(writer, QUERIES[0]!))
  assert.match(await plan(writer, QUERIES[0]!), /INDEX_JOIN/)
  await writer.query('ROLLBACK')
  assert.ok(ownView.length < before.length)
  assert.deepEqual(canonical(await bothWays(reader, QUERIES[0]!)), before)
  const analyzed = String(((await reader.query(`EXPLAIN ANALYZE ${QUERIES[0]}`)).rows as unknown[][])[0]![1])
  assert.match(analyzed, /INDEX_JOIN .*probes/)
  await reader.query('COMMIT')
  await reader.close()
  await writer.close()
})
