import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, type Connection } from '../../../core/database.ts'
import { fails } from '../../expect-error.ts'

const ROWS = 100_000

/**
 * f: the probed table (NULL keys, keys missing from o, DECIMAL sums past 2^53); o: a build side
 * with duplicate and NULL keys, a group key with NULLs; s: a small build side of unique keys;
 * big: a build side larger than f that the estimates take for a smaller one.
 */
async function tables(db: Database): Promise<void> {
  await db.exec(`CREATE TABLE f (id INTEGER, ok INTEGER, sk INTEGER, p DECIMAL(15,2), q DECIMAL(12,4), x DOUBLE, d DATE, s VARCHAR)`)
  await db.exec(`INSERT INTO f SELECT i,
      CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7) % 32000 - 500 END,
      i % 1000,
      CASE WHEN i % 19 = 0 THEN NULL ELSE CAST((i * 7919) % 100000 AS DECIMAL(15,2)) / 100 + 99999990000.00 * (i % 2) END,
      CASE WHEN i % 23 = 0 THEN NULL ELSE CAST(i % 100 AS DECIMAL(12,4)) / 1000 END,
      CASE WHEN i % 29 = 0 THEN NULL ELSE (i % 1000) * 0.5 END,
      DATE '2020-01-01' + CAST(i % 700 AS INTEGER),
      'row ' || i
    FROM range(${ROWS}) r(i)`)
  // keys 0..29999: multiples of 3 twice, of 5 three times in all; every 97th key NULL
  await db.exec(`CREATE TABLE o (ok INTEGER, cat INTEGER, od DATE, w DECIMAL(10,2), note VARCHAR)`)
  await db.exec(`INSERT INTO o SELECT CASE WHEN i % 97 = 0 THEN NULL ELSE i END, CASE WHEN i % 13 = 0 THEN NULL ELSE i % 40 END,
      DATE '2020-01-01' + CAST(i % 900 AS INTEGER), CASE WHEN i % 7 = 0 THEN NULL ELSE CAST(i % 500 AS DECIMAL(10,2)) / 10 END, 'o' || i
    FROM range(30000) r(i)`)
  await db.exec(`INSERT INTO o SELECT i, i % 40 + 1, DATE '2021-01-01' + CAST(i % 30 AS INTEGER), 1.5, 'dup' FROM range(30000) r(i) WHERE i % 3 = 0`)
  await db.exec(`INSERT INTO o SELECT i, 7, DATE '2019-06-01', NULL, 'dup' FROM range(30000) r(i) WHERE i % 5 = 0`)
  await db.exec(`CREATE TABLE s AS SELECT CAST(i AS INTEGER) AS sk, CAST(i % 25 AS INTEGER) AS nat FROM range(1000) r(i)`)
  await db.exec(`CREATE TABLE big AS SELECT CAST(i - 1000 AS INTEGER) AS bk, CAST(i % 9 AS INTEGER) AS bg FROM range(150000) r(i)`)
  // keys spread over ±2·10^9 (a hashed table, not a direct one), negative ones, duplicates, NULLs
  await db.exec(`CREATE TABLE h AS SELECT CAST(CASE WHEN i % 2 = 0 THEN i - 500 WHEN i % 7 = 1 THEN NULL ELSE (i % 2 * 2 - 3) * i * 100000 END AS INTEGER) AS hk,
      CAST(i % 11 AS INTEGER) AS hg FROM range(20000) r(i) UNION ALL SELECT CAST(i - 500 AS INTEGER), 20 FROM range(20000) r(i) WHERE i % 8 = 0`)
}

