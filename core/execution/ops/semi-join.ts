/**
 * Semi and anti hash joins build on whichever input is smaller. A semi / anti join keeps left
 * rows, so the hash join builds on the right, which is often the large one: TPC-H Q04's EXISTS
 * over lineitem, Q21's over lineitem twice, Q22's NOT EXISTS over orders. The estimates cannot
 * be trusted to tell (they take Q21's three-way join for millions of rows; it has 70 thousand),
 * so the operator reads both inputs in step — always from the side with fewer rows read so far
 * — until one ends. When the right side ends first and the condition is keys alone, only its
 * distinct keys go into a hash table (no rows, no chains: a semi join needs no more) and the
 * left rows stream past it; with a residual the ordinary hash join runs, replaying what was
 * read. When the left side ends first it is the smaller: its rows go into the hash table
 * and the right side streams past it once, marking the left rows it matches (the residual
 * evaluated on candidate pairs, as in the hash join); no right row is kept. The left rows with
 * (semi) or without (anti) a mark come out at the end, in left order, as the hash join gives
 * them. Reading stops early when every left row is matched, and an empty left side means the
 * right side is never read.
 *
 * NULLs as in the hash join: a NULL key compared with `=` matches nothing (its left row is
 * kept by anti, dropped by semi), `IS NOT DISTINCT FROM` keys match NULL with NULL, and a pair
 * whose residual is NULL is no match. Mark joins (NOT IN) keep the hash join: their NULL
 * answer depends on every build row.
 */
import type { JoinNode } from '../../plan/logical.ts'
import { CHUNK_SIZE, DataChunk, gather, Vector } from '../../vector/vector.ts'
import { GroupTable } from '../group-table.ts'
import { chunkBytes } from '../memory.ts'
import {
  compileValue, type Frame, layoutOf, type Materialized, materializeChunks, Operator, selectRows, typesOf,
} from '../operator.ts'
import { type EquiKey, HashJoinOperator, MAX_PAIRS_PER_STEP, PairBuffer, Residual } from './join.ts'
import type { BoundExpr } from '../../plan/expr.ts'

/** the left side in a hash table takes about this many times its rows' bytes (as the build side of join.ts) */
const BUILD_OVERHEAD = 2

export class SemiJoinOperator extends Operator {
  readonly name = 'HASH_JOIN'
  private readonly node: JoinNode
  private readonly leftOp: Operator
  private readonly rightOp: Operator
  private readonly keys: EquiKey[]
  private readonly residualExpr: BoundExpr | null
  private readonly leftKeys: ((c: DataChunk) => Vector)[]
  private readonly rightKeys: ((c: DataChunk) => Vector)[]
  /** the ordinary hash join, once the right side turned out the smaller */
  private hashJoin: HashJoinOperator | null = null
  private output: Generator<DataChunk> | null = null
  /** the right side's distinct keys were the hash table */
  private keysOnly = false
  private reserved = 0

  constructor(node: JoinNode, left: Operator, right: Operator, keys: EquiKey[], residual: BoundExpr | null, frame: Frame) {
    super(frame)
    this.node = node
    this.leftOp = left
    this.rightOp = right
    this.children.push(left, right)
    this.keys = keys
    this.residualExpr = residual
    this.leftKeys = keys.map(k => compileValue(k.left, layoutOf(node.left.output), frame))
    this.rightKeys = keys.map(k => compileValue(k.right, layoutOf(node.right.output), frame))
  }

  override detail(): string {
    if (this.hashJoin !== null) return this.hashJoin.detail()
    const build = this.output === null ? '' : this.keysOnly ? ', build: right keys' : ', build: left'
    return `[hash keys: ${this.keys.length}${this.residualExpr !== null ? ', residual' : ''}${build}]`
  }

  protected pull(): DataChunk | null {
    if (this.hashJoin !== null) return this.hashJoin.next()
    if (this.output === null) {
      this.output = this.start()
      if (this.hashJoin !== null) return (this.hashJoin as HashJoinOperator).next()
    }
    const r = this.output.next()
    if (r.done === true) { this.release(); return null }
    return r.value
  }

