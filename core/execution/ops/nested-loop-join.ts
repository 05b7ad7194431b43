/**
 * Joins without hash keys, on top of join.ts's emitter and residual:
 * - NestedLoopJoin: any other condition, and cross products, over blocks of pairs.
 * - LateralJoin: re-runs the right plan for each left row with the left columns bound.
 */
import { notSupported } from '../../errors.ts'
import type { ColumnId } from '../../plan/expr.ts'
import type { JoinNode } from '../../plan/logical.ts'
import { concatVectors, DataChunk, gather, getValue, slice } from '../../vector/vector.ts'
import { drain, type Frame, type Materialized, Operator, type OuterValue, typesOf } from '../operator.ts'
import { JoinEmitter, MAX_PAIRS_PER_STEP, nullTemplate, PairBuffer, Residual } from './join.ts'

// ---- nested loop join ---------------------------------------------------------------------------

/** Pairs every left row of a block with every right row, then filters by the condition. */
function nestedLoopMatches(left: DataChunk, rows: readonly number[] | null, right: Materialized, condition: Residual | null,
  buf: PairBuffer, nullFlag: Uint8Array | null): void {
  buf.reset()
  if (right.count === 0) return
  if (condition === null) { nestedLoopAll(left, rows, right, buf); return }
  const leftCount = rows === null ? left.size : rows.length
  const block = Math.max(1, Math.floor(16384 / right.count))
  const part = new PairBuffer(Math.min(16384, block * right.count))
  for (let b = 0; b < leftCount; b += block) {
    part.reset()
    for (let k = b; k < Math.min(leftCount, b + block); k++) {
      const i = rows === null ? k : rows[k]!
      for (let r = 0; r < right.count; r++) part.push(i, r)
    }
    condition.apply(left, right, part, nullFlag)
    for (let k = 0; k < part.count; k++) buf.push(part.left[k]!, part.right[k]!)
  }
}

/** Every (left, right) pair, for cross products. */
function nestedLoopAll(left: DataChunk, rows: readonly number[] | null, right: Materialized, buf: PairBuffer): void {
  buf.reset()
  const leftCount = rows === null ? left.size : rows.length
  for (let k = 0; k < leftCount; k++) {
    const i = rows === null ? k : rows[k]!
    for (let r = 0; r < right.count; r++) buf.push(i, r)
  }
}

export class NestedLoopJoinOperator extends Operator {
  readonly name: string
  private readonly node: JoinNode
  private readonly leftOp: Operator
  private readonly rightOp: Operator
  private readonly condition: Residual | null
  private right: Materialized | null = null
  private emitter: JoinEmitter | null = null
  private finished = false
  private readonly buf = new PairBuffer()

  constructor(node: JoinNode, left: Operator, right: Operator, frame: Frame) {
    super(frame)
    this.node = node
    this.name = node.condition === null ? 'CROSS_PRODUCT' : 'NESTED_LOOP_JOIN'
    this.leftOp = left
    this.rightOp = right
    this.children.push(left, right)
    this.condition = node.condition === null ? null : new Residual(node.condition, node, frame, node.joinType === 'mark')
  }

  private pendingLeft: DataChunk | null = null
  private pendingAt = 0

  /** The next slice of left rows, small enough that its pairs with every right row stay bounded. */
  private nextLeft(rightCount: number): DataChunk | null {
    if (this.pendingLeft === null) {
      this.pendingLeft = this.leftOp.next()
      this.pendingAt = 0
      if (this.pendingLeft === null) return null
    }
    const c = this.pendingLeft
    const rows = Math.max(1, Math.floor(MAX_PAIRS_PER_STEP / Math.max(1, rightCount)))
    if (this.pendingAt === 0 && c.size <= rows) { this.pendingLeft = null; return c }
    const start = this.pendingAt, end = Math.min(c.size, start + rows)
    this.pendingAt = end
    if (end === c.size) this.pendingLeft = null
    return new DataChunk(c.columns.map(v => slice(v, start, end)), end - start)
  }

  protected pull(): DataChunk | null {
    if (this.right === null) {
      this.right = drain(this.rightOp, typesOf(this.node.right.output))
      this.emitter = new JoinEmitter(this.node.joinType, this.right, this.runtime.scalarSubqueryErrors())
    }
    const right = this.right, emitter = this.emitter!
    for (let c = this.nextLeft(right.count); c !== null; c = this.nextLeft(right.count)) {
      const nullFlag = this.node.joinType === 'mark' ? new Uint8Array(c.size) : null
      nestedLoopMatches(c, null, right, this.condition, this.buf, nullFlag)
      const out = emitter.emit(c, right, { left: this.buf.left, right: this.buf.right, count: this.buf.count, nullFlag })
      if (out !== null) return out
    }
    if (!this.finished) {
      this.finished = true
      return emitter.finish(nullTemplate(this.node))
    }
    return null
  }
}

// ---- lateral join -------------------------------------------------------------------------------

export class LateralJoinOperator extends Operator {
  readonly name = 'LATERAL_JOIN'
  private readonly node: JoinNode
  private readonly leftOp: Operator
  private readonly condition: Residual | null
  private readonly emitter: JoinEmitter

  constructor(node: JoinNode, left: Operator, frame: Frame) {
    super(frame)
    if (node.joinType === 'right' || node.joinType === 'full') {
      throw notSupported(`${node.joinType.toUpperCase()} JOIN with a LATERAL subquery`, undefined,
        'LATERAL subqueries can be joined with INNER, LEFT or CROSS JOIN')
    }
    this.node = node
    this.leftOp = left
    this.children.push(left)
    this.condition = node.condition === null ? null : new Residual(node.condition, node, frame, node.joinType === 'mark')
    this.emitter = new JoinEmitter(node.joinType, null, frame.runtime.scalarSubqueryErrors())
  }


  protected pull(): DataChunk | null {
    const leftCols = this.node.left.output
    const rightTypes = typesOf(this.node.right.output)
    const buf = new PairBuffer()
    for (let c = this.leftOp.next(); c !== null; c = this.leftOp.next()) {
      const outputs: DataChunk[] = []
      const nullFlag = this.node.joinType === 'mark' ? new Uint8Array(c.size) : null
      for (let i = 0; i < c.size; i++) {
        const bindings = new Map<ColumnId, OuterValue>()
        leftCols.forEach((col, k) => bindings.set(col.id, { type: col.type, value: getValue(c.column(k), i) }))
        const frame = this.frame.withOuter(bindings)
        const right = drain(this.runtime.build(this.node.right, frame), rightTypes)
        nestedLoopMatches(c, [i], right, this.condition, buf, nullFlag)
        const row = new DataChunk(c.columns.map(v => gather(v, [i], 1)), 1)
        for (let k = 0; k < buf.count; k++) buf.left[k] = 0
        const out = this.emitter.emit(row, right, {
          left: buf.left, right: buf.right, count: buf.count,
          nullFlag: nullFlag === null ? null : Uint8Array.of(nullFlag[i]!),
        })
        if (out !== null) outputs.push(out)
      }
      if (outputs.length === 1) return outputs[0]!
      if (outputs.length > 1) return concatChunks(outputs)
    }
    return null
  }
}

function concatChunks(chunks: readonly DataChunk[]): DataChunk {
  const first = chunks[0]!
  const columns = first.columns.map((v, k) => {
    const parts = chunks.map(c => c.column(k))
    return parts.length === 1 ? parts[0]! : concatVectors(v.type, parts)
  })
  return new DataChunk(columns, chunks.reduce((s, c) => s + c.size, 0))
}
