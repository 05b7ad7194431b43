import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Database } from '../../core/database.ts'
import { csvFormat } from '../../core/formats/csv/index.ts'
import { duckTable, duckRun, fails, grizzlyTable, sqlString as q, tempDir } from './csv-helpers.ts'

const t = tempDir('grizzly-csv-rt-')
test.after(t.cleanup)

/** One column per type, with NULLs, edge values and text that needs quoting. */
const ALL_TYPES = `SELECT * FROM (VALUES
  (true, 1::TINYINT, 2::SMALLINT, 3::INTEGER, 9007199254740993::BIGINT, 1.5::REAL, 0.1::DOUBLE, 12.50::DECIMAL(5,2), 123456789012345678.99::DECIMAL(20,2),
   'plain', 'comma, "quoted"', DATE '2024-02-29', TIME '13:14:15.5', TIMESTAMP '2024-01-02 03:04:05.123456', INTERVAL '1 month 2 days 3 seconds', [1, 2, 3], {'k': 'v'}),
  (false, (-128)::TINYINT, (-32768)::SMALLINT, (-2147483648)::INTEGER, (-9223372036854775808)::BIGINT, (-0.25)::REAL, 1e300::DOUBLE, (-0.01)::DECIMAL(5,2), 0::DECIMAL(20,2),
   'line1\nline2', '', DATE '1970-01-01', TIME '00:00:00', TIMESTAMP '1999-12-31 23:59:59', INTERVAL '-1 day', [], {'k': NULL}),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
) t(b, ti, si, i, bi, r, d, dec, wide, s, tricky, dt, tm, ts, iv, l, st)`

const TYPES = `{'b': 'BOOLEAN', 'ti': 'TINYINT', 'si': 'SMALLINT', 'i': 'INTEGER', 'bi': 'BIGINT', 'r': 'REAL', 'd': 'DOUBLE', 'dec': 'DECIMAL(5,2)',
  'wide': 'DECIMAL(20,2)', 's': 'VARCHAR', 'tricky': 'VARCHAR', 'dt': 'DATE', 'tm': 'TIME', 'ts': 'TIMESTAMP', 'iv': 'INTERVAL', 'l': 'INTEGER[]', 'st': 'STRUCT(k VARCHAR)'}`

test('DuckDB writes every type (COPY … TO) and Grizzly reads the same values', async () => {
  const path = join(t.dir, 'duck-all.csv')
  await duckRun(`COPY (${ALL_TYPES}) TO ${q(path)} (HEADER)`)
  const db = await Database.open()
  const from = `read_csv(${q(path)}, types = ${TYPES})`
  const ours = await grizzlyTable(db, from)
  const theirs = await duckTable(from)
  assert.deepEqual(ours.schema, theirs.schema)
  assert.deepEqual(ours.rows, theirs.rows)
  // and with sniffed types
  const sniffedOurs = await grizzlyTable(db, `read_csv(${q(path)})`)
  const sniffedTheirs = await duckTable(`read_csv(${q(path)})`)
  assert.deepEqual(sniffedOurs.schema, sniffedTheirs.schema)
  assert.deepEqual(sniffedOurs.rows, sniffedTheirs.rows)
  await db.close()
})

test('Grizzly writes every type and DuckDB reads back the same values', async () => {
  const path = join(t.dir, 'grizzly-all.csv')
  const db = await Database.open()
  await db.query(`CREATE TABLE src AS ${ALL_TYPES}`)
  await db.query(`COPY src TO ${q(path)} (HEADER)`)
  const duckPath = join(t.dir, 'duck-written.csv')
  await duckRun(`COPY (${ALL_TYPES}) TO ${q(duckPath)} (HEADER)`)
  assert.equal(readFileSync(path, 'utf8'), readFileSync(duckPath, 'utf8'))
  const theirs = await duckTable(`read_csv(${q(path)}, types = ${TYPES})`)
  const expected = await duckTable(`read_csv(${q(duckPath)}, types = ${TYPES})`)
  assert.deepEqual(theirs.rows, expected.rows)
  assert.equal(theirs.rows.length, 3)
  await db.close()
})

test('writer options: delimiter, quote, escape, nullstr, header, force_quote, date and timestamp formats (as DuckDB writes them)', async () => {
  const query = `SELECT 1 AS a, 'x;y' AS b, NULL::INTEGER AS c, DATE '2024-01-02' AS d, TIMESTAMP '2024-01-02 03:04:05' AS e, 'say "hi"' AS f`
  const cases = [
    `(DELIMITER ';')`, `(HEADER false)`, `(NULLSTR 'NULL')`, `(FORCE_QUOTE *)`, `(FORCE_QUOTE (a, b))`, `(QUOTE '''')`, `(ESCAPE '\\')`,
    `(DATEFORMAT '%d/%m/%Y', TIMESTAMPFORMAT '%Y%m%d %H')`, `(SEP '|', NULLSTR '-')`,
  ]
  const db = await Database.open()
  for (const [k, opts] of cases.entries()) {
    const ours = join(t.dir, `w${k}-g.csv`), theirs = join(t.dir, `w${k}-d.csv`)
    await db.query(`COPY (${query}) TO ${q(ours)} ${opts}`)
    await duckRun(`COPY (${query}) TO ${q(theirs)} ${opts}`)
    assert.equal(readFileSync(ours, 'utf8'), readFileSync(theirs, 'utf8'), opts)
  }
  await db.close()
})

