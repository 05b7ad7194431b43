/**
 * Window functions. The input is materialised; each window call sorts the rows by
 * (PARTITION BY, ORDER BY), finds partitions and peer groups, computes every row's frame
 * (ROWS / RANGE / GROUPS with offsets) and then either hands whole partitions to the window
 * function (BoundWindow.evaluate) or computes an aggregate per frame:
 * - rows with the same frame as the row before share one result (whole-partition and peer
 *   frames cost one aggregation per distinct frame);
 * - otherwise a segment tree of AggregateStates combined with `combine` (O(log n) per row);
 * - order-sensitive and DISTINCT aggregates fold each frame's rows in order instead.
 * EXCLUDE is honoured for aggregates (the frame becomes up to two ranges).
 */
import { GrizzlyError, SqlState, notSupported } from '../../errors.ts'
import type { AggregateState, WindowPartition } from '../../hooks/contracts.ts'
import type { BoundExpr, BoundFrameBound, BoundWindowCall } from '../../plan/expr.ts'
import { referencedColumns } from '../../plan/expr.ts'
import type { WindowNode } from '../../plan/logical.ts'
import { INTEGER, type Interval, type Value } from '../../types/types.ts'
import { CHUNK_SIZE, DataChunk, gather, getValue, slice, Vector, concatVectors } from '../../vector/vector.ts'
import { evaluateConstant } from '../../expression/index.ts'
import { addIntervalToTimestamp, negateInterval } from '../../types/datetime.ts'
import { GroupTable } from '../group-table.ts'
import { rankingKind } from '../../optimizer/rules/window_topn.ts'
import { topKRows } from '../window-topk.ts'
import { rowEquals, sortedOrder, type SortSpec } from '../keys.ts'
import { chunksOf, compileValue, drain, type Frame, layoutOf, Operator, typesOf } from '../operator.ts'

export class WindowOperator extends Operator {
  readonly name = 'WINDOW'
  private readonly node: WindowNode
  private readonly input: Operator
  private output: Generator<DataChunk> | null = null
  private readonly layouts = new Map<string, SortedLayout>()

  constructor(input: Operator, node: WindowNode, frame: Frame) {
    super(frame)
    this.node = node
    this.input = input
    this.children.push(input)
  }


  protected pull(): DataChunk | null {
    if (this.output === null) {
      let m = drain(this.input, typesOf(this.node.input.output))
      const first = this.node.windows[0]
      const kind = first === undefined || this.node.windows.length !== 1 ? null : rankingKind(first)
      if (this.node.topK !== undefined && first !== undefined && kind !== null) {
        const all = new DataChunk([...m.columns], m.count)
        const ev = (e: BoundExpr): Vector => compileValue(e, layoutOf(this.node.input.output), this.frame)(all)
        const keep = topKRows(kind, this.node.topK, first.partitionBy.map(ev), first.orderBy.map(k => ev(k.expr)), first.orderBy, m.count)
        m = { ...m, columns: m.columns.map(v => gather(v, keep, keep.length)), count: keep.length }
      }
      const chunk = new DataChunk([...m.columns], m.count)
      const results = this.node.windows.map(w => this.compute(w, chunk))
      let columns = [...m.columns, ...results]
      // like DuckDB, rows come out in the order of the last window's partitioning and sort
      const last = this.node.windows[this.node.windows.length - 1]
      if (last !== undefined && (last.partitionBy.length > 0 || last.orderBy.length > 0)) {
        const order = this.sortedLayout(last, chunk, e => compileValue(e, layoutOf(this.node.input.output), this.frame)(chunk)).order
        columns = columns.map(v => gather(v, order, m.count))
      }
      this.output = chunksOf({ types: typesOf(this.node.output), columns, count: m.count }, CHUNK_SIZE)
    }
    const r = this.output.next()
    return r.done === true ? null : r.value
  }