const QUERIES = [
  // duplicate and NULL keys on both sides, build payload in the aggregates
  `SELECT count(*), sum(p), sum(w), count(w), min(od), max(q), avg(p), min(f.ok), max(cat) FROM f JOIN o ON f.ok = o.ok`,
  // a group key from the build side (NULL group too), filters on both sides, groups in the order of their first row
  `SELECT cat, count(*), sum(p), avg(q), min(w), max(id) FROM f JOIN o ON f.ok = o.ok WHERE od < DATE '2021-01-10' AND f.d > DATE '2020-03-01' GROUP BY cat`,
  // a filter over both sides' columns, projections between
  `SELECT cat, sum(y), count(*) FROM (SELECT cat, p * 2 AS y, d, od FROM f JOIN o ON f.ok = o.ok) WHERE od > d GROUP BY cat`,
  // two build sides, the second join's other key equality on the first one's column
  `SELECT nat, sum(p - q), sum(q * (1 - q)), count(*) FROM f JOIN o ON f.ok = o.ok JOIN s ON f.sk = s.sk AND o.cat = s.nat WHERE q < 0.05 GROUP BY nat`,
  // a group key from the probed table
  `SELECT f.d, sum(p), count(*) FROM f JOIN s ON f.sk = s.sk WHERE nat < 5 GROUP BY f.d`,
  // semi joins: IN and EXISTS
  `SELECT count(*), sum(p), min(d) FROM f WHERE ok IN (SELECT ok FROM o WHERE cat < 10)`,
  `SELECT sk, count(*) FROM f WHERE EXISTS (SELECT 1 FROM o WHERE o.ok = f.ok AND o.cat = 3) GROUP BY sk`,
  // a DATE key; a computed probe key
  `SELECT od, count(*), sum(p) FROM f JOIN o ON f.d = o.od WHERE cat = 5 GROUP BY od`,
  `SELECT count(*), sum(w), max(id) FROM f JOIN o ON f.ok + 1 = o.ok`,
  // an empty build side, without and with GROUP BY
  `SELECT count(*), sum(p), min(w) FROM f JOIN o ON f.ok = o.ok WHERE cat > 1000`,
  `SELECT cat, count(*) FROM f JOIN o ON f.ok = o.ok WHERE cat > 1000 GROUP BY cat`,
  // a build side larger than the probed table
  `SELECT bg, count(*), sum(p) FROM f JOIN big ON f.ok = big.bk WHERE bk >= -1000 GROUP BY bg`,
  // a hashed build side (keys spread far apart), inner and semi
  `SELECT hg, count(*), sum(p), min(f.ok) FROM f JOIN h ON f.ok = h.hk GROUP BY hg`,
  `SELECT count(*), sum(q) FROM f WHERE ok IN (SELECT hk FROM h WHERE hg < 5)`,
  // anti joins (NOT EXISTS): a NULL or missing key keeps the row; direct and hashed build sides
  `SELECT sk, count(*), sum(p) FROM f WHERE NOT EXISTS (SELECT 1 FROM o WHERE o.ok = f.ok AND o.cat = 3) GROUP BY sk`,
  `SELECT count(*), sum(q), count(ok) FROM f WHERE NOT EXISTS (SELECT 1 FROM h WHERE h.hk = f.ok)`,
  // DOUBLE sums without GROUP BY: per morsel, then in morsel order, for every thread count
  `SELECT sum(x), avg(x), sum(x * 0.5) FROM f JOIN o ON f.ok = o.ok WHERE cat < 20`,
]

async function plan(c: Database | Connection, sql: string): Promise<string> {
  return (await c.query(`EXPLAIN ${sql}`)).rows.map(r => String(r[1])).join('\n')
}

/** text rows with threads = 1, then threads = 4 (checking the joins are probed in parallel), in the same session */
async function both(c: Database | Connection, sql: string): Promise<[string, string]> {
  await c.exec('SET threads = 1')
  const one = JSON.stringify((await c.query(sql)).textRows())
  await c.exec('SET threads = 4')
  assert.match(await plan(c, sql), /PARALLEL_(UNGROUPED_AGGREGATE|HASH_GROUP_BY).*threads=4, probing f with build sides/, sql)
  const four = JSON.stringify((await c.query(sql)).textRows())
  return [one, four]
}

