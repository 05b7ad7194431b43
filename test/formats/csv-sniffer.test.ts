import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../core/database.ts'
import { duckTable, fails, grizzlyTable, sqlString, tempDir } from './csv-helpers.ts'

const t = tempDir('grizzly-csv-sniff-')
test.after(t.cleanup)

/** Files whose schema and values must come out as DuckDB's read_csv gives them. */
const CASES: Readonly<Record<string, string>> = {
  'types.csv': 'a,b,c,d,e,f,g\n1,1.5,true,2024-01-02,2024-01-02 10:11:12,x,\n2,2.25,false,2024-02-03,2024-01-03 01:02:03,"y,z",\n',
  'semicolon.csv': 'x;y\n1;2\n3;4\n',
  // one quoted value per line: the double quote, not the single quote splitting at commas
  'one-quoted.csv': '"Mon 30, June 2003, 12:03:10 PM"\n',
  // '#' comment lines are detected when they make the rows consistent
  'comments.csv': "# A few comments\n# I'm a csv file\na;b\n# This is also a baddy\n1;3\n6;7\n# You better skip me\n",
  'hash-values.csv': 'color,name\n#ff0000,red\n#00ff00,green\n',
  'quoted-commas.csv': '"100,000.00"\n"300,000.20"\n"300,0,00.40"\n"30,0,0.406"\n',
  'pipe.csv': 'a|b\n1|0\n0|1\n',
  'tab.tsv': 'a\tb\n01/02/2024\t1e5\n03/04/2024\t2\n',
  'no-header.csv': '1,2\n3,4\n',
  'all-text.csv': 'a,b\nc,d\ne,f\n',
  'dup-names.csv': 'a,a,\n1,2,3\n',
  'big-int.csv': 'x\n12345678901234567890\n5\n',
  'bools.csv': 'T,x\nt,1\nf,2\nTRUE,3\n',
  'quoted.csv': 'id,text\n1,"hello, world"\n2,"she said ""hi"""\n3,"two\nlines"\n',
  'crlf.csv': 'a,b\r\n1,x\r\n2,y\r\n',
  'bom.csv': '\uFEFFid,name\n1,a\n2,b\n',
  'negatives.csv': 'a,b\n-1,-2.5\n+3,.5\n',
  'times.csv': 't,ts\n10:11:12,2024-01-02T03:04:05\n23:59:59.5,2024-12-31 23:59:59.123456\n',
  'nulls.csv': 'a,b,c\n1,,x\n,2.5,\n3,,\n',
  'mixed-int-double.csv': 'v\n1\n2\n3.5\n',
  'int-then-text.csv': 'v\n1\n2\nthree\n',
  'dates-us.csv': 'd\n12/31/2024\n01/15/2024\n',
  'single-quote.csv': "a,b\n'x,y',1\n'z',2\n",
  'escaped.csv': 'a,b\n"x\\"y",1\n"z",2\n',
  'wide.csv': Array.from({ length: 12 }, (_, i) => String(i)).join(',') + '\n' + Array.from({ length: 12 }, (_, i) => String(i * 2)).join(',') + '\n',
  'trailing-newlines.csv': 'a,b\n1,2\n\n\n',
  'no-final-newline.csv': 'a,b\n1,2\n3,4',
  'decimals.csv': 'price,qty\n10.50,1\n3.25,2\n100.00,3\n',
  'leading-zeros.csv': 'zip,n\n00123,1\n04567,2\n',
  'spaces-hex-yes-nan.csv': 'a,b,c,d,e\n 12,0x1F,yes,NaN,1_000\n3 ,0x0a,no,1.5,2\n',
  'exponents.csv': 'a,b,c\n1e10,-0,5.\n1.5E-3,7,-.5\n',
  'loose-dates.csv': 'a,b,c\n2024-1-2,2024/01/02,10:11\n2024-12-31,2024/02/29,23:59\n',
}

for (const [name, content] of Object.entries(CASES)) {
  test(`sniffs ${name} as DuckDB does`, async () => {
    const path = t.file(name, content)
    const db = await Database.open()
    const from = `read_csv(${sqlString(path)})`
    const ours = await grizzlyTable(db, from)
    const theirs = await duckTable(from)
    assert.deepEqual(ours.schema, theirs.schema, 'schema')
    assert.deepEqual(ours.rows, theirs.rows, 'values')
    await db.close()
  })
}

