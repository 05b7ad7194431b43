import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import type { FormatDef } from '../../core/hooks/contracts.ts'
import { VARCHAR } from '../../core/types/types.ts'
import { DataChunk, vectorFromValues } from '../../core/vector/vector.ts'
import { fails, sqlString as q, tempDir } from './csv-helpers.ts'

const t = tempDir('grizzly-files-')
test.after(t.cleanup)

function put(rel: string, content: string): string {
  const p = join(t.dir, rel)
  mkdirSync(join(p, '..'), { recursive: true })
  writeFileSync(p, content)
  return p
}

test('globs (* and **) and lists read as one table, in file-name order', async () => {
  put('logs/a.csv', 'id,v\n1,x\n')
  put('logs/b.csv', 'id,v\n2,y\n')
  put('logs/deep/c.csv', 'id,v\n3,z\n')
  const db = await Database.open()
  assert.deepEqual((await db.query(`SELECT * FROM ${q(join(t.dir, 'logs/*.csv'))}`)).rows, [[1n, 'x'], [2n, 'y']])
  assert.deepEqual((await db.query(`SELECT id FROM ${q(join(t.dir, 'logs/**/*.csv'))} ORDER BY id`)).rows, [[1n], [2n], [3n]])
  assert.deepEqual((await db.query(`SELECT id FROM [${q(join(t.dir, 'logs/b.csv'))}, ${q(join(t.dir, 'logs/a.csv'))}]`)).rows, [[2n], [1n]])
  assert.deepEqual((await db.query(`SELECT id FROM read_csv([${q(join(t.dir, 'logs/a.csv'))}, ${q(join(t.dir, 'logs/deep/c.csv'))}])`)).rows, [[1n], [3n]])
  await fails(db, `SELECT * FROM ${q(join(t.dir, 'logs/*.nothing'))}`, '58P01', /no files match/)
  await fails(db, `SELECT * FROM read_csv([])`, '22023', /empty list/)
  await db.close()
})

test('filename = true adds the file of each row; a string names the column', async () => {
  const a = put('fn/a.csv', 'v\n1\n2\n')
  const b = put('fn/b.csv', 'v\n3\n')
  const db = await Database.open()
  assert.deepEqual((await db.query(`SELECT v, filename FROM read_csv(${q(join(t.dir, 'fn/*.csv'))}, filename = true)`)).rows, [[1n, a], [2n, a], [3n, b]])
  assert.deepEqual((await db.query(`SELECT src FROM read_csv(${q(b)}, filename = 'src')`)).rows, [[b]])
  await db.close()
})

test('hive partitioning: key=value folders become typed columns, by default when every path has them', async () => {
  put('hive/year=2023/region=north/x.csv', 'amount\n10\n')
  put('hive/year=2024/region=south%20east/x.csv', 'amount\n20\n')
  put('hive/year=2024/region=NULL/x.csv', 'amount\n30\n')
  const glob = q(join(t.dir, 'hive/**/*.csv'))
  const db = await Database.open()
  const d = await db.query(`DESCRIBE SELECT * FROM read_csv(${glob}, hive_partitioning = true)`)
  assert.deepEqual(d.rows.map(r => `${String(r[0])}:${String(r[1])}`), ['amount:BIGINT', 'year:BIGINT', 'region:VARCHAR'])
  assert.deepEqual((await db.query(`SELECT year, region, amount FROM read_csv(${glob}, hive_partitioning = true) ORDER BY amount`)).rows,
    [[2023n, 'north', 10n], [2024n, 'south east', 20n], [2024n, null, 30n]])
  assert.deepEqual((await db.query(`SELECT sum(amount) FROM ${glob} WHERE year = 2024`)).rows, [[50]])
  assert.deepEqual((await db.query(`SELECT * FROM read_csv(${glob}, hive_partitioning = false) LIMIT 1`)).rows, [[10n]])
  assert.deepEqual((await db.query(`SELECT typeof(year) FROM read_csv(${glob}, hive_types = {'year': 'INTEGER'}) LIMIT 1`)).rows, [['INTEGER']])
  put('mixed/a.csv', 'v\n1\n')
  put('mixed/k=1/b.csv', 'v\n2\n')
  await fails(db, `SELECT * FROM read_csv(${q(join(t.dir, 'mixed/**/*.csv'))}, hive_partitioning = true)`, '22023', /same key=value folders/)
  await db.close()
})

