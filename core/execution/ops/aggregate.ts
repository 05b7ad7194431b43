/**
 * Hash aggregation. Each grouping set has its own GroupTable (dense group ids) and one
 * AggregateState per call; a chunk's group keys and arguments are evaluated once and fed to
 * every set. FILTER and NULL-skipping narrow the rows per call; DISTINCT calls keep a table
 * of (group, arguments) seen; calls with ORDER BY buffer their rows and feed them sorted at
 * the end. Without GROUP BY there is one group even when the input is empty.
 */
import type { AggregateState } from '../../hooks/contracts.ts'
import type { AggregateNode } from '../../plan/logical.ts'
import type { BoundAggregateCall } from '../../plan/expr.ts'
import { BIGINT, INTEGER } from '../../types/types.ts'
import {
  CHUNK_SIZE, DataChunk, gather, nullVector, Vector,
} from '../../vector/vector.ts'
import { GroupTable } from '../group-table.ts'
import { vectorHasNull } from '../../catalog/scan-helpers.ts'
import { compileExactDecimal, type ExactDecimalNodes } from '../exact-decimal.ts'
import { takesScaledDoubles } from '../../functions/aggregates/basic.ts'
import { sortedOrder } from '../keys.ts'
import {
  chunksOf, compileFilter, compileValue, type Frame, layoutOf, type Materialized, materializeChunks,
  Operator, typesOf,
} from '../operator.ts'
import { hybridAggregate, spillDetail, type SpillableAggregate, type SpillStats } from './aggregate-spill.ts'

type VectorFn = (c: DataChunk) => Vector
type Pred = (c: DataChunk) => { sel: Int32Array; count: number }

interface CallPlan {
  readonly call: BoundAggregateCall
  readonly args: VectorFn[]
  readonly filter: Pred | null
  readonly orderKeys: VectorFn[]
}

interface SetState {
  readonly keyIndexes: readonly number[]
  readonly table: GroupTable | null
  readonly states: AggregateState[]
  readonly distinct: (GroupTable | null)[]
  /** per call with ORDER BY: buffered [groupId, ...args, ...orderKeys] chunks */
  readonly ordered: (DataChunk[] | null)[]
  groupCount: number
}

export class AggregateOperator extends Operator {
  readonly name: string
  private readonly node: AggregateNode
  private readonly input: Operator
  private readonly groupFns: VectorFn[]
  private readonly calls: CallPlan[]
  private sets: SetState[]
  /** per call: its argument as exact doubles (wide DECIMAL arithmetic into sum / avg), or null */
  private readonly exactArgs: (((c: DataChunk) => Vector | null) | null)[]
  private output: Generator<DataChunk> | null = null
  private readonly spill: SpillStats = { bytes: 0, partitions: 0 }
  private groupIds = new Int32Array(0)

  constructor(input: Operator, node: AggregateNode, frame: Frame) {
    super(frame)
    this.node = node
    this.input = input
    this.children.push(input)
    this.name = node.groups.length === 0 && node.groupingSets === null ? 'UNGROUPED_AGGREGATE' : 'HASH_GROUP_BY'
    const layout = layoutOf(node.input.output)
    this.groupFns = node.groups.map(g => compileValue(g, layout, frame))
    this.calls = node.aggregates.map(call => ({
      call,
      args: call.args.map(a => compileValue(a, layout, frame)),
      filter: call.filter === null ? null : compileFilter(call.filter, layout, frame),
      orderKeys: call.orderBy.map(k => compileValue(k.expr, layout, frame)),
    }))
    this.sets = this.newSets()
    const shared: ExactDecimalNodes = new Map()
    this.exactArgs = node.aggregates.map((a, k) =>
      a.args.length === 1 && !a.distinct && a.filter === null && a.orderBy.length === 0
        && this.sets.every(s => takesScaledDoubles(s.states[k]!))
        ? compileExactDecimal(a.args[0]!, layout, frame, shared) : null)
  }

  override detail(): string {
    return spillDetail(this.spill)
  }

  private newSets(): SetState[] {
    const node = this.node
    const sets = node.groupingSets ?? [node.groups.map((_, i) => i)]
    const fnCtx = this.runtime.ctx.fnCtx
    return sets.map(keyIndexes => {
      const states = node.aggregates.map(a => a.fn.createState(fnCtx))
      const s: SetState = {
        keyIndexes,
        table: keyIndexes.length === 0 ? null : new GroupTable(keyIndexes.map(i => node.groups[i]!.type)),
        states,
        distinct: node.aggregates.map(a => a.distinct ? new GroupTable([INTEGER, ...a.args.map(x => x.type)]) : null),
        ordered: node.aggregates.map(a => a.orderBy.length > 0 ? [] : null),
        groupCount: keyIndexes.length === 0 ? 1 : 0,
      }
      if (keyIndexes.length === 0) for (const st of states) st.resize(1)
      return s
    })
  }


  protected pull(): DataChunk | null {
    if (this.output === null) {
      // one grouping set with keys: groups past memory_limit spill (aggregate-spill.ts)
      if (this.node.groupingSets === null && this.node.groups.length > 0) {
        this.output = hybridAggregate(this.spillable(), () => this.input.next(), this.spill)
      } else {
        for (let c = this.input.next(); c !== null; c = this.input.next()) this.consume(c)
        this.output = chunksOf(this.finish(), CHUNK_SIZE)
      }
    }
    const r = this.output.next()
    return r.done === true ? null : r.value
  }

