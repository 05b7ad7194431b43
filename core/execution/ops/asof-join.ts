/**
 * ASOF JOIN: each left row is paired with the closest right row under one inequality, among the
 * right rows with equal keys. The right side is read once, split into partitions by its key
 * values (a GroupTable) and sorted by the inequality's value inside each partition; every left
 * row then finds its match with one binary search: O((n + m) log m), never a nested loop.
 *
 * `l >= r` takes the greatest r not above l, `l > r` the greatest r below l, `l <= r` the least
 * r not below l, `l < r` the least r above l. NULL keys (under `=`) and NULL inequality values
 * never match. Other conjuncts: those over the right side alone filter the right rows first,
 * those over the left side alone decide whether a left row looks for a match at all, and the
 * rest make the match the closest right row that passes them.
 */
import { InternalError } from '../../errors.ts'
import { analyseAsofCondition, type AsofCondition } from '../../plan/asof.ts'
import type { BoundExpr } from '../../plan/expr.ts'
import type { JoinNode } from '../../plan/logical.ts'
import { INTEGER } from '../../types/types.ts'
import { DataChunk, gather, Vector } from '../../vector/vector.ts'
import { GroupTable } from '../group-table.ts'
import { sortedOrder, valueComparator, type ValueComparator } from '../keys.ts'
import {
  compileFilter, compileValue, drain, type Frame, gatherOrNull, layoutOf, type Materialized, Operator, typesOf,
} from '../operator.ts'
import { conjunction } from './basic.ts'

interface AsofIndex {
  readonly right: Materialized
  /** null when there are no equality keys (one partition) */
  readonly table: GroupTable | null
  /** partition p's rows are sorted positions start[p] .. start[p+1]-1 */
  readonly start: Int32Array
  /** right row of each sorted position */
  readonly rows: Int32Array
  /** inequality value of each sorted position (no NULLs) */
  readonly values: Vector
}

export class AsofJoinOperator extends Operator {
  readonly name = 'ASOF_JOIN'
  private readonly node: JoinNode
  private readonly leftOp: Operator
  private readonly rightOp: Operator
  private readonly cond: AsofCondition
  private readonly leftKeys: ((c: DataChunk) => Vector)[]
  private readonly leftValue: (c: DataChunk) => Vector
  private readonly residual: ((c: DataChunk) => { sel: Int32Array; count: number }) | null
  private readonly leftFilter: ((c: DataChunk) => { sel: Int32Array; count: number }) | null
  private readonly compare: ValueComparator
  private index: AsofIndex | null = null
  private groups = new Int32Array(0)

  constructor(node: JoinNode, left: Operator, right: Operator, frame: Frame) {
    super(frame)
    this.node = node
    this.leftOp = left
    this.rightOp = right
    this.children.push(left, right)
    const analysed = analyseAsofCondition(node.condition, new Set(node.left.output.map(c => c.id)), new Set(node.right.output.map(c => c.id)))
    if (typeof analysed === 'string') throw new InternalError(`ASOF join condition has ${analysed} inequality`)
    this.cond = analysed
    const leftLayout = layoutOf(node.left.output)
    this.leftKeys = analysed.keys.map(k => compileValue(k.left, leftLayout, frame))
    this.leftValue = compileValue(analysed.left, leftLayout, frame)
    this.residual = analysed.residual.length === 0 ? null
      : compileFilter(conjunction(analysed.residual), layoutOf([...node.left.output, ...node.right.output]), frame)
    this.leftFilter = analysed.leftOnly.length === 0 ? null : compileFilter(conjunction(analysed.leftOnly), leftLayout, frame)
    this.compare = valueComparator(analysed.left.type)
  }

  override detail(): string {
    return `[${this.cond.keys.length} key${this.cond.keys.length === 1 ? '' : 's'}, ${this.cond.op}${this.residual !== null ? ', residual' : ''}]`
  }