test('parallel join probes give the single-threaded results: duplicates, NULL keys, empty and large build sides, filters, semi and anti joins', async () => {
  const db = await Database.open()
  try {
    await tables(db)
    for (const q of QUERIES) {
      const [one, four] = await both(db, q)
      assert.equal(four, one, q)
    }
    // the joins ran: duplicates multiply rows, NULL keys match nothing
    const n = (await db.query('SELECT count(*) FROM f JOIN o ON f.ok = o.ok')).rows[0]![0]
    let expected = 0n
    for (let i = 0; i < ROWS; i++) {
      if (i % 11 === 0) continue
      const k = (i * 7) % 32000 - 500
      if (k < 0 || k >= 30000) continue
      expected += BigInt((k % 97 === 0 ? 0 : 1) + (k % 3 === 0 ? 1 : 0) + (k % 5 === 0 ? 1 : 0))
    }
    assert.equal(n, expected)
    // the exact DECIMAL total past 2^53, against BigInt arithmetic
    let total = 0n
    for (let i = 0; i < ROWS; i++) {
      const k = (i * 7) % 32000 - 500
      if (i % 11 === 0 || i % 19 === 0 || k < 0 || k >= 30000) continue
      const m = BigInt((k % 97 === 0 ? 0 : 1) + (k % 3 === 0 ? 1 : 0) + (k % 5 === 0 ? 1 : 0))
      total += m * (BigInt((i * 7919) % 100000) + 9999999000000n * BigInt(i % 2))
    }
    const text = (await db.query('SELECT CAST(sum(p) AS VARCHAR) FROM f JOIN o ON f.ok = o.ok')).rows[0]![0] as string
    assert.equal(text.replace('.', ''), total.toString())
    // EXISTS and NOT EXISTS split the rows between them, NULL keys going to NOT EXISTS
    const [some] = (await db.query('SELECT count(*) FROM f WHERE EXISTS (SELECT 1 FROM h WHERE h.hk = f.ok)')).rows[0]!
    const [none] = (await db.query('SELECT count(*) FROM f WHERE NOT EXISTS (SELECT 1 FROM h WHERE h.hk = f.ok)')).rows[0]!
    assert.equal(BigInt(some as bigint) + BigInt(none as bigint), BigInt(ROWS))
    assert.ok(Number(none) > ROWS / 11)
    // EXPLAIN ANALYZE: the build sides ran on the calling thread
    const analyzed = (await db.query(`EXPLAIN ANALYZE ${QUERIES[3]}`)).rows.map(r => String(r[1])).join('\n')
    assert.match(analyzed, /PARALLEL_HASH_GROUP_BY .*build sides s on sk, o on ok \(4 threads, 7 morsels, 2 build sides of \d+ rows\)/)
  } finally { await db.close() }
})

test('what the workers cannot run stays serial; the rule can be switched off by name', async () => {
  const db = await Database.open()
  try {
    await tables(db)
    // parameters in the build side (run on the calling thread) and in the probes
    const sql = 'SELECT cat, count(*), sum(p) FROM f JOIN o ON f.ok = o.ok WHERE od < $1 AND f.id > $2 GROUP BY cat'
    const params = ['2020-08-01', 5000]
    await db.exec('SET threads = 1')
    const one = JSON.stringify((await db.query(sql, params)).textRows())
    await db.exec('SET threads = 4')
    assert.match((await db.query(`EXPLAIN ${sql}`, params)).rows.map(r => String(r[1])).join('\n'), /PARALLEL_HASH_GROUP_BY .*probing f/)
    assert.equal(JSON.stringify((await db.query(sql, params)).textRows()), one)
    await db.exec('SET threads = 4')
    for (const q of [
      // a string column from the build side, a left join, a key of strings, a non-equality join
      'SELECT count(note) FROM f JOIN o ON f.ok = o.ok',
      'SELECT count(*), sum(w) FROM f LEFT JOIN o ON f.ok = o.ok',
      'SELECT count(*) FROM f JOIN o ON f.s = o.note',
      'SELECT count(*) FROM f JOIN s ON f.sk < s.sk',
      // NOT IN (a mark join: its NULL answers depend on every build row)
      'SELECT count(*) FROM f WHERE ok NOT IN (SELECT ok FROM o)',
      // a semi join with another condition, a DOUBLE sum under GROUP BY
      'SELECT count(*) FROM f WHERE EXISTS (SELECT 1 FROM o WHERE o.ok = f.ok AND o.od > f.d)',
      'SELECT cat, sum(x) FROM f JOIN o ON f.ok = o.ok GROUP BY cat',
      // a build side with random(): running it again on the serial path would change it
      'SELECT count(*) FROM f JOIN (SELECT ok FROM o WHERE random() < 2) r ON f.ok = r.ok',
    ]) assert.doesNotMatch(await plan(db, q), /PARALLEL_/, q)
    // a group key with about as many values as the probed rows stays serial
    assert.doesNotMatch(await plan(db, 'SELECT o.ok, sum(p) FROM f JOIN o ON f.ok = o.ok GROUP BY o.ok'), /PARALLEL_/)
    // one thread: only DOUBLE sums take the kernel
    await db.exec('SET threads = 1')
    assert.doesNotMatch(await plan(db, QUERIES[0]!), /PARALLEL_/)
    assert.match(await plan(db, QUERIES[16]!), /PARALLEL_UNGROUPED_AGGREGATE .*threads=1, probing f/)
    await db.exec('SET threads = 4')
    await db.exec(`SET disabled_optimizers = 'parallel_join'`)
    assert.doesNotMatch(await plan(db, QUERIES[1]!), /PARALLEL_/)
    // the scan-only fragment is the other rule's
    assert.match(await plan(db, 'SELECT sum(p) FROM f'), /PARALLEL_/)
  } finally { await db.close() }
})

