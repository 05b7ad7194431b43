/**
 * INDEX_JOIN: an inner, left, right, semi or anti join that, for each chunk of the outer side, looks
 * its probe values up in an index of the indexed side's table, fetches the matching rows by id,
 * applies that scan's filters and then the whole join condition to the pairs. Inner and outer
 * joins emit pairs in outer row order (outer joins then the unmatched outer rows with NULLs);
 * semi joins emit each outer row with a match once, anti joins each outer row without one. When the index cannot
 * answer for the transaction's snapshot (or was dropped) the planner's ordinary join runs.
 */
import type { IndexJoinAccess, JoinNode, ScanNode } from '../../plan/logical.ts'
import { InternalError } from '../../errors.ts'
import { probeValue } from '../../indexes/table-indexes.ts'
import { CHUNK_SIZE, DataChunk, constantVector, gather, getValue, type Vector } from '../../vector/vector.ts'
import { compileFilter, compileValue, type Frame, layoutOf, Operator, selectRows } from '../operator.ts'
import { conjunction } from './basic.ts'

type Pred = (chunk: DataChunk) => { sel: Int32Array; count: number }

export class IndexJoinOperator extends Operator {
  readonly name = 'INDEX_JOIN'
  private readonly node: JoinNode
  private readonly access: IndexJoinAccess
  private readonly inner: ScanNode
  private readonly outer: Operator
  private readonly probe: (chunk: DataChunk) => Vector
  private readonly innerFilter: Pred | null
  private readonly condition: Pred
  private readonly fallbackOf: () => Operator
  private fallback: Operator | null = null
  private checked = false
  private readonly queue: DataChunk[] = []
  private probes = 0

  constructor(node: JoinNode, access: IndexJoinAccess, buildOuter: () => Operator, fallback: () => Operator, frame: Frame) {
    super(frame)
    this.node = node
    this.access = access
    const inner = access.indexed === 'right' ? node.right : node.left
    const outer = access.indexed === 'right' ? node.left : node.right
    if (inner.kind !== 'scan') throw new InternalError('index join needs a scan on its indexed side')
    this.inner = inner
    this.outer = buildOuter()
    this.children.push(this.outer)
    this.probe = compileValue(access.probe, layoutOf(outer.output), frame)
    this.innerFilter = inner.filters.length === 0 ? null : compileFilter(conjunction(inner.filters), layoutOf(inner.output), frame)
    this.condition = compileFilter(node.condition!, layoutOf([...node.left.output, ...node.right.output]), frame)
    this.fallbackOf = fallback
  }

  override detail(): string {
    return this.fallback !== null ? '(hash join: the index cannot answer for this snapshot)' : `[${this.probes} probes]`
  }

  protected pull(): DataChunk | null {
    if (!this.checked) {
      this.checked = true
      const provider = this.inner.table.provider
      if (!this.access.index.attached || provider.fetch === undefined || provider.seesCurrentRows?.(this.runtime.ctx.txn) !== true) {
        this.fallback = this.fallbackOf()
        this.children.length = 0
        this.children.push(this.fallback)
      }
    }
    if (this.fallback !== null) return this.fallback.next()
    for (;;) {
      const queued = this.queue.shift()
      if (queued !== undefined) return queued
      const chunk = this.outer.next()
      if (chunk === null) return null
      this.joinChunk(chunk)
    }
  }

  /** looks up every outer row of `chunk` and queues the joined rows */
  private joinChunk(chunk: DataChunk): void {
    const keys = this.probe(chunk)
    const keyType = this.inner.table.columns[this.access.index.columns[0]!]!.type
    const instance = this.access.index.instance
    const outerRows: number[] = [], rowIds: number[] = []
    for (let i = 0; i < chunk.size; i++) {
      const v = getValue(keys, i)
      if (v === null) continue
      this.probes++
      const found = instance.search({ equal: [probeValue(v, keyType)], lower: null, upper: null })
      for (let k = 0; k < found.length; k++) { outerRows.push(i); rowIds.push(found[k]!) }
    }
    const type = this.node.joinType
    const pairsOut = type === 'inner' || type === 'left' || type === 'right'
    const matched = type === 'inner' ? null : new Uint8Array(chunk.size)
    for (let start = 0; start < rowIds.length; start += CHUNK_SIZE) {
      const end = Math.min(rowIds.length, start + CHUNK_SIZE)
      const ids = new BigInt64Array(end - start)
      for (let k = 0; k < ids.length; k++) ids[k] = BigInt(rowIds[start + k]!)
      let innerChunk = this.inner.table.provider.fetch!(this.runtime.ctx.txn, ids, this.inner.columns)
      let outerSel: Int32Array = Int32Array.from(outerRows.slice(start, end))
      if (this.innerFilter !== null) {
        const { sel, count } = this.innerFilter(innerChunk)
        if (count === 0) continue
        innerChunk = selectRows(innerChunk, sel, count)
        outerSel = gather32(outerSel, sel, count)
      }
      const outerPart = chunk.columns.map(v => gather(v, outerSel, outerSel.length))
      const pairs = this.access.indexed === 'right'
        ? new DataChunk([...outerPart, ...innerChunk.columns], outerSel.length)
        : new DataChunk([...innerChunk.columns, ...outerPart], outerSel.length)
      const { sel, count } = this.condition(pairs)
      if (count === 0) continue
      if (matched !== null) for (let k = 0; k < count; k++) matched[outerSel[sel[k]!]!] = 1
      if (pairsOut) this.queue.push(selectRows(pairs, sel, count))
    }
    if (matched === null) return
    // semi: the matched outer rows; anti and outer joins: the unmatched ones (padded with NULLs)
    const want = type === 'semi' ? 1 : 0
    const sel = new Int32Array(chunk.size)
    let n = 0
    for (let i = 0; i < chunk.size; i++) if (matched[i] === want) sel[n++] = i
    if (n === 0) return
    const rows = selectRows(chunk, sel, n)
    if (type !== 'left' && type !== 'right') { this.queue.push(rows); return }
    const nulls = this.inner.output.map(c => constantVector(c.type, null, n))
    this.queue.push(new DataChunk(type === 'left' ? [...rows.columns, ...nulls] : [...nulls, ...rows.columns], n))
  }
}

function gather32(values: Int32Array, sel: Int32Array, count: number): Int32Array {
  const out = new Int32Array(count)
  for (let k = 0; k < count; k++) out[k] = values[sel[k]!]!
  return out
}
