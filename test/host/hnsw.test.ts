import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Database } from '../../index.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { prng } from '../differential/data.ts'
import { cleanup, tempRoot } from '../extensions/helpers.ts'
import { buildVectorPlugin, openWithVector } from '../../bench/vector-plugin.ts'

const root = tempRoot('grz-hnsw-')
const plugin = buildVectorPlugin(root)
const opened: Database[] = []
after(async () => { for (const db of opened) await db.close(); cleanup(root) })

const DIM = 8

/** vectors around a few centres, so nearest neighbours are well separated from the rest */
function vectors(n: number, seed: number): number[][] {
  const r = prng(seed)
  const centres = Array.from({ length: 5 }, () => Array.from({ length: DIM }, () => r() * 10 - 5))
  return Array.from({ length: n }, (_, i) => centres[i % 5]!.map(c => Math.fround(c + (r() - 0.5) * 2)))
}

const lit = (v: readonly number[]): string => `[${v.join(', ')}]::FLOAT[${DIM}]`

async function setup(n = 400, seed = 1): Promise<{ db: Database; data: number[][] }> {
  const db = await openWithVector(plugin)
  opened.push(db)
  const data = vectors(n, seed)
  await db.exec(`CREATE TABLE docs (id INTEGER, cat VARCHAR, embedding FLOAT[${DIM}])`)
  await db.exec(`INSERT INTO docs VALUES ${data.map((v, i) => `(${i}, '${'abcd'[i % 4]}', ${lit(v)})`).join(', ')}`)
  return { db, data }
}

async function ids(db: Database, sql: string, params: unknown[] = []): Promise<number[]> {
  return (await db.query(sql, params)).rows.map(r => r[0] as number)
}

async function plan(db: Database, sql: string, params: unknown[] = []): Promise<string> {
  return (await db.query(`EXPLAIN ${sql}`, params)).rows.map(r => r.join('\n')).join('\n')
}

/** the same query with the rule switched off: the brute-force answer */
async function bruteForce(db: Database, sql: string, params: unknown[] = []): Promise<number[]> {
  await db.exec(`SET disabled_optimizers = 'nearest_scan'`)
  try { return await ids(db, sql, params) } finally { await db.exec(`RESET disabled_optimizers`) }
}

async function sameAsBruteForce(db: Database, sql: string, params: unknown[] = []): Promise<number[]> {
  assert.match(await plan(db, sql, params), /INDEX_SCAN/)
  const got = await ids(db, sql, params)
  assert.deepEqual(got, await bruteForce(db, sql, params))
  return got
}

for (const [metric, fn, dir] of [['l2', 'array_distance', ''], ['cosine', 'array_cosine_distance', ''], ['ip', 'array_negative_inner_product', ''], ['ip', 'array_inner_product', ' DESC']] as const) {
  test(`hnsw ${metric}: ORDER BY ${fn}${dir} LIMIT k is an index scan with the brute-force answer`, async () => {
    const { db, data } = await setup()
    await db.exec(`CREATE INDEX idx ON docs USING hnsw (embedding) WITH (metric = '${metric}', m = 8, ef_construction = 100)`)
    await db.exec('SET hnsw_ef_search = 400')
    const sql = (q: readonly number[]): string => `SELECT id FROM docs ORDER BY ${fn}(embedding, ${lit(q)})${dir} LIMIT 10`
    const explained = await plan(db, sql(data[3]!))
    assert.match(explained, /INDEX_SCAN/)
    assert.match(explained, new RegExp(`USING idx \\(nearest by ${fn}`))
    for (let q = 0; q < 5; q++) {
      const got = await ids(db, sql(data[q * 7]!))
      assert.equal(got.length, 10)
      assert.deepEqual(got, await bruteForce(db, sql(data[q * 7]!)))
    }
  })
}