  private spillable(): SpillableAggregate {
    const self = this
    return {
      memory: this.runtime.memory,
      inputTypes: typesOf(this.node.input.output),
      aggregateCount: this.calls.length,
      consume: (c, known) => { self.consume(c, known); return null },
      finish: () => self.finish(),
      groupCount: () => self.sets[0]!.groupCount,
      lookup(c) {
        const keys = self.groupFns.map(f => f(c))
        const ids = new Int32Array(c.size)
        self.sets[0]!.table!.find(keys, c.size, ids)
        return { keys, ids }
      },
      reset() { self.sets = self.newSets() },
    }
  }

  /** `known`: each row's group when the spilling path has already looked them up (one grouping set) */
  private consume(c: DataChunk, known?: Int32Array): void {
    const n = c.size
    const keys = known === undefined ? this.groupFns.map(f => f(c)) : []
    // rows each call takes: FILTER true and, for NULL-skipping aggregates, no NULL argument
    const callRows = this.calls.map((cp, k) => {
      const exact = this.exactArgs[k]
      const fast = exact === null || exact === undefined ? null : exact(c)
      const args = fast !== null ? [fast] : cp.args.map(f => f(c))
      let sel: Int32Array | null = null
      let count = n
      if (cp.filter !== null) { const r = cp.filter(c); sel = r.sel; count = r.count }
      // a mask with no NULL in it (Parquet, Arrow, loaders) needs no selection of rows
      if (cp.call.fn.nulls === 'skip' && args.some(a => vectorHasNull(a, n))) {
        const out = new Int32Array(count)
        let m = 0
        for (let k = 0; k < count; k++) {
          const i = sel === null ? k : sel[k]!
          let ok = true
          for (const a of args) if (!a.isValid(i)) { ok = false; break }
          if (ok) out[m++] = i
        }
        sel = out
        count = m
      }
      const orderKeys = cp.orderKeys.map(f => f(c))
      return { args, sel, count, orderKeys }
    })
    if (this.groupIds.length < n) this.groupIds = new Int32Array(n)
    for (const set of this.sets) {
      const ids = this.groupIds
      if (set.table === null) ids.fill(0, 0, n)
      else if (known !== undefined) ids.set(known.subarray(0, n))
      else {
        set.table.findOrCreate(set.keyIndexes.map(i => keys[i]!), n, ids)
        if (set.table.size > set.groupCount) {
          set.groupCount = set.table.size
          for (const st of set.states) st.resize(set.groupCount)
        }
      }
      this.calls.forEach((cp, k) => {
        const rows = callRows[k]!
        if (rows.count === 0) return
        let gids: Int32Array
        let args: Vector[]
        let count = rows.count
        let orderKeys = rows.orderKeys
        if (rows.sel === null) { gids = ids.subarray(0, n); args = rows.args }
        else {
          const sel = rows.sel
          gids = new Int32Array(count)
          for (let j = 0; j < count; j++) gids[j] = ids[sel[j]!]!
          args = rows.args.map(a => gather(a, sel, count))
          orderKeys = orderKeys.map(a => gather(a, sel, count))
        }
        const distinct = set.distinct[k]
        if (distinct !== null && distinct !== undefined) {
          const gidVector = new Vector(INTEGER, count, gids.slice(0, count), null)
          const seen = new Int32Array(count)
          let expect = distinct.findOrCreate([gidVector, ...args], count, seen)
          const keep = new Int32Array(count)
          let m = 0
          for (let j = 0; j < count; j++) if (seen[j] === expect) { keep[m++] = j; expect++ }
          if (m === 0) return
          if (m < count) {
            const g2 = new Int32Array(m)
            for (let j = 0; j < m; j++) g2[j] = gids[keep[j]!]!
            gids = g2
            args = args.map(a => gather(a, keep, m))
            orderKeys = orderKeys.map(a => gather(a, keep, m))
            count = m
          }
        }
        const ordered = set.ordered[k]
        if (ordered !== null && ordered !== undefined) {
          ordered.push(new DataChunk([new Vector(INTEGER, count, gids.slice(0, count), null), ...args, ...orderKeys], count))
          return
        }
        const state = set.states[k]!
        if (set.table === null && state.updateSingle !== undefined) state.updateSingle(args, count)
        else state.update(args, gids, count)
      })
    }
  }

  private finish(): Materialized {
    const node = this.node
    const parts: DataChunk[] = []
    for (const set of this.sets) {
      this.calls.forEach((cp, k) => {
        const ordered = set.ordered[k]
        if (ordered === null || ordered === undefined || ordered.length === 0) return
        const nArgs = cp.args.length
        const types = [INTEGER, ...cp.call.args.map(a => a.type), ...cp.call.orderBy.map(o => o.expr.type)]
        const m = materializeChunks(ordered, types)
        const order = sortedOrder(m.columns.slice(1 + nArgs), cp.call.orderBy, m.count)
        const gids = gather(m.columns[0]!, order, m.count).data as Int32Array
        const args = m.columns.slice(1, 1 + nArgs).map(a => gather(a, order, m.count))
        set.states[k]!.update(args, gids, m.count)
      })
      const g = set.groupCount
      const keyVectors = set.table === null ? [] : set.table.keyVectors()
      const columns: Vector[] = []
      node.groups.forEach((expr, i) => {
        const at = set.keyIndexes.indexOf(i)
        columns.push(at < 0 ? nullVector(expr.type, g) : keyVectors[at]!)
      })
      for (const st of set.states) columns.push(st.finalize(g))
      if (node.groupingIdColumn !== null) {
        const n = node.groups.length
        let bits = 0n
        for (let i = 0; i < n; i++) if (!set.keyIndexes.includes(i)) bits |= 1n << BigInt(n - 1 - i)
        columns.push(new Vector(BIGINT, g, new BigInt64Array(g).fill(bits), null))
      }
      if (g > 0) parts.push(new DataChunk(columns, g))
    }
    return materializeChunks(parts, typesOf(node.output))
  }
}
