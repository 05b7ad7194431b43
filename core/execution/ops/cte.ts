/**
 * Common table expressions. A CTE is materialised once when its body starts and read by
 * CteRef operators (also those inside subqueries). WITH RECURSIVE runs the anchor, then the
 * recursive part over the previous iteration's rows (the working table) until it yields no
 * new rows; UNION removes rows already seen. A depth guard turns runaway recursion into an
 * error instead of a hang.
 */
import { GrizzlyError, InternalError, SqlState } from '../../errors.ts'
import type { CteNode, CteRefNode, RecursiveCteNode } from '../../plan/logical.ts'
import { CHUNK_SIZE, DataChunk } from '../../vector/vector.ts'
import { GroupTable } from '../group-table.ts'
import {
  chunksOf, drain, type Frame, type Materialized, materializeChunks, Operator, selectRows, typesOf,
} from '../operator.ts'

export class CteOperator extends Operator {
  readonly name = 'CTE'
  private readonly node: CteNode
  private readonly body: Operator
  private materialized = false

  constructor(node: CteNode, frame: Frame) {
    super(frame)
    this.node = node
    this.body = this.runtime.build(node.body, frame)
    this.children.push(this.body)
  }


  protected pull(): DataChunk | null {
    if (!this.materialized) {
      this.materialized = true
      const def = this.runtime.build(this.node.definition, this.frame)
      this.children.unshift(def)
      this.runtime.ctes.set(this.node.cteId, drain(def, typesOf(this.node.definition.output)))
    }
    return this.body.next()
  }
}

export class CteRefOperator extends Operator {
  readonly name = 'CTE_SCAN'
  private readonly node: CteRefNode
  private chunks: Generator<DataChunk> | null = null

  constructor(node: CteRefNode, frame: Frame) {
    super(frame)
    this.node = node
  }


  protected pull(): DataChunk | null {
    if (this.chunks === null) {
      const m = this.runtime.ctes.get(this.node.cteId)
      if (m === undefined) throw new InternalError(`CTE "${this.node.name}" (#${this.node.cteId}) read before it was materialised`)
      this.chunks = chunksOf(m, CHUNK_SIZE)
    }
    const r = this.chunks.next()
    return r.done === true ? null : r.value
  }
}

export class RecursiveCteOperator extends Operator {
  readonly name = 'RECURSIVE_CTE'
  private readonly node: RecursiveCteNode
  private result: Generator<DataChunk> | null = null
  iterations = 0

  constructor(node: RecursiveCteNode, frame: Frame) {
    super(frame)
    this.node = node
  }


  protected pull(): DataChunk | null {
    if (this.result === null) this.result = this.run()
    const r = this.result.next()
    return r.done === true ? null : r.value
  }

  private *run(): Generator<DataChunk> {
    const node = this.node
    const types = typesOf(node.output)
    const seen = node.distinct ? new GroupTable(types) : null
    let ids = new Int32Array(0)
    /** keeps the rows not seen before (UNION) */
    const fresh = (c: DataChunk): DataChunk | null => {
      if (seen === null) return c
      if (ids.length < c.size) ids = new Int32Array(c.size)
      let expect = seen.findOrCreate(c.columns, c.size, ids)
      const sel = new Int32Array(c.size)
      let n = 0
      for (let i = 0; i < c.size; i++) if (ids[i] === expect) { sel[n++] = i; expect++ }
      return n === 0 ? null : selectRows(c, sel, n)
    }
    const collect = (op: Operator): Materialized => {
      const out: DataChunk[] = []
      for (let c = op.next(); c !== null; c = op.next()) {
        const f = fresh(c)
        if (f !== null) out.push(f)
      }
      return materializeChunks(out, types)
    }
    const anchor = this.runtime.build(node.anchor, this.frame)
    this.children.push(anchor)
    let working = collect(anchor)
    const limit = this.runtime.maxRecursionDepth()
    while (working.count > 0) {
      yield* chunksOf(working, CHUNK_SIZE)
      if (++this.iterations > limit) {
        throw new GrizzlyError(SqlState.programLimitExceeded,
          `recursive CTE "${node.name}" exceeded the maximum recursion depth of ${limit}`,
          { hint: 'check the recursive part\'s stop condition, or raise max_recursion_depth' })
      }
      this.runtime.ctes.set(node.cteId, working)
      working = collect(this.runtime.build(node.recursive, this.frame))
    }
  }
}
