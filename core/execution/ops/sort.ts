/**
 * Ordering operators: full sort (stable, multi-key), top-N (keeps only the best limit+offset
 * rows while reading), and DISTINCT / DISTINCT ON.
 */
import type { DistinctNode, SortNode, TopNNode } from '../../plan/logical.ts'
import type { SortKey } from '../../plan/expr.ts'
import { CHUNK_SIZE, DataChunk, gather, type Vector } from '../../vector/vector.ts'
import { GroupTable } from '../group-table.ts'
import { sortedOrder } from '../keys.ts'
import {
  chunksOf, compileValue, drain, type Frame, layoutOf, type Materialized, materializeChunks, Operator,
  selectRows, typesOf,
} from '../operator.ts'
import { evaluateCount } from './basic.ts'
import { ExternalSort } from './external-sort.ts'
import { hybridAggregate, spillDetail, type SpillableAggregate, type SpillStats } from './aggregate-spill.ts'

type KeyFn = (c: DataChunk) => Vector

function keyFns(keys: readonly SortKey[], node: { readonly input: { readonly output: SortNode['output'] } }, frame: Frame): KeyFn[] {
  const layout = layoutOf(node.input.output)
  return keys.map(k => compileValue(k.expr, layout, frame))
}

function orderOf(m: Materialized, keys: readonly SortKey[], fns: readonly KeyFn[]): Int32Array {
  const chunk = new DataChunk([...m.columns], m.count)
  return sortedOrder(fns.map(f => f(chunk)), keys, m.count)
}

function take(m: Materialized, order: Int32Array, from: number, to: number): Materialized {
  const n = Math.max(0, to - from)
  const sel = order.subarray(from, from + n)
  return { types: m.types, columns: m.columns.map(v => gather(v, sel, n)), count: n }
}

export class SortOperator extends Operator {
  readonly name = 'ORDER_BY'
  private readonly node: SortNode
  private readonly input: Operator
  private readonly keys: KeyFn[]
  private output: Generator<DataChunk> | null = null
  private sorter: ExternalSort | null = null

  constructor(input: Operator, node: SortNode, frame: Frame) {
    super(frame)
    this.node = node
    this.input = input
    this.children.push(input)
    this.keys = keyFns(node.keys, node, frame)
  }


  override detail(): string { return this.sorter?.detail() ?? '' }

  protected pull(): DataChunk | null {
    if (this.output === null) {
      // runs spill to temp_directory once the buffered rows pass memory_limit
      const sorter = new ExternalSort(this.runtime.memory, typesOf(this.node.input.output), this.node.keys, this.keys)
      for (let c = this.input.next(); c !== null; c = this.input.next()) sorter.add(c)
      this.sorter = sorter
      this.output = sorter.finish()
    }
    const r = this.output.next()
    return r.done === true ? null : r.value
  }
}

/** Keeps the first limit+offset rows by sorting and truncating a buffer whenever it doubles. */
export class TopNOperator extends Operator {
  readonly name = 'TOP_N'
  private readonly node: TopNNode
  private readonly input: Operator
  private readonly keys: KeyFn[]
  private readonly limit: number
  private readonly offset: number
  private output: Generator<DataChunk> | null = null

  constructor(input: Operator, node: TopNNode, frame: Frame) {
    super(frame)
    this.node = node
    this.input = input
    this.children.push(input)
    this.keys = keyFns(node.keys, node, frame)
    this.limit = evaluateCount(node.limit, frame, 'LIMIT') ?? Infinity
    this.offset = evaluateCount(node.offset, frame, 'OFFSET') ?? 0
  }


  protected pull(): DataChunk | null {
    if (this.output === null) this.output = chunksOf(this.compute(), CHUNK_SIZE)
    const r = this.output.next()
    return r.done === true ? null : r.value
  }

