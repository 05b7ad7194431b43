import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../index.ts'
import { baseDistinct } from '../../../core/optimizer/column-stats.ts'
import { joinOrder } from '../../../core/optimizer/rules/join_order.ts'
import { estimateRows } from '../../../core/optimizer/cardinality.ts'
import type { InListBoundExpr } from '../../../core/plan/expr.ts'
import { BOOLEAN, INTEGER, VARCHAR } from '../../../core/types/types.ts'
import { and, cmp, lit } from '../expression/helpers.ts'
import { context, join, manager, ref, scan, shape, table } from './plans.ts'

/** tables are made below, so plan with a transaction that sees them */
const fresh = (): ReturnType<typeof context> => ({ ...context(), txn: manager.begin() })

test('distinct counts: exact below the sample size, within 2x above it, clustered keys included', () => {
  const n = 100_000
  const t = table('d', [['key', INTEGER], ['low', INTEGER], ['clustered', INTEGER], ['mid', INTEGER], ['s', VARCHAR]],
    Array.from({ length: n }, (_, i) => [i, i % 25, Math.floor(i / 4), (i * 7919) % 5000, i % 3 === 0 ? null : `v${i % 40}`]))
  const ctx = fresh()
  const s = scan(t)
  const est = (name: string): number => baseDistinct(s, ref(s, name).id, ctx.txn)!
  const within = (name: string, truth: number): void => {
    const e = est(name)
    assert.ok(e >= truth / 2 && e <= truth * 2, `${name}: estimated ${e}, true ${truth}`)
  }
  within('key', n)
  assert.equal(est('low'), 25)
  within('clustered', n / 4)
  within('mid', 5000)
  assert.equal(est('s'), 40, 'NULLs are not a value')
  const small = table('small', [['k', INTEGER]], [[1], [1], [2], [null]])
  const ss = scan(small)
  const later = fresh()
  assert.equal(baseDistinct(ss, ref(ss, 'k').id, later.txn), 2)
  assert.equal(baseDistinct(ss, 12345, ctx.txn), undefined, 'a column the plan does not produce')
  // with deleted rows the sample comes from a scan instead of positions
  const del = table('del', [['k', INTEGER], ['key', INTEGER]], Array.from({ length: 20_000 }, (_, i) => [i % 300, i]))
  const w = manager.begin()
  del.provider.delete!(w, BigInt64Array.from({ length: 100 }, (_, i) => BigInt(i * 7)))
  manager.commit(w)
  const sd = scan(del), after = fresh()
  assert.equal(baseDistinct(sd, ref(sd, 'k').id, after.txn), 300)
  const keys = baseDistinct(sd, ref(sd, 'key').id, after.txn)!
  assert.ok(keys >= 10_000 && keys <= 19_900, `key: ${keys}`)
})

test('join order: a join on a low-cardinality column is not taken for a key join', () => {
  // fact ⋈ a on the key, fact ⋈ b on the key, a.g = b.g where g has 2 values: joining a and b
  // first makes a 1000 × 1000 / 2 product; joining fact first stays at fact's size
  const rows = (n: number): number[][] => Array.from({ length: n }, (_, i) => [i, i % 2])
  const a = scan(table('a', [['k', INTEGER], ['g', INTEGER]], rows(1000)))
  const b = scan(table('b', [['k', INTEGER], ['g', INTEGER]], rows(1000)))
  const f = scan(table('f', [['ak', INTEGER], ['bk', INTEGER]], Array.from({ length: 2000 }, (_, i) => [i % 1000, (i * 7) % 1000])))
  const ctx = fresh()
  const tree = join('inner', join('inner', a, b, cmp('=', ref(a, 'g'), ref(b, 'g'))), f,
    and(cmp('=', ref(f, 'ak'), ref(a, 'k')), cmp('=', ref(f, 'bk'), ref(b, 'k'))))
  const out = joinOrder.rewrite(tree, ctx) ?? tree
  assert.deepEqual(out.output.map(c => c.id), tree.output.map(c => c.id))
  const text = shape(out)
  assert.ok(!/join:inner\(scan:[ab],scan:[ab]\)/.test(text), text)
  assert.ok(!text.includes('cross'), text)
})