  private compute(call: BoundWindowCall, chunk: DataChunk): Vector {
    const n = chunk.size
    const layout = layoutOf(this.node.input.output)
    const ev = (e: BoundExpr): Vector => compileValue(e, layout, this.frame)(chunk)
    const { order, sortedOrderKeys, partStarts, peerStart: allPeerStart, peerEnd: allPeerEnd } = this.sortedLayout(call, chunk, ev)
    const argExprs = call.fn.kind === 'aggregate' && call.fn.aggregate.args.length > 0 ? call.fn.aggregate.args : call.args
    const sortedArgs = argExprs.map(e => gather(ev(e), order, n))
    const filter = call.fn.kind === 'aggregate' && call.fn.aggregate.filter !== null ? gather(ev(call.fn.aggregate.filter), order, n) : null
    const callOrder = call.fn.kind === 'aggregate' ? call.fn.aggregate.orderBy.map(k => gather(ev(k.expr), order, n)) : []
    const allOffsets = {
      start: this.offset(call.frame.start, 'starting', chunk, order),
      end: this.offset(call.frame.end, 'ending', chunk, order),
    }

    const parts: Vector[] = []
    for (let p = 0; p + 1 < partStarts.length; p++) {
      const ps = partStarts[p]!, pe = partStarts[p + 1]!
      const count = pe - ps
      const peerStart = allPeerStart.subarray(ps, pe), peerEnd = allPeerEnd.subarray(ps, pe)
      const offsets: Offsets = {
        start: allOffsets.start instanceof Float64Array ? allOffsets.start.subarray(ps, pe) : allOffsets.start,
        end: allOffsets.end instanceof Float64Array ? allOffsets.end.subarray(ps, pe) : allOffsets.end,
      }
      const { frameStart, frameEnd } = frameBounds(call, count, peerStart, peerEnd, offsets,
        call.frame.units === 'range' ? sortedOrderKeys[0] === undefined ? null : slice(sortedOrderKeys[0], ps, pe) : null)
      const args = sortedArgs.map(v => slice(v, ps, pe))
      if (call.fn.kind === 'window') {
        const exclude = call.frame.exclude
        const partition: WindowPartition = {
          count, args, peerStart, peerEnd, frameStart, frameEnd, ignoreNulls: call.ignoreNulls,
          ...(exclude === 'no_others' ? {} : exclude === 'current_row'
            ? { excludeStart: Int32Array.from({ length: count }, (_, i) => i), excludeEnd: Int32Array.from({ length: count }, (_, i) => i + 1) }
            : { excludeStart: peerStart, excludeEnd: peerEnd, excludeKeepsCurrent: exclude === 'ties' }),
        }
        parts.push(call.fn.window.evaluate(partition, this.runtime.ctx.fnCtx))
      } else {
        const f = filter === null ? null : slice(filter, ps, pe)
        const keys = callOrder.map(v => slice(v, ps, pe))
        parts.push(this.frameAggregate(call, args, f, keys, count, frameStart, frameEnd, peerStart, peerEnd))
      }
    }
    if (n === 0) return concatVectors(call.type, [])
    const sorted = concatVectors(call.type, parts)
    const inverse = new Int32Array(n)
    for (let k = 0; k < n; k++) inverse[order[k]!] = k
    return gather(sorted, inverse, n)
  }

  /**
   * Rows sorted by (PARTITION BY, ORDER BY), partition boundaries and peer groups; shared by
   * the calls of this node that have the same window specification.
   */
  private sortedLayout(call: BoundWindowCall, chunk: DataChunk, ev: (e: BoundExpr) => Vector): SortedLayout {
    let signature: string | null = null
    try {
      signature = JSON.stringify([call.partitionBy, call.orderBy], (_k, x: unknown) => typeof x === 'bigint' ? `${x}n` : x)
    } catch {
      // plans inside subqueries may not serialise; such windows are simply not shared
    }
    const cached = signature === null ? undefined : this.layouts.get(signature)
    if (cached !== undefined) return cached
    const n = chunk.size
    const partKeys = call.partitionBy.map(ev)
    const orderKeys = call.orderBy.map(k => ev(k.expr))
    const specs: SortSpec[] = [...partKeys.map(() => ({ descending: false, nullsFirst: false })), ...call.orderBy]
    const order = sortedOrder([...partKeys, ...orderKeys], specs, n)
    const sortedPart = partKeys.map(v => gather(v, order, n))
    const sortedOrderKeys = orderKeys.map(v => gather(v, order, n))
    const samePartition = rowEquals(sortedPart.map(v => v.type), true)
    const samePeer = rowEquals(sortedOrderKeys.map(v => v.type), true)
    const partStarts: number[] = []
    const peerStart = new Int32Array(n), peerEnd = new Int32Array(n)
    for (let ps = 0; ps < n;) {
      partStarts.push(ps)
      let pe = ps + 1
      if (sortedPart.length > 0) while (pe < n && samePartition(sortedPart, ps, sortedPart, pe)) pe++
      else pe = n
      for (let i = ps; i < pe;) {
        let j = i + 1
        if (sortedOrderKeys.length > 0) while (j < pe && samePeer(sortedOrderKeys, i, sortedOrderKeys, j)) j++
        else j = pe
        for (let k = i; k < j; k++) { peerStart[k] = i - ps; peerEnd[k] = j - ps }
        i = j
      }
      ps = pe
    }
    partStarts.push(n)
    const layout: SortedLayout = { order, sortedOrderKeys, partStarts, peerStart, peerEnd }
    if (signature !== null) this.layouts.set(signature, layout)
    return layout
  }