test('deleted rows and another transaction\'s uncommitted rows of the probed table are invisible to the probes', async () => {
  const db = await Database.open()
  try {
    await tables(db)
    await db.exec('DELETE FROM f WHERE id % 5 = 0')
    const reader = db.connect(), writer = db.connect()
    const picked = [QUERIES[0]!, QUERIES[1]!, QUERIES[3]!, QUERIES[5]!]
    const before: string[] = []
    for (const q of picked) {
      const [one, four] = await both(reader, q)
      assert.equal(four, one, q)
      before.push(four)
    }
    await writer.exec('BEGIN')
    await writer.exec(`INSERT INTO f SELECT i, i % 30000, i % 1000, 99999.99, 0.01, 1, DATE '2020-06-01', 'new' FROM range(${ROWS}, ${ROWS + 40000}) r(i)`)
    await writer.exec('DELETE FROM f WHERE id < 20000')
    await writer.exec('DELETE FROM o WHERE cat = 3')
    for (const [x, q] of picked.entries()) {
      const [one, four] = await both(reader, q)
      assert.equal(four, one, q)
      assert.equal(four, before[x], `${q} sees the other transaction's changes`)
    }
    // the writer sees its own changes, in parallel too
    const [wOne, wFour] = await both(writer, picked[1]!)
    assert.equal(wFour, wOne)
    assert.notEqual(wFour, before[1])
    // an uncommitted UPDATE of the probed table leaves old values to restore: serial
    await writer.exec('UPDATE f SET p = 1 WHERE id BETWEEN 30000 AND 30100')
    await reader.exec('SET threads = 4')
    const analyzed = (await reader.query(`EXPLAIN ANALYZE ${picked[1]}`)).rows.map(r => String(r[1])).join('\n')
    assert.match(analyzed, /ran serially/)
    assert.equal(JSON.stringify((await reader.query(picked[1]!)).textRows()), before[1])
    await writer.exec('ROLLBACK')
    await reader.close(); await writer.close()
  } finally { await db.close() }
})

test('a build side past memory_limit runs serially, where the hash join can spill', async () => {
  const db = await Database.open()
  try {
    await tables(db)
    const sql = QUERIES[1]!
    const [one, four] = await both(db, sql)
    assert.equal(four, one)
    await db.exec(`SET memory_limit = '600KB'`)
    const analyzed = (await db.query(`EXPLAIN ANALYZE ${sql}`)).rows.map(r => String(r[1])).join('\n')
    assert.match(analyzed, /PARALLEL_HASH_GROUP_BY .*\(ran serially\)/)
    // the serial hash join spills there (a grace join), which changes the order of the groups
    const sorted = (rows: unknown[][]): string => JSON.stringify(rows.map(r => JSON.stringify(r)).sort())
    assert.equal(sorted((await db.query(sql)).textRows()), sorted(JSON.parse(one) as unknown[][]))
  } finally { await db.close() }
})

test('a value the probes cannot compute exactly gives the serial error', async () => {
  const db = await Database.open()
  try {
    await tables(db)
    const sql = 'SELECT cat, sum(id * 100000) FROM f JOIN o ON f.ok = o.ok GROUP BY cat'
    await db.exec('SET threads = 1')
    const serial = await fails(() => db.query(sql), '22003', /overflow/i, false)
    await db.exec('SET threads = 4')
    assert.match(await plan(db, sql), /PARALLEL_/)
    const parallel = await fails(() => db.query(sql), '22003', /overflow/i, false)
    assert.equal(parallel.message, serial.message)
  } finally { await db.close() }
})
