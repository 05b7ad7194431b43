/**
 * ORDER BY under memory_limit: input chunks are buffered while their estimated bytes fit the
 * query's budget; past it the buffer is sorted and written as a run (rows plus their evaluated
 * sort keys, so volatile keys are not evaluated twice), and the runs are k-way merged at the
 * end (several passes when there are more than MERGE_FAN_IN). With no run written the sort is
 * the plain in-memory one.
 */
import type { SortKey } from '../../plan/expr.ts'
import type { LogicalType } from '../../types/types.ts'
import { allocData, CHUNK_SIZE, DataChunk, gather, Vector, VectorBuilder, type VectorData } from '../../vector/vector.ts'
import { crossKeyComparator, sortedOrder } from '../keys.ts'
import { chunkBytes, formatBytes, type QueryMemory, type SpillFile } from '../memory.ts'
import { chunksOf, type Materialized, materializeChunks } from '../operator.ts'

/** most runs merged at once; more are merged in passes */
const MERGE_FAN_IN = 32
/** sorting materialises the buffer and gathers it again: about twice its bytes */
const SORT_OVERHEAD = 2

export class ExternalSort {
  private readonly memory: QueryMemory
  private readonly types: readonly LogicalType[]
  private readonly keys: readonly SortKey[]
  private readonly keyFns: readonly ((c: DataChunk) => Vector)[]
  private buffer: DataChunk[] = []
  private reserved = 0
  private readonly runs: SpillFile[] = []
  private runCount = 0
  /** bytes of runs written by this sort */
  spilled = 0

  constructor(memory: QueryMemory, types: readonly LogicalType[], keys: readonly SortKey[], keyFns: readonly ((c: DataChunk) => Vector)[]) {
    this.memory = memory
    this.types = types
    this.keys = keys
    this.keyFns = keyFns
  }

  add(c: DataChunk): void {
    const withKeys = new DataChunk([...c.columns, ...this.keyFns.map(f => f(c))], c.size)
    const bytes = chunkBytes(withKeys) * SORT_OVERHEAD
    if (!this.memory.tryReserve(bytes)) {
      if (this.buffer.length > 0) this.spillRun()
      if (!this.memory.tryReserve(bytes)) this.memory.force(bytes)
    }
    this.buffer.push(withKeys)
    this.reserved += bytes
  }

  /** Sorted output without the key columns. */
  *finish(): Generator<DataChunk> {
    const width = this.types.length
    const strip = (c: DataChunk): DataChunk => new DataChunk(c.columns.slice(0, width), c.size)
    try {
      if (this.runs.length === 0) {
        // only the row columns are gathered: the keys are not needed any more
        const sorted = this.sortBuffer(width)
        for (const c of chunksOf(sorted, CHUNK_SIZE)) yield c
        return
      }
      if (this.buffer.length > 0) this.spillRun()
      while (this.runs.length > MERGE_FAN_IN) {
        const group = this.runs.splice(0, MERGE_FAN_IN)
        const out = this.memory.createFile(this.allTypes())
        for (const c of this.merge(group)) { out.append(c); this.spilled += chunkBytes(c) }
        for (const f of group) f.delete()
        this.runs.push(out)
      }
      for (const c of this.merge(this.runs)) yield strip(c)
    } finally {
      this.memory.release(this.reserved)
      this.reserved = 0
      for (const f of this.runs) f.delete()
    }
  }

  detail(): string {
    return this.runCount === 0 ? '' : `[spilled: ${this.runCount} runs, ${formatBytes(this.spilled)}]`
  }

  private allTypes(): LogicalType[] { return [...this.types, ...this.keys.map(k => k.expr.type)] }

  /** The buffered rows in order, their first `width` columns. */
  private sortBuffer(width: number): Materialized {
    const all = this.allTypes()
    const m = materializeChunks(this.buffer, all)
    this.buffer = []
    const order = sortedOrder(m.columns.slice(this.types.length), this.keys, m.count)
    return { types: all.slice(0, width), columns: m.columns.slice(0, width).map(v => gather(v, order, m.count)), count: m.count }
  }