  /** A frame offset: constant, or per row (in sorted order) when it reads columns. */
  private offset(bound: BoundFrameBound, which: string, chunk: DataChunk, order: Int32Array): OffsetValue {
    if (bound.kind !== 'preceding' && bound.kind !== 'following') return null
    const scale = bound.offset.type.id === 'DECIMAL' ? 10 ** bound.offset.type.scale : 1
    const check = (v: Value): number | Interval => {
      if (v === null) throw new GrizzlyError(SqlState.nullValueNotAllowed, `frame ${which} offset must not be null`)
      if (typeof v === 'object' && 'months' in v) return v as Interval
      // DECIMAL offsets arrive as scaled integers
      const x = Number(v) / scale
      if (!(x >= 0)) throw new GrizzlyError(SqlState.invalidParameterValue, `frame ${which} offset must not be negative`)
      return x
    }
    if (referencedColumns(bound.offset).size === 0) return check(evaluateConstant(bound.offset, this.frame.env))
    const v = compileValue(bound.offset, layoutOf(this.node.input.output), this.frame)(chunk)
    const out = new Float64Array(chunk.size)
    for (let k = 0; k < chunk.size; k++) {
      const x = check(getValue(v, order[k]!))
      if (typeof x !== 'number') throw notSupported('interval frame offsets that vary per row')
      out[k] = x
    }
    return out
  }