  private release(): void {
    this.runtime.memory.release(this.reserved)
    this.reserved = 0
  }

  /** Reads both sides in step; the left-built result, or sets `hashJoin` (and returns an empty generator). */
  private start(): Generator<DataChunk> {
    const memory = this.runtime.memory
    const left: DataChunk[] = [], right: DataChunk[] = []
    let leftRows = 0, rightRows = 0
    for (;;) {
      const fromLeft = leftRows <= rightRows
      const c = fromLeft ? this.leftOp.next() : this.rightOp.next()
      if (c === null) {
        if (fromLeft) break
        // the right side ended first: without a residual only its distinct keys matter
        if (this.residualExpr === null) return this.probeKeys(left, right)
        return this.fallBack(left, right)
      }
      ;(fromLeft ? left : right).push(c)
      // the buffered rows count as build rows whichever side becomes the build side
      const bytes = chunkBytes(c) * BUILD_OVERHEAD
      if (!memory.tryReserve(bytes)) return this.fallBack(left, right)
      this.reserved += bytes
      if (fromLeft) leftRows += c.size
      else rightRows += c.size
    }
    // the left side ended first: build on it
    const built = materializeChunks(left, typesOf(this.node.left.output))
    left.length = 0
    const chunk = new DataChunk([...built.columns], built.count)
    const residual = this.residualExpr === null ? null : new Residual(this.residualExpr, this.node, this.frame, false)
    const table = new LeftTable(built, this.leftKeys.map(f => f(chunk)), this.keys, residual)
    for (const c of right) if (!table.done) table.probe(c, this.rightKeys.map(f => f(c)))
    right.length = 0
    while (!table.done) {
      const c = this.rightOp.next()
      if (c === null) break
      table.probe(c, this.rightKeys.map(f => f(c)))
    }
    return table.rows(this.node.joinType === 'semi')
  }

  /**
   * A semi / anti join without a residual over a right side read whole: its distinct keys in a
   * hash table (no right rows kept, no chains), then the left rows stream past it.
   */
  private *probeKeys(left: DataChunk[], right: DataChunk[]): Generator<DataChunk> {
    this.keysOnly = true
    const strict = this.keys.map(k => !k.nullsEqual)
    let rows = 0
    for (const c of right) rows += c.size
    const table = new GroupTable(this.keys.map(k => k.right.type), true, rows)
    let ids = new Int32Array(0)
    for (let c of right) {
      // a right row with a NULL `=` key matches nothing: keep it out of the table
      let keys = this.rightKeys.map(f => f(c))
      const sel = rowsWithoutNullKey(keys, strict, c.size)
      if (sel !== null) {
        if (sel.count === 0) continue
        c = selectRows(c, sel.rows, sel.count)
        keys = this.rightKeys.map(f => f(c))
      }
      if (ids.length < c.size) ids = new Int32Array(c.size)
      table.findOrCreate(keys, c.size, ids)
    }
    right.length = 0
    const want = this.node.joinType === 'semi'
    let groups = new Int32Array(0)
    for (;;) {
      const c = left.shift() ?? this.leftOp.next()
      if (c === null) return
      if (groups.length < c.size) groups = new Int32Array(c.size)
      const keys = this.leftKeys.map(f => f(c))
      table.find(keys, c.size, groups)
      const sel = new Int32Array(c.size)
      let n = 0
      // a left row with a NULL `=` key finds no group: the table holds no such key
      for (let i = 0; i < c.size; i++) if ((groups[i]! >= 0) === want) sel[n++] = i
      if (n > 0) yield selectRows(c, sel, n)
    }
  }

  /**
   * The right side is the smaller, or memory ran short (the hash join may then partition both
   * sides to disk): the hash join, over what was read and the rest.
   */
  private fallBack(left: DataChunk[], right: DataChunk[]): Generator<DataChunk> {
    this.release()
    this.hashJoin = new HashJoinOperator(this.node, new Replay(left, this.leftOp, this.frame), new Replay(right, this.rightOp, this.frame),
      this.keys, this.residualExpr, this.frame)
    return (function* () {})()
  }
}