  private spillRun(): void {
    const sorted = this.sortBuffer(this.types.length + this.keys.length)
    this.memory.release(this.reserved)
    this.reserved = 0
    const file = this.memory.createFile(sorted.types)
    for (const c of chunksOf(sorted, CHUNK_SIZE)) file.append(c)
    this.spilled += file.size
    this.runs.push(file)
    this.runCount++
  }

  /** k-way merge of sorted runs; ties go to the earlier run, so the sort stays stable. */
  private *merge(files: readonly SpillFile[]): Generator<DataChunk> {
    // the evaluated keys follow the row's columns in each run's chunks
    const compareRows = crossKeyComparator(this.keys.map(k => k.expr.type), this.keys, this.types.length)
    const readers = files.map(f => f.chunks())
    const cur: (DataChunk | null)[] = readers.map(r => { const x = r.next(); return x.done === true ? null : x.value })
    const pos = new Int32Array(files.length)
    const less = (r: number, s: number): boolean => {
      const c = compareRows(cur[r]!.columns, pos[r]!, cur[s]!.columns, pos[s]!)
      return c < 0 || (c === 0 && r < s)
    }
    // binary min-heap of run numbers
    const heap: number[] = []
    const up = (at: number): void => {
      while (at > 0) {
        const parent = (at - 1) >> 1
        if (!less(heap[at]!, heap[parent]!)) break
        ;[heap[at], heap[parent]] = [heap[parent]!, heap[at]!]
        at = parent
      }
    }
    const down = (at: number): void => {
      for (;;) {
        const l = 2 * at + 1, r = l + 1
        let m = at
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r
        if (m === at) return
        ;[heap[at], heap[m]] = [heap[m]!, heap[at]!]
        at = m
      }
    }
    cur.forEach((c, r) => { if (c !== null) { heap.push(r); up(heap.length - 1) } })
    const src = new Int32Array(CHUNK_SIZE), row = new Int32Array(CHUNK_SIZE)
    const batchId = new Int32Array(files.length).fill(-1)
    let sources: DataChunk[] = []
    let n = 0
    const flush = (): DataChunk => {
      const all = this.allTypes()
      const out = new DataChunk(all.map((t, k) => interleave(t, sources.map(s => s.columns[k]!), src, row, n)), n)
      sources = []
      batchId.fill(-1)
      n = 0
      return out
    }
    while (heap.length > 0) {
      const r = heap[0]!
      const c = cur[r]!
      if (batchId[r] === -1) { batchId[r] = sources.length; sources.push(c) }
      src[n] = batchId[r]!
      row[n] = pos[r]!
      n++
      if (++pos[r]! >= c.size) {
        const x = readers[r]!.next()
        cur[r] = x.done === true ? null : x.value
        pos[r] = 0
        batchId[r] = -1
        if (cur[r] === null) { heap[0] = heap[heap.length - 1]!; heap.pop() }
      }
      if (heap.length > 0) down(0)
      if (n === CHUNK_SIZE) yield flush()
    }
    if (n > 0) yield flush()
  }
}

/** Row row[k] of source src[k], for k < n, as one vector. */
function interleave(type: LogicalType, sources: readonly Vector[], src: Int32Array, row: Int32Array, n: number): Vector {
  const first = sources[0]!
  const p = first.physical
  if (p === 'list' || p === 'array' || p === 'struct' || p === 'null') {
    const b = new VectorBuilder(type, n)
    for (let k = 0; k < n; k++) b.pushFrom(sources[src[k]!]!, row[k]!)
    return b.finish()
  }
  const datas = sources.map(s => s.data as unknown as { [i: number]: unknown })
  let data: VectorData
  if (Array.isArray(first.data)) {
    const out = new Array<unknown>(n)
    for (let k = 0; k < n; k++) out[k] = datas[src[k]!]![row[k]!]
    data = out as VectorData
  } else {
    const out = allocData(p, n) as unknown as { [i: number]: unknown }
    for (let k = 0; k < n; k++) out[k] = datas[src[k]!]![row[k]!]
    data = out as unknown as VectorData
  }
  let validity: Uint8Array | null = null
  if (sources.some(s => s.validity !== null)) {
    validity = new Uint8Array(n)
    for (let k = 0; k < n; k++) validity[k] = sources[src[k]!]!.isValid(row[k]!) ? 1 : 0
  }
  return new Vector(type, n, data, validity)
}
