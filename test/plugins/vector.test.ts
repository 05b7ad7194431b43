/**
 * The vector plugin (plugins/vector) built, signed and loaded like any bundle: its distance
 * functions over FLOAT[n] / DOUBLE[n], the pgvector operators, NULL rules and errors, and a
 * differential check against DuckDB's built-in array_distance / array_cosine_distance /
 * array_inner_product / array_negative_inner_product on the same seeded data.
 */
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { Database } from '../../index.ts'
import { buildBundle } from '../../registry/bundle.ts'
import { generateKeyPair, signBundle } from '../../registry/index.ts'
import { prng } from '../differential/data.ts'
import { cleanup, rejects, tempRoot } from '../extensions/helpers.ts'

const root = tempRoot('grz-vector-')
const plugin = fileURLToPath(new URL('../../plugins/vector/', import.meta.url))
const publisher = generateKeyPair()
const bundle = join(root, 'vector')
buildBundle({ entry: join(plugin, 'index.ts'), outDir: bundle, manifest: JSON.parse(readFileSync(join(plugin, 'manifest.json'), 'utf8')) })
signBundle(bundle, publisher.secretKey)

let db: Database
const FUNCTIONS = ['array_distance', 'array_cosine_distance', 'array_cosine_similarity', 'array_inner_product', 'array_negative_inner_product'] as const

/** The same seeded table for both engines: FLOAT[8] and DOUBLE[8] pairs, NULL rows, a zero vector. */
function tableSql(rows: number): string[] {
  const next = prng(8)
  const vec = (): string => `[${Array.from({ length: 8 }, () => ((next() - 0.5) * 20).toFixed(3)).join(', ')}]`
  const values: string[] = []
  for (let i = 0; i < rows; i++) {
    const a = i % 17 === 5 ? 'NULL' : i === 3 ? `[${new Array(8).fill(0).join(', ')}]` : vec()
    const b = i % 13 === 7 ? 'NULL' : vec()
    values.push(`(${i}, ${a}, ${b}, ${a}, ${b})`)
  }
  return ['CREATE TABLE t (id INTEGER, a FLOAT[8], b FLOAT[8], c DOUBLE[8], d DOUBLE[8])', `INSERT INTO t VALUES ${values.join(', ')}`]
}

before(async () => {
  db = await Database.open(undefined, {
    policy: { trusted_keys: [publisher.publicKey], extensions: { vector: { capabilities: ['hnsw'] } } },
    extensionDirectory: join(root, 'installed'),
  })
  await db.query(`LOAD '${bundle}'`)
  for (const s of tableSql(300)) await db.query(s)
})
after(async () => { await db.close(); cleanup(root) })

test('FLOAT[n] distances are FLOAT, DOUBLE[n] distances DOUBLE, with DuckDB values', async () => {
  const r = await db.query(`SELECT array_distance([1, 2, 3]::FLOAT[3], [4, 5, 7]::FLOAT[3]) AS f, array_distance([1, 2, 3]::DOUBLE[3], [4, 5, 7]::DOUBLE[3]) AS d,
    array_inner_product([1, 2, 3]::FLOAT[3], [4, 5, 7]::FLOAT[3]), array_negative_inner_product([1, 2, 3]::FLOAT[3], [4, 5, 7]::FLOAT[3]),
    array_cosine_distance([0, 0, 0]::FLOAT[3], [4, 5, 6]::FLOAT[3]), array_cosine_similarity([1, 2]::FLOAT[2], [1, 2]::FLOAT[2])`)
  assert.deepEqual(r.columns.map(c => c.type), ['FLOAT', 'DOUBLE', 'FLOAT', 'FLOAT', 'FLOAT', 'FLOAT'])
  assert.deepEqual(r.rows, [[5.830951690673828, 5.830951894845301, 35, -35, 2, 1]])
  // a FLOAT[3] against a DOUBLE[3] widens to DOUBLE, as in DuckDB
  const mixed = await db.query('SELECT array_distance([1, 2, 3]::FLOAT[3], [4, 5, 6]::DOUBLE[3]) AS x')
  assert.equal(mixed.columns[0]!.type, 'DOUBLE')
  assert.equal(mixed.rows[0]![0], 5.196152422706632)
})

test('pgvector operators: <-> is array_distance, <=> array_cosine_distance, <#> array_negative_inner_product', async () => {
  const r = await db.query(`SELECT count(*) FILTER (WHERE (a <-> b) IS NOT DISTINCT FROM array_distance(a, b)
      AND (a <=> b) IS NOT DISTINCT FROM array_cosine_distance(a, b) AND (a <#> b) IS NOT DISTINCT FROM array_negative_inner_product(a, b)), count(*) FROM t`)
  assert.deepEqual(r.rows, [[300n, 300n]])
  const nearest = await db.query(`SELECT id FROM t WHERE a IS NOT NULL ORDER BY a <-> '[1, 1, 1, 1, 1, 1, 1, 1]' LIMIT 3`)
  const brute = await db.query(`SELECT id FROM t WHERE a IS NOT NULL ORDER BY array_distance(a, [1, 1, 1, 1, 1, 1, 1, 1]::FLOAT[8]) LIMIT 3`)
  assert.deepEqual(nearest.rows, brute.rows)
  assert.equal(nearest.rows.length, 3)
})

