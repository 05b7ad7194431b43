import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Database } from '../../core/database.ts'
import { fails, sqlString as q, tempDir } from './csv-helpers.ts'

const t = tempDir('grizzly-csv-opt-')
test.after(t.cleanup)

async function rows(sql: string): Promise<unknown[][]> {
  const db = await Database.open()
  try { return (await db.query(sql)).rows } finally { await db.close() }
}
async function types(from: string): Promise<string[]> {
  const db = await Database.open()
  try { return (await db.query(`DESCRIBE SELECT * FROM ${from}`)).rows.map(r => `${String(r[0])}:${String(r[1])}`) } finally { await db.close() }
}

test('delim / sep, quote and escape', async () => {
  const p = t.file('o1.txt', "a;b\n'x;y';1\n'it''s';2\n")
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(p)}, delim = ';', quote = '''')`), [['x;y', 1n], ["it's", 2n]])
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(p)}, sep = ';', quote = '''', escape = '''')`), [['x;y', 1n], ["it's", 2n]])
  const e = t.file('o2.csv', 'a,b\n"x\\"y",1\n')
  assert.deepEqual(await rows(`SELECT a FROM read_csv(${q(e)}, escape = '\\')`), [['x"y']])
  const tab = t.file('o3.txt', 'a\tb\n1\t2\n')
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(tab)}, delim = '\\t')`), [[1n, 2n]])
})

test('header, names, columns, types', async () => {
  const p = t.file('h.csv', 'a,b\n1,x\n2,y\n')
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(p)}, header = false)`), [['a', 'b'], ['1', 'x'], ['2', 'y']])
  assert.deepEqual(await types(`read_csv(${q(p)}, names = ['id', 'label'])`), ['id:BIGINT', 'label:VARCHAR'])
  assert.deepEqual(await types(`read_csv(${q(p)}, names = ['id'])`), ['id:BIGINT', 'b:VARCHAR'])
  assert.deepEqual(await types(`read_csv(${q(p)}, types = ['INTEGER', 'VARCHAR'])`), ['a:INTEGER', 'b:VARCHAR'])
  assert.deepEqual(await types(`read_csv(${q(p)}, types = {'a': 'DECIMAL(10,2)'})`), ['a:DECIMAL(10,2)', 'b:VARCHAR'])
  assert.deepEqual(await types(`read_csv(${q(p)}, dtypes = {'a': 'SMALLINT'})`), ['a:SMALLINT', 'b:VARCHAR'])
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(p)}, columns = {'n': 'INTEGER', 's': 'VARCHAR'}, header = true)`), [[1, 'x'], [2, 'y']])
  // the header is still detected with the columns given (DuckDB); header = false keeps the first row
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(p)}, columns = {'n': 'VARCHAR', 's': 'VARCHAR'})`), [['1', 'x'], ['2', 'y']])
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(p)}, columns = {'n': 'VARCHAR', 's': 'VARCHAR'}, header = false)`), [['a', 'b'], ['1', 'x'], ['2', 'y']])
  assert.deepEqual(await types(`read_csv(${q(p)}, all_varchar = true)`), ['a:VARCHAR', 'b:VARCHAR'])
  assert.deepEqual(await types(`read_csv_auto(${q(p)})`), ['a:BIGINT', 'b:VARCHAR'])
})

test('skip, comment, nullstr, allow_quoted_nulls, new_line', async () => {
  const p = t.file('s.csv', 'junk line\nmore junk\na,b\n1,2\n')
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(p)}, skip = 2)`), [[1n, 2n]])
  const c = t.file('c.csv', '# a comment\na,b\n# another\n1,2\n')
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(c)}, comment = '#')`), [[1n, 2n]])
  const n = t.file('n.csv', 'a,b\nNA,x\n1,""\n')
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(n)}, nullstr = 'NA')`), [[null, 'x'], [1n, '']])
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(n)}, nullstr = ['NA', 'x'])`), [[null, null], [1n, '']])
  assert.deepEqual(await rows(`SELECT b FROM read_csv(${q(n)}, allow_quoted_nulls = false)`), [['x'], ['']])
  assert.deepEqual(await rows(`SELECT b FROM read_csv(${q(n)})`), [['x'], [null]])
  const crlf = t.file('crlf.csv', 'a,b\r\n1,2\r\n')
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(crlf)}, new_line = '\\r\\n')`), [[1n, 2n]])
})

test('dateformat, timestampformat, decimal_separator, normalize_names', async () => {
  const p = t.file('d.csv', 'Day Of Sale,When,Amount\n31.12.2024,2024/12/31 23:59,"1,5"\n01.01.2025,2025/01/01 00:00,"2,25"\n')
  const r = await rows(`SELECT CAST(day_of_sale AS VARCHAR), CAST("when" AS VARCHAR), amount FROM read_csv(${q(p)}, dateformat = '%d.%m.%Y', timestampformat = '%Y/%m/%d %H:%M', decimal_separator = ',', normalize_names = true)`)
  assert.deepEqual(r, [['2024-12-31', '2024-12-31 23:59:00', 1.5], ['2025-01-01', '2025-01-01 00:00:00', 2.25]])
  assert.deepEqual(await types(`read_csv(${q(p)}, dateformat = '%d.%m.%Y', timestampformat = '%Y/%m/%d %H:%M', decimal_separator = ',', normalize_names = true)`),
    ['day_of_sale:DATE', 'when:TIMESTAMP', 'amount:DOUBLE'])
})

test('null_padding, ignore_errors, store_rejects, rejects_table', async () => {
  const p = t.file('rag.csv', 'a,b\n1,2\n3\n4,5,6\n7,x\n')
  const db = await Database.open()
  // ragged rows: as DuckDB, only a dialect that splits every row alike is sniffed, here none (one column)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, types = ['INTEGER', 'INTEGER'])`, '22023', /types lists 2 types but the file has 1 columns/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, types = ['INTEGER', 'INTEGER'], delim = ',')`, '22P04', /expected 2 columns but found 1 at line 3, column "b".*null_padding/s)
  // null_padding: the widest row gives the columns (DuckDB gives the same rows)
  assert.deepEqual((await db.query(`SELECT * FROM read_csv(${q(p)}, null_padding = true, ignore_errors = true)`)).rows,
    [[1n, '2', null], [3n, null, null], [4n, '5', 6n], [7n, 'x', null]])
  assert.deepEqual((await db.query(`SELECT * FROM read_csv(${q(p)}, types = ['INTEGER', 'INTEGER'], ignore_errors = true)`)).rows, [[1, 2]])
  assert.deepEqual((await db.query(`SELECT * FROM read_csv(${q(p)}, types = ['INTEGER', 'INTEGER'], store_rejects = true)`)).rows, [[1, 2]])
  const rej = await db.query('SELECT line, column_idx, column_name, error_type, csv_line, file FROM reject_errors ORDER BY line')
  assert.deepEqual(rej.rows, [
    [3n, 2n, 'b', 'MISSING COLUMNS', '3', p],
    [4n, 3n, null, 'TOO MANY COLUMNS', '4,5,6', p],
    [5n, 2n, 'b', 'CAST', '7,x', p],
  ])
  await db.query(`SELECT * FROM read_csv(${q(p)}, types = ['INTEGER', 'INTEGER'], rejects_table = 'bad_rows')`)
  assert.deepEqual((await db.query('SELECT count(*) FROM bad_rows')).rows, [[3n]])
  await db.close()
})

test('compression: gzip by magic bytes or option, mislabelled files', async () => {
  const p = t.file('z.csv.gz', gzipSync('a,b\n1,2\n'))
  assert.deepEqual(await rows(`SELECT * FROM ${q(p)}`), [[1n, 2n]])
  const hidden = t.file('hidden.csv', gzipSync('a,b\n3,4\n'))
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(hidden)}, compression = 'gzip')`), [[3n, 4n]])
  assert.deepEqual(await rows(`SELECT * FROM ${q(hidden)}`), [[3n, 4n]])
  const liar = t.file('liar.csv.gz', 'a,b\n1,2\n')
  const db = await Database.open()
  await fails(db, `SELECT * FROM ${q(liar)}`, '22P04', /not compressed that way/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, compression = 'lzma')`, '22023', /compression/)
  await db.close()
})

test('RFC 4180: quoted delimiters, doubled quotes, line breaks in values, CRLF, BOM', async () => {
  const p = t.file('rfc.csv', '\uFEFFid,text\r\n1,"a,b"\r\n2,"say ""hi"""\r\n3,"line1\r\nline2"\r\n')
  assert.deepEqual(await rows(`SELECT * FROM ${q(p)}`), [[1n, 'a,b'], [2n, 'say "hi"'], [3n, 'line1\r\nline2']])
})

test('max_line_size: a huge line is an error, not a hang', async () => {
  const p = t.file('huge.csv', 'a,b\n1,' + 'x'.repeat(5000) + '\n')
  const db = await Database.open()
  await fails(db, `SELECT * FROM read_csv(${q(p)}, max_line_size = 1000)`, '22P04', /longer than max_line_size/)
  assert.equal(((await db.query(`SELECT length(b) FROM read_csv(${q(p)}, max_line_size = 10000)`)).rows[0]![0]), 5000n)
  const unclosed = t.file('unclosed.csv', 'a,b\n1,"' + 'y'.repeat(3_000_000) + '\n')
  await fails(db, `SELECT * FROM read_csv(${q(unclosed)}, quote = '"')`, '22P04', /max_line_size|unterminated/)
  await db.close()
})

test('bad options: unknown names with did-you-mean, bad values with a hint', async () => {
  const p = t.file('ok.csv', 'a\n1\n')
  const db = await Database.open()
  const e = await fails(db, `SELECT * FROM read_csv(${q(p)}, delimeter = ';')`, '42601', /did you mean "delimiter"/)
  assert.ok(e.position !== undefined)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, header = 'maybe')`, '22023', /header must be true or false/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, delim = ';;;;;')`, '22023', /at most 4 bytes/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, quote = '""')`, '22023', /single character/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, sample_size = 0)`, '22023', /sample_size/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, skip = -1)`, '22023', /skip/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, types = {'nope': 'INTEGER'})`, '42703', /nope/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, types = ['INTEGRE'])`, '42704', /INTEGER/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, columns = {'a': 'INTEGER'}, new_line = 'x')`, '22023', /new_line/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, auto_detect = false)`, '22023', /columns must be given/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, encoding = 'latin1')`, '0A000', /encoding/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, dateformat = '%Q')`, '22023', /unknown specifier %Q/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, columns = 42)`, '22023', /columns must be a struct/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, names = ['a', 'b'])`, '22023', /names lists 2 columns but the file has 1/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, filename = 3)`, '22023', /filename must be true or false/)
  await fails(db, `SELECT * FROM read_csv(NULL)`, '22023', /not NULL/)
  await fails(db, `SELECT * FROM read_csv(42)`, '22023', /file name/)
  await fails(db, `SELECT * FROM read_csv()`, '42883', /one file/)
  await fails(db, `SELECT * FROM read_cvs(${q(p)})`, '42883', /did you mean "read_csv"/)
  await db.close()
})

test('bad files: missing, directory, empty, ragged, unterminated, binary, wrong extension', async () => {
  const db = await Database.open()
  await fails(db, `SELECT * FROM ${q(join(t.dir, 'missing.csv'))}`, '58P01', /does not exist/)
  mkdirSync(join(t.dir, 'folder.csv'))
  await fails(db, `SELECT * FROM ${q(join(t.dir, 'folder.csv'))}`, '58P01', /directory/)
  const empty = t.file('empty.csv', '')
  await fails(db, `SELECT * FROM ${q(empty)}`, '22P04', /empty.*no columns/s)
  assert.deepEqual((await db.query(`SELECT count(*) FROM read_csv(${q(empty)}, columns = {'a': 'INTEGER'})`)).rows, [[0n]])
  const headerOnly = t.file('header-only.csv', 'a,b\n')
  assert.deepEqual((await db.query(`DESCRIBE ${q(headerOnly)}`)).rows.map(r => r[0]), ['a', 'b'])
  assert.deepEqual((await db.query(`SELECT count(*) FROM ${q(headerOnly)}`)).rows, [[0n]])
  const unterminated = t.file('unterminated.csv', 'a,b\n1,"x\n2,y\n')
  await fails(db, `SELECT * FROM read_csv(${q(unterminated)}, quote = '"', delim = ',', header = true)`, '22P04', /unterminated quoted value at line 2/)
  const binary = t.file('garbage.csv', new Uint8Array([0xff, 0xfe, 0x00, 0x81, 0x9f, 0x00, 0xc3, 0x28, 10, 0xff]))
  await fails(db, `SELECT * FROM ${q(binary)}`, '22P04', /not a text file/)
  const parquetNamedCsv = t.file('actually-parquet.csv', new Uint8Array([0x50, 0x41, 0x52, 0x31, 0, 0, 0, 0, 0x50, 0x41, 0x52, 0x31]))
  await fails(db, `SELECT * FROM ${q(parquetNamedCsv)}`, '22P04', /not a text file.*needs its own reader/s)
  const unknown = t.file('mystery.data', new Uint8Array([0, 1, 2, 3, 0, 0, 255]))
  await fails(db, `SELECT * FROM ${q(unknown)}`, '22P04', /cannot tell what kind of file.*readable types: .*csv/s)
  const noExt = t.file('noext', 'x,y\n1,2\n')
  assert.deepEqual((await db.query(`SELECT * FROM ${q(noExt)}`)).rows, [[1n, 2n]])
  await db.close()
})

test('progress: the reader reports the file size once and the bytes as it reads them', async () => {
  const { csvFormat } = await import('../../core/formats/csv/index.ts')
  const { statSync } = await import('node:fs')
  const lines = ['a,b']
  for (let i = 0; i < 200000; i++) lines.push(`${i},row ${i}`)
  const p = t.file('progress.csv', lines.join('\n') + '\n')
  let total = 0, done = 0, reports = 0
  const ctx = {
    setting: () => null, statementTime: 0, random: Math.random, setSeed() {},
    progress: { addTotal(n: number) { total += n }, addBytes(n: number) { done += n; reports++ } },
  }
  const fn = csvFormat.read!([p], new Map(), ctx)
  let rows = 0
  for (const c of fn.scan([0, 1], ctx)) rows += c.size
  assert.equal(rows, 200000)
  assert.equal(total, statSync(p).size)
  assert.equal(done, total)
  assert.ok(reports > 1, 'reported block by block')
})

test('auto_type_candidates, rejects_limit, quote none, DESCRIBE of a list', async () => {
  const p = t.file('cand.csv', 'a,b\n1,true\n2,false\n')
  assert.deepEqual(await types(`read_csv(${q(p)}, auto_type_candidates = ['BIGINT', 'VARCHAR'])`), ['a:BIGINT', 'b:VARCHAR'])
  assert.deepEqual(await types(`read_csv(${q(p)}, auto_type_candidates = ['DOUBLE'])`), ['a:DOUBLE', 'b:VARCHAR'])
  const db = await Database.open()
  await fails(db, `SELECT * FROM read_csv(${q(p)}, auto_type_candidates = ['INTERVAL'])`, '22023', /auto_type_candidates/)
  const bad = t.file('many-bad.csv', 'a\n' + Array.from({ length: 50 }, (_, i) => i % 2 === 0 ? 'x' : String(i)).join('\n') + '\n')
  await db.query(`SELECT * FROM read_csv(${q(bad)}, types = ['INTEGER'], store_rejects = true, rejects_limit = 5)`)
  assert.deepEqual((await db.query('SELECT count(*) FROM reject_errors')).rows, [[5n]])
  const quotes = t.file('quotes.csv', 'a,b\n"x,1\n')
  assert.deepEqual((await db.query(`SELECT * FROM read_csv(${q(quotes)}, quote = '', header = true)`)).rows, [['"x', 1n]])
  const second = t.file('cand2.csv', 'a,b\n3,true\n')
  const d = await db.query(`DESCRIBE [${q(p)}, ${q(second)}]`)
  assert.deepEqual(d.rows.map(r => `${String(r[0])}:${String(r[1])}`), ['a:BIGINT', 'b:BOOLEAN'])
  await db.close()
})

test('nullstr lists are checked; force_not_null reads null strings as empty values; separators must not overlap', async () => {
  const p = t.file('nn.csv', 'name,age,height\nPedro,31,1.73\nMark,null,\nThijs,26,none\n')
  const opts = `auto_detect = false, header = true, columns = {'name': 'VARCHAR', 'age': 'VARCHAR', 'height': 'VARCHAR'}`
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(p)}, ${opts}, nullstr = ['', 'none', 'null'], force_not_null = ['HEIGHT'])`),
    [['Pedro', '31', '1.73'], ['Mark', null, ''], ['Thijs', '26', '']])
  const db = await Database.open()
  await fails(db, `SELECT * FROM read_csv(${q(p)}, ${opts}, force_not_null = ['nope'])`, '42703', /nope/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, ${opts}, nullstr = [])`, '22023', /non-empty list/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, ${opts}, nullstr = ['a', NULL])`, '22023', /without NULL/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, ${opts}, nullstr = [42])`, '22023')
  await fails(db, `SELECT * FROM read_csv(${q(p)}, ${opts}, delim = ',', nullstr = ['', 'n,a'])`, '22023', /delimiter ','/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, ${opts}, quote = '"', nullstr = '"')`, '22023', /quote/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, ${opts}, delim = ',', comment = ',')`, '22023', /comment/)
  await db.close()
})

test('a comment after a value ends its record', async () => {
  const p = t.file('mid.csv', 'a,b\n1,2 # two\n3#,4\n5,6\n')
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(p)}, comment = '#', null_padding = true, header = true)`), [[1n, 2n], [3n, null], [5n, 6n]])
  // quoted values keep the character
  const quoted = t.file('midq.csv', 'a,b\n1,"x#y"\n')
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(quoted)}, comment = '#', header = true)`), [[1n, 'x#y']])
})

test('thousands separators are dropped from numbers; delim = NULL detects the delimiter', async () => {
  const p = t.file('th.csv', 'name;money;n\nrick;"100,000.00";"1,000"\nhelly;50;7\n')
  assert.deepEqual(await rows(`SELECT * FROM read_csv(${q(p)}, thousands = ',', delim = NULL)`), [['rick', 100000, 1000n], ['helly', 50, 7n]])
  assert.deepEqual(await rows(`SELECT money FROM read_csv(${q(p)}, thousands = ',', columns = {'name': 'VARCHAR', 'money': 'DECIMAL(10,2)', 'n': 'INTEGER'}, header = true, delim = ';')`), [[100000], [50]])
  assert.deepEqual(await rows(`SELECT money FROM read_csv(${q(p)}, thousands = '')`), [['100,000.00'], ['50']])
  const db = await Database.open()
  await fails(db, `SELECT * FROM read_csv(${q(p)}, thousands = 'ab')`, '22023', /single character/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, thousands = '.')`, '22023', /decimal separator/)
  await fails(db, `SELECT * FROM read_csv(${q(p)}, thousands = ',', decimal_separator = ',')`, '22023', /must differ/)
  await db.close()
})

test('COPY … TO with DATEFORMAT / TIMESTAMPFORMAT ISO writes the default layout', async () => {
  const db = await Database.open()
  const p = t.file('iso.csv', '')
  await db.query(`COPY (SELECT TIMESTAMP '2003-06-30 12:03:10' AS t, DATE '2003-06-30' AS d) TO ${q(p)} (HEADER 0, TIMESTAMPFORMAT ISO, DATEFORMAT 'iso')`)
  assert.deepEqual((await db.query(`SELECT CAST(column0 AS VARCHAR), CAST(column1 AS VARCHAR) FROM read_csv(${q(p)}, header = false)`)).rows, [['2003-06-30 12:03:10', '2003-06-30']])
  await db.close()
})
