/**
 * A deterministic TPC-H data generator: the 8 tables at any scale factor, following the value
 * distributions and formats of the specification (clause 4.2.3) closely. Output is columnar
 * batches — Int32Array for integers and dates (days since 1970-01-01), Float64Array of cents for
 * DECIMAL(15,2), string[] for text — which is both Grizzly's internal layout and cheap to hand to
 * DuckDB, so both engines get identical data. A seed fixes every value; batch size does not
 * change the data.
 */
import { Rng } from './rng.ts'
import {
  COLORS, CONTAINER_SYLLABLE_1, CONTAINER_SYLLABLE_2, NATIONS, PRIORITIES, REGIONS, SEGMENTS, SHIP_INSTRUCTIONS,
  SHIP_MODES, TYPE_SYLLABLE_1, TYPE_SYLLABLE_2, TYPE_SYLLABLE_3, buildCharPool, buildTextPool,
} from './text.ts'

/** int: INTEGER; money: DECIMAL(15,2) as cents; date: DATE as days; text: VARCHAR */
export type ColumnKind = 'int' | 'money' | 'date' | 'text'
export type ColumnData = Int32Array | Float64Array | string[]

export interface TpchColumn { readonly name: string; readonly kind: ColumnKind }
export type TableName = 'region' | 'nation' | 'supplier' | 'part' | 'partsupp' | 'customer' | 'orders' | 'lineitem'
export interface TpchTable { readonly name: TableName; readonly columns: readonly TpchColumn[] }

export interface TpchBatch {
  readonly table: TableName
  readonly rows: number
  /** one entry per column of the table, in schema order, each `rows` long */
  readonly columns: readonly ColumnData[]
}

const cols = (spec: string): TpchColumn[] =>
  spec.trim().split(/\s+/).map(s => { const [name, kind] = s.split(':'); return { name: name!, kind: kind as ColumnKind } })

export const TPCH_TABLES: readonly TpchTable[] = [
  { name: 'region', columns: cols('r_regionkey:int r_name:text r_comment:text') },
  { name: 'nation', columns: cols('n_nationkey:int n_name:text n_regionkey:int n_comment:text') },
  { name: 'supplier', columns: cols('s_suppkey:int s_name:text s_address:text s_nationkey:int s_phone:text s_acctbal:money s_comment:text') },
  { name: 'part', columns: cols('p_partkey:int p_name:text p_mfgr:text p_brand:text p_type:text p_size:int p_container:text p_retailprice:money p_comment:text') },
  { name: 'partsupp', columns: cols('ps_partkey:int ps_suppkey:int ps_availqty:int ps_supplycost:money ps_comment:text') },
  { name: 'customer', columns: cols('c_custkey:int c_name:text c_address:text c_nationkey:int c_phone:text c_acctbal:money c_mktsegment:text c_comment:text') },
  { name: 'orders', columns: cols('o_orderkey:int o_custkey:int o_orderstatus:text o_totalprice:money o_orderdate:date o_orderpriority:text o_clerk:text o_shippriority:int o_comment:text') },
  { name: 'lineitem', columns: cols('l_orderkey:int l_partkey:int l_suppkey:int l_linenumber:int l_quantity:money l_extendedprice:money l_discount:money l_tax:money l_returnflag:text l_linestatus:text l_shipdate:date l_commitdate:date l_receiptdate:date l_shipinstruct:text l_shipmode:text l_comment:text') },
]

export function tableSpec(name: TableName): TpchTable {
  const t = TPCH_TABLES.find(x => x.name === name)
  if (t === undefined) throw new RangeError(`unknown TPC-H table ${name}`)
  return t
}

/** Row counts at a scale factor (lineitem is random, 1–7 per order: about 4 × orders). */
export function rowCounts(sf: number): Readonly<Record<Exclude<TableName, 'lineitem'>, number>> {
  return {
    region: 5,
    nation: 25,
    supplier: Math.max(1, Math.floor(10_000 * sf)),
    part: Math.max(1, Math.floor(200_000 * sf)),
    partsupp: 4 * Math.max(1, Math.floor(200_000 * sf)),
    customer: Math.max(1, Math.floor(150_000 * sf)),
    orders: Math.max(1, Math.floor(1_500_000 * sf)),
  }
}

