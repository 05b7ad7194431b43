// Rarely repeating VARCHAR values (comments) are cut from a string of their own column, not from
// the read block: the values must come out exact, and a loaded table must not keep the file's text.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runInNewContext } from 'node:vm'
import { setFlagsFromString } from 'node:v8'
import { Database } from '../../core/database.ts'
import { sqlString as q, tempDir } from './csv-helpers.ts'

const t = tempDir('grizzly-csv-long-')
test.after(t.cleanup)

/** a distinct value per row, lengths 0…40 (some under V8's 13-character slice limit), some quoted or multi-byte */
function comment(i: number): string {
  const len = i % 41
  let s = `c${i}-`.padEnd(len, i % 7 === 0 ? 'é' : 'x').slice(0, len)
  if (i % 11 === 0 && len > 2) s = `say ""${s}""`
  return s
}
const unquote = (s: string): string => s.replaceAll('""', '"')

test('distinct long, short, empty, quoted and multi-byte values load exactly', async () => {
  const n = 20_000
  const lines = ['id,c,code']
  for (let i = 0; i < n; i++) {
    const c = comment(i)
    lines.push(`${i},${c.includes('"') ? `"${c}"` : c},${i % 3 === 0 ? 'AAA' : 'BBBBBBBBBBBBBBBB'}`)
  }
  const path = t.file('comments.csv', lines.join('\n') + '\n')
  const db = await Database.open()
  try {
    await db.exec(`CREATE TABLE l AS SELECT * FROM ${q(path)}`)
    const rows = (await db.query('SELECT id, c, code FROM l ORDER BY id')).rows
    assert.equal(rows.length, n)
    for (let i = 0; i < n; i++) {
      const want = comment(i)
      assert.deepEqual(rows[i], [BigInt(i), want === '' ? null : unquote(want), i % 3 === 0 ? 'AAA' : 'BBBBBBBBBBBBBBBB'], `row ${i}`)
    }
  } finally { await db.close() }
})

test('a chunk holding a single long value reads it exactly', async () => {
  const path = t.file('one.csv', 'a,b\n1,a value longer than thirteen characters\n')
  const db = await Database.open()
  try {
    assert.deepEqual((await db.query(`SELECT b FROM ${q(path)}`)).rows, [['a value longer than thirteen characters']])
  } finally { await db.close() }
})

test('a loaded table keeps its values, not the text of the whole file', async () => {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  // ~40 MB of file, of which the kept column is ~3.5 MB (distinct values of 30 characters)
  const n = 120_000, filler = 'f'.repeat(300)
  const lines = ['id,c,pad']
  for (let i = 0; i < n; i++) lines.push(`${i},${`comment number ${i} `.padEnd(30, 'z')},${filler}`)
  const text = lines.join('\n') + '\n'
  const path = t.file('wide.csv', text)
  const db = await Database.open()
  try {
    gc()
    const before = process.memoryUsage().heapUsed
    await db.exec(`CREATE TABLE l AS SELECT id, c FROM ${q(path)}`)
    gc()
    const kept = process.memoryUsage().heapUsed - before
    assert.ok(kept < text.length / 3, `the table holds ${(kept / 2 ** 20).toFixed(1)} MiB for a ${(text.length / 2 ** 20).toFixed(1)} MiB file`)
    assert.deepEqual((await db.query('SELECT c FROM l WHERE id = 77777')).rows, [['comment number 77777 '.padEnd(30, 'z')]])
  } finally { await db.close() }
})