test('samples from the whole file: text far into a big file makes the column VARCHAR', async () => {
  const lines = ['id,v']
  // past the first 20,480 rows every 500th value is text: only samples from further in see it
  for (let i = 0; i < 200000; i++) lines.push(`${i},${i >= 30000 && i % 500 === 0 ? 'oops' : String(i)}`)
  const path = t.file('late-text.csv', lines.join('\n') + '\n')
  const db = await Database.open()
  const d = await db.query(`DESCRIBE ${sqlString(path)}`)
  assert.deepEqual(d.rows.map(r => r[1]), ['BIGINT', 'VARCHAR'])
  const r = await db.query(`SELECT v FROM ${sqlString(path)} WHERE id = 99500`)
  assert.deepEqual(r.rows, [['oops']])
  await db.close()
})

test('a value the sample missed fails with the line, the column and how to fix it (as DuckDB)', async () => {
  const lines = ['id,v']
  for (let i = 0; i < 60000; i++) lines.push(`${i},${i === 59990 ? 'oops' : String(i)}`)
  const path = t.file('missed.csv', lines.join('\n') + '\n')
  const db = await Database.open()
  const e = await fails(db, `SELECT max(v) FROM ${sqlString(path)}`, '22P04', /line 59992, column "v"/)
  assert.match(e.message, /could not convert "oops" to BIGINT/)
  assert.match(e.hint ?? '', /types = \{'v': 'VARCHAR'\}.*sample_size = -1.*ignore_errors/)
  const all = await db.query(`SELECT count(*) FROM read_csv(${sqlString(path)}, sample_size = -1) WHERE v = 'oops'`)
  assert.deepEqual(all.rows, [[1n]])
  const skipped = await db.query(`SELECT count(*) FROM read_csv(${sqlString(path)}, ignore_errors = true)`)
  assert.deepEqual(skipped.rows, [[59999n]])
  await db.close()
})

test('sample_size = -1 reads every row before deciding', async () => {
  const lines = ['v']
  for (let i = 0; i < 30000; i++) lines.push(String(i))
  lines.push('1.5')
  const path = t.file('sample-all.csv', lines.join('\n') + '\n')
  const db = await Database.open()
  const all = await db.query(`DESCRIBE FROM read_csv(${sqlString(path)}, sample_size = -1)`)
  assert.equal(all.rows[0]![1], 'DOUBLE')
  await db.close()
})

test('sniff_csv reports what read_csv detects, as DuckDB does, and its prompt reads the same rows', async () => {
  const db = await Database.open()
  const files = ['types.csv', 'semicolon.csv', 'no-header.csv', 'quoted.csv', 'crlf.csv'].map(f => t.file(`s-${f}`, CASES[f]!))
  // Quote and Escape differ: DuckDB reports none when the sample quotes nothing
  const cols = 'Delimiter, NewLineDelimiter, HasHeader, CAST(Columns AS VARCHAR)'
  for (const f of files) {
    const from = `sniff_csv(${sqlString(f)})`
    const mine = (await db.query(`SELECT ${cols} FROM ${from}`)).rows
    const duck = (await (await (await import('./csv-helpers.ts')).duckdb()).runAndReadAll(`SELECT ${cols} FROM ${from}`)).getRows()
    assert.deepEqual(mine, duck, f)
    const prompt = String((await db.query(`SELECT Prompt FROM ${from}`)).rows[0]![0])
    assert.deepEqual((await db.query(prompt)).rows, (await db.query(`FROM read_csv(${sqlString(f)})`)).rows, prompt)
  }
  const withOptions = (await db.query(`SELECT HasHeader, UserArguments, CAST(Columns AS VARCHAR) FROM sniff_csv(${sqlString(files[2]!)}, header = true, sample_size = 10, types = ['VARCHAR'])`)).rows
  assert.deepEqual(withOptions, [[true, 'sample_size=10', "[{'name': 1, 'type': VARCHAR}, {'name': 2, 'type': BIGINT}]"]])
  await fails(db, "SELECT * FROM sniff_csv('a.csv', 'b.csv')", '42883')
  await fails(db, `SELECT * FROM sniff_csv(${sqlString(files[0]!)}, delimm = ',')`, '42601', /did you mean "delim"/)
  await db.close()
})