  private build(): AsofIndex {
    const all = drain(this.rightOp, typesOf(this.node.right.output))
    const layout = layoutOf(this.node.right.output)
    const eval1 = (e: BoundExpr, chunk: DataChunk): Vector => compileValue(e, layout, this.frame)(chunk)
    let right = all
    if (this.cond.rightOnly.length > 0 && all.count > 0) {
      const { sel, count } = compileFilter(conjunction(this.cond.rightOnly), layout, this.frame)(new DataChunk([...all.columns], all.count))
      right = { types: all.types, columns: all.columns.map(v => gather(v, sel, count)), count }
    }
    const chunk = new DataChunk([...right.columns], right.count)
    const keyVectors = this.cond.keys.map(k => eval1(k.right, chunk))
    const value = eval1(this.cond.right, chunk)
    // rows that can match: inequality value present, no NULL under a strict `=`
    const usable = new Int32Array(right.count)
    let n = 0
    for (let r = 0; r < right.count; r++) {
      if (!value.isValid(r)) continue
      let ok = true
      for (let k = 0; k < keyVectors.length; k++) {
        if (!this.cond.keys[k]!.nullsEqual && !keyVectors[k]!.isValid(r)) { ok = false; break }
      }
      if (ok) usable[n++] = r
    }
    const partition = new Int32Array(n)
    let table: GroupTable | null = null
    let partitions = n > 0 ? 1 : 0
    if (keyVectors.length > 0) {
      table = new GroupTable(this.cond.keys.map(k => k.right.type), true, n)
      table.findOrCreate(keyVectors.map(v => gather(v, usable, n)), n, partition)
      partitions = table.size
    }
    const usableValues = gather(value, usable, n)
    const order = sortedOrder([new Vector(INTEGER, n, partition, null), usableValues],
      [{ descending: false, nullsFirst: false }, { descending: false, nullsFirst: false }], n)
    const start = new Int32Array(partitions + 1)
    for (let k = 0; k < n; k++) start[partition[k]! + 1]!++
    for (let p = 0; p < partitions; p++) start[p + 1]! += start[p]!
    const rows = new Int32Array(n)
    for (let k = 0; k < n; k++) rows[k] = usable[order[k]!]!
    return { right, table, start, rows, values: gather(usableValues, order, n) }
  }

  /** Sorted position of the match for left value (lv, i) in [lo, hi), or -1. */
  private search(lv: Vector, i: number, values: Vector, lo: number, hi: number): number {
    const cmp = this.compare
    switch (this.cond.op) {
      case '>=': case '>': {
        // last position whose value is <= (or <) the left value
        const strict = this.cond.op === '>'
        let a = lo, b = hi
        while (a < b) {
          const mid = (a + b) >>> 1
          const c = cmp(values, mid, lv, i)
          if (c < 0 || (!strict && c === 0)) a = mid + 1
          else b = mid
        }
        if (a === lo) return -1
        // among equal values take the first right row, as the <= / < cases do
        const last = a - 1
        let f = lo, g = last
        while (f < g) {
          const mid = (f + g) >>> 1
          if (cmp(values, mid, values, last) < 0) f = mid + 1
          else g = mid
        }
        return f
      }
      case '<=': case '<': {
        // first position whose value is >= (or >) the left value
        const strict = this.cond.op === '<'
        let a = lo, b = hi
        while (a < b) {
          const mid = (a + b) >>> 1
          const c = cmp(values, mid, lv, i)
          if (c < 0 || (strict && c === 0)) a = mid + 1
          else b = mid
        }
        return a < hi ? a : -1
      }
    }
  }