  private frameAggregate(call: BoundWindowCall, args: Vector[], filter: Vector | null, orderKeys: Vector[], count: number,
    frameStart: Int32Array, frameEnd: Int32Array, peerStart: Int32Array, peerEnd: Int32Array): Vector {
    const a = (call.fn as { aggregate: NonNullable<Extract<BoundWindowCall['fn'], { kind: 'aggregate' }>['aggregate']> }).aggregate
    // rows that take part at all: FILTER true, and no NULL argument for NULL-skipping aggregates
    const use = new Uint8Array(count).fill(1)
    if (filter !== null) for (let j = 0; j < count; j++) if (!filter.isValid(j) || (filter.data as Uint8Array)[j] !== 1) use[j] = 0
    if (a.fn.nulls === 'skip' || call.ignoreNulls) for (const v of args) if (v.validity !== null) for (let j = 0; j < count; j++) if (!v.isValid(j)) use[j] = 0
    // each row's frame as up to two ranges (EXCLUDE cuts a hole); rows with equal ranges share a group
    const r0s = new Int32Array(count), r0e = new Int32Array(count), r1s = new Int32Array(count), r1e = new Int32Array(count)
    const groupOf = new Int32Array(count)
    const firstOfGroup: number[] = []
    for (let i = 0; i < count; i++) {
      let s = frameStart[i]!, e = frameEnd[i]!
      let hs = 0, he = 0
      switch (call.frame.exclude) {
        case 'no_others': break
        case 'current_row': hs = i; he = i + 1; break
        case 'group': hs = peerStart[i]!; he = peerEnd[i]!; break
        case 'ties': hs = peerStart[i]!; he = peerEnd[i]!; break
      }
      if (e < s) e = s
      let a0 = s, a1 = e, b0 = 0, b1 = 0
      if (he > hs) { a0 = s; a1 = Math.min(e, hs); b0 = Math.max(s, he); b1 = e; if (a1 < a0) a1 = a0; if (b1 < b0) b1 = b0 }
      r0s[i] = a0; r0e[i] = a1; r1s[i] = b0; r1e[i] = b1
      const tiesCurrent = call.frame.exclude === 'ties' && i >= s && i < e
      const prev = i - 1
      const same = i > 0 && !tiesCurrent && call.frame.exclude !== 'ties' &&
        r0s[prev] === a0 && r0e[prev] === a1 && r1s[prev] === b0 && r1e[prev] === b1
      if (same) groupOf[i] = groupOf[prev]!
      else { groupOf[i] = firstOfGroup.length; firstOfGroup.push(i) }
    }
    const groups = firstOfGroup.length
    const rowsOf = (g: number): number[] => {
      const i = firstOfGroup[g]!
      const out: number[] = []
      for (let j = r0s[i]!; j < r0e[i]!; j++) out.push(j)
      // EXCLUDE TIES keeps the current row itself
      if (call.frame.exclude === 'ties' && i >= frameStart[i]! && i < frameEnd[i]!) out.push(i)
      for (let j = r1s[i]!; j < r1e[i]!; j++) out.push(j)
      if (call.frame.exclude === 'ties') out.sort((x, y) => x - y)
      return out
    }
    const fnCtx = this.runtime.ctx.fnCtx
    const result = a.fn.createState(fnCtx)
    result.resize(groups)
    const direct = a.fn.orderSensitive || a.distinct || a.orderBy.length > 0 || call.frame.exclude === 'ties'
    if (direct) {
      const rows: number[] = [], gids: number[] = []
      for (let g = 0; g < groups; g++) for (const j of rowsOf(g)) if (use[j] === 1) { rows.push(j); gids.push(g) }
      let sel = Int32Array.from(rows), ids = Int32Array.from(gids)
      let argv = args.map(v => gather(v, sel, sel.length))
      if (a.distinct && sel.length > 0) {
        const seen = new GroupTable([INTEGER, ...argv.map(v => v.type)])
        const got = new Int32Array(sel.length)
        let expect = seen.findOrCreate([new Vector(INTEGER, ids.length, ids, null), ...argv], sel.length, got)
        const keep: number[] = []
        for (let k = 0; k < sel.length; k++) if (got[k] === expect) { keep.push(k); expect++ }
        const ks = Int32Array.from(keep)
        argv = argv.map(v => gather(v, ks, ks.length))
        ids = Int32Array.from(keep, k => ids[k]!)
        const prior = sel
        sel = Int32Array.from(ks, k => prior[k]!)
      }
      if (orderKeys.length > 0 && ids.length > 1) {
        // ORDER BY inside the call: each frame's rows in that order (stable, so ties keep window order)
        const keys = [new Vector(INTEGER, ids.length, ids, null), ...orderKeys.map(v => gather(v, sel, sel.length))]
        const o = sortedOrder(keys, [{ descending: false, nullsFirst: false }, ...a.orderBy], ids.length)
        argv = argv.map(v => gather(v, o, o.length))
        ids = Int32Array.from(o, k => ids[k]!)
      }
      if (ids.length > 0) result.update(argv, ids, ids.length)
    } else {
      this.segmentTree(a.fn.createState.bind(a.fn), fnCtx, args, use, count, result, groups, firstOfGroup, [r0s, r0e], [r1s, r1e])
    }
    const values = result.finalize(groups)
    return gather(values, groupOf, count)
  }