test('the writer refuses bad options with a hint', async () => {
  const cols = [{ name: 'a', type: { id: 'INTEGER' } as const }]
  const opt = (k: string, v: string): ReadonlyMap<string, { type: { id: 'VARCHAR' }; value: string }> => new Map([[k, { type: { id: 'VARCHAR' }, value: v }]])
  assert.throws(() => csvFormat.write!(join(t.dir, 'bad.csv'), cols, [], opt('delim', ';;')), /one character/)
  assert.throws(() => csvFormat.write!(join(t.dir, 'bad.csv'), cols, [], opt('force_quote', 'zz')), /force_quote names column "zz"/)
  assert.throws(() => csvFormat.write!(join(t.dir, 'bad.csv'), cols, [], opt('headr', 'true')), (e: Error & { hint?: string }) => /did you mean "header"/.test(e.hint ?? ''))
  assert.throws(() => csvFormat.write!(join(t.dir, 'no-such-dir', 'x.csv'), cols, [], new Map()), (e: Error & { code?: string }) => e.code === '58P01')
  const db = await Database.open()
  await fails(db, `COPY (SELECT 1 AS a) TO ${q(join(t.dir, 'b2.csv'))} (QUOTE ',')`, '22023', /must differ/)
  await db.close()
})

test('a large file with quoted line breaks across read blocks matches DuckDB', async () => {
  const path = join(t.dir, 'blocks.csv')
  await duckRun(`COPY (SELECT i AS id, CASE WHEN i % 7 = 0 THEN 'multi' || chr(10) || 'line, "quoted" ' || i ELSE repeat('x', i % 50) END AS text,
    i * 0.5 AS half, DATE '2000-01-01' + (i % 9000)::INTEGER AS day FROM range(120000) r(i)) TO ${q(path)} (HEADER)`)
  const db = await Database.open()
  const sql = `SELECT count(*), sum(id), sum(length(text)), sum(half)::VARCHAR, max(day)::VARCHAR, count(*) FILTER (WHERE text LIKE '%' || chr(10) || '%') FROM read_csv(${q(path)})`
  const ours = (await db.query(sql)).rows[0]!.map(v => String(v))
  const theirs = (await duckTable(`(${sql})`)).rows[0]!
  assert.deepEqual(ours, theirs)
  await db.close()
})

test('multi-byte characters cut by read blocks, and a BOM, read as DuckDB reads them', async () => {
  const path = join(t.dir, 'unicode.csv')
  await duckRun(`COPY (SELECT i AS id, repeat('é✓𝄞', i % 7) || ' ' || i AS s FROM range(150000) r(i)) TO ${q(path)} (HEADER)`)
  const db = await Database.open()
  const sql = `SELECT count(*), sum(length(s)), max(s), min(s), count(DISTINCT s) FROM read_csv(${q(path)})`
  const ours = (await db.query(sql)).rows[0]!.map(v => String(v))
  const theirs = (await duckTable(`(${sql})`)).rows[0]!
  assert.deepEqual(ours, theirs)
  const bom = join(t.dir, 'bom-big.csv')
  writeFileSync(bom, '\uFEFF' + readFileSync(path, 'utf8'))
  assert.deepEqual((await db.query(`SELECT count(*), sum(id) FROM read_csv(${q(bom)})`)).rows, [[150000n, 11249925000]])
  await db.close()
})

test('gzip and zstd files stream block by block and read as DuckDB reads them', async () => {
  const db = await Database.open()
  for (const codec of ['gzip', 'zstd']) {
    const path = join(t.dir, `big.csv.${codec === 'gzip' ? 'gz' : 'zst'}`)
    await duckRun(`COPY (SELECT i AS id, md5(i::VARCHAR) AS h, i / 3 AS third FROM range(300000) r(i)) TO ${q(path)} (HEADER, COMPRESSION ${codec})`)
    const sql = `SELECT count(*), sum(id), max(h), sum(third)::VARCHAR FROM read_csv(${q(path)})`
    const ours = (await db.query(sql)).rows[0]!.map(v => String(v))
    const theirs = (await duckTable(`(${sql})`)).rows[0]!
    assert.deepEqual(ours, theirs, codec)
    // cut short: a clear error, not a crash or a silent partial read
    const bytes = readFileSync(path)
    const cut = join(t.dir, `cut.csv.${codec === 'gzip' ? 'gz' : 'zst'}`)
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
    await fails(db, `SELECT count(*) FROM read_csv(${q(cut)}, types = {'id': 'BIGINT', 'h': 'VARCHAR', 'third': 'DOUBLE'})`, '22P04')
  }
  await db.close()
})
