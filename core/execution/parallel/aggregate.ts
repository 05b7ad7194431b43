/**
 * PARALLEL_UNGROUPED_AGGREGATE / PARALLEL_HASH_GROUP_BY: a scan → filter → project →
 * aggregate fragment run by the calling thread and `threads - 1` workers over the table's
 * shared column arrays, morsel by morsel, each thread folding rows into a partial state the
 * calling thread merges. Groups come out in order of their first row, as the serial hash
 * aggregate emits them, and sums and means are exact, so the result is the serial one. When
 * the rows cannot be shared (old values of updates to restore), or a kernel meets a value it
 * cannot compute exactly, the fragment runs serially instead.
 *
 * A fragment that probes hash joins (optimizer/parallel-join-fragment.ts) first runs each
 * build side on the calling thread, as the serial join would, into shared arrays
 * (./build.ts) the threads look their probe keys up in; past `memory_limit` it runs serially,
 * where the hash join can spill.
 */
import { DECIMAL_FLOAT_MAX_WIDTH, decimal, physicalOf } from '../../types/types.ts'
import type { AggregateNode, LogicalPlan } from '../../plan/logical.ts'
import { scanHints } from '../ops/basic.ts'
import { allocData, CHUNK_SIZE, DataChunk, slice, Vector } from '../../vector/vector.ts'
import { ExactSumState, exactMean } from '../../functions/aggregates/basic.ts'
import { MORSEL_ROWS, parallelFragment, type ParallelFragment } from '../../optimizer/parallel-fragment.ts'
import { parallelJoinFragment } from '../../optimizer/parallel-join-fragment.ts'
import { ROW_GROUP_SIZE } from '../../catalog/memory-table.ts'
import { InternalError } from '../../errors.ts'
import { drain, type Frame, Operator, typesOf } from '../operator.ts'
import { type Kernel, kernelOf, type PartialState } from './kernel.ts'
import { type SharedBuild, sharedBuild, sharedBuildBytes } from './build.ts'
import { workerPool } from './pool.ts'

export class ParallelAggregateOperator extends Operator {
  readonly name: string
  private readonly fragment: ParallelFragment
  private output: DataChunk[] | null = null
  private serial: Operator | null = null
  private ran = ''

  /** `build` makes the operators of the build sides a fragment with joins runs first */
  constructor(private readonly node: AggregateNode, private readonly threads: number, frame: Frame, private readonly serialPlan: () => Operator,
    private readonly build: ((p: LogicalPlan) => Operator) | null = null) {
    super(frame)
    this.name = node.groups.length === 0 ? 'PARALLEL_UNGROUPED_AGGREGATE' : 'PARALLEL_HASH_GROUP_BY'
    const f = parallelFragment(node) ?? parallelJoinFragment(node)
    if (f === null) throw new InternalError('parallel aggregate over a fragment workers cannot run')
    this.fragment = f
  }

  override detail(): string { return this.ran }

  protected pull(): DataChunk | null {
    if (this.serial !== null) return this.serial.next()
    if (this.output === null) {
      const out = this.run()
      if (out === null) {
        this.serial = this.serialPlan()
        this.children.push(this.serial)
        this.ran = '(ran serially)'
        return this.serial.next()
      }
      this.output = out
    }
    return this.output.shift() ?? null
  }

  /** the result chunks, or null to run serially */
  private run(): DataChunk[] | null {
    const f = this.fragment, ctx = this.runtime.ctx
    let scan: LogicalPlan = this.node.input
    while (scan.kind === 'filter' || scan.kind === 'project' || scan.kind === 'join') scan = scan.kind === 'join' ? scan.left : scan.input
    // the scan's zone-map hints, as the serial scan would use them
    const groups = f.table.sharedGroups(ctx.txn, f.columns, scan.kind === 'scan' ? scanHints(scan, this.frame) : [])
    if (groups === null) return null
    const triples: number[] = []
    let rows = 0
    groups.forEach((g, gi) => {
      rows += g.count
      for (let s = 0; s < g.count; s += MORSEL_ROWS) triples.push(gi, s, Math.min(g.count, s + MORSEL_ROWS))
    })
    const morsels = triples.length / 3
    if (morsels <= 1) return null
    // a group's first joined row is numbered position × 2^20 + rank (kernel.ts): positions below 2^33
    if (f.joins.length > 0 && groups.length * ROW_GROUP_SIZE >= 2 ** 33) return null
    const helpers = Math.min(this.threads - 1, morsels - 1)
    const memory = this.runtime.memory
    let reserved = 0
    try {
      const builds: SharedBuild[] = []
      let buildRows = 0
      for (const j of f.joins) {
        if (this.build === null) throw new InternalError('parallel aggregate over joins without their build sides')
        const op = this.build(j.node.right)
        this.children.push(op)
        const m = drain(op, typesOf(j.node.right.output))
        const bytes = sharedBuildBytes(m.count, j.payload.length)
        if (!memory.tryReserve(bytes)) return null
        reserved += bytes
        buildRows += m.count
        builds.push(sharedBuild(j, m))
      }
      const kernel = kernelOf(f, ctx.params, morsels, builds)
      const morselArray = new Int32Array(new SharedArrayBuffer(triples.length * 4))
      morselArray.set(triples)
      this.runtime.checkCanceled()
      const result = workerPool().run({ source: kernel.source, consts: kernel.consts, groups, morsels: morselArray }, helpers, () => this.runtime.checkCanceled())
      if (result.kind === 'bail') return null
      ctx.rowProgress?.addTotal(rows)
      ctx.rowProgress?.addRows(rows)
      this.ran = `(${helpers + 1} threads, ${morsels} morsels${f.joins.length === 0 ? '' : `, ${f.joins.length} build side${f.joins.length > 1 ? 's' : ''} of ${buildRows} rows`})`
      return merge(this.node, f, result.partials as PartialState[], kernel)
    } finally {
      memory.release(reserved)
    }
  }
}

