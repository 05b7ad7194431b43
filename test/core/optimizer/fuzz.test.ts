/**
 * Random queries (joins of every type, nested predicates, subqueries, grouping, ordering with
 * limits) must return the same rows with the optimizer on and off.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../index.ts'
import { ruleNames } from '../../../core/optimizer/index.ts'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

const r = rng(Number(process.env['GRIZZLY_FUZZ_SEED'] ?? 7))
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!

const COLUMNS: Record<string, readonly string[]> = { t: ['a', 'b'], u: ['x', 'y'], w: ['k', 'v'] }

function predicate(aliases: readonly string[], depth: number): string {
  const column = (): string => { const al = pick(aliases); return `${al}.${pick(COLUMNS[al]!)}` }
  const atom = (): string => {
    switch (Math.floor(r() * 7)) {
      case 0: return `${column()} ${pick(['=', '<>', '<', '<=', '>', '>='])} ${Math.floor(r() * 12) - 2}`
      case 1: return `${column()} ${pick(['=', '<', '>='])} ${column()}`
      case 2: return `${column()} IS ${pick(['', 'NOT '])}NULL`
      case 3: return `${column()} ${pick(['', 'NOT '])}IN (${[1, 2, 3].map(() => pick(['1', '3', '5', 'NULL', '8'])).join(', ')})`
      case 4: return `${pick(['', 'NOT '])}EXISTS (SELECT 1 FROM u u2 WHERE u2.x = ${column()})`
      case 5: return `${column()} ${pick(['', 'NOT '])}IN (SELECT y FROM u u3 WHERE u3.y < ${Math.floor(r() * 10)})`
      default: return `${column()} < (SELECT count(*) FROM w w2 WHERE w2.k = ${column()})`
    }
  }
  if (depth <= 0 || r() < 0.4) return atom()
  const op = pick(['AND', 'OR', 'AND'])
  const expr = `(${predicate(aliases, depth - 1)} ${op} ${predicate(aliases, depth - 1)})`
  return r() < 0.15 ? `NOT ${expr}` : expr
}

function query(): { sql: string; ordered: boolean } {
  const tables = pick([['t'], ['t', 'u'], ['t', 'u', 'w'], ['u', 'w']])
  let from = tables[0]!
  for (let i = 1; i < tables.length; i++) {
    const prev = tables[i - 1]!, cur = tables[i]!
    const kind = pick(['JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN', 'CROSS JOIN', ','])
    if (kind === 'CROSS JOIN' || kind === ',') from += ` ${kind === ',' ? ',' : 'CROSS JOIN'} ${cur}`
    else from += ` ${kind} ${cur} ON ${prev}.${COLUMNS[prev]![0]} = ${cur}.${COLUMNS[cur]![0]}${r() < 0.3 ? ` AND ${cur}.${COLUMNS[cur]![1]} > 2` : ''}`
  }
  const where = r() < 0.85 ? ` WHERE ${predicate(tables, 3)}` : ''
  const cols = tables.flatMap(al => COLUMNS[al]!.map(c => `${al}.${c}`))
  if (r() < 0.25) {
    const g = pick(cols)
    return { sql: `SELECT ${g}, count(*), sum(${pick(cols)}) FROM ${from}${where} GROUP BY ${g}`, ordered: false }
  }
  if (r() < 0.25) {
    return { sql: `SELECT ${cols.join(', ')} FROM ${from}${where} ORDER BY ${cols.join(', ')} LIMIT ${1 + Math.floor(r() * 8)}`, ordered: true }
  }
  return { sql: `SELECT ${cols.join(', ')} FROM ${from}${where}`, ordered: false }
}

let db: Database
before(async () => {
  db = await Database.open()
  await db.exec(`
    CREATE TABLE t(a INTEGER, b INTEGER); CREATE TABLE u(x INTEGER, y INTEGER); CREATE TABLE w(k INTEGER, v INTEGER);
    INSERT INTO t SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE i % 9 END, i % 4 FROM range(0, 40) r(i);
    INSERT INTO u SELECT i % 7, CASE WHEN i % 5 = 0 THEN NULL ELSE i % 10 END FROM range(0, 30) r(i);
    INSERT INTO w SELECT i, i * 2 FROM range(0, 6) r(i);
    INSERT INTO w VALUES (NULL, 1);
  `)
})
after(async () => { await db.close() })

async function rows(sql: string, ordered: boolean): Promise<string[] | string> {
  try {
    const res = await db.query(sql)
    const out = res.rows.map(row => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))
    return ordered ? out : out.sort()
  } catch (e) {
    return `error ${(e as { code?: string }).code ?? '?'}`
  }
}

test('random queries: optimizer on and off agree', async () => {
  let compared = 0
  for (let k = 0; k < 150; k++) {
    const q = query()
    await db.exec("SET disabled_optimizers = ''")
    const on = await rows(q.sql, q.ordered)
    await db.exec(`SET disabled_optimizers = '${ruleNames.join(',')}'`)
    const off = await rows(q.sql, q.ordered)
    assert.deepEqual(on, off, q.sql)
    if (typeof on !== 'string') compared++
  }
  // most generated queries must actually run, or the test proves nothing
  assert.ok(compared > 100, `only ${compared} queries ran`)
  if (process.env['GRIZZLY_FUZZ_VERBOSE'] !== undefined) console.log(`compared ${compared}`)
})