test('hnsw: the query as a parameter, the distance as a SELECT column, OFFSET', async () => {
  const { db, data } = await setup()
  await db.exec(`CREATE INDEX idx ON docs USING hnsw (embedding)`)
  await db.exec('SET hnsw_ef_search = 400')
  await sameAsBruteForce(db, 'SELECT id, array_distance(embedding, $1::FLOAT[8]) AS d FROM docs ORDER BY d LIMIT 5', [data[11]])
  await sameAsBruteForce(db, `SELECT id FROM docs ORDER BY array_distance(${lit(data[12]!)}, embedding) LIMIT 5 OFFSET 3`)
  const first = await ids(db, `SELECT id FROM docs ORDER BY array_distance(embedding, ${lit(data[12]!)}) LIMIT 1`)
  assert.deepEqual(first, [12])
})

test('hnsw: a distance only ordered by is not computed: the scan hands up the LIMIT rows in the index\'s order', async () => {
  const { db, data } = await setup()
  await db.exec(`CREATE INDEX idx ON docs USING hnsw (embedding)`)
  await db.exec('SET hnsw_ef_search = 400')
  const sql = 'SELECT id FROM docs ORDER BY array_distance(embedding, $1::FLOAT[8]) LIMIT 5 OFFSET 2'
  const explained = await plan(db, sql, [data[7]])
  assert.doesNotMatch(explained, /TOP_N|^\s*LIMIT /m)
  // the embedding column is not read, only id
  assert.match(explained, /INDEX_SCAN docs USING idx \(nearest by array_distance\(embedding, CAST\(\$1 AS FLOAT\[8\]\)\), LIMIT 5 OFFSET 2 in the index's order\) \[id\]/)
  const analyzed = (await db.query(`EXPLAIN ANALYZE ${sql}`, [data[7]])).rows.map(r => r.join(' ')).join('\n')
  assert.doesNotMatch(analyzed, /vector: \d+ call/, 'the sandboxed distance function is not called')
  await sameAsBruteForce(db, sql, [data[7]])
  // shown distances keep the top-N, so the rows come out in the order of the values shown
  for (const shown of [
    'SELECT id, array_distance(embedding, $1::FLOAT[8]) AS d FROM docs ORDER BY d LIMIT 6',
    'SELECT id FROM (SELECT id, array_distance(embedding, $1::FLOAT[8]) AS d FROM docs ORDER BY d LIMIT 6) t WHERE d >= 0',
  ]) {
    assert.match(await plan(db, shown, [data[7]]), /TOP_N[\s\S]*INDEX_SCAN/, shown)
    await sameAsBruteForce(db, shown, [data[7]])
  }
  const d = (await db.query('SELECT array_distance(embedding, $1::FLOAT[8]) AS d FROM docs ORDER BY d LIMIT 6', [data[7]])).rows.map(r => r[0] as number)
  assert.deepEqual(d, [...d].sort((a, b) => a - b))
  // when the scan reads the table (LIMIT over the whole index, a filter that keeps few rows) it orders the rows itself
  await sameAsBruteForce(db, 'SELECT id FROM docs ORDER BY array_distance(embedding, $1::FLOAT[8]) LIMIT 3 OFFSET 396', [data[7]])
  const few = await sameAsBruteForce(db, 'SELECT id FROM docs WHERE id % 100 = 3 ORDER BY array_distance(embedding, $1::FLOAT[8]) LIMIT 10', [data[3]])
  assert.deepEqual([...few].sort((a, b) => a - b), [3, 103, 203, 303])
  await db.exec(`CREATE INDEX ip ON docs USING hnsw (embedding) WITH (metric = 'ip')`)
  assert.equal((await sameAsBruteForce(db, 'SELECT id FROM docs WHERE id % 100 = 3 ORDER BY array_inner_product(embedding, $1::FLOAT[8]) DESC LIMIT 10', [data[3]])).length, 4)
})

test('hnsw: a WHERE filter widens the search until k rows pass', async () => {
  const { db, data } = await setup(800, 2)
  await db.exec(`CREATE INDEX idx ON docs USING hnsw (embedding)`)
  await db.exec('SET hnsw_ef_search = 800')
  // id % 50 = 1 keeps 16 rows of 800, spread over every cluster: the first search of 10 cannot hold 10 of them
  const sql = `SELECT id FROM docs WHERE id % 50 = 1 ORDER BY array_distance(embedding, ${lit(data[0]!)}) LIMIT 10`
  const got = await sameAsBruteForce(db, sql)
  assert.equal(got.length, 10)
  assert.ok(got.every(id => id % 50 === 1))
  const analyzed = (await db.query(`EXPLAIN ANALYZE ${sql}`)).rows.map(r => r.join(' ')).join('\n')
  assert.match(analyzed, /searches/)
  // fewer matching rows than LIMIT: every one comes back (the index is exhausted, the table is scanned)
  const few = await sameAsBruteForce(db, `SELECT id FROM docs WHERE id < 3 ORDER BY array_distance(embedding, ${lit(data[0]!)}) LIMIT 10`)
  assert.deepEqual([...few].sort((a, b) => a - b), [0, 1, 2])
})

test('hnsw: INSERT, UPDATE, DELETE and ROLLBACK keep the index in step', async () => {
  const { db, data } = await setup()
  await db.exec(`CREATE INDEX idx ON docs USING hnsw (embedding) WITH (metric = 'l2')`)
  await db.exec('SET hnsw_ef_search = 400')
  const q = data[5]!
  const sql = `SELECT id FROM docs ORDER BY array_distance(embedding, ${lit(q)}) LIMIT 5`
  assert.equal((await sameAsBruteForce(db, sql))[0], 5)
  await db.exec('DELETE FROM docs WHERE id = 5')
  assert.ok(!(await sameAsBruteForce(db, sql)).includes(5))
  await db.exec(`INSERT INTO docs VALUES (1000, 'z', ${lit(q.map(x => x + 0.001))})`)
  assert.equal((await sameAsBruteForce(db, sql))[0], 1000)
  // move row 1000 far away: it leaves the neighbours
  await db.exec(`UPDATE docs SET embedding = ${lit(q.map(x => x + 100))} WHERE id = 1000`)
  assert.ok(!(await sameAsBruteForce(db, sql)).includes(1000))
  await db.exec('BEGIN')
  await db.exec(`UPDATE docs SET embedding = ${lit(q)} WHERE id = 6`)
  assert.equal((await sameAsBruteForce(db, sql))[0], 6)
  await db.exec('ROLLBACK')
  assert.notEqual((await sameAsBruteForce(db, sql))[0], 6)
  await db.exec('BEGIN')
  await db.exec('DELETE FROM docs WHERE id < 200')
  await db.exec('ROLLBACK')
  assert.equal((await sameAsBruteForce(db, sql)).length, 5)
  // many deletes rebuild the graph from the live rows; answers stay right
  await db.exec(`INSERT INTO docs SELECT id + 2000, cat, embedding FROM docs`)
  await db.exec(`INSERT INTO docs SELECT id + 4000, cat, embedding FROM docs`)
  await db.exec('DELETE FROM docs WHERE id >= 2000')
  await sameAsBruteForce(db, sql)
})

test('hnsw: NULL embeddings are not indexed; they still come back when fewer rows have one', async () => {
  const { db, data } = await setup(20)
  await db.exec(`INSERT INTO docs VALUES (100, 'n', NULL), (101, 'n', NULL)`)
  await db.exec(`CREATE INDEX idx ON docs USING hnsw (embedding)`)
  const q = lit(data[0]!)
  await sameAsBruteForce(db, `SELECT id FROM docs ORDER BY array_distance(embedding, ${q}) LIMIT 5`)
  const all = await ids(db, `SELECT id FROM docs ORDER BY array_distance(embedding, ${q}) LIMIT 22`)
  assert.deepEqual(all.slice(20).sort(), [100, 101])
  // a NULL query: every distance is NULL, as without the index
  assert.equal((await ids(db, 'SELECT id FROM docs ORDER BY array_distance(embedding, $1::FLOAT[8]) LIMIT 3', [null])).length, 3)
})

test('hnsw: plans it does not serve stay table scans', async () => {
  const { db, data } = await setup(50)
  await db.exec(`CREATE INDEX idx ON docs USING hnsw (embedding) WITH (metric = 'cosine')`)
  const q = lit(data[0]!)
  // another metric than the index's, a descending L2, NULLS FIRST, no LIMIT
  for (const sql of [
    `SELECT id FROM docs ORDER BY array_distance(embedding, ${q}) LIMIT 3`,
    `SELECT id FROM docs ORDER BY array_cosine_distance(embedding, ${q}) DESC LIMIT 3`,
    `SELECT id FROM docs ORDER BY array_cosine_distance(embedding, ${q}) NULLS FIRST LIMIT 3`,
    `SELECT id FROM docs ORDER BY array_cosine_distance(embedding, ${q})`,
    `SELECT id FROM docs ORDER BY array_cosine_distance(embedding, embedding) LIMIT 3`,
  ]) assert.doesNotMatch(await plan(db, sql), /INDEX_SCAN/, sql)
  await db.exec(`SET disabled_optimizers = 'nearest_scan'`)
  assert.doesNotMatch(await plan(db, `SELECT id FROM docs ORDER BY array_cosine_distance(embedding, ${q}) LIMIT 3`), /INDEX_SCAN/)
})

async function fails(p: Promise<unknown>, code: string, message: RegExp, hint?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof GrizzlyError, String(e))
    assert.equal(e.code, code, e.message)
    assert.match(e.message, message)
    if (hint !== undefined) assert.match(e.hint ?? '', hint)
    return true
  })
}

