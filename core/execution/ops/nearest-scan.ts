/**
 * INDEX_SCAN (nearest): the rows a nearest-neighbour index finds closest to a query value,
 * fetched by row id, with every filter of the scan applied; without `ordered`, the top-N above
 * orders them by the real distance. When fewer than LIMIT + OFFSET rows pass the filters, the
 * index is asked again for more candidates (and so a wider search), sized from the share of
 * rows that passed, until enough pass. When the index runs out first, or cannot answer (a snapshot it does not hold, a
 * NULL or malformed query value), the operator scans the table instead: the same answer as
 * sorting every row, including rows whose key is NULL.
 *
 * With `ordered` (the scan replaces the top-N) only the LIMIT / OFFSET rows go up, nearest
 * first in the index's order; a table scan then goes through a top-N by the distance function.
 */
import type { NearestAccess, ScanNode, TopNNode } from '../../plan/logical.ts'
import type { Value } from '../../types/types.ts'
import { CHUNK_SIZE, DataChunk, slice } from '../../vector/vector.ts'
import { evaluateConstant } from '../../expression/index.ts'
import { probeExpressionValue } from '../../indexes/table-indexes.ts'
import { compileFilter, type Frame, layoutOf, Operator, selectRows } from '../operator.ts'
import { ScanOperator, conjunction, evaluateCount } from './basic.ts'
import { TopNOperator } from './sort.ts'

type Pred = (chunk: DataChunk) => { sel: Int32Array; count: number }

/** the factor by which a search widens at least when too few candidates pass the filters */
const MIN_WIDENING = 2

export class NearestScanOperator extends Operator {
  readonly name = 'INDEX_SCAN'
  private readonly node: ScanNode
  private readonly access: NearestAccess
  private readonly predicate: Pred | null
  private chunks: DataChunk[] | null = null
  private fallback: Operator | null = null
  /** key columns the ordered table scan reads beyond the node's output (dropped from its chunks) */
  private extraColumns = 0
  private mode = ''

  constructor(node: ScanNode, access: NearestAccess, frame: Frame) {
    super(frame)
    this.node = node
    this.access = access
    this.predicate = node.filters.length === 0 ? null
      : compileFilter(conjunction(node.filters), layoutOf(node.output), frame)
  }

  override detail(): string { return this.mode }

  protected pull(): DataChunk | null {
    if (this.fallback !== null) return this.fromTable()
    if (this.chunks === null) {
      const limit = evaluateCount(this.access.limit, this.frame, 'LIMIT') ?? Infinity
      const offset = evaluateCount(this.access.offset, this.frame, 'OFFSET') ?? 0
      const found = this.search(limit + offset)
      if (found === null) {
        this.fallback = this.tableScan()
        return this.fromTable()
      }
      this.chunks = this.access.ordered === undefined ? found : rowsAt(found, offset, limit)
    }
    return this.chunks.shift() ?? null
  }

  private tableScan(): Operator {
    const order = this.access.ordered
    if (order === undefined) return new ScanOperator(this.node, this.frame)
    const node = this.node
    this.extraColumns = node.output.some(c => c.id === order.column.id) ? 0 : 1
    const scan: ScanNode = this.extraColumns === 0 ? { ...node, nearest: undefined }
      : { ...node, nearest: undefined, columns: [...node.columns, order.tableColumn], output: [...node.output, order.column] }
    const top: TopNNode = { kind: 'top_n', input: scan, keys: [order.key], limit: this.access.limit, offset: this.access.offset, output: scan.output }
    return new TopNOperator(new ScanOperator(scan, this.frame), top, this.frame)
  }

  private fromTable(): DataChunk | null {
    const c = this.fallback!.next()
    if (c === null || this.extraColumns === 0) return c
    return new DataChunk(c.columns.slice(0, this.node.output.length), c.size)
  }

  /** the candidate rows that pass the filters, or null to scan the table */
  private search(need: number): DataChunk[] | null {
    const provider = this.node.table.provider
    const ctx = this.runtime.ctx
    const { index } = this.access
    const instance = index.instance
    if (!index.attached || instance.nearest === undefined || provider.fetch === undefined || provider.seesCurrentRows?.(ctx.txn) !== true) {
      this.mode = '(table scan: the index cannot answer for this snapshot)'
      return null
    }
    if (need === 0) return []
    if (!Number.isFinite(need) || need >= instance.size) {
      this.mode = '(table scan: the limit covers the whole index)'
      return null
    }
    const query = this.queryValue()
    let k = need
    for (let round = 1; ; round++) {
      const found = instance.nearest(query, k, ctx.fnCtx)
      if (found === null) {
        this.mode = '(table scan: the index cannot search with this value)'
        return null
      }
      const chunks = this.fetch(found.rowIds)
      const passed = chunks.reduce((n, c) => n + c.size, 0)
      if (passed >= need) {
        this.mode = `[${found.rowIds.length} nearest from the index${round > 1 ? `, ${round} searches` : ''}; ${passed} passed the filters]`
        return chunks
      }
      // the index holds no more (its NULL keys are not in it): only a table scan is complete
      if (found.rowIds.length < k || k >= instance.size) {
        this.mode = `(table scan: ${passed} of the index's nearest rows passed the filters, ${need} needed)`
        return null
      }
      const rate = Math.max(passed, 1) / found.rowIds.length
      k = Math.min(instance.size, Math.max(k * MIN_WIDENING, Math.ceil(need / rate * 1.5)))
      this.runtime.checkCanceled()
    }
  }

  /**
   * The query value. A parameter or constant cast to the key's array type is taken as given
   * (the index rounds to its own precision, and a value the cast would refuse is one the index
   * refuses too, so the scan then reports the cast's error): this skips building and casting a
   * vector per execution.
   */
  private queryValue(): Value {
    const e = this.access.query
    if (e.kind === 'cast' && !e.try && e.type.id === 'ARRAY' && (e.expr.kind === 'param' || e.expr.kind === 'const')) {
      const v = e.expr.kind === 'param' ? this.runtime.ctx.params[e.expr.index - 1] ?? null : e.expr.value
      if (Array.isArray(v)) return v
    }
    return probeExpressionValue(e, this.runtime.ctx.params, x => evaluateConstant(x, this.frame.env))
  }

  private fetch(ids: Float64Array): DataChunk[] {
    const out: DataChunk[] = []
    const provider = this.node.table.provider
    for (let at = 0; at < ids.length; at += CHUNK_SIZE) {
      const end = Math.min(ids.length, at + CHUNK_SIZE)
      const batch = new BigInt64Array(end - at)
      for (let i = 0; i < batch.length; i++) batch[i] = BigInt(ids[at + i]!)
      const chunk = provider.fetch!(this.runtime.ctx.txn, batch, this.node.columns)
      if (this.predicate === null) { out.push(chunk); continue }
      const { sel, count } = this.predicate(chunk)
      if (count > 0) out.push(selectRows(chunk, sel, count))
    }
    return out
  }
}

/** rows [offset, offset + limit) of `chunks` */
function rowsAt(chunks: readonly DataChunk[], offset: number, limit: number): DataChunk[] {
  const out: DataChunk[] = []
  let skip = offset, left = limit
  for (const c of chunks) {
    if (left <= 0) break
    const start = Math.min(skip, c.size)
    skip -= start
    const end = Math.min(c.size, start + left)
    if (end <= start) continue
    left -= end - start
    out.push(start === 0 && end === c.size ? c : new DataChunk(c.columns.map(v => slice(v, start, end)), end - start))
  }
  return out
}
