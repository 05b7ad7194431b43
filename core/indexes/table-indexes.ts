/**
 * The CREATE INDEX indexes of one in-memory table and their upkeep: the table calls in after it
 * appends, deletes, updates or undoes rows, and the indexes follow (an index always holds the
 * table's current live rows). Key values are read from the stored rows, so an update re-keys
 * with exactly what was written.
 */
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'
import type { ColumnSchema, IndexDefinition, TableIndex } from '../catalog/catalog.ts'
import type { IndexInstance, IndexRange, IndexSpec, IndexTypeDef } from '../hooks/contracts.ts'
import { describeKey, type UniqueIndex } from '../catalog/unique-index.ts'
import { constantVector, getValue, type DataChunk, type Vector } from '../vector/vector.ts'
import { isInteger, type LogicalType, type Value } from '../types/types.ts'
import type { BoundExpr } from '../plan/expr.ts'
import { PendingIndex, PendingIndexType } from './pending-index.ts'

/** What an index needs of its table. */
export interface IndexedTable {
  readonly name: string
  readonly columns: readonly ColumnSchema[]
  readonly rowPositions: number
  isLive(position: number): boolean
  readPositions(column: number, positions: Float64Array): Vector
}

export class SecondaryIndex implements TableIndex {
  attached = true
  readonly instance: IndexInstance

  constructor(
    readonly schema: string,
    readonly name: string,
    /** table column indexes; renumbered when an earlier column is dropped */
    public columns: number[],
    readonly type: IndexTypeDef,
    readonly spec: IndexSpec,
    readonly sql: string,
  ) {
    this.instance = type.create(spec)
  }

  get unique(): boolean { return this.spec.unique }
  get method(): string { return this.type.name }

  definition(table: IndexedTable): IndexDefinition {
    return {
      schema: this.schema, name: this.name, table: table.name,
      columns: this.columns.map(c => table.columns[c]!.name),
      unique: this.unique, method: this.method, options: this.spec.options, sql: this.sql,
    }
  }
}

export class TableIndexes {
  readonly list: SecondaryIndex[] = []

  attach(index: SecondaryIndex): void {
    index.attached = true
    this.list.push(index)
  }

  detach(index: SecondaryIndex): void {
    const at = this.list.indexOf(index)
    if (at >= 0) this.list.splice(at, 1)
    index.attached = false
  }

  /** fills a new, empty index with the table's live rows; 23505 when a unique key repeats */
  build(table: IndexedTable, index: SecondaryIndex): void {
    const positions = livePositions(table)
    const keys = index.columns.map(c => table.readPositions(c, positions))
    const instance = index.instance
    const conflict = instance.build !== undefined ? instance.build(keys, positions) : instance.insert(keys, positions)
    if (conflict >= 0) throw duplicateKey(table, index, keys, conflict)
  }

  /** rows [0, rows.size) of `rows` were appended at positions start…; 23505 leaves the indexes unchanged */
  afterAppend(table: IndexedTable, rows: DataChunk, start: number): void {
    if (this.list.length === 0) return
    const positions = new Float64Array(rows.size)
    for (let i = 0; i < positions.length; i++) positions[i] = start + i
    this.add(table, this.list, positions, index => index.columns.map(c => rows.columns[c]!), true)
  }

  /** the rows at `positions` are about to stop being live (delete, undo of an append) */
  removeRows(table: IndexedTable, positions: ArrayLike<number>, only: readonly SecondaryIndex[] = this.list): void {
    if (only.length === 0 || positions.length === 0) return
    const ps = Float64Array.from(positions)
    for (const index of only) index.instance.remove(index.columns.map(c => table.readPositions(c, ps)), ps)
  }

  /** the rows at `positions` are live again (undo of a delete) */
  addRows(table: IndexedTable, positions: ArrayLike<number>, only: readonly SecondaryIndex[] = this.list, check = false): void {
    if (only.length === 0 || positions.length === 0) return
    const ps = Float64Array.from(positions).filter(p => table.isLive(p))
    this.add(table, only, ps, index => index.columns.map(c => table.readPositions(c, ps)), check)
  }

  /** the indexes whose key includes one of `columns` */
  affectedBy(columns: readonly number[]): SecondaryIndex[] {
    return this.list.filter(ix => ix.columns.some(c => columns.includes(c)))
  }

  /** indexes whose method was not loaded when the database opened and is now: built from the live rows */
  revive(table: IndexedTable): void {
    for (let k = 0; k < this.list.length; k++) {
      const old = this.list[k]!
      if (!(old.instance instanceof PendingIndex) || !(old.type instanceof PendingIndexType) || old.type.available === undefined) continue
      let fresh: SecondaryIndex
      try {
        fresh = new SecondaryIndex(old.schema, old.name, old.columns, old.type, old.spec, old.sql)
        this.build(table, fresh)
      } catch {
        // the method refuses the stored definition: the index stays pending, queries read the table
        continue
      }
      old.attached = false
      this.list[k] = fresh
    }
  }

  /** after loading or replaying stored rows: every index rebuilt from the live rows */
  rebuild(table: IndexedTable): void {
    for (let k = 0; k < this.list.length; k++) {
      const old = this.list[k]!
      const fresh = new SecondaryIndex(old.schema, old.name, old.columns, old.type, old.spec, old.sql)
      this.build(table, fresh)
      old.attached = false
      this.list[k] = fresh
    }
  }