  /**
   * The match is the closest right row that also passes the residual (DuckDB): candidates that
   * fail move one position further from the left value, in rounds, until they pass or run out.
   */
  private applyResidual(c: DataChunk, ls: Int32Array, ps: Int32Array, count: number, groups: Int32Array): { ls: Int32Array; rs: Int32Array; count: number } {
    const { right, start, rows } = this.index!
    const backward = this.cond.op === '>=' || this.cond.op === '>'
    const outL = new Int32Array(count), outR = new Int32Array(count)
    let found = 0
    let curL = ls, curP = ps, n = count
    const rs = new Int32Array(count)
    while (n > 0) {
      for (let k = 0; k < n; k++) rs[k] = rows[curP[k]!]!
      const { sel, count: kept } = this.residual!(pairChunk(c, right, curL, rs, n))
      const passed = new Uint8Array(n)
      for (let k = 0; k < kept; k++) passed[sel[k]!] = 1
      const nextL = new Int32Array(n - kept), nextP = new Int32Array(n - kept)
      let m = 0
      for (let k = 0; k < n; k++) {
        const i = curL[k]!
        if (passed[k] === 1) { outL[found] = i; outR[found] = rs[k]!; found++; continue }
        const g = groups[i]!
        const p = curP[k]! + (backward ? -1 : 1)
        if (p < start[g]! || p >= start[g + 1]!) continue
        nextL[m] = i; nextP[m] = p; m++
      }
      curL = nextL; curP = nextP; n = m
    }
    // back to left-row order
    const order = Array.from({ length: found }, (_, k) => k).sort((a, b) => outL[a]! - outL[b]!)
    const sortedL = new Int32Array(found), sortedR = new Int32Array(found)
    for (let k = 0; k < found; k++) { sortedL[k] = outL[order[k]!]!; sortedR[k] = outR[order[k]!]! }
    return { ls: sortedL, rs: sortedR, count: found }
  }

  protected pull(): DataChunk | null {
    if (this.index === null) this.index = this.build()
    const { right, table, start, rows, values } = this.index
    const outer = this.node.joinType === 'asof_left'
    for (let c = this.leftOp.next(); c !== null; c = this.leftOp.next()) {
      const n = c.size
      if (this.groups.length < n) this.groups = new Int32Array(n)
      const groups = this.groups
      if (table !== null) {
        const keys = this.leftKeys.map(f => f(c))
        table.find(keys, n, groups)
        for (let k = 0; k < keys.length; k++) {
          if (this.cond.keys[k]!.nullsEqual) continue
          const kv = keys[k]!
          if (kv.validity !== null) for (let i = 0; i < n; i++) if (kv.validity[i] === 0) groups[i] = -1
        }
      } else groups.fill(start.length > 1 ? 0 : -1, 0, n)
      if (this.leftFilter !== null) {
        const { sel, count: kept } = this.leftFilter(c)
        const pass = new Uint8Array(n)
        for (let k = 0; k < kept; k++) pass[sel[k]!] = 1
        for (let i = 0; i < n; i++) if (pass[i] === 0) groups[i] = -1
      }
      const lv = this.leftValue(c)
      let ls: Int32Array = new Int32Array(n), rs: Int32Array = new Int32Array(n)
      const ps = new Int32Array(n)
      let count = 0
      for (let i = 0; i < n; i++) {
        const g = groups[i]!
        if (g < 0 || !lv.isValid(i)) continue
        const pos = this.search(lv, i, values, start[g]!, start[g + 1]!)
        if (pos < 0) continue
        ls[count] = i; ps[count] = pos; rs[count] = rows[pos]!; count++
      }
      if (this.residual !== null && count > 0) ({ ls, rs, count } = this.applyResidual(c, ls, ps, count, groups))
      if (this.node.joinType === 'asof_semi' || this.node.joinType === 'asof_anti') {
        const hit = new Uint8Array(n)
        for (let k = 0; k < count; k++) hit[ls[k]!] = 1
        const want = this.node.joinType === 'asof_semi' ? 1 : 0
        const sel = new Int32Array(n)
        let kept = 0
        for (let i = 0; i < n; i++) if (hit[i] === want) sel[kept++] = i
        if (kept === 0) continue
        return kept === n ? c : new DataChunk(c.columns.map(v => gather(v, sel, kept)), kept)
      }
      if (!outer) {
        if (count > 0) return pairChunk(c, right, ls, rs, count)
        continue
      }
      const match = new Int32Array(n).fill(-1)
      for (let k = 0; k < count; k++) match[ls[k]!] = rs[k]!
      return new DataChunk([...c.columns, ...right.columns.map(v => gatherOrNull(v, match, n))], n)
    }
    return null
  }
}

function pairChunk(left: DataChunk, right: Materialized, ls: Int32Array, rs: Int32Array, count: number): DataChunk {
  return new DataChunk([
    ...left.columns.map(v => gather(v, ls, count)),
    ...right.columns.map(v => gatherOrNull(v, rs, count)),
  ], count)
}
