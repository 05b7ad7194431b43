/**
 * DuckDB's dialect handling beyond RFC 4180: strict_mode = false (stray quotes), buffer_size,
 * the dialect and header sniffed when the columns are given, sample_size counting data rows,
 * and comment lines. Each case has the good input and the bad one.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../core/database.ts'
import { fails, sqlString as q, tempDir } from './csv-helpers.ts'

const t = tempDir('grizzly-csv-dialects-')
test.after(t.cleanup)

async function withDb<T>(f: (db: Database) => Promise<T>): Promise<T> {
  const db = await Database.open()
  try { return await f(db) } finally { await db.close() }
}
const rows = (sql: string): Promise<unknown[][]> => withDb(async db => (await db.query(sql)).rows)

test('strict_mode = false reads quotes inside quoted values as part of them', async () => {
  const p = t.file('stray.csv', '1;"pedro "pdet" ho;landa"\n2;"x"\n')
  const opts = "delim = ';', header = false, columns = {'i': 'INTEGER', 's': 'VARCHAR'}"
  // no escape: the stray quotes stay; the delimiter inside the quotes stays in the value
  assert.deepEqual(await rows(`FROM read_csv(${q(p)}, ${opts}, quote = '"', escape = '', strict_mode = false)`),
    [[1, 'pedro "pdet" ho;landa'], [2, 'x']])
  // the escape is the quote: a lone quote is dropped, a doubled one kept once
  const d = t.file('stray2.csv', '"a "b" c"\n"a ""b"" c"\n')
  assert.deepEqual(await rows(`FROM read_csv(${q(d)}, columns = {'s': 'VARCHAR'}, header = false, quote = '"', escape = '"', strict_mode = false)`),
    [['a b c'], ['a "b" c']])
  // a quote left open at the end of the file ends there
  const open = t.file('open.csv', '"Pedro "the" legend"\n"Pedro "the')
  assert.deepEqual(await rows(`FROM read_csv(${q(open)}, columns = {'s': 'VARCHAR'}, header = false, quote = '"', escape = '', strict_mode = false)`),
    [['Pedro "the" legend'], ['Pedro "the']])
  // a quoted line break still belongs to the value
  const nl = t.file('stray-nl.csv', '1;"pedro "pdet" \nholanda"\n2;"y"\n')
  assert.deepEqual(await rows(`SELECT count(*) FROM read_csv(${q(nl)}, delim = ';', header = false, strict_mode = false)`), [[2n]])
})

test('strict mode: text after a closing quote fails with a hint, or is a rejected row', async () => {
  const p = t.file('strict.csv', 'a,b\n"x"y,1\n"z",2\n')
  await fails(await Database.open(), `FROM read_csv(${q(p)}, quote = '"', escape = '"', header = true, columns = {'a': 'VARCHAR', 'b': 'INTEGER'}, auto_detect = false)`,
    '22P04', /closing quote[\s\S]*line 2[\s\S]*strict_mode = false/)
  await withDb(async db => {
    const r = await db.query(`FROM read_csv(${q(p)}, quote = '"', escape = '"', header = true, columns = {'a': 'VARCHAR', 'b': 'INTEGER'}, auto_detect = false, store_rejects = true)`)
    assert.deepEqual(r.rows, [['z', 2]])
    assert.deepEqual((await db.query('SELECT line, error_type FROM reject_errors')).rows, [[2n, 'UNQUOTED VALUE']])
  })
  // sniffed: a quote under which the sample does not parse loses to no quote at all
  const s = t.file('stops.csv', 'id,name\n"1","Lahr "Bus" more"\n"2","plain"\n')
  assert.deepEqual(await rows(`FROM ${q(s)}`), [['"1"', '"Lahr "Bus" more"'], ['"2"', '"plain"']])
  assert.deepEqual(await rows(`FROM read_csv(${q(s)}, strict_mode = false)`), [[1n, 'Lahr "Bus" more'], [2n, 'plain']])
  await fails(await Database.open(), `FROM read_csv(${q(s)}, strict_mode = 'maybe')`, '22023', /strict_mode must be true or false/)
})

test('buffer_size bounds the length of a row', async () => {
  const p = t.file('buf.csv', '1;"pedro pdet holanda"\n2;"short"\n')
  assert.deepEqual(await rows(`SELECT count(*) FROM read_csv(${q(p)}, delim = ';', header = false, buffer_size = 30)`), [[2n]])
  await fails(await Database.open(), `FROM read_csv(${q(p)}, delim = ';', header = false, buffer_size = 10)`, '22P04', /max_line_size[\s\S]*buffer_size/)
  await fails(await Database.open(), `FROM read_csv(${q(p)}, buffer_size = 0)`, '22023', /buffer_size must be a whole number/)
})

test('with the columns given, the dialect and the header are still detected', async () => {
  const named = t.file('named.csv', 'header1,header2,header3\na,#b,c\n')
  const cols = "columns = {'header1': 'VARCHAR', 'header2': 'VARCHAR', 'header3': 'VARCHAR'}"
  assert.deepEqual(await rows(`FROM read_csv(${q(named)}, ${cols})`), [['a', '#b', 'c']])
  assert.deepEqual(await rows(`FROM read_csv(${q(named)}, ${cols}, header = false)`), [['header1', 'header2', 'header3'], ['a', '#b', 'c']])
  assert.deepEqual(await rows(`FROM read_csv(${q(named)}, ${cols}, auto_detect = false)`), [['header1', 'header2', 'header3'], ['a', '#b', 'c']])
  // a first row a given type cannot read is a header; one it can read is data
  const ints = t.file('ints.csv', 'x\n1\n2\n')
  assert.deepEqual(await rows(`FROM read_csv(${q(ints)}, columns = {'a': 'INTEGER'})`), [[1], [2]])
  const data = t.file('data.csv', '7\n1\n')
  assert.deepEqual(await rows(`FROM read_csv(${q(data)}, columns = {'a': 'INTEGER'})`), [[7], [1]])
  // the delimiter is sniffed to give the number of columns asked for
  const semi = t.file('semi.csv', '1;2\n3;4\n')
  assert.deepEqual(await rows(`FROM read_csv(${q(semi)}, columns = {'a': 'INTEGER', 'b': 'INTEGER'})`), [[1, 2], [3, 4]])
  assert.deepEqual(await rows(`FROM read_csv(${q(semi)}, columns = {'a': 'VARCHAR'}, header = false)`), [['1;2'], ['3;4']])
  // no line has that many columns: the dialect cannot be found, even when skipping bad rows
  const wide = t.file('wide.csv', 'a,b,c\n1,2,3\n')
  await fails(await Database.open(), `FROM read_csv(${q(wide)}, columns = {'a': 'VARCHAR', 'b': 'VARCHAR', 'c': 'VARCHAR', 'd': 'VARCHAR'}, delim = ',', ignore_errors = true)`,
    '22P04', /no line of the sample splits into the 4 columns given/)
})

test('sample_size counts rows of data, not the header', async () => {
  const lines = ['id|seats', ...Array.from({ length: 50 }, (_, i) => `${i}|${i}`), '51|\\N']
  const p = t.file('sample.csv', lines.join('\n') + '\n')
  await fails(await Database.open(), `FROM read_csv(${q(p)}, sample_size = 1)`, '22P04', /could not convert "\\N" to BIGINT[\s\S]*line 52[\s\S]*sample_size = -1/)
  assert.deepEqual(await rows(`SELECT typeof(seats) FROM read_csv(${q(p)}, sample_size = -1) LIMIT 1`), [['VARCHAR']])
  assert.deepEqual(await rows(`SELECT typeof(seats), count(*) FROM read_csv(${q(p)}, sample_size = 1, types = {'seats': 'VARCHAR'}) GROUP BY ALL`), [['VARCHAR', 51n]])
})

test('comment lines: blanks before the character, and a midline character alone is data', async () => {
  const spaced = t.file('spaced.csv', ' # note\n1;3\n # note\n1;3\n')
  assert.deepEqual(await rows(`FROM read_csv(${q(spaced)}, header = false)`), [[1n, 3n], [1n, 3n]])
  // only after values: not a comment unless asked for
  const mid = t.file('mid.csv', '1;3#5;7\n6;7\n')
  assert.deepEqual(await rows(`FROM read_csv(${q(mid)}, comment = '#')`), [[1n, 3n], [6n, 7n]])
  const withLine = t.file('mid2.csv', '# a comment line\n1;3#5;7\n6;7\n')
  assert.deepEqual(await rows(`FROM ${q(withLine)}`), [[1n, 3n], [6n, 7n]])
  await fails(await Database.open(), `FROM read_csv(${q(mid)}, comment = ';', delim = ';')`, '22023', /comment and the delimiter must differ/)
})

test('the sniffer wants every row alike: notes above the table are skipped, ragged rows read whole', async () => {
  // lines narrower than the table before it are notes, skipped and reported as SkipRows
  const notes = t.file('notes.csv', '# a comment\nexported by some tool\n# another\nplease read on\na;b\n# c\n1;3\n6;7\n')
  assert.deepEqual(await rows(`FROM ${q(notes)}`), [[1n, 3n], [6n, 7n]])
  assert.deepEqual(await rows(`SELECT SkipRows, Comment, HasHeader FROM sniff_csv(${q(notes)})`), [[2n, '#', true]])
  // a ',' in some lines only: no delimiter splits every line alike, so lines are read whole
  const ragged = t.file('ragged.csv', ', note\na;b\n, note\n1;3\n')
  assert.deepEqual(await rows(`FROM ${q(ragged)}`), [['a;b'], [', note'], ['1;3']])
  // with the delimiter given, a row of another width is an error naming the line
  const bad = t.file('bad.csv', 'a;b\n1;2\n3\n4;5\n')
  await fails(await Database.open(), `FROM read_csv(${q(bad)}, delim = ';')`, '22P04', /expected 2 columns but found 1 at line 3/)
  assert.deepEqual(await rows(`FROM read_csv(${q(bad)}, delim = ';', null_padding = true)`), [[1n, 2n], [3n, null], [4n, 5n]])
})

test('skip counts lines that are not comments; a lone row is typed by itself', async () => {
  const p = t.file('skip.csv', '# one\n# two\na;b\n# three\n1;3\n6;7\n')
  assert.deepEqual(await rows(`FROM read_csv(${q(p)}, skip = 1)`), [[1n, 3n], [6n, 7n]])
  // skipping a;b and 1;3 leaves one row: numbers, so no header
  assert.deepEqual(await rows(`FROM read_csv(${q(p)}, skip = 2)`), [[6n, 7n]])
  assert.deepEqual(await rows(`SELECT HasHeader, Columns FROM sniff_csv(${q(t.file('one.csv', 'a,2\n'))})`),
    [[false, [{ name: 'column0', type: 'VARCHAR' }, { name: 'column1', type: 'BIGINT' }]]])
  assert.deepEqual(await rows(`SELECT HasHeader FROM sniff_csv(${q(t.file('oneh.csv', 'a,b\n'))})`), [[true]])
  await fails(await Database.open(), `FROM read_csv(${q(p)}, skip = -1)`, '22023', /skip must be a whole number/)
})

test('delimiters of up to 4 bytes, and a delimiter ending the line', async () => {
  const p = t.file('aaab.csv', 'Col1AAABCol2\nAAAABC\n')
  // the first A's are data: the delimiter is the first AAAB found
  assert.deepEqual(await rows(`FROM read_csv(${q(p)}, delim = 'AAAB')`), [['A', 'C']])
  const abac = t.file('abac.csv', 'ABABACABABABAC')
  assert.deepEqual(await rows(`FROM read_csv(${q(abac)}, delim = 'ABAC', columns = {'a': 'VARCHAR', 'b': 'VARCHAR', 'c': 'VARCHAR'}, auto_detect = false)`),
    [['AB', 'ABAB', null]])
  // CR line ends, quoted values holding the delimiter, and a delimiter cut by a block boundary
  const cr = t.file('cr.csv', 'ABAB\rABAC\r"xBAy"BAz\r')
  assert.deepEqual(await rows(`FROM read_csv(${q(cr)}, delim = 'BA', header = false)`), [['A', 'B'], ['A', 'C'], ['xBAy', 'z']])
  const big = t.file('big.csv', Array.from({ length: 100_000 }, (_, i) => `${i}||${i * 2}`).join('\n') + '\n')
  assert.deepEqual(await rows(`SELECT count(*), CAST(sum(column1 - 2 * column0) AS BIGINT) FROM read_csv(${q(big)}, delim = '||', header = false)`), [[100_000n, 0n]])
  assert.deepEqual(await rows(`SELECT Delimiter FROM sniff_csv(${q(big)}, delim = '||')`), [['||']])
  // a trailing delimiter adds no value
  const trail = t.file('trail.csv', 'AAA|\nBBB|\n')
  assert.deepEqual(await rows(`FROM read_csv(${q(trail)}, delim = '|', columns = {'a': 'VARCHAR'}, auto_detect = false)`), [['AAA'], ['BBB']])
  const db = await Database.open()
  await fails(db, `FROM read_csv(${q(p)}, delim = 'AAAAA')`, '22023', /at most 4 bytes/)
  await fails(db, `FROM read_csv(${q(p)}, delim = '"\\', quote = '"')`, '22023', /quote '"' appears in the delimiter/)
  await fails(db, `FROM read_csv(${q(p)}, delim = '|#', comment = '#', auto_detect = false, columns = {'a': 'VARCHAR'})`, '22023', /comment '#' appears in the delimiter/)
  // strict: a quoted value followed by part of the delimiter only is malformed
  await fails(db, `FROM read_csv(${q(t.file('half.csv', '""AB'))}, delim = 'ABAC', quote = '"', columns = {'a': 'VARCHAR'}, auto_detect = false)`, '22P04', /closing quote/)
  await db.close()
})

test('a file holding only a header takes its types from the other files', async () => {
  const head = t.file('head_only.csv', 'flag\n')
  const bools = t.file('bools.csv', 'ok\ntrue\nfalse\n')
  const list = (...ps: string[]): string => `[${ps.map(q).join(', ')}]`
  assert.deepEqual(await rows(`SELECT typeof(flag), count(*) FROM read_csv(${list(head, bools, head)}, header = true) GROUP BY ALL`), [['BOOLEAN', 2n]])
  // alone, or only with its like, it stays text
  assert.deepEqual(await rows(`SELECT typeof(flag) FROM (SELECT * FROM read_csv(${list(head, head)}, header = true) UNION ALL SELECT 'x')`), [['VARCHAR']])
  // types given are kept
  assert.deepEqual(await rows(`SELECT typeof(flag), count(*) FROM read_csv(${list(head, bools)}, header = true, types = ['VARCHAR']) GROUP BY ALL`), [['VARCHAR', 2n]])
  await fails(await Database.open(), `SELECT regexp_matches(flag, 'x') FROM read_csv(${list(head, bools)}, header = true)`, '42883')
})

test('store_rejects: reject_errors with byte positions, reject_scans, an unterminated quote', async () => {
  const db = await Database.open()
  try {
    const p = t.file('rej.csv', 'a,b\n"bla",1\n"bla",2\n"blaaaa"bla,4\n"é",x\n')
    const cols = "columns = {'a': 'VARCHAR', 'b': 'INTEGER'}, auto_detect = false, header = true, quote = '\"', escape = '\"'"
    assert.deepEqual((await db.query(`FROM read_csv(${q(p)}, ${cols}, store_rejects = true)`)).rows, [['bla', 1], ['bla', 2]])
    // 1-based byte offsets of the row and of the value at fault (é is two bytes)
    assert.deepEqual((await db.query(`SELECT s.file_path = e.file, line, line_byte_position, byte_position, column_idx, column_name, error_type, csv_line
      FROM reject_scans s JOIN reject_errors e USING (scan_id, file_id) ORDER BY line`)).rows, [
      [true, 4n, 21n, 21n, 1n, 'a', 'UNQUOTED VALUE', '"blaaaa"bla,4'],
      [true, 5n, 35n, 40n, 2n, 'b', 'CAST', '"é",x'],
    ])
    assert.deepEqual((await db.query('SELECT delimiter, quote, has_header, columns FROM reject_scans')).rows,
      [[',', '"', true, "{'a': 'VARCHAR','b': 'INTEGER'}"]])
    // a quote open at the end of the file: the last row is rejected, the others kept
    const open = t.file('open-end.csv', '"x"\n"y"\n"bla')
    assert.deepEqual((await db.query(`FROM read_csv(${q(open)}, columns = {'a': 'VARCHAR'}, auto_detect = false, header = false, quote = '"', store_rejects = true)`)).rows,
      [['x'], ['y']])
    assert.deepEqual((await db.query('SELECT line, column_idx, error_type, csv_line FROM reject_errors')).rows, [[3n, 1n, 'UNQUOTED VALUE', '"bla']])
    await fails(db, `FROM read_csv(${q(open)}, columns = {'a': 'VARCHAR'}, auto_detect = false, header = false, quote = '"')`, '22P04',
      /unterminated quoted value at line 3[\s\S]*strict_mode = false/)
    // the tables can be dropped; another name for the scans table
    await db.exec('DROP TABLE reject_scans; DROP TABLE reject_errors')
    await db.query(`FROM read_csv(${q(p)}, ${cols}, rejects_scan = 'my_scans')`)
    assert.deepEqual((await db.query('SELECT count(*) FROM my_scans JOIN reject_errors USING (scan_id, file_id)')).rows, [[2n]])
    await fails(db, 'SELECT * FROM reject_scans', '42P01')
  } finally { await db.close() }
})

test('INSERT INTO t SELECT * FROM read_csv(…) reads the file as the table types', async () => {
  const lines = ['id|seats', ...Array.from({ length: 30 }, (_, i) => `${i}|${i}`), '30|\\N']
  const p = t.file('venue.csv', lines.join('\n') + '\n')
  const db = await Database.open()
  try {
    await db.exec('CREATE TABLE v (id SMALLINT, seats VARCHAR); CREATE TABLE w (id INTEGER, seats INTEGER)')
    // the sample types seats BIGINT; the table's VARCHAR wins, so \N loads as text
    await db.exec(`INSERT INTO v SELECT * FROM read_csv(${q(p)}, sample_size = 1)`)
    assert.deepEqual((await db.query('SELECT count(*), max(seats) FROM v WHERE seats = \'\\N\'')).rows, [[1n, '\\N']])
    // alone, the same read fails on the value the sample missed
    await fails(db, `SELECT * FROM read_csv(${q(p)}, sample_size = 1)`, '22P04', /could not convert "\\N" to BIGINT/)
    // into INTEGER it is the reader's error, naming line and column
    await fails(db, `INSERT INTO w SELECT * FROM read_csv(${q(p)})`, '22P04', /could not convert "\\N" to INTEGER at line 32, column "seats"/)
    // a schema option of the statement's own is kept; a filtered read is not rewritten
    await fails(db, `INSERT INTO v SELECT * FROM read_csv(${q(p)}, sample_size = 1, types = {'seats': 'BIGINT'})`, '22P04', /to BIGINT/)
    await db.exec(`INSERT INTO v SELECT * FROM read_csv(${q(p)}, sample_size = -1) WHERE id < 2`)
    assert.deepEqual((await db.query('SELECT count(*) FROM v')).rows, [[33n]])
  } finally { await db.close() }
})