test('join order: unconnected inputs are cross joined once, conditions over three inputs still attached', () => {
  const x = scan(table('x', [['v', INTEGER]], [[1], [2]]))
  const y = scan(table('y', [['v', INTEGER]], [[2], [3]]))
  const z = scan(table('z', [['v', INTEGER]], [[3], [4], [5]]))
  const ctx = fresh()
  const three = cmp('<', ref(x, 'v'), lit(10, INTEGER))
  const tree = join('inner', join('cross', x, y, null), z, and(cmp('=', ref(x, 'v'), ref(y, 'v')), three))
  const out = joinOrder.rewrite(tree, ctx) ?? tree
  assert.equal((shape(out).match(/cross/g) ?? []).length, 1, shape(out))
})

/** A TPC-H Q7 shape: the nation pair is constrained only through an OR across both copies. */
async function q7Database(): Promise<Database> {
  const db = await Database.open()
  await db.query(`CREATE TABLE nat AS SELECT i AS nk, 'N' || i AS nm FROM range(25) t(i)`)
  await db.query(`CREATE TABLE supp AS SELECT i AS sk, i % 25 AS snk FROM range(1, 201) t(i)`)
  await db.query(`CREATE TABLE cust AS SELECT i AS ck, floor(i / 3)::INTEGER % 25 AS cnk FROM range(1, 1501) t(i)`)
  await db.query(`CREATE TABLE ord AS SELECT i AS ok, i % 1500 + 1 AS ock FROM range(1, 6001) t(i)`)
  await db.query(`CREATE TABLE line AS SELECT i % 6000 + 1 AS lok, (i * 13) % 199 + 1 AS lsk, i % 97 AS v FROM range(24000) t(i)`)
  return db
}

const Q7 = `
  SELECT n1.nm AS sn, n2.nm AS cn, sum(v) AS total, count(*) AS lines
  FROM supp, line, ord, cust, nat n1, nat n2
  WHERE sk = lsk AND ok = lok AND ck = ock AND snk = n1.nk AND cnk = n2.nk
    AND ((n1.nm = 'N3' AND n2.nm = 'N4') OR (n1.nm = 'N4' AND n2.nm = 'N3'))
  GROUP BY ALL ORDER BY ALL`

test('join order: the TPC-H Q7 shape never joins line items to a supplier × customer product, with the same answer', async () => {
  const db = await q7Database()
  const plan = String((await db.query(`EXPLAIN ${Q7}`)).rows[0]![1])
  assert.ok(!plan.includes('CROSS'), plan)
  // the smallest subtree holding both the supplier and the customer scan holds line too: line
  // items never meet a supplier × customer product (pairing the two nation rows first is fine)
  const lines = plan.split('\n')
  const indent = (l: string): number => l.length - l.trimStart().length
  const subtree = (at: number): string[] => {
    const end = lines.findIndex((l, i) => i > at && indent(l) <= indent(lines[at]!))
    return lines.slice(at, end < 0 ? lines.length : end)
  }
  const holds = (part: string[], name: string): boolean => part.some(l => l.includes(`TABLE_SCAN ${name} `))
  const joins = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.includes('JOIN'))
  const meet = joins.filter(({ i }) => holds(subtree(i), 'supp') && holds(subtree(i), 'cust')).at(-1)!
  assert.ok(holds(subtree(meet.i), 'line'), `supplier and customer meet through line items:\n${plan}`)
  const answer = (await db.query(Q7)).rows
  await db.query(`SET disabled_optimizers = 'join_order'`)
  assert.deepEqual((await db.query(Q7)).rows, answer)
  assert.equal(answer.length, 2)
})