test('hnsw: keys and options it cannot take are refused with a hint', async () => {
  const { db } = await setup(10)
  await db.exec('CREATE TABLE other (v FLOAT[], i INTEGER, w DOUBLE[4], s VARCHAR[3])')
  await fails(db.exec('CREATE INDEX x ON other USING hnsw (v)'), '0A000', /FLOAT\[n\]/, /fixed size/)
  await fails(db.exec('CREATE INDEX x ON other USING hnsw (i)'), '0A000', /FLOAT\[n\]/)
  await fails(db.exec('CREATE INDEX x ON other USING hnsw (s)'), '0A000', /FLOAT\[n\]/)
  await fails(db.exec('CREATE INDEX x ON other USING hnsw (w, i)'), '0A000', /one column/)
  await fails(db.exec('CREATE UNIQUE INDEX x ON other USING hnsw (w)'), '0A000', /UNIQUE/)
  await fails(db.exec(`CREATE INDEX x ON docs USING hnsw (embedding) WITH (metrc = 'l2')`), '22023', /unknown option "metrc"/, /metric/)
  await fails(db.exec(`CREATE INDEX x ON docs USING hnsw (embedding) WITH (metric = 'manhattan')`), '22023', /'l2', 'cosine' or 'ip'/)
  await fails(db.exec(`CREATE INDEX x ON docs USING hnsw (embedding) WITH (m = 1)`), '22023', /m must be an integer/)
  await fails(db.exec(`CREATE INDEX x ON docs USING hnsw (embedding) WITH (ef_construction = 'big')`), '22023', /ef_construction/)
  await fails(db.exec('SET hnsw_ef_search = 0'), '22023', /hnsw_ef_search/, /integer/)
  // DOUBLE[n] works
  await db.exec('CREATE INDEX ok ON other USING hnsw (w)')
})

