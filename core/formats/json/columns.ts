/**
 * Column builders for the JSON scan: JSON values go straight into the typed arrays of the
 * common types (BIGINT as two 32-bit halves, no BigInt per value; DOUBLE; BOOLEAN; VARCHAR);
 * other types take the generic path (convertJson + VectorBuilder).
 */
import type { LogicalType, Value } from '../../types/types.ts'
import { Vector, VectorBuilder } from '../../vector/vector.ts'
import type { JsonValue } from './parse.ts'
import { UnsafeInteger, convertJson, jsonText } from './schema.ts'

export interface JsonColumn {
  /** appends v as row `row` (rows come in order); throws JsonConversionError when it does not fit */
  set(row: number, v: JsonValue): void
  finish(rows: number): Vector
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

export function jsonColumn(type: LogicalType, capacity: number): JsonColumn {
  switch (type.id) {
    case 'BIGINT': return LITTLE_ENDIAN ? new BigintColumn(type, capacity) : new GenericColumn(type, capacity)
    case 'DOUBLE': return new DoubleColumn(type, capacity)
    case 'BOOLEAN': return new BooleanColumn(type, capacity)
    case 'VARCHAR': return new VarcharColumn(type, capacity)
    default: return new GenericColumn(type, capacity)
  }
}

abstract class TypedColumn implements JsonColumn {
  protected readonly validity: Uint8Array
  protected nulls = 0
  constructor(readonly type: LogicalType, capacity: number) { this.validity = new Uint8Array(capacity) }
  set(row: number, v: JsonValue): void {
    if (v === null) { this.validity[row] = 0; this.nulls++; return }
    this.validity[row] = 1
    this.store(row, v)
  }
  protected abstract store(row: number, v: JsonValue): void
  protected abstract data(rows: number): Vector['data']
  finish(rows: number): Vector {
    return new Vector(this.type, rows, this.data(rows), this.nulls === 0 ? null : this.validity.slice(0, rows))
  }
}

class BigintColumn extends TypedColumn {
  private readonly values: BigInt64Array
  private readonly halves: Int32Array
  constructor(type: LogicalType, capacity: number) {
    super(type, capacity)
    this.values = new BigInt64Array(capacity)
    this.halves = new Int32Array(this.values.buffer)
  }
  protected store(row: number, v: JsonValue): void {
    if (typeof v === 'number' && Number.isInteger(v)) {
      if (!Number.isSafeInteger(v)) throw new UnsafeInteger(`${v} may have been rounded`)
      this.halves[2 * row] = v | 0
      this.halves[2 * row + 1] = Math.floor(v / 4294967296)
      return
    }
    this.values[row] = convertJson(v, this.type) as bigint
  }
  protected data(rows: number): Vector['data'] { return this.values.subarray(0, rows) }
}

class DoubleColumn extends TypedColumn {
  private readonly values: Float64Array
  constructor(type: LogicalType, capacity: number) { super(type, capacity); this.values = new Float64Array(capacity) }
  protected store(row: number, v: JsonValue): void {
    this.values[row] = typeof v === 'number' ? v : convertJson(v, this.type) as number
  }
  protected data(rows: number): Vector['data'] { return this.values.subarray(0, rows) }
}

class BooleanColumn extends TypedColumn {
  private readonly values: Uint8Array
  constructor(type: LogicalType, capacity: number) { super(type, capacity); this.values = new Uint8Array(capacity) }
  protected store(row: number, v: JsonValue): void {
    if (typeof v === 'boolean') { this.values[row] = v ? 1 : 0; return }
    this.values[row] = convertJson(v, this.type) === true ? 1 : 0
  }
  protected data(rows: number): Vector['data'] { return this.values.subarray(0, rows) }
}

class VarcharColumn extends TypedColumn {
  private readonly values: string[]
  constructor(type: LogicalType, capacity: number) { super(type, capacity); this.values = new Array<string>(capacity).fill('') }
  protected store(row: number, v: JsonValue): void {
    this.values[row] = typeof v === 'string' ? v : jsonText(v)
  }
  protected data(rows: number): Vector['data'] { this.values.length = rows; return this.values }
}

/** Any other type: converted values kept by row (a row that fails later is overwritten), built at the end. */
class GenericColumn implements JsonColumn {
  private readonly values: Value[]
  constructor(readonly type: LogicalType, capacity: number) { this.values = new Array<Value>(capacity).fill(null) }
  set(row: number, v: JsonValue): void { this.values[row] = convertJson(v, this.type) }
  finish(rows: number): Vector {
    const b = new VectorBuilder(this.type, Math.max(rows, 1))
    for (let i = 0; i < rows; i++) b.push(this.values[i]!)
    return b.finish()
  }
}