  private add(table: IndexedTable, indexes: readonly SecondaryIndex[], positions: Float64Array, keysOf: (index: SecondaryIndex) => Vector[], check: boolean): void {
    for (let x = 0; x < indexes.length; x++) {
      const index = indexes[x]!
      const keys = keysOf(index)
      const conflict = index.instance.insert(keys, positions)
      if (conflict < 0) continue
      const error = duplicateKey(table, index, keys, conflict)
      // take out what this call added: the rows before the conflict here, all rows in earlier indexes
      index.instance.remove(keys, positions.subarray(0, conflict))
      for (let y = 0; y < x; y++) indexes[y]!.instance.remove(keysOf(indexes[y]!), positions)
      if (!check) throw new InternalError(`index ${index.name} of ${table.name} refused a key it held before`)
      throw error
    }
  }
}

/** a probe value in the key column's internal form (integer values move between number and bigint) */
export function probeValue(v: Value, column: LogicalType): Value {
  if (v === null) return null
  if (column.id === 'BIGINT') return typeof v === 'number' ? BigInt(v) : v
  // a bigint out of the column's range compares like the nearest double: it matches no key
  if (isInteger(column) && typeof v === 'bigint') return Number(v)
  return v
}

const INTEGER_WIDTH: Readonly<Record<string, number>> = { TINYINT: 1, SMALLINT: 2, INTEGER: 4, BIGINT: 8 }

/** an integer type converted to an integer type at least as wide (never fails, keeps the order) */
export function widensInteger(from: LogicalType, to: LogicalType): boolean {
  const a = INTEGER_WIDTH[from.id], b = INTEGER_WIDTH[to.id]
  return a !== undefined && b !== undefined && a <= b
}

/**
 * The value of a probe expression: constants and parameters directly, widening integer casts
 * looked through (probeValue converts), anything else through `evaluate` (compiles code).
 */
export function probeExpressionValue(e: BoundExpr, params: readonly Value[], evaluate: (e: BoundExpr) => Value): Value {
  if (e.kind === 'const') return e.value
  if (e.kind === 'param') return params[e.index - 1] ?? null
  if (e.kind === 'cast' && !e.try && widensInteger(e.expr.type, e.type)) {
    return probeExpressionValue(e.expr, params, evaluate)
  }
  return evaluate(e)
}

function livePositions(table: IndexedTable): Float64Array {
  const out = new Float64Array(table.rowPositions)
  let n = 0
  for (let p = 0; p < table.rowPositions; p++) if (table.isLive(p)) out[n++] = p
  return out.subarray(0, n)
}

function duplicateKey(table: IndexedTable, index: SecondaryIndex, keys: readonly Vector[], row: number): GrizzlyError {
  const names = index.columns.map(c => table.columns[c]!.name)
  const types = index.columns.map(c => table.columns[c]!.type)
  return new GrizzlyError(SqlState.uniqueViolation,
    `Duplicate key "${describeKey(names, types, keys.map(k => getValue(k, row)))}" violates unique constraint (index ${index.name})`,
    { hint: `the unique index "${index.name}" allows each key once; remove the duplicate rows or drop the index` })
}

/**
 * A PRIMARY KEY / UNIQUE constraint's hash index, offered to the optimizer for equality on the
 * whole key; the table maintains it itself.
 */
export class ConstraintIndex implements TableIndex {
  readonly method = 'constraint'
  readonly unique = true
  readonly attached = true
  readonly instance: IndexInstance
  /** the position of the live row whose key is `equal` (probe values in this index's column order), undefined when none */
  readonly positionOf: (equal: readonly Value[]) => number | undefined

  constructor(readonly name: string, readonly columns: readonly number[], table: IndexedTable, hash: UniqueIndex) {
    const types = hash.columns.map(c => table.columns[c]!.type)
    this.instance = {
      capabilities: { equality: true, range: false },
      get size() { return hash.size },
      insert() { throw new InternalError(`constraint index ${name} is maintained by its table`) },
      remove() { throw new InternalError(`constraint index ${name} is maintained by its table`) },
      search(range: IndexRange): Float64Array {
        const p = lookup(range)
        return p === undefined ? new Float64Array(0) : Float64Array.of(p)
      },
      count(range: IndexRange): number { return lookup(range) === undefined ? 0 : 1 },
    }
    const lookup = (range: IndexRange): number | undefined => {
      if (range.equal.length !== types.length || range.lower !== null || range.upper !== null) {
        throw new InternalError(`constraint index ${name} serves equality on its whole key only`)
      }
      return this.positionOf(range.equal)
    }
    this.positionOf = equal => {
      const direct = types.length === 1 ? hash.keyOfValue(equal[0] ?? null) : undefined
      if (direct !== undefined) return hash.get(direct)
      // the hash index takes the key parts in its own column order
      const vectors = hash.columns.map((c, k) => constantVector(types[k]!, equal[columns.indexOf(c)] ?? null, 1))
      const key = hash.keyOfVectors(vectors, 0)
      return key === null ? undefined : hash.get(key)
    }
  }
}
