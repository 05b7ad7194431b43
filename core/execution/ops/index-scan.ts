/**
 * INDEX_SCAN: the rows of a table an index finds for a scan's key conditions, fetched by row id
 * in row id order (the order a table scan would give), with every filter of the scan applied.
 * An index holds the table's current rows; when the transaction must see an older or a
 * different version (another writer's uncommitted changes, commits after its snapshot) or the
 * index was dropped since planning, the operator scans the table instead — the same answer.
 */
import { exprChildren, type BoundExpr } from '../../plan/expr.ts'
import type { IndexAccess, ScanNode } from '../../plan/logical.ts'
import type { LogicalType, Value } from '../../types/types.ts'
import type { Transaction } from '../../catalog/catalog.ts'
import { probeExpressionValue } from '../../indexes/table-indexes.ts'
import { indexRanges, searchAll } from '../../indexes/access.ts'
import { CHUNK_SIZE, type DataChunk } from '../../vector/vector.ts'
import { evaluateConstant, interpretExpression, selectTrue } from '../../expression/index.ts'
import { compileFilter, type Frame, layoutOf, Operator, selectRows } from '../operator.ts'
import { ScanOperator, conjunction } from './basic.ts'
import { splitConjuncts } from '../../optimizer/plan-util.ts'
import { isInteger, typeEquals } from '../../types/types.ts'

type Pred = (chunk: DataChunk) => { sel: Int32Array; count: number }

/**
 * Up to this many fetched rows (a key lookup) the filter is interpreted: generating code for it
 * would cost more than running it; the interpreter is the reference the generated code matches.
 */
const INTERPRET_UP_TO = 16

export class IndexScanOperator extends Operator {
  readonly name = 'INDEX_SCAN'
  private readonly node: ScanNode
  private readonly access: IndexAccess
  private readonly filter: BoundExpr | null
  /** made on first use: compiled, or interpreted for a few rows */
  private compiledPredicate: Pred | null = null
  private interpretedPredicate: Pred | null = null
  /** row ids still to fetch, or null before the first pull */
  private rowIds: Float64Array | null = null
  private position = 0
  private fallback: ScanOperator | null = null
  private mode = ''

  constructor(node: ScanNode, access: IndexAccess, frame: Frame) {
    super(frame)
    this.node = node
    this.access = access
    this.filter = residualFilterOf(node, access)
  }

  private predicateFor(rows: number, filter: BoundExpr): Pred {
    if (rows <= INTERPRET_UP_TO && this.frame.outer.size === 0 && !hasSubquery(filter)) {
      if (this.interpretedPredicate === null) {
        const values = interpretExpression(filter, layoutOf(this.node.output), this.frame.env)
        this.interpretedPredicate = chunk => selectTrue(values(chunk))
      }
      return this.interpretedPredicate
    }
    this.compiledPredicate ??= compileFilter(filter, layoutOf(this.node.output), this.frame)
    return this.compiledPredicate
  }

  override detail(): string { return this.mode !== '' ? this.mode : this.rowIds === null ? '' : `[${this.rowIds.length} row ids from the index]` }

  protected pull(): DataChunk | null {
    if (this.fallback !== null) return this.fallback.next()
    if (this.rowIds === null) {
      if (!indexAnswers(this.node, this.access, this.runtime.ctx.txn)) {
        this.mode = '(table scan: the index cannot answer for this snapshot)'
        this.fallback = new ScanOperator(this.node, this.frame)
        return this.fallback.next()
      }
      this.rowIds = indexRowIds(this.node, this.access, this.runtime.ctx.params, e => evaluateConstant(e, this.frame.env))
    }
    const ids = this.rowIds
    while (this.position < ids.length) {
      const end = Math.min(ids.length, this.position + CHUNK_SIZE)
      const chunk = fetchRows(this.node, this.runtime.ctx.txn, ids, this.position, end)
      this.position = end
      if (this.filter === null) return chunk
      const { sel, count } = this.predicateFor(chunk.size, this.filter)(chunk)
      if (count > 0) return selectRows(chunk, sel, count)
    }
    return null
  }

}

/**
 * The index holds the table's current rows: it answers when the transaction sees exactly those
 * (no other writer's uncommitted changes, no commit after its snapshot) and was not dropped.
 */
export function indexAnswers(node: ScanNode, access: IndexAccess, txn: Transaction): boolean {
  const provider = node.table.provider
  return access.index.attached && provider.fetch !== undefined && provider.seesCurrentRows?.(txn) === true
}

/** the row ids the index finds, ascending; `evaluate` computes probe expressions other than constants and parameters */
export function indexRowIds(node: ScanNode, access: IndexAccess, params: readonly Value[], evaluate: (e: BoundExpr) => Value): Float64Array {
  const index = access.index
  let keyTypes = keyTypesOf.get(node)
  if (keyTypes === undefined) { keyTypes = index.columns.map(c => node.table.columns[c]!.type); keyTypesOf.set(node, keyTypes) }
  const instance = index.instance
  const ranges = indexRanges(access, keyTypes, e => probeExpressionValue(e, params, evaluate))
  return searchAll(range => instance.search(range), ranges)
}

/** rows ids[from, to) of the scanned table, the scan's columns (or `columns` of the table) */
export function fetchRows(node: ScanNode, txn: Transaction, ids: Float64Array, from: number, to: number, columns: readonly number[] = node.columns): DataChunk {
  const batch = new BigInt64Array(to - from)
  for (let i = 0; i < batch.length; i++) batch[i] = BigInt(ids[from + i]!)
  return node.table.provider.fetch!(txn, batch, columns)
}

/** the conjunction of residualFilters, null when there are none; kept per plan node */
export function residualFilterOf(node: ScanNode, access: IndexAccess): BoundExpr | null {
  let filter = residualFilter.get(node)
  if (filter === undefined) {
    const residual = residualFilters(node, access)
    filter = residual.length === 0 ? null : conjunction(residual)
    residualFilter.set(node, filter)
  }
  return filter
}

const keyTypesOf = new WeakMap<ScanNode, readonly LogicalType[]>()

function hasSubquery(e: BoundExpr): boolean {
  return e.kind === 'subquery' || exprChildren(e).some(hasSubquery)
}

/** per plan node: a prepared statement's kept plan runs many times */
const residualFilter = new WeakMap<ScanNode, BoundExpr | null>()

/**
 * The filters the fetched rows must still pass: all but `key = v` on an integer key column the
 * index searched for that very v, of the key's own type — every row it finds has that key.
 */
function residualFilters(node: ScanNode, access: IndexAccess): BoundExpr[] {
  const keyColumn = new Map<number, number>()
  node.output.forEach((c, i) => keyColumn.set(c.id, node.columns[i]!))
  const answers = (col: BoundExpr, value: BoundExpr): boolean =>
    col.kind === 'colref' && isInteger(col.type) && typeEquals(col.type, value.type) &&
    access.equal.some((v, k) => v === value && keyColumn.get(col.id) === access.index.columns[k])
  return node.filters.flatMap(f => splitConjuncts(f))
    .filter(c => !(c.kind === 'compare' && c.op === '=' && (answers(c.left, c.right) || answers(c.right, c.left))))
}
