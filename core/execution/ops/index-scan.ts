/**
 * INDEX_SCAN: the rows of a table an index finds for a scan's key conditions, fetched by row id
 * in row id order (the order a table scan would give), with every filter of the scan applied.
 * An index holds the table's current rows; when the transaction must see an older or a
 * different version (another writer's uncommitted changes, commits after its snapshot) or the
 * index was dropped since planning, the operator scans the table instead — the same answer.
 */
import type { BoundExpr } from '../../plan/expr.ts'
import type { IndexAccess, ScanNode } from '../../plan/logical.ts'
import type { Value } from '../../types/types.ts'
import { probeExpressionValue } from '../../indexes/table-indexes.ts'
import { indexRanges, searchAll } from '../../indexes/access.ts'
import { CHUNK_SIZE, type DataChunk } from '../../vector/vector.ts'
import { evaluateConstant } from '../../expression/index.ts'
import { compileFilter, type Frame, layoutOf, Operator, selectRows } from '../operator.ts'
import { ScanOperator, conjunction } from './basic.ts'

type Pred = (chunk: DataChunk) => { sel: Int32Array; count: number }

export class IndexScanOperator extends Operator {
  readonly name = 'INDEX_SCAN'
  private readonly node: ScanNode
  private readonly access: IndexAccess
  private readonly predicate: Pred | null
  /** row ids still to fetch, or null before the first pull */
  private rowIds: Float64Array | null = null
  private position = 0
  private fallback: ScanOperator | null = null
  private mode = ''

  constructor(node: ScanNode, access: IndexAccess, frame: Frame) {
    super(frame)
    this.node = node
    this.access = access
    this.predicate = node.filters.length === 0 ? null
      : compileFilter(conjunction(node.filters), layoutOf(node.output), frame)
  }

  override detail(): string { return this.mode !== '' ? this.mode : this.rowIds === null ? '' : `[${this.rowIds.length} row ids from the index]` }

  protected pull(): DataChunk | null {
    if (this.fallback !== null) return this.fallback.next()
    if (this.rowIds === null) {
      const provider = this.node.table.provider
      const txn = this.runtime.ctx.txn
      if (!this.access.index.attached || provider.fetch === undefined || provider.seesCurrentRows?.(txn) !== true) {
        this.mode = '(table scan: the index cannot answer for this snapshot)'
        this.fallback = new ScanOperator(this.node, this.frame)
        return this.fallback.next()
      }
      const keyTypes = this.access.index.columns.map(c => this.node.table.columns[c]!.type)
      const instance = this.access.index.instance
      this.rowIds = searchAll(range => instance.search(range), indexRanges(this.access, keyTypes, e => this.evaluate(e)))
    }
    const provider = this.node.table.provider
    const ids = this.rowIds
    while (this.position < ids.length) {
      const end = Math.min(ids.length, this.position + CHUNK_SIZE)
      const batch = new BigInt64Array(end - this.position)
      for (let i = 0; i < batch.length; i++) batch[i] = BigInt(ids[this.position + i]!)
      this.position = end
      const chunk = provider.fetch!(this.runtime.ctx.txn, batch, this.node.columns)
      if (this.predicate === null) return chunk
      const { sel, count } = this.predicate(chunk)
      if (count > 0) return selectRows(chunk, sel, count)
    }
    return null
  }

  private evaluate(e: BoundExpr): Value {
    return probeExpressionValue(e, this.runtime.ctx.params, x => evaluateConstant(x, this.frame.env))
  }
}
