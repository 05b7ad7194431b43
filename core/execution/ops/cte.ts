/**
 * Common table expressions. A materialised CTE is computed before its body is built and read by
 * CteRef operators (also those inside subqueries); one whose definition reads no outer value is
 * computed once per statement, even where its WITH sits in a subquery run per outer row. Its rows
 * count against memory_limit and move to a temporary file past it. WITH RECURSIVE runs the
 * anchor, then the recursive part over the previous iteration's rows (the working table) until
 * it yields no new rows; UNION removes rows already seen. A depth guard turns runaway recursion
 * into an error instead of a hang.
 */
import { GrizzlyError, InternalError, SqlState } from '../../errors.ts'
import type { CteNode, CteRefNode, RecursiveCteNode } from '../../plan/logical.ts'
import type { LogicalType } from '../../types/types.ts'
import { CHUNK_SIZE, DataChunk } from '../../vector/vector.ts'
import { GroupTable } from '../group-table.ts'
import { chunkBytes, formatBytes, type QueryMemory, type SpillFile } from '../memory.ts'
import {
  chunksOf, type Frame, type Materialized, materializeChunks, Operator, selectRows, type StoredRows, typesOf,
} from '../operator.ts'

/** A materialised CTE's rows: chunks kept in memory while they fit under memory_limit, then a temporary file. */
class CteRows implements StoredRows {
  private kept: DataChunk[] = []
  private file: SpillFile | null = null
  private reserved = 0

  constructor(private readonly memory: QueryMemory, private readonly types: readonly LogicalType[]) {}

  add(c: DataChunk): void {
    if (this.file !== null) { this.file.append(c); return }
    const bytes = chunkBytes(c)
    if (this.memory.tryReserve(bytes)) { this.kept.push(c); this.reserved += bytes; return }
    const file = this.memory.createFile(this.types)
    for (const k of this.kept) file.append(k)
    file.append(c)
    this.file = file
    this.kept = []
    this.memory.release(this.reserved)
    this.reserved = 0
  }

  chunks(): Iterable<DataChunk> { return this.file === null ? this.kept : this.file.chunks() }

  get spilledBytes(): number { return this.file?.size ?? 0 }

  /** Gives back the memory and the file (a CTE computed once per run, replaced by the next run's rows). */
  release(): void {
    this.memory.release(this.reserved)
    this.reserved = 0
    this.kept = []
    this.file?.delete()
  }
}

export class CteOperator extends Operator {
  readonly name = 'CTE'
  private readonly body: Operator
  private stored: CteRows | null = null

  constructor(node: CteNode, frame: Frame) {
    super(frame)
    // computed before the body is built: operators may read it while being built (LIMIT (SELECT …))
    const { cteId, definition, perStatement } = node
    const rt = this.runtime
    // a later run of the subquery holding it reads what the first run computed
    if (!perStatement || !rt.ctes.has(cteId)) {
      const t0 = rt.ctx.profile ? performance.now() : 0
      const previous = rt.ctes.get(cteId)
      if (previous instanceof CteRows) previous.release()
      const def = rt.build(definition, frame)
      this.children.push(def)
      const rows = new CteRows(rt.memory, typesOf(definition.output))
      for (let c = def.next(); c !== null; c = def.next()) rows.add(c)
      this.stored = rows
      rt.ctes.set(cteId, rows)
      // EXPLAIN ANALYZE: the node's time includes its definition's, as other operators' include their inputs'
      if (rt.ctx.profile) this.ms += performance.now() - t0
    }
    this.body = rt.build(node.body, frame)
    this.children.push(this.body)
  }

  protected pull(): DataChunk | null { return this.body.next() }

  override detail(): string {
    const spilled = this.stored?.spilledBytes ?? 0
    return spilled > 0 ? `[spilled: ${formatBytes(spilled)}]` : ''
  }
}

export class CteRefOperator extends Operator {
  readonly name = 'CTE_SCAN'
  private readonly node: CteRefNode
  private chunks: Iterator<DataChunk> | null = null

  constructor(node: CteRefNode, frame: Frame) {
    super(frame)
    this.node = node
  }

  protected pull(): DataChunk | null {
    if (this.chunks === null) {
      const m = this.runtime.ctes.get(this.node.cteId)
      if (m === undefined) throw new InternalError(`CTE "${this.node.name}" (#${this.node.cteId}) read before it was materialised`)
      this.chunks = m.chunks()[Symbol.iterator]()
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
      const rows = working
      this.runtime.ctes.set(node.cteId, { chunks: () => chunksOf(rows, CHUNK_SIZE) })
      working = collect(this.runtime.build(node.recursive, this.frame))
    }
  }
}