  private compute(): Materialized {
    const types = typesOf(this.node.input.output)
    const keep = this.limit + this.offset
    if (keep === 0) return { types, columns: materializeChunks([], types).columns, count: 0 }
    const threshold = Number.isFinite(keep) ? Math.max(2 * keep, CHUNK_SIZE) : Infinity
    let best: Materialized | null = null
    let pending: DataChunk[] = []
    let pendingRows = 0
    const flush = (): void => {
      const parts: DataChunk[] = best === null ? pending : [new DataChunk([...best.columns], best.count), ...pending]
      const m = materializeChunks(parts, types)
      const order = orderOf(m, this.node.keys, this.keys)
      best = take(m, order, 0, Math.min(m.count, keep))
      pending = []
      pendingRows = 0
    }
    for (let c = this.input.next(); c !== null; c = this.input.next()) {
      pending.push(c)
      pendingRows += c.size
      if (pendingRows >= threshold) flush()
    }
    flush()
    const b = best as Materialized | null
    if (b === null) return { types, columns: materializeChunks([], types).columns, count: 0 }
    const order = new Int32Array(b.count)
    for (let i = 0; i < b.count; i++) order[i] = i
    return take(b, order, this.offset, b.count)
  }
}

export class DistinctOperator extends Operator {
  readonly name: string
  private readonly node: DistinctNode
  private readonly input: Operator
  private table: GroupTable
  private readonly onKeys: KeyFn[] | null
  private readonly orderKeys: KeyFn[]
  private groupIds = new Int32Array(0)
  private sorted: Generator<DataChunk> | null = null
  private spilling: Generator<DataChunk> | null = null
  private readonly spill: SpillStats = { bytes: 0, partitions: 0 }

  constructor(input: Operator, node: DistinctNode, frame: Frame) {
    super(frame)
    this.node = node
    this.input = input
    this.children.push(input)
    this.name = node.on === null ? 'DISTINCT' : 'DISTINCT_ON'
    const layout = layoutOf(node.input.output)
    this.onKeys = node.on === null ? null : node.on.map(e => compileValue(e, layout, frame))
    this.orderKeys = node.orderBy.map(k => compileValue(k.expr, layout, frame))
    this.table = new GroupTable(node.on === null ? typesOf(node.input.output) : node.on.map(e => e.type))
  }

  protected pull(): DataChunk | null {
    if (this.node.on !== null && this.node.orderBy.length > 0) {
      // DISTINCT ON keeps the first row of each group in ORDER BY order: sort first
      if (this.sorted === null) {
        const m = drain(this.input, typesOf(this.node.input.output))
        const order = orderOf(m, this.node.orderBy, this.orderKeys)
        this.sorted = chunksOf(take(m, order, 0, m.count), CHUNK_SIZE)
      }
      for (let r = this.sorted.next(); r.done !== true; r = this.sorted.next()) {
        const out = this.firstRows(r.value)
        if (out !== null) return out
      }
      return null
    }
    if (this.node.on === null) {
      // rows of new keys past memory_limit go to disk and are deduplicated after the others
      this.spilling ??= hybridAggregate(this.spillable(), () => this.input.next(), this.spill)
      const r = this.spilling.next()
      return r.done === true ? null : r.value
    }
    for (let c = this.input.next(); c !== null; c = this.input.next()) {
      const out = this.firstRows(c)
      if (out !== null) return out
    }
    return null
  }

  override detail(): string {
    return spillDetail(this.spill)
  }

  private spillable(): SpillableAggregate {
    const self = this
    const types = typesOf(this.node.input.output)
    return {
      memory: this.runtime.memory,
      inputTypes: types,
      aggregateCount: 0,
      // rows whose group is known are not the first of it
      consume: (c, known) => known === undefined ? self.firstRows(c) : null,
      finish: () => null,
      groupCount: () => self.table.size,
      lookup(c) {
        const ids = new Int32Array(c.size)
        self.table.find(c.columns, c.size, ids)
        return { keys: c.columns, ids }
      },
      reset() { self.table = new GroupTable(types) },
    }
  }

  /** The rows of `c` that start a new group. */
  private firstRows(c: DataChunk): DataChunk | null {
    if (this.groupIds.length < c.size) this.groupIds = new Int32Array(c.size)
    const keys = this.onKeys === null ? c.columns : this.onKeys.map(f => f(c))
    let expect = this.table.findOrCreate(keys, c.size, this.groupIds)
    const sel = new Int32Array(c.size)
    let n = 0
    for (let i = 0; i < c.size; i++) {
      if (this.groupIds[i] === expect) { sel[n++] = i; expect++ }
    }
    return n === 0 ? null : selectRows(c, sel, n)
  }
}