/** The largest scale factor whose order keys still fit an INTEGER. */
export const MAX_SCALE_FACTOR = 300

export const DEFAULT_SEED = 19920101

export interface GenerateOptions {
  readonly scaleFactor: number
  readonly seed?: number
  /** rows per batch (orders per batch for orders/lineitem); default 16,384 */
  readonly batchRows?: number
  /** only these tables (default all) */
  readonly tables?: readonly TableName[]
}

const DAY0 = Date.UTC(1970, 0, 1)
export const daysOf = (y: number, m: number, d: number): number => (Date.UTC(y, m - 1, d) - DAY0) / 86_400_000
export const START_DATE = daysOf(1992, 1, 1)
/** the last order date: ENDDATE (1998-12-31) − 151 days */
export const LAST_ORDER_DATE = daysOf(1998, 8, 2)
/** the spec's CURRENTDATE, which decides returnflag and linestatus */
export const CURRENT_DATE = daysOf(1995, 6, 17)

/** The spec's sparse order keys: of every 32 keys, only the first 8 are used. */
export function orderKey(index: number): number {
  const i = index - 1
  return Math.floor(i / 8) * 32 + (i % 8) + 1
}

/** Retail price of a part in cents (clause 4.2.3). */
export function retailPriceCents(partkey: number): number {
  return 90_000 + (Math.floor(partkey / 10) % 20_001) + 100 * (partkey % 1000)
}

/**
 * The supplier of the i-th (0..3) partsupp row of a part (the spec's formula). Below 80
 * suppliers (SF < 0.008) that formula repeats suppliers within a part, so there the stride is
 * S/4 alone, which keeps the four distinct whenever S ≥ 4.
 */
export function partSupplier(partkey: number, i: number, suppliers: number): number {
  const quarter = Math.floor(suppliers / 4)
  const stride = suppliers < 80 ? Math.max(1, quarter) : quarter + Math.floor((partkey - 1) / suppliers)
  return ((partkey + i * stride) % suppliers) + 1
}

const pad9 = (n: number): string => String(n).padStart(9, '0')
const phone = (r: Rng, nation: number): string => `${nation + 10}-${r.int(100, 999)}-${r.int(100, 999)}-${r.int(1000, 9999)}`

/** Cuts random substrings out of a pool: dbgen's way of making comments and addresses. */
class Cutter {
  constructor(private readonly pool: string) {}
  cut(r: Rng, min: number, max: number): string {
    const len = r.int(min, max)
    const at = r.int(0, this.pool.length - len - 1)
    return this.pool.substring(at, at + len)
  }
}

interface Pools { readonly text: Cutter; readonly chars: Cutter }