test('hnsw: a query vector of the wrong size is the distance function\'s error, as without the index', async () => {
  const { db } = await setup(20)
  await db.exec(`CREATE INDEX idx ON docs USING hnsw (embedding)`)
  const sql = 'SELECT id FROM docs ORDER BY array_distance(embedding, $1::FLOAT[8]) LIMIT 3'
  const withIndex = await db.query(sql, [[1, 2, 3]]).then(() => 'ok', (e: unknown) => e instanceof GrizzlyError ? e.code : String(e))
  await db.exec(`SET disabled_optimizers = 'nearest_scan'`)
  const without = await db.query(sql, [[1, 2, 3]]).then(() => 'ok', (e: unknown) => e instanceof GrizzlyError ? e.code : String(e))
  assert.equal(withIndex, without)
})

test('hnsw: another session\'s uncommitted rows are not seen; the scan reads the table for that snapshot', async () => {
  const { db, data } = await setup(100)
  await db.exec(`CREATE INDEX idx ON docs USING hnsw (embedding)`)
  await db.exec('SET hnsw_ef_search = 200')
  const q = data[9]!
  const sql = `SELECT id FROM docs ORDER BY array_distance(embedding, ${lit(q)}) LIMIT 3`
  const writer = db.connect()
  await writer.exec(`BEGIN; INSERT INTO docs VALUES (5000, 'w', ${lit(q)}); DELETE FROM docs WHERE id = 9`)
  // the writer sees its own changes through the index; this session sees neither
  assert.equal((await writer.query(sql)).rows[0]![0], 5000)
  const reader = await ids(db, sql)
  assert.equal(reader[0], 9)
  assert.ok(!reader.includes(5000))
  assert.deepEqual(reader, await bruteForce(db, sql))
  await writer.exec('ROLLBACK')
  assert.deepEqual(await sameAsBruteForce(db, sql), reader)
  await writer.close()
})