test('join order: a chain over more than 30 tables is reordered, not left in FROM order with cross products', async () => {
  const db = await Database.open()
  const n = 34
  for (let i = 0; i < n; i++) await db.exec(`CREATE TABLE c${i} AS SELECT range AS a${i}, range AS b${i} FROM range(10)`)
  // FROM lists every second table first, so FROM order has no condition between neighbours
  const from = [...Array.from({ length: n / 2 }, (_, i) => `c${2 * i}`), ...Array.from({ length: n / 2 }, (_, i) => `c${2 * i + 1}`)]
  const where = Array.from({ length: n - 1 }, (_, i) => `b${i} = a${i + 1}`).join(' AND ')
  const sql = `SELECT count(*) FROM ${from.join(', ')} WHERE ${where}`
  const plan = (await db.query(`EXPLAIN ${sql}`)).textRows().map(r => r.join(' ')).join('\n')
  assert.doesNotMatch(plan, /CROSS_PRODUCT/)
  assert.equal((await db.query(sql)).textRows()[0]![0], '10')
  await db.close()
})

test('scan estimates: column = constant keeps 1 / distinct values, IN k of them; other shapes keep the fixed tenth', () => {
  const n = 20_000
  const t = table('typed', [['k', INTEGER], ['kind', VARCHAR]], Array.from({ length: n }, (_, i) => [i, `T${i % 150}`]))
  const ctx = fresh()
  const s = scan(t)
  const kind = ref(s, 'kind')
  const rows = (f: ReturnType<typeof cmp>): number => estimateRows({ ...s, filters: [f] }, ctx.txn)
  assert.equal(rows(cmp('=', kind, lit('T7', VARCHAR))), n / 150)
  assert.equal(rows(cmp('=', lit('T7', VARCHAR), kind)), n / 150, 'constant on the left')
  const within: InListBoundExpr = { kind: 'in_list', arg: kind, list: ['T1', 'T2', 'T3'].map(v => lit(v, VARCHAR)), not: false, type: BOOLEAN }
  assert.equal(estimateRows({ ...s, filters: [within] }, ctx.txn), 3 * n / 150)
  assert.ok(Math.abs(estimateRows({ ...s, filters: [{ ...within, not: true }] }, ctx.txn) - n * 0.3) < 1e-6, 'NOT IN: the fixed guess')
  assert.equal(rows(cmp('=', ref(s, 'k'), ref(s, 'k'))), n / 10, 'column = column: the fixed guess')
  assert.equal(rows(cmp('<', kind, lit('T7', VARCHAR))), n * 0.3, 'ranges: the fixed guess')
})

test('join order: the TPC-H Q8 shape meets the part with a rare type before the orders of two years', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE part8 AS SELECT i AS p, 'T' || (i % 150) AS ptype FROM range(1, 3001) t(i);
    CREATE TABLE ord8 AS SELECT i AS o, DATE '1992-01-01' + (i % 2400)::INTEGER AS odate FROM range(1, 7501) t(i);
    CREATE TABLE line8 AS SELECT (i * 7) % 3000 + 1 AS lp, i % 7500 + 1 AS lo, i % 10 AS v FROM range(60000) t(i)`)
  const sql = `SELECT count(*), sum(v) FROM line8, part8, ord8
    WHERE lp = p AND lo = o AND ptype = 'T7' AND odate BETWEEN DATE '1995-01-01' AND DATE '1996-12-31'`
  const plan = (await db.query(`EXPLAIN ${sql}`)).textRows().map(r => r.join(' ')).join('\n')
  const lines = plan.split('\n')
  const depth = (name: string): number => { const l = lines.find(x => x.includes(`TABLE_SCAN ${name}`))!; return l.length - l.trimStart().length }
  assert.ok(depth('part8') > depth('ord8'), `line items meet the 20 parts of type T7 first:\n${plan}`)
  const answer = (await db.query(sql)).textRows()
  await db.exec(`SET disabled_optimizers = 'join_order'`)
  assert.deepEqual((await db.query(sql)).textRows(), answer)
  assert.notEqual(answer[0]![0], '0')
  await db.close()
})