  private segmentTree(create: (ctx: typeof this.runtime.ctx.fnCtx) => AggregateState, fnCtx: typeof this.runtime.ctx.fnCtx,
    args: Vector[], use: Uint8Array, count: number, result: AggregateState, groups: number, firstOfGroup: number[],
    ...ranges: [Int32Array, Int32Array][]): void {
    // level 0: one group per row
    const levels: AggregateState[] = []
    const leaf = create(fnCtx)
    leaf.resize(Math.max(1, count))
    const usedRows: number[] = []
    for (let j = 0; j < count; j++) if (use[j] === 1) usedRows.push(j)
    if (usedRows.length > 0) {
      const sel = Int32Array.from(usedRows)
      leaf.update(args.map(v => gather(v, sel, sel.length)), sel, sel.length)
    }
    levels.push(leaf)
    let width = count
    while (width > 1) {
      const next = Math.ceil(width / 2)
      const st = create(fnCtx)
      st.resize(next)
      const src = new Int32Array(width), dst = new Int32Array(width)
      for (let k = 0; k < width; k++) { src[k] = k; dst[k] = k >> 1 }
      st.combine(levels[levels.length - 1]!, src, dst, width)
      levels.push(st)
      width = next
    }
    // decompose every group's ranges into tree nodes, then combine level by level
    const srcs: number[][] = levels.map(() => []), dsts: number[][] = levels.map(() => [])
    for (let g = 0; g < groups; g++) {
      const i = firstOfGroup[g]!
      for (const [rs, re] of ranges) {
        let lo = rs[i]!, hi = re[i]!
        let level = 0
        while (lo < hi) {
          if (lo & 1) { srcs[level]!.push(lo); dsts[level]!.push(g); lo++ }
          if (hi & 1) { hi--; srcs[level]!.push(hi); dsts[level]!.push(g) }
          lo >>= 1; hi >>= 1; level++
        }
      }
    }
    levels.forEach((st, level) => {
      const s = srcs[level]!, d = dsts[level]!
      if (s.length > 0) result.combine(st, Int32Array.from(s), Int32Array.from(d), s.length)
    })
  }
}

interface SortedLayout {
  readonly order: Int32Array
  readonly sortedOrderKeys: readonly Vector[]
  /** partition boundaries in sorted order, ending with the row count */
  readonly partStarts: readonly number[]
  /** per sorted row, relative to its partition's start */
  readonly peerStart: Int32Array
  readonly peerEnd: Int32Array
}

type OffsetValue = number | Interval | Float64Array | null
type Offsets = { readonly start: OffsetValue; readonly end: OffsetValue }

function isInterval(o: OffsetValue): o is Interval {
  return o !== null && typeof o === 'object' && !(o instanceof Float64Array)
}

function offsetAt(o: OffsetValue, i: number): number | Interval | null {
  return o instanceof Float64Array ? o[i]! : o
}

/** Frame [start, end) of every row of a partition (before EXCLUDE). */
function frameBounds(call: BoundWindowCall, count: number, peerStart: Int32Array, peerEnd: Int32Array,
  offsets: Offsets, rangeKey: Vector | null): { frameStart: Int32Array; frameEnd: Int32Array } {
  const frameStart = new Int32Array(count), frameEnd = new Int32Array(count)
  const f = call.frame
  const hasOrder = call.orderBy.length > 0
  if (f.units === 'range' && (offsets.start !== null || offsets.end !== null)) {
    if (call.orderBy.length !== 1 || rangeKey === null) {
      throw new GrizzlyError(SqlState.windowingError, 'RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column')
    }
    rangeFrames(call, count, peerStart, peerEnd, offsets, rangeKey, frameStart, frameEnd)
    return { frameStart, frameEnd }
  }
  // peer group index of each row, for GROUPS
  const groupIndex = new Int32Array(count)
  const groupStarts: number[] = []
  for (let i = 0; i < count; i++) {
    if (peerStart[i] === i) groupStarts.push(i)
    groupIndex[i] = groupStarts.length - 1
  }
  const groupsTotal = groupStarts.length
  const groupStart = (g: number): number => g < 0 ? 0 : g >= groupsTotal ? count : groupStarts[g]!
  const groupEnd = (g: number): number => g < 0 ? 0 : g >= groupsTotal ? count : peerEnd[groupStarts[g]!]!
  const bound = (i: number, b: BoundFrameBound, off: number, isStart: boolean): number => {
    switch (b.kind) {
      case 'unbounded_preceding': return 0
      case 'unbounded_following': return count
      case 'current_row':
        if (f.units === 'rows') return isStart ? i : i + 1
        // RANGE/GROUPS: the current row's peers (all rows are peers without ORDER BY)
        if (!hasOrder) return isStart ? 0 : count
        return isStart ? peerStart[i]! : peerEnd[i]!
      case 'preceding': case 'following': {
        const d = b.kind === 'preceding' ? -off : off
        if (f.units === 'rows') return isStart ? i + d : i + d + 1
        const g = groupIndex[i]! + d
        return isStart ? groupStart(g) : groupEnd(g)
      }
    }
  }
  for (let i = 0; i < count; i++) {
    let s = bound(i, f.start, offsetAt(offsets.start, i) as number, true)
    let e = bound(i, f.end, offsetAt(offsets.end, i) as number, false)
    s = Math.max(0, Math.min(count, s))
    e = Math.max(0, Math.min(count, e))
    frameStart[i] = s
    frameEnd[i] = Math.max(s, e)
  }
  return { frameStart, frameEnd }
}