/** the partial states folded into the aggregate's output, groups in order of their first row */
function merge(node: AggregateNode, f: ParallelFragment, partials: readonly PartialState[], kernel: Kernel): DataChunk[] {
  const A = f.aggregates.length
  const keys: number[] = [], first: number[] = []
  const n: number[][] = f.aggregates.map(() => []), total: bigint[][] = f.aggregates.map(() => []), m: number[][] = f.aggregates.map(() => [])
  const index = new Map<number, number>()
  let nullGroup = -1
  const add = (key: number, pos: number): number => {
    keys.push(key); first.push(pos)
    for (let x = 0; x < A; x++) { n[x]!.push(0); total[x]!.push(0n); m[x]!.push(0) }
    return keys.length - 1
  }
  for (const p of partials) {
    for (let g = 0; g < p.keys.length; g++) {
      let t: number
      if (g === p.nullGroup) t = nullGroup >= 0 ? nullGroup : (nullGroup = add(0, p.first[g]!))
      else {
        const key = p.keys[g]!
        const found = index.get(key)
        t = found ?? add(key, p.first[g]!)
        if (found === undefined) index.set(key, t)
      }
      if (p.first[g]! < first[t]!) first[t] = p.first[g]!
      f.aggregates.forEach((a, x) => {
        const pn = p.n[x]![g]!
        if (pn === 0) return
        if (a.kind === 'sum' || a.kind === 'avg') total[x]![t] = total[x]![t]! + BigInt(p.lo[x]![g]!) + p.hi[x]![g]!
        else if (a.kind === 'min' || a.kind === 'max') {
          const v = p.m[x]![g]!
          if (n[x]![t] === 0 || (a.kind === 'min' ? v < m[x]![t]! : v > m[x]![t]!)) m[x]![t] = v
        }
        n[x]![t] = n[x]![t]! + pn
      })
    }
  }
  const G = keys.length
  const order = Int32Array.from({ length: G }, (_, i) => i).sort((a, b) => first[a]! - first[b]!)
  const valid = (has: (g: number) => boolean): Uint8Array | null => {
    const v = new Uint8Array(G)
    let nulls = false
    for (let i = 0; i < G; i++) if (has(order[i]!)) v[i] = 1; else nulls = true
    return nulls ? v : null
  }
  const vectors: Vector[] = []
  if (f.key !== null) {
    const type = node.output[0]!.type
    const data = allocData(physicalOf(type), G) as Int32Array
    for (let i = 0; i < G; i++) data[i] = keys[order[i]!]!
    vectors.push(new Vector(type, G, data, valid(g => g !== nullGroup)))
  }
  f.aggregates.forEach((a, x) => {
    const type = a.call.type
    const counted = (g: number): boolean => n[x]![g]! > 0
    switch (a.kind) {
      case 'count_star': case 'count':
        vectors.push(new Vector(type, G, BigInt64Array.from(order, g => BigInt(n[x]![g]!)), null))
        break
      case 'sum': {
        // the serial state finalises the exact totals: the same type, the same overflow error
        const state = new ExactSumState(type)
        state.resize(G)
        const totals = Array.from(order, g => total[x]![g]!)
        state.update([new Vector(decimal(38, 0), G, totals, valid(counted))], Int32Array.from({ length: G }, (_, i) => i), G)
        vectors.push(state.finalize(G))
        break
      }
      case 'avg': {
        const t = a.arg!.type
        const scale = 10n ** BigInt(t.id === 'DECIMAL' ? t.scale : 0)
        vectors.push(new Vector(type, G, Float64Array.from(order, g => n[x]![g]! === 0 ? 0 : exactMean(total[x]![g]!, n[x]![g]!, scale)), valid(counted)))
        break
      }
      case 'fsum': case 'favg': {
        // ungrouped only: the morsels' sums added in morsel order, whichever thread made them
        const { sum, count } = kernel.morselSums[x]!
        let s = 0, c = 0
        for (let mo = 0; mo < sum.length; mo++) if (count[mo]! > 0) { s += sum[mo]!; c += count[mo]! }
        vectors.push(new Vector(type, 1, Float64Array.of(a.kind === 'fsum' ? s : s / c), c > 0 ? null : new Uint8Array(1)))
        break
      }
      case 'min': case 'max': {
        if (type.id === 'DECIMAL' && type.width > DECIMAL_FLOAT_MAX_WIDTH) throw new InternalError('parallel min/max of a wide DECIMAL')
        const data = allocData(physicalOf(type), G) as Float64Array
        for (let i = 0; i < G; i++) data[i] = m[x]![order[i]!]!
        vectors.push(new Vector(type, G, data, valid(counted)))
        break
      }
    }
  })
  const out: DataChunk[] = []
  for (let s = 0; s < G; s += CHUNK_SIZE) {
    const e = Math.min(G, s + CHUNK_SIZE)
    out.push(G <= CHUNK_SIZE ? new DataChunk(vectors, G) : new DataChunk(vectors.map(v => slice(v, s, e)), e - s))
  }
  return out
}