test('union_by_name lines files up by column name, widening types and filling NULLs', async () => {
  put('u/1.csv', 'a,b\n1,x\n')
  put('u/2.csv', 'b,c,a\ny,2.5,7\n')
  const glob = q(join(t.dir, 'u/*.csv'))
  const db = await Database.open()
  const d = await db.query(`DESCRIBE SELECT * FROM read_csv(${glob}, union_by_name = true)`)
  assert.deepEqual(d.rows.map(r => `${String(r[0])}:${String(r[1])}`), ['a:BIGINT', 'b:VARCHAR', 'c:DOUBLE'])
  assert.deepEqual((await db.query(`SELECT * FROM read_csv(${glob}, union_by_name = true)`)).rows, [[1n, 'x', null], [7n, 'y', 2.5]])
  await fails(db, `SELECT * FROM ${glob}`, '22P04', /has 3 columns.*union_by_name/s)
  put('w/1.csv', 'a\n1\n')
  put('w/2.csv', 'a\n1.5\n')
  assert.deepEqual((await db.query(`SELECT * FROM ${q(join(t.dir, 'w/*.csv'))}`)).rows, [[1], [1.5]])
  await db.close()
})

test('CREATE TABLE AS, INSERT … SELECT and DESCRIBE over files', async () => {
  const p = put('ctas.csv', 'id,name,day\n1,a,2024-01-01\n2,b,2024-01-02\n')
  const db = await Database.open()
  await db.query(`CREATE TABLE t AS FROM ${q(p)}`)
  await db.query(`INSERT INTO t SELECT * FROM read_csv(${q(p)})`)
  assert.deepEqual((await db.query('SELECT count(*), sum(id) FROM t')).rows, [[4n, 6]])
  const d = await db.query(`DESCRIBE ${q(p)}`)
  assert.deepEqual(d.rows.map(r => `${String(r[0])}:${String(r[1])}`), ['id:BIGINT', 'name:VARCHAR', 'day:DATE'])
  assert.deepEqual((await db.query(`SELECT ctas.name FROM ${q(p)} WHERE id = 2`)).rows, [['b']])
  await db.close()
})

test("an extension's format gets read_<name>, dispatch by extension and by sniffer", async () => {
  const db = await Database.open()
  const lines: FormatDef = {
    name: 'lines',
    extensions: ['lines'],
    options: ['upper'],
    sniff: head => head[0] === 0x23 && head[1] === 0x21 ? 0.9 : 0,
    read(paths, options) {
      const upper = options.get('upper')?.value === true
      const text = String.raw`${paths.join('|')}`
      return {
        columns: [{ name: 'line', type: VARCHAR }],
        scan: () => [new DataChunk([vectorFromValues(VARCHAR, [upper ? text.toUpperCase() : text])], 1)],
      }
    },
  }
  db.hooks.registerFormat(lines)
  const p = put('x.lines', 'anything')
  assert.deepEqual((await db.query(`SELECT * FROM ${q(p)}`)).rows, [[p]])
  assert.deepEqual((await db.query(`SELECT * FROM read_lines(${q(p)}, upper = true)`)).rows, [[p.toUpperCase()]])
  const e = await fails(db, `SELECT * FROM read_lines(${q(p)}, uper = true)`, '42601', /did you mean "upper"/)
  assert.ok(e instanceof GrizzlyError)
  const sniffed = put('noext-magic', '#!magic')
  assert.deepEqual((await db.query(`SELECT * FROM ${q(sniffed)}`)).rows, [[sniffed]])
  await db.close()
})
