/** The TPC-H generator: row counts, key ranges, value domains, determinism, bad inputs. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  CURRENT_DATE, LAST_ORDER_DATE, START_DATE, TPCH_TABLES, generateTpch, orderKey, partSupplier, retailPriceCents, rowCounts,
  type TableName, type TpchBatch,
} from '../../bench/tpch/generate.ts'
import { COLORS, NATIONS } from '../../bench/tpch/text.ts'
import { createTableStatements } from '../../bench/tpch/load.ts'

const SF = 0.002

/** Every table's batches concatenated column-wise into plain arrays. */
function collect(options: Parameters<typeof generateTpch>[0]): Map<TableName, { rows: number; columns: unknown[][] }> {
  const out = new Map<TableName, { rows: number; columns: unknown[][] }>()
  for (const b of generateTpch(options)) {
    let t = out.get(b.table)
    if (t === undefined) { t = { rows: 0, columns: b.columns.map(() => []) }; out.set(b.table, t) }
    t.rows += b.rows
    b.columns.forEach((c, i) => { for (let k = 0; k < b.rows; k++) t!.columns[i]!.push(c[k]) })
  }
  return out
}

const data = collect({ scaleFactor: SF, batchRows: 1000 })
const column = (table: TableName, name: string): unknown[] => {
  const spec = TPCH_TABLES.find(t => t.name === table)!
  const i = spec.columns.findIndex(c => c.name === name)
  assert.ok(i >= 0, `${table}.${name}`)
  return data.get(table)!.columns[i]!
}
const ints = (table: TableName, name: string): number[] => column(table, name) as number[]
const texts = (table: TableName, name: string): string[] => column(table, name) as string[]

test('row counts follow the scale factor', () => {
  const counts = rowCounts(SF)
  for (const name of ['region', 'nation', 'supplier', 'part', 'partsupp', 'customer', 'orders'] as const) {
    assert.equal(data.get(name)!.rows, counts[name], name)
  }
  assert.deepEqual(rowCounts(1), { region: 5, nation: 25, supplier: 10_000, part: 200_000, partsupp: 800_000, customer: 150_000, orders: 1_500_000 })
  const lines = data.get('lineitem')!.rows, orders = counts.orders
  assert.ok(lines >= orders && lines <= 7 * orders)
  assert.ok(Math.abs(lines / orders - 4) < 0.3, `about 4 lines per order, got ${lines / orders}`)
})

test('every batch has one column per schema column, each as long as the batch', () => {
  for (const b of generateTpch({ scaleFactor: SF, batchRows: 333 })) {
    const spec = TPCH_TABLES.find(t => t.name === b.table)!
    assert.equal(b.columns.length, spec.columns.length)
    for (const c of b.columns) assert.equal(c.length, b.rows, b.table)
  }
})

test('the same seed gives the same data whatever the batch size; another seed differs', () => {
  const again = collect({ scaleFactor: SF, batchRows: 4096 })
  for (const [name, t] of data) assert.deepEqual(again.get(name), t, name)
  const other = collect({ scaleFactor: SF, seed: 7, tables: ['customer'] })
  assert.deepEqual([...other.keys()], ['customer'])
  assert.notDeepEqual(other.get('customer'), data.get('customer'))
})

test('keys are dense where the spec says so, sparse for orders, and references resolve', () => {
  const counts = rowCounts(SF)
  assert.deepEqual(ints('supplier', 's_suppkey'), Array.from({ length: counts.supplier }, (_, i) => i + 1))
  assert.deepEqual(ints('customer', 'c_custkey').at(-1), counts.customer)
  assert.deepEqual([1, 2, 8, 9, 16, 17].map(orderKey), [1, 2, 8, 33, 40, 65])
  const orderKeys = new Set(ints('orders', 'o_orderkey'))
  assert.equal(orderKeys.size, counts.orders)
  for (const k of ints('lineitem', 'l_orderkey')) assert.ok(orderKeys.has(k))
  for (const c of ints('orders', 'o_custkey')) assert.ok(c >= 1 && c <= counts.customer && c % 3 !== 0)
  const partsupp = new Set(ints('partsupp', 'ps_partkey').map((p, i) => `${p}/${ints('partsupp', 'ps_suppkey')[i]}`))
  assert.equal(partsupp.size, counts.partsupp, 'partsupp (part, supplier) pairs are unique')
  const lp = ints('lineitem', 'l_partkey'), ls = ints('lineitem', 'l_suppkey')
  lp.forEach((p, i) => assert.ok(partsupp.has(`${p}/${ls[i]}`), 'every lineitem names a partsupp row'))
  for (const n of ints('supplier', 's_nationkey')) assert.ok(n >= 0 && n < 25)
})