test('NULL arrays give NULL; NULL elements, different sizes and non-arrays are errors; the extension stays healthy', async () => {
  assert.deepEqual((await db.query('SELECT array_distance(NULL::FLOAT[3], [1, 2, 3]::FLOAT[3]), NULL::FLOAT[2] <=> [1, 2]::FLOAT[2]')).rows, [[null, null]])
  await rejects(db.query('SELECT array_distance([1, NULL, 3]::FLOAT[3], [4, 5, 6]::FLOAT[3])'), '22023', /array_distance: left argument can not contain NULL values/)
  await rejects(db.query('SELECT array_inner_product([1, 2, 3]::DOUBLE[3], [4, NULL, 6]::DOUBLE[3])'), '22023', /array_inner_product: right argument can not contain NULL values/)
  await rejects(db.query('SELECT [1, 2, 3]::FLOAT[3] <-> [1, 2]::FLOAT[2]'), '42804', /array_distance takes arrays of one size, got FLOAT\[3\] and FLOAT\[2\]/)
  await rejects(db.query(`SELECT array_distance('abc', 'def')`), '42883')
  assert.deepEqual((await db.query('SELECT array_distance([0, 0]::FLOAT[2], [3, 4]::FLOAT[2])')).rows, [[5]])
})

test('differential: every function equals DuckDB on 300 seeded rows of FLOAT[8] and DOUBLE[8]', async () => {
  const duck = await DuckDBInstance.create(':memory:')
  const conn = await duck.connect()
  try {
    for (const s of tableSql(300)) await conn.run(s)
    for (const fn of FUNCTIONS) {
      const sql = `SELECT id, ${fn}(a, b), ${fn}(c, d) FROM t ORDER BY id`
      const ours = (await db.query(sql)).rows
      const theirs = (await conn.runAndReadAll(sql)).getRows()
      assert.equal(ours.length, theirs.length)
      for (let i = 0; i < ours.length; i++) {
        const o = ours[i]!, t = theirs[i]!
        for (const k of [1, 2]) {
          const x = o[k] as number | null, y = t[k] as number | null
          assert.ok(Object.is(x, y) || (x !== null && y !== null && Number.isNaN(x) && Number.isNaN(y)), `${fn} row ${i} column ${k}: ours ${x}, DuckDB ${y}`)
        }
      }
    }
  } finally {
    conn.closeSync()
    duck.closeSync()
  }
})

test('vector_search(table, column, query, k): the k nearest rows with their distance, by brute force or through an HNSW index', async () => {
  const q = '[1, -2, 3, -4, 5, -6, 7, -8]'
  const brute = await db.query(`SELECT id, array_distance(a, '${q}') AS d FROM t WHERE a IS NOT NULL ORDER BY d, id LIMIT 5`)
  const found = await db.query(`SELECT id, distance FROM vector_search('t', 'a', '${q}'::FLOAT[8], 5) ORDER BY distance, id`)
  assert.deepEqual(found.rows, brute.rows)
  const all = await db.query(`SELECT * FROM vector_search('t', 'c', ${q}::DOUBLE[8], 2, metric := 'cosine')`)
  assert.deepEqual(all.columns.map(c => c.name), ['id', 'a', 'b', 'c', 'd', 'distance'])
  const cosine = await db.query(`SELECT id FROM t WHERE c IS NOT NULL ORDER BY array_cosine_distance(c, ${q}::DOUBLE[8]) LIMIT 2`)
  assert.deepEqual(all.rows.map(r => r[0]), cosine.rows.map(r => r[0]))
  await db.query('CREATE TABLE docs AS SELECT id, a FROM t WHERE a IS NOT NULL')
  await db.query(`CREATE INDEX docs_a ON docs USING hnsw (a) WITH (metric = 'l2', ef_construction = 200)`)
  const plan = (await db.query(`EXPLAIN SELECT * FROM vector_search('docs', 'a', '${q}'::FLOAT[8], 5)`)).rows.map(r => r.join(' ')).join(' ')
  assert.match(plan, /INDEX_SCAN docs USING docs_a \(nearest by array_distance/)
  const indexed = await db.query(`SELECT id, distance FROM vector_search('docs', 'a', '${q}'::FLOAT[8], 5) ORDER BY distance, id`)
  assert.deepEqual(indexed.rows, brute.rows)
})

test('vector_search refuses bad arguments with a hint', async () => {
  await rejects(db.query(`SELECT * FROM vector_search('t', 'a', 3)`), '42883', /takes 4 arguments/)
  await rejects(db.query(`SELECT * FROM vector_search('t', 'a', [1]::FLOAT[1], 3, metric := 'cosin')`), '22023', /unknown vector_search metric "cosin"[\s\S]*cosine/)
  await rejects(db.query(`SELECT * FROM vector_search(t, 'a', [1]::FLOAT[1], 3)`), '22023', /table name as a string constant/)
  await rejects(db.query(`SELECT * FROM vector_search('nope', 'a', [1]::FLOAT[1], 3)`), '42P01')
  await rejects(db.query(`SELECT * FROM vector_search('t', 'a', '${'[1, 2]'}'::FLOAT[2], 3)`), '42804', /FLOAT\[8\] and FLOAT\[2\]/)
})

test('without the extension, the operators and vector_search say which extension to load', async () => {
  const plain = await Database.open()
  try {
    await rejects(plain.query('SELECT [1, 2]::FLOAT[2] <-> [3, 4]::FLOAT[2]'), '42883', /operator <-> needs the function array_distance[\s\S]*LOAD EXTENSION vector/)
    await rejects(plain.query('SELECT [1, 2]::FLOAT[2] <#> [3, 4]::FLOAT[2]'), '42883', /array_negative_inner_product/)
    await rejects(plain.query(`SELECT * FROM vector_search('t', 'a', [1, 2]::FLOAT[2], 1)`), '42883', /LOAD EXTENSION vector/)
    await rejects(plain.query('SELECT array_cosine_distance([1, 2]::FLOAT[2], [3, 4]::FLOAT[2])'), '42883', /function array_cosine_distance does not exist[\s\S]*comes with the vector extension: LOAD EXTENSION vector/)
  } finally { await plain.close() }
})