/** Hands out buffered chunks, then the rest of `source`. */
class Replay extends Operator {
  readonly name = 'REPLAY'
  private readonly buffered: DataChunk[]
  private readonly source: Operator
  constructor(buffered: DataChunk[], source: Operator, frame: Frame) {
    super(frame)
    this.buffered = buffered
    this.source = source
  }
  protected pull(): DataChunk | null { return this.buffered.shift() ?? this.source.next() }
}

/** The left rows in a hash table on their keys, each marked once some right row matches it. */
class LeftTable {
  private readonly left: Materialized
  private readonly leftChunk: DataChunk
  private readonly table: GroupTable
  private readonly strict: readonly boolean[]
  private readonly residual: Residual | null
  /** chains of left rows per group (rows with a NULL `=` key are in none) */
  private readonly head: Int32Array
  private readonly next: Int32Array
  /** per group: its rows not matched yet */
  private readonly open: Int32Array
  private readonly rowGroup: Int32Array
  private readonly matched: Uint8Array
  private remaining = 0
  private groups = new Int32Array(0)
  private candidates = new Int32Array(0)
  private readonly bits: KeyBits | null
  private readonly buf = new PairBuffer()

  constructor(left: Materialized, keyVectors: readonly Vector[], keys: readonly EquiKey[], residual: Residual | null) {
    this.left = left
    this.leftChunk = new DataChunk([...left.columns], left.count)
    this.residual = residual
    this.strict = keys.map(k => !k.nullsEqual)
    this.table = new GroupTable(keys.map(k => k.left.type), true, left.count)
    const ids = new Int32Array(left.count)
    this.table.findOrCreate(keyVectors, left.count, ids)
    this.rowGroup = ids
    this.head = new Int32Array(this.table.size).fill(-1)
    this.next = new Int32Array(left.count).fill(-1)
    this.open = new Int32Array(this.table.size)
    this.matched = new Uint8Array(left.count)
    // chained back to front, so a chain lists its rows in left order
    for (let r = left.count - 1; r >= 0; r--) {
      if (hasNullKey(keyVectors, this.strict, r)) continue
      const g = ids[r]!
      this.next[r] = this.head[g]!
      this.head[g] = r
      this.open[g]!++
      this.remaining++
    }
    this.bits = keys.length === 1 && !keys[0]!.nullsEqual ? KeyBits.of(keyVectors[0]!, left.count) : null
  }

  /** Every left row is matched: the rest of the right side cannot change the answer. */
  get done(): boolean { return this.remaining === 0 }

  probe(right: DataChunk, keyVectors: readonly Vector[]): void {
    const n = right.size
    if (this.groups.length < n) { this.groups = new Int32Array(n); this.candidates = new Int32Array(n) }
    const groups = this.groups
    // rows[j] is the right row of groups[j]; null: every row, in order
    let rows: Int32Array | null = null, m = n
    if (this.bits !== null) {
      rows = this.candidates
      m = this.bits.candidates(keyVectors[0]!, n, rows)
      if (m === 0) return
      const v = keyVectors[0]!, data = v.data as Int32Array, keys = new Int32Array(m)
      for (let j = 0; j < m; j++) keys[j] = data[rows[j]!]!
      this.table.find([new Vector(v.type, m, keys, null)], m, groups)
    } else this.table.find(keyVectors, n, groups)
    const { head, next, open, matched } = this
    if (this.residual === null) {
      for (let j = 0; j < m; j++) {
        const g = groups[j]!
        // a group holding a NULL `=` key has no rows chained, so it is never open
        if (g < 0 || open[g] === 0) continue
        for (let r = head[g]!; r !== -1; r = next[r]!) matched[r] = 1
        this.remaining -= open[g]!
        open[g] = 0
      }
      return
    }
    const buf = this.buf
    const rightRows: Materialized = { types: right.columns.map(v => v.type), columns: right.columns, count: n }
    buf.reset()
    for (let j = 0; j < m; j++) {
      const g = groups[j]!
      if (g < 0 || open[g] === 0) continue
      const i = rows === null ? j : rows[j]!
      for (let r = head[g]!; r !== -1; r = next[r]!) if (matched[r] === 0) buf.push(r, i)
      if (buf.count >= MAX_PAIRS_PER_STEP) this.flush(rightRows)
    }
    this.flush(rightRows)
  }