/** Every table's batches, in dependency-free order: region, nation, supplier, part, partsupp, customer, then orders and lineitem interleaved. */
export function* generateTpch(options: GenerateOptions): Generator<TpchBatch> {
  const sf = options.scaleFactor
  if (!(sf > 0) || sf > MAX_SCALE_FACTOR) throw new RangeError(`scale factor must be in (0, ${MAX_SCALE_FACTOR}], got ${sf}`)
  const seed = options.seed ?? DEFAULT_SEED
  const batch = Math.max(1, Math.floor(options.batchRows ?? 16_384))
  const wanted = new Set<TableName>(options.tables ?? TPCH_TABLES.map(t => t.name))
  const poolRng = new Rng(seed)
  const pools: Pools = { text: new Cutter(buildTextPool(poolRng, 1 << 21)), chars: new Cutter(buildCharPool(poolRng, 1 << 16)) }
  const counts = rowCounts(sf)
  const stream = (k: number): Rng => new Rng((seed ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0)
  if (wanted.has('region')) yield regionBatch(stream(1), pools)
  if (wanted.has('nation')) yield nationBatch(stream(2), pools)
  if (wanted.has('supplier')) yield* supplierBatches(stream(3), pools, sf, counts.supplier, batch)
  if (wanted.has('part')) yield* partBatches(stream(4), pools, counts.part, batch)
  if (wanted.has('partsupp')) yield* partsuppBatches(stream(5), pools, counts.part, counts.supplier, batch)
  if (wanted.has('customer')) yield* customerBatches(stream(6), pools, counts.customer, batch)
  if (wanted.has('orders') || wanted.has('lineitem')) {
    for (const b of orderBatches(stream(7), pools, sf, counts, batch)) if (wanted.has(b.table)) yield b
  }
}

function regionBatch(r: Rng, p: Pools): TpchBatch {
  const n = REGIONS.length
  const key = new Int32Array(n), comment: string[] = []
  for (let i = 0; i < n; i++) { key[i] = i; comment.push(p.text.cut(r, 31, 115)) }
  return { table: 'region', rows: n, columns: [key, [...REGIONS], comment] }
}

function nationBatch(r: Rng, p: Pools): TpchBatch {
  const n = NATIONS.length
  const key = new Int32Array(n), region = new Int32Array(n), name: string[] = [], comment: string[] = []
  for (let i = 0; i < n; i++) {
    key[i] = i
    region[i] = NATIONS[i]![1]
    name.push(NATIONS[i]![0])
    comment.push(p.text.cut(r, 31, 114))
  }
  return { table: 'nation', rows: n, columns: [key, name, region, comment] }
}

/** Picks `count` distinct keys in 1..n. */
function distinctKeys(r: Rng, n: number, count: number, avoid: ReadonlySet<number>): Set<number> {
  const out = new Set<number>()
  while (out.size < Math.min(count, n - avoid.size)) {
    const k = r.int(1, n)
    if (!avoid.has(k)) out.add(k)
  }
  return out
}

/** A comment with `first` … `second` inside it, as the spec plants "Customer … Complaints" (Q16). */
function plantedComment(r: Rng, p: Pools, first: string, second: string): string {
  const text = p.text.cut(r, 25, 100)
  const room = Math.max(0, text.length - first.length - second.length)
  const a = r.int(0, Math.floor(room / 2)), b = r.int(a, room)
  return text.slice(0, a) + first + text.slice(a, b) + second + text.slice(b, room)
}

function* supplierBatches(r: Rng, p: Pools, sf: number, n: number, batch: number): Generator<TpchBatch> {
  const planted = Math.max(1, Math.round(sf * 5))
  const complaints = distinctKeys(r, n, planted, new Set())
  const recommends = distinctKeys(r, n, planted, complaints)
  for (let start = 1; start <= n; start += batch) {
    const m = Math.min(batch, n - start + 1)
    const key = new Int32Array(m), nation = new Int32Array(m), acctbal = new Float64Array(m)
    const name: string[] = [], address: string[] = [], phones: string[] = [], comment: string[] = []
    for (let i = 0; i < m; i++) {
      const k = start + i
      key[i] = k
      name.push(`Supplier#${pad9(k)}`)
      address.push(p.chars.cut(r, 10, 40))
      const nk = r.int(0, 24)
      nation[i] = nk
      phones.push(phone(r, nk))
      acctbal[i] = r.int(-99_999, 999_999)
      comment.push(complaints.has(k) ? plantedComment(r, p, 'Customer ', 'Complaints')
        : recommends.has(k) ? plantedComment(r, p, 'Customer ', 'Recommends') : p.text.cut(r, 25, 100))
    }
    yield { table: 'supplier', rows: m, columns: [key, name, address, nation, phones, acctbal, comment] }
  }
}

function alreadyChosen(chosen: Int32Array, count: number, c: number): boolean {
  for (let i = 0; i < count; i++) if (chosen[i] === c) return true
  return false
}

function* partBatches(r: Rng, p: Pools, n: number, batch: number): Generator<TpchBatch> {
  const chosen = new Int32Array(5)
  for (let start = 1; start <= n; start += batch) {
    const m = Math.min(batch, n - start + 1)
    const key = new Int32Array(m), size = new Int32Array(m), price = new Float64Array(m)
    const name: string[] = [], mfgr: string[] = [], brand: string[] = [], type: string[] = [], container: string[] = [], comment: string[] = []
    for (let i = 0; i < m; i++) {
      const k = start + i
      key[i] = k
      for (let w = 0; w < 5; w++) {
        let c: number
        do { c = r.int(0, COLORS.length - 1) } while (alreadyChosen(chosen, w, c))
        chosen[w] = c
      }
      name.push(`${COLORS[chosen[0]!]} ${COLORS[chosen[1]!]} ${COLORS[chosen[2]!]} ${COLORS[chosen[3]!]} ${COLORS[chosen[4]!]}`)
      const mf = r.int(1, 5)
      mfgr.push(`Manufacturer#${mf}`)
      brand.push(`Brand#${mf}${r.int(1, 5)}`)
      type.push(`${r.pick(TYPE_SYLLABLE_1)} ${r.pick(TYPE_SYLLABLE_2)} ${r.pick(TYPE_SYLLABLE_3)}`)
      size[i] = r.int(1, 50)
      container.push(`${r.pick(CONTAINER_SYLLABLE_1)} ${r.pick(CONTAINER_SYLLABLE_2)}`)
      price[i] = retailPriceCents(k)
      comment.push(p.text.cut(r, 5, 22))
    }
    yield { table: 'part', rows: m, columns: [key, name, mfgr, brand, type, size, container, price, comment] }
  }
}

function* partsuppBatches(r: Rng, p: Pools, parts: number, suppliers: number, batch: number): Generator<TpchBatch> {
  for (let start = 1; start <= parts; start += batch) {
    const m = Math.min(batch, parts - start + 1)
    const rows = 4 * m
    const part = new Int32Array(rows), supp = new Int32Array(rows), qty = new Int32Array(rows), cost = new Float64Array(rows)
    const comment: string[] = []
    for (let i = 0; i < m; i++) {
      const k = start + i
      for (let j = 0; j < 4; j++) {
        const at = 4 * i + j
        part[at] = k
        supp[at] = partSupplier(k, j, suppliers)
        qty[at] = r.int(1, 9999)
        cost[at] = r.int(100, 100_000)
        comment.push(p.text.cut(r, 49, 198))
      }
    }
    yield { table: 'partsupp', rows, columns: [part, supp, qty, cost, comment] }
  }
}

function* customerBatches(r: Rng, p: Pools, n: number, batch: number): Generator<TpchBatch> {
  for (let start = 1; start <= n; start += batch) {
    const m = Math.min(batch, n - start + 1)
    const key = new Int32Array(m), nation = new Int32Array(m), acctbal = new Float64Array(m)
    const name: string[] = [], address: string[] = [], phones: string[] = [], segment: string[] = [], comment: string[] = []
    for (let i = 0; i < m; i++) {
      const k = start + i
      key[i] = k
      name.push(`Customer#${pad9(k)}`)
      address.push(p.chars.cut(r, 10, 40))
      const nk = r.int(0, 24)
      nation[i] = nk
      phones.push(phone(r, nk))
      acctbal[i] = r.int(-99_999, 999_999)
      segment.push(r.pick(SEGMENTS))
      comment.push(p.text.cut(r, 29, 116))
    }
    yield { table: 'customer', rows: m, columns: [key, name, address, nation, phones, acctbal, segment, comment] }
  }
}

function* orderBatches(r: Rng, p: Pools, sf: number, counts: ReturnType<typeof rowCounts>, batch: number): Generator<TpchBatch> {
  const n = counts.orders, customers = counts.customer, parts = counts.part, suppliers = counts.supplier
  const clerks = Math.max(1, Math.floor(1000 * sf))
  const clerkNames = Array.from({ length: clerks }, (_, i) => `Clerk#${pad9(i + 1)}`)
  for (let start = 1; start <= n; start += batch) {
    const m = Math.min(batch, n - start + 1)
    const oKey = new Int32Array(m), oCust = new Int32Array(m), oTotal = new Float64Array(m), oDate = new Int32Array(m), oShipPriority = new Int32Array(m)
    const oStatus: string[] = [], oPriority: string[] = [], oClerk: string[] = [], oComment: string[] = []
    const cap = 7 * m
    const lOrder = new Int32Array(cap), lPart = new Int32Array(cap), lSupp = new Int32Array(cap), lLine = new Int32Array(cap)
    const lQty = new Float64Array(cap), lPrice = new Float64Array(cap), lDisc = new Float64Array(cap), lTax = new Float64Array(cap)
    const lShip = new Int32Array(cap), lCommit = new Int32Array(cap), lReceipt = new Int32Array(cap)
    const lFlag: string[] = [], lStatus: string[] = [], lInstruct: string[] = [], lMode: string[] = [], lComment: string[] = []
    let lines = 0
    for (let i = 0; i < m; i++) {
      const ok = orderKey(start + i)
      oKey[i] = ok
      let ck: number
      // a third of the customers never order (Q13, Q22 depend on it)
      do { ck = r.int(1, customers) } while (ck % 3 === 0 && customers >= 3)
      oCust[i] = ck
      const od = r.int(START_DATE, LAST_ORDER_DATE)
      oDate[i] = od
      oPriority.push(r.pick(PRIORITIES))
      oClerk.push(clerkNames[r.int(0, clerks - 1)]!)
      oComment.push(p.text.cut(r, 19, 78))
      const lineCount = r.int(1, 7)
      let total = 0, shipped = 0
      for (let ln = 1; ln <= lineCount; ln++) {
        const at = lines++
        lOrder[at] = ok
        lLine[at] = ln
        const pk = r.int(1, parts)
        lPart[at] = pk
        lSupp[at] = partSupplier(pk, r.int(0, 3), suppliers)
        const qty = r.int(1, 50)
        lQty[at] = qty * 100
        const price = qty * retailPriceCents(pk)
        lPrice[at] = price
        const disc = r.int(0, 10), tax = r.int(0, 8)
        lDisc[at] = disc
        lTax[at] = tax
        total += Math.round(price * (100 - disc) * (100 + tax) / 10_000)
        const ship = od + r.int(1, 121)
        const receipt = ship + r.int(1, 30)
        lShip[at] = ship
        lCommit[at] = od + r.int(30, 90)
        lReceipt[at] = receipt
        lFlag.push(receipt <= CURRENT_DATE ? (r.next() < 0.5 ? 'R' : 'A') : 'N')
        const status = ship > CURRENT_DATE ? 'O' : 'F'
        if (status === 'F') shipped++
        lStatus.push(status)
        lInstruct.push(r.pick(SHIP_INSTRUCTIONS))
        lMode.push(r.pick(SHIP_MODES))
        lComment.push(p.text.cut(r, 10, 43))
      }
      oTotal[i] = total
      oStatus.push(shipped === lineCount ? 'F' : shipped === 0 ? 'O' : 'P')
    }
    yield {
      table: 'orders', rows: m,
      columns: [oKey, oCust, oStatus, oTotal, oDate, oPriority, oClerk, oShipPriority, oComment],
    }
    yield {
      table: 'lineitem', rows: lines,
      columns: [
        lOrder.subarray(0, lines), lPart.subarray(0, lines), lSupp.subarray(0, lines), lLine.subarray(0, lines),
        lQty.subarray(0, lines), lPrice.subarray(0, lines), lDisc.subarray(0, lines), lTax.subarray(0, lines),
        lFlag, lStatus, lShip.subarray(0, lines), lCommit.subarray(0, lines), lReceipt.subarray(0, lines),
        lInstruct, lMode, lComment,
      ],
    }
  }
}