test('hnsw: the pgvector operators <->, <=> and <#> use the index of their metric', async () => {
  const { db, data } = await setup(200)
  await db.exec(`CREATE INDEX l2 ON docs USING hnsw (embedding)`)
  await db.exec(`CREATE INDEX cos ON docs USING hnsw (embedding) WITH (metric = 'cosine')`)
  await db.exec(`CREATE INDEX ip ON docs USING hnsw (embedding) WITH (metric = 'ip')`)
  await db.exec('SET hnsw_ef_search = 200')
  const q = lit(data[4]!)
  for (const [op, index] of [['<->', 'l2'], ['<=>', 'cos'], ['<#>', 'ip']] as const) {
    const sql = `SELECT id FROM docs ORDER BY embedding ${op} ${q} LIMIT 4`
    assert.match(await plan(db, sql), new RegExp(`USING ${index} \\(nearest`), op)
    await sameAsBruteForce(db, sql)
  }
})

test('hnsw: bad LIMIT / OFFSET parameters and query vectors on a scan in the index order are refused as without the index', async () => {
  const { db, data } = await setup(100, 5)
  await db.exec(`CREATE INDEX idx ON docs USING hnsw (embedding) WITH (metric = 'l2')`)
  const sql = `SELECT id FROM docs ORDER BY array_distance(embedding, $1::FLOAT[${DIM}]) LIMIT $2 OFFSET $3`
  assert.match(await plan(db, sql, [data[0], 3, 0]), /in the index's order/)
  const refused = async (params: unknown[]): Promise<string> => {
    let code = ''
    await assert.rejects(db.query(sql, params), (e: unknown) => {
      assert.ok(e instanceof GrizzlyError && e.hint !== undefined, String(e))
      code = e.code
      return true
    })
    return code
  }
  for (const params of [[data[0], -1, 0], [data[0], 3, -2], [[1, 2, 3], 3, 0]]) {
    const code = await refused(params)
    await db.exec(`SET disabled_optimizers = 'nearest_scan'`)
    try { assert.equal(await refused(params), code, JSON.stringify(params.slice(1))) } finally { await db.exec(`RESET disabled_optimizers`) }
  }
  assert.equal(await refused([data[0], -1, 0]), '22023')
  // a NULL LIMIT keeps every row past the OFFSET
  assert.deepEqual(await ids(db, sql, [data[0], null, 97]), await bruteForce(db, sql, [data[0], null, 97]))
  assert.equal((await ids(db, sql, [data[0], null, 97])).length, 3)
})