  /** Marks the left rows of the candidate pairs whose residual is TRUE. */
  private flush(right: Materialized): void {
    const buf = this.buf
    if (buf.count === 0) return
    this.residual!.apply(this.leftChunk, right, buf, null)
    for (let k = 0; k < buf.count; k++) {
      const r = buf.left[k]!
      if (this.matched[r] === 1) continue
      this.matched[r] = 1
      this.open[this.rowGroup[r]!]!--
      this.remaining--
    }
    buf.reset()
  }

  /** The left rows with (`matchedRows`) or without a match, in left order, in chunks. */
  *rows(matchedRows: boolean): Generator<DataChunk> {
    const want = matchedRows ? 1 : 0
    const { matched, left } = this
    let r = 0
    while (r < left.count) {
      const sel = new Int32Array(Math.min(CHUNK_SIZE, left.count - r))
      let n = 0
      for (; r < left.count && n < sel.length; r++) if (matched[r] === want) sel[n++] = r
      if (n > 0) yield new DataChunk(left.columns.map(v => gather(v, sel, n)), n)
    }
  }
}

/**
 * One bit per value between the smallest and largest of an integer key's values: most probe
 * rows of an EXISTS over a large table find no outer row (Q04: 57K orders against 3.8M
 * lineitem rows, Q21: 70K against 6M), and a bit test is cheaper than a hash probe, in order
 * when the probe side is clustered on the key. Only when the span is at most 256 bits a row.
 */
class KeyBits {
  private readonly words: Int32Array
  private readonly base: number
  private readonly span: number

  private constructor(words: Int32Array, base: number, span: number) {
    this.words = words
    this.base = base
    this.span = span
  }

  static of(v: Vector, count: number): KeyBits | null {
    if (!(v.data instanceof Int32Array) || count === 0) return null
    const data = v.data, valid = v.validity
    let min = Infinity, max = -Infinity
    for (let i = 0; i < count; i++) {
      if (valid !== null && valid[i] === 0) continue
      const x = data[i]!
      if (x < min) min = x
      if (x > max) max = x
    }
    if (min > max) return null
    const span = max - min + 1
    if (span > Math.max(1 << 20, 256 * count)) return null
    const words = new Int32Array((span + 31) >>> 5)
    for (let i = 0; i < count; i++) {
      if (valid !== null && valid[i] === 0) continue
      const x = data[i]! - min
      words[x >>> 5]! |= 1 << (x & 31)
    }
    return new KeyBits(words, min, span)
  }

  /** Writes the rows whose key may be present (not NULL, its bit set) to `out`; returns how many. */
  candidates(v: Vector, n: number, out: Int32Array): number {
    const data = v.data as Int32Array, valid = v.validity, words = this.words, base = this.base, span = this.span
    let m = 0
    for (let i = 0; i < n; i++) {
      const x = data[i]! - base
      if (x >= 0 && x < span && (words[x >>> 5]! & (1 << (x & 31))) !== 0 && (valid === null || valid[i] === 1)) out[m++] = i
    }
    return m
  }
}

/** The rows without a NULL `=` key, or null when every row qualifies. */
function rowsWithoutNullKey(keys: readonly Vector[], strict: readonly boolean[], n: number): { rows: Int32Array; count: number } | null {
  if (!keys.some((v, k) => strict[k] && v.validity !== null)) return null
  const rows = new Int32Array(n)
  let count = 0
  for (let i = 0; i < n; i++) if (!hasNullKey(keys, strict, i)) rows[count++] = i
  return count === n ? null : { rows, count }
}

function hasNullKey(keys: readonly Vector[], strict: readonly boolean[], row: number): boolean {
  for (let k = 0; k < keys.length; k++) if (strict[k] && !keys[k]!.isValid(row)) return true
  return false
}