function rangeFrames(call: BoundWindowCall, count: number, peerStart: Int32Array, peerEnd: Int32Array, offsets: Offsets,
  key: Vector, frameStart: Int32Array, frameEnd: Int32Array): void {
  const desc = call.orderBy[0]!.descending
  const sign = desc ? -1 : 1
  const scale = key.type.id === 'DECIMAL' ? 10 ** key.type.scale : 1
  // DATE keys move to microseconds when an offset is an interval, so calendar months apply
  const intervalOffsets = isInterval(offsets.start) || isInterval(offsets.end)
  const dateAsMicros = intervalOffsets && key.type.id === 'DATE' ? 86_400_000_000 : 1
  if (intervalOffsets && key.type.id !== 'DATE' && key.type.id !== 'TIMESTAMP') {
    throw new GrizzlyError(SqlState.windowingError, 'an INTERVAL frame offset requires a DATE or TIMESTAMP ORDER BY column')
  }
  /** the key value `dir` (−1 preceding, +1 following) offsets away from row i, in sorted (sign-applied) units */
  const target = (i: number, off: number | Interval | null, dir: number): number => {
    if (off === null) return t[i]!
    if (typeof off === 'number') return t[i]! + dir * off * scale
    const raw = sign * t[i]!
    const moved = addIntervalToTimestamp(raw, dir * sign < 0 ? negateInterval(off) : off)
    return sign * moved
  }
  const t = new Float64Array(count)
  let nonNullStart = 0, nonNullEnd = count
  const phys = key.physical
  for (let j = 0; j < count; j++) {
    if (!key.isValid(j)) continue
    const raw = phys === 'i64' ? Number((key.data as BigInt64Array)[j]!) : phys === 'big' ? Number((key.data as bigint[])[j]!) : (key.data as Float64Array)[j]!
    t[j] = sign * raw * dateAsMicros
  }
  // NULLs sort together at one end; they are each other's peers and outside every non-NULL range
  while (nonNullStart < count && !key.isValid(nonNullStart)) nonNullStart++
  while (nonNullEnd > nonNullStart && !key.isValid(nonNullEnd - 1)) nonNullEnd--
  const lowerBound = (v: number): number => { // first j with t[j] >= v
    let lo = nonNullStart, hi = nonNullEnd
    while (lo < hi) { const mid = (lo + hi) >> 1; if (t[mid]! < v) lo = mid + 1; else hi = mid }
    return lo
  }
  const upperBound = (v: number): number => { // first j with t[j] > v
    let lo = nonNullStart, hi = nonNullEnd
    while (lo < hi) { const mid = (lo + hi) >> 1; if (t[mid]! <= v) lo = mid + 1; else hi = mid }
    return lo
  }
  const f = call.frame
  for (let i = 0; i < count; i++) {
    if (!key.isValid(i)) {
      frameStart[i] = f.start.kind === 'unbounded_preceding' ? 0 : peerStart[i]!
      frameEnd[i] = f.end.kind === 'unbounded_following' ? count : peerEnd[i]!
      continue
    }
    const so = offsetAt(offsets.start, i), eo = offsetAt(offsets.end, i)
    let s: number, e: number
    switch (f.start.kind) {
      case 'unbounded_preceding': s = 0; break
      case 'current_row': s = peerStart[i]!; break
      case 'preceding': s = lowerBound(target(i, so, -1)); break
      case 'following': s = lowerBound(target(i, so, 1)); break
      case 'unbounded_following': s = count; break
    }
    switch (f.end.kind) {
      case 'unbounded_following': e = count; break
      case 'current_row': e = peerEnd[i]!; break
      case 'following': e = upperBound(target(i, eo, 1)); break
      case 'preceding': e = upperBound(target(i, eo, -1)); break
      case 'unbounded_preceding': e = 0; break
    }
    frameStart[i] = s
    frameEnd[i] = Math.max(s, e)
  }
}