test('formats: names, phones, brands, types, containers, colours', () => {
  assert.equal(texts('supplier', 's_name')[0], 'Supplier#000000001')
  assert.equal(texts('customer', 'c_name')[41], 'Customer#000000042')
  const nations = ints('customer', 'c_nationkey')
  texts('customer', 'c_phone').forEach((p, i) => {
    assert.match(p, /^\d\d-\d\d\d-\d\d\d-\d\d\d\d$/)
    assert.equal(Number(p.slice(0, 2)), nations[i]! + 10)
  })
  for (const b of texts('part', 'p_brand')) assert.match(b, /^Brand#[1-5][1-5]$/)
  texts('part', 'p_mfgr').forEach((m, i) => assert.equal(m.at(-1), texts('part', 'p_brand')[i]![6]))
  for (const t of texts('part', 'p_type')) assert.match(t, /^(STANDARD|SMALL|MEDIUM|LARGE|ECONOMY|PROMO) (ANODIZED|BURNISHED|PLATED|POLISHED|BRUSHED) (TIN|NICKEL|BRASS|STEEL|COPPER)$/)
  for (const c of texts('part', 'p_container')) assert.match(c, /^(SM|LG|MED|JUMBO|WRAP) (CASE|BOX|BAG|JAR|PKG|PACK|CAN|DRUM)$/)
  for (const n of texts('part', 'p_name')) {
    const words = n.split(' ')
    assert.equal(words.length, 5)
    assert.equal(new Set(words).size, 5)
    for (const w of words) assert.ok(COLORS.includes(w), w)
  }
  assert.equal(COLORS.length, 92)
  assert.deepEqual(texts('nation', 'n_name'), NATIONS.map(n => n[0]))
  for (const c of texts('orders', 'o_clerk')) assert.match(c, /^Clerk#\d{9}$/)
})

test('money, dates and flags stay in the spec domains', () => {
  const inRange = (xs: number[], lo: number, hi: number, what: string): void => {
    for (const x of xs) assert.ok(Number.isInteger(x) && x >= lo && x <= hi, `${what}: ${x}`)
  }
  inRange(ints('supplier', 's_acctbal'), -99_999, 999_999, 's_acctbal')
  inRange(ints('partsupp', 'ps_supplycost'), 100, 100_000, 'ps_supplycost')
  inRange(ints('lineitem', 'l_discount'), 0, 10, 'l_discount')
  inRange(ints('lineitem', 'l_tax'), 0, 8, 'l_tax')
  inRange(ints('orders', 'o_orderdate'), START_DATE, LAST_ORDER_DATE, 'o_orderdate')
  ints('part', 'p_retailprice').forEach((p, i) => assert.equal(p, retailPriceCents(i + 1)))
  assert.equal(retailPriceCents(1), 90_100)
  const qty = ints('lineitem', 'l_quantity'), price = ints('lineitem', 'l_extendedprice'), part = ints('lineitem', 'l_partkey')
  const ship = ints('lineitem', 'l_shipdate'), receipt = ints('lineitem', 'l_receiptdate'), commit = ints('lineitem', 'l_commitdate')
  const flag = texts('lineitem', 'l_returnflag'), status = texts('lineitem', 'l_linestatus')
  const orderDate = new Map(ints('orders', 'o_orderkey').map((k, i) => [k, ints('orders', 'o_orderdate')[i]!]))
  ints('lineitem', 'l_orderkey').forEach((k, i) => {
    const od = orderDate.get(k)!
    assert.ok(qty[i]! % 100 === 0 && qty[i]! >= 100 && qty[i]! <= 5000)
    assert.equal(price[i], (qty[i]! / 100) * retailPriceCents(part[i]!))
    assert.ok(ship[i]! - od >= 1 && ship[i]! - od <= 121)
    assert.ok(commit[i]! - od >= 30 && commit[i]! - od <= 90)
    assert.ok(receipt[i]! - ship[i]! >= 1 && receipt[i]! - ship[i]! <= 30)
    assert.equal(status[i], ship[i]! > CURRENT_DATE ? 'O' : 'F')
    assert.ok(receipt[i]! <= CURRENT_DATE ? flag[i] === 'R' || flag[i] === 'A' : flag[i] === 'N')
  })
  assert.deepEqual(new Set(texts('orders', 'o_orderstatus')), new Set(['F', 'O', 'P']))
})

test('comments carry the words the queries look for', () => {
  const orders = texts('orders', 'o_comment')
  assert.ok(orders.some(c => /special.*requests/.test(c)), 'Q13 needs special…requests')
  assert.ok(texts('supplier', 's_comment').some(c => /Customer.*Complaints/.test(c)), 'Q16 needs Customer…Complaints')
  assert.ok(texts('supplier', 's_comment').some(c => /Customer.*Recommends/.test(c)))
  for (const c of orders) assert.ok(c.length >= 19 && c.length <= 78)
  for (const c of texts('lineitem', 'l_comment')) assert.ok(c.length >= 10 && c.length <= 43)
})

test('partSupplier spreads a part over 4 distinct suppliers', () => {
  for (const suppliers of [4, 100, 10_000]) {
    for (const part of [1, 2, 99, 12_345]) {
      const s = new Set([0, 1, 2, 3].map(i => partSupplier(part, i, suppliers)))
      assert.equal(s.size, 4)
      for (const k of s) assert.ok(k >= 1 && k <= suppliers)
    }
  }
})

test('bad scale factors are refused', () => {
  for (const sf of [0, -1, Number.NaN, 1000]) assert.throws(() => generateTpch({ scaleFactor: sf }).next(), RangeError)
})

test('CREATE TABLE statements declare every column with the spec types', () => {
  const sql = createTableStatements(['lineitem'])[0]!
  assert.match(sql, /^CREATE TABLE lineitem \(l_orderkey INTEGER NOT NULL, /)
  assert.match(sql, /l_extendedprice DECIMAL\(15,2\)/)
  assert.match(sql, /l_shipdate DATE NOT NULL/)
  assert.match(sql, /l_comment VARCHAR\)$/)
})
