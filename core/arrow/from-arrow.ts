/**
 * apache-arrow → engine vectors, and a read-only TableProvider over an Arrow table so
 * `db.register(name, table)` scans it in place. Fixed-width numeric buffers are used without
 * copying; the validity bitmap becomes the engine's byte mask.
 */
import * as arrow from 'apache-arrow'
import { encodeTimeTz } from '../types/timetz.ts'
import { checkDays, locateOverflow, microsPer, millisToDays, timesToMicros, timestampsToMicros } from './temporal.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import {
  type LogicalType, type Value, BIGINT, BLOB, BOOLEAN, DATE, DOUBLE, INTEGER, NULL_TYPE, REAL, SMALLINT,
  TIME, TIMESTAMP, TIMESTAMPTZ, TINYINT, VARCHAR, INTERVAL, array, decimal, list, struct,
} from '../types/types.ts'
import { CHUNK_SIZE, DataChunk, Vector, VectorBuilder, slice } from '../vector/vector.ts'
import type { ScanRequest, TableProvider, Transaction } from '../catalog/catalog.ts'
import { ROW_ID_COLUMN } from '../catalog/catalog.ts'

export function logicalTypeOfArrow(t: arrow.DataType, column: string): LogicalType {
  if (arrow.DataType.isDictionary(t)) return logicalTypeOfArrow(t.dictionary, column)
  switch (t.typeId) {
    case arrow.Type.Null: return NULL_TYPE
    case arrow.Type.Bool: return BOOLEAN
    case arrow.Type.Int: {
      const it = t as arrow.Int
      if (it.isSigned) return it.bitWidth === 8 ? TINYINT : it.bitWidth === 16 ? SMALLINT : it.bitWidth === 32 ? INTEGER : BIGINT
      return it.bitWidth === 8 ? SMALLINT : it.bitWidth === 16 ? INTEGER : it.bitWidth === 32 ? BIGINT : decimal(20, 0)
    }
    case arrow.Type.Float: return (t as arrow.Float).precision === arrow.Precision.DOUBLE ? DOUBLE : REAL
    case arrow.Type.Decimal: { const d = t as arrow.Decimal; return decimal(d.precision, d.scale) }
    case arrow.Type.Utf8: case arrow.Type.LargeUtf8: return VARCHAR
    case arrow.Type.Binary: case arrow.Type.LargeBinary: case arrow.Type.FixedSizeBinary: return BLOB
    case arrow.Type.Date: return DATE
    case arrow.Type.Time: return TIME
    // a zone-aware Arrow timestamp holds UTC instants
    case arrow.Type.Timestamp: return (t as arrow.Timestamp).timezone ? TIMESTAMPTZ : TIMESTAMP
    case arrow.Type.Interval: return INTERVAL
    case arrow.Type.List: return list(logicalTypeOfArrow((t as arrow.List).children[0]!.type, column))
    case arrow.Type.FixedSizeList: {
      const f = t as arrow.FixedSizeList
      return array(logicalTypeOfArrow(f.children[0]!.type, column), f.listSize)
    }
    case arrow.Type.Struct:
      return struct((t as arrow.Struct).children.map(f => ({ name: f.name, type: logicalTypeOfArrow(f.type, column) })))
    default:
      throw new GrizzlyError(SqlState.featureNotSupported, `Arrow type ${String(t)} of column "${column}" is not supported yet`,
        { hint: 'cast the column to a supported type before registering the table' })
  }
}

function validityOf(data: arrow.Data): Uint8Array | null {
  if (data.nullCount === 0 || data.nullBitmap === undefined || data.nullBitmap.length === 0) return null
  const n = data.length, bits = data.nullBitmap, off = data.offset
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) { const b = off + i; out[i] = (bits[b >> 3]! >> (b & 7)) & 1 }
  return out
}

/** One Arrow Data (a column of one record batch) → a Vector of `type`. */
export function arrowDataToVector(data: arrow.Data, type: LogicalType): Vector {
  const n = data.length
  const t = data.type
  const isFixed = arrow.DataType.isInt(t) || arrow.DataType.isFloat(t) || (arrow.DataType.isDate(t) && (t as arrow.Date_).unit === arrow.DateUnit.DAY)
  if (isFixed && (type.id === 'TINYINT' || type.id === 'SMALLINT' || type.id === 'INTEGER' || type.id === 'BIGINT' ||
    type.id === 'REAL' || type.id === 'DOUBLE' || type.id === 'DATE')) {
    const values = data.values as Int32Array
    const sameWidth = (type.id === 'SMALLINT' && values instanceof Int16Array) || (type.id === 'TINYINT' && values instanceof Int8Array) ||
      (type.id === 'INTEGER' && values instanceof Int32Array) || (type.id === 'BIGINT' && values instanceof BigInt64Array) ||
      (type.id === 'REAL' && values instanceof Float32Array) || (type.id === 'DOUBLE' && values instanceof Float64Array) ||
      (type.id === 'DATE' && values instanceof Int32Array)
    if (sameWidth) {
      const mask = validityOf(data), own = values.subarray(0, n)
      if (type.id === 'DATE') checkDays(own, mask)
      return new Vector(type, n, own, mask)
    }
  }
  // 64-bit dates and timestamps from their raw values: arrow's getters go through milliseconds
  // (losing microseconds) and fail on the int64 extremes, which stand for ±infinity
  if (t.typeId === arrow.Type.Timestamp && (type.id === 'TIMESTAMP' || type.id === 'TIMESTAMPTZ')) {
    const mask = validityOf(data)
    return new Vector(type, n, timestampsToMicros(data.values as unknown as BigInt64Array, 0, n, microsPer((t as arrow.Timestamp).unit), mask), mask)
  }
  // TIME of any unit from its raw values (arrow's getter gives the unit's raw number, which was taken for milliseconds)
  if (t.typeId === arrow.Type.Time && type.id === 'TIME') {
    const tt = t as arrow.Time
    return new Vector(type, n, timesToMicros(data.values as Int32Array, tt.bitWidth, 0, n, microsPer(tt.unit)), validityOf(data))
  }
  if (arrow.DataType.isDate(t) && (t as arrow.Date_).unit === arrow.DateUnit.MILLISECOND && type.id === 'DATE') {
    const mask = validityOf(data)
    return new Vector(type, n, millisToDays(data.values as unknown as BigInt64Array, 0, n, mask), mask)
  }
  // FixedSizeList (FLOAT[n] embeddings): the child's values are already the flat layout
  if (type.id === 'ARRAY' && t.typeId === arrow.Type.FixedSizeList && data.children[0]!.length >= n * type.size) {
    const child = arrowDataToVector(data.children[0]!.slice(0, n * type.size), type.child)
    return new Vector(type, n, null, validityOf(data), null, [child])
  }
  // LIST and STRUCT from their children, so the children take the paths above (timestamps keep
  // their microseconds and infinities; no boxing per value). A list's offsets are sliced with it
  // but its child is not; a struct's children are sliced with it.
  if (type.id === 'LIST' && type.map !== true && t.typeId === arrow.Type.List) {
    const offs = data.valueOffsets as Int32Array
    const from = offs[0]!, to = offs[n]!
    const offsets = new Int32Array(n + 1)
    for (let i = 0; i <= n; i++) offsets[i] = offs[i]! - from
    const child = arrowDataToVector(data.children[0]!.slice(from, to - from), type.child)
    return new Vector(type, n, null, validityOf(data), offsets, [child])
  }
  if (type.id === 'STRUCT' && t.typeId === arrow.Type.Struct && data.children.length === type.fields.length && data.children.every(c => c.length === n)) {
    const children = type.fields.map((f, k) => arrowDataToVector(data.children[k]!, f.type))
    return new Vector(type, n, null, validityOf(data), null, children)
  }
  // Everything else goes through arrow's typed getters: correct for every type, slower.
  const vec = arrow.makeVector(data)
  const b = new VectorBuilder(type, n)
  for (let i = 0; i < n; i++) b.push(toInternal(vec.get(i), type))
  return b.finish()
}

function toInternal(v: unknown, type: LogicalType): Value {
  if (v === null || v === undefined) return null
  switch (type.id) {
    case 'BOOLEAN': return Boolean(v)
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'REAL': case 'DOUBLE': return Number(v)
    case 'BIGINT': return BigInt(v as bigint)
    case 'DECIMAL': case 'HUGEINT': {
      // arrow returns decimals as Uint32Array words (little endian, two's complement)
      let x = 0n
      if (v instanceof Uint32Array) {
        for (let w = v.length - 1; w >= 0; w--) x = (x << 32n) | BigInt(v[w]!)
        x = BigInt.asIntN(v.length * 32, x)
      } else x = BigInt(v as bigint)
      return type.id === 'DECIMAL' && type.width <= 15 ? Number(x) : x
    }
    case 'VARCHAR': return String(v)
    case 'BLOB': return v as Uint8Array
    case 'DATE': return Math.floor(Number(v) / 86_400_000)
    case 'TIMESTAMP': case 'TIMESTAMPTZ': return Number(v) * 1000
    case 'TIMETZ': return encodeTimeTz(Number(v) * 1000, 0)
    case 'TIME': return Number(v) * 1000
    case 'INTERVAL': {
      const a = v as Int32Array
      return { months: a[0] ?? 0, days: a[1] ?? 0, micros: 0 }
    }
    case 'LIST': case 'ARRAY': {
      const child = type.child
      const out: Value[] = []
      for (const x of v as Iterable<unknown>) out.push(toInternal(x, child))
      return out
    }
    case 'STRUCT': {
      const o: Record<string, Value> = {}
      const row = v as Record<string, unknown>
      for (const f of type.fields) o[f.name] = toInternal(row[f.name], f.type)
      return o
    }
    case 'NULL': return null
  }
}

export interface ArrowColumn { readonly name: string; readonly type: LogicalType }

/** Columns of an Arrow table as SQL types (throws 0A000 for types without a mapping). */
export function arrowColumns(table: arrow.Table): ArrowColumn[] {
  return table.schema.fields.map(f => ({ name: f.name, type: logicalTypeOfArrow(f.type, f.name) }))
}

/** A read-only table over an Arrow table; batches are converted lazily, one column at a time. */
export class ArrowTableProvider implements TableProvider {
  readonly columns: readonly ArrowColumn[]
  private readonly table: arrow.Table

  constructor(table: arrow.Table) {
    this.table = table
    this.columns = arrowColumns(table)
  }

  estimatedRows(_txn: Transaction): number { return this.table.numRows }

  *scan(_txn: Transaction, request: ScanRequest): Iterable<DataChunk> {
    let rowBase = 0
    for (const batch of this.table.batches) {
      const n = batch.numRows
      const full = request.columns.map(c => {
        if (c === ROW_ID_COLUMN) {
          const ids = new BigInt64Array(n)
          for (let i = 0; i < n; i++) ids[i] = BigInt(rowBase + i)
          return new Vector(BIGINT, n, ids, null)
        }
        const data = batch.getChildAt(c)!.data[0]!
        try {
          return arrowDataToVector(data, this.columns[c]!.type)
        } catch (e) { throw locateOverflow(e, this.columns[c]!.name) }
      })
      for (let start = 0; start < n; start += CHUNK_SIZE) {
        const end = Math.min(n, start + CHUNK_SIZE)
        yield new DataChunk(full.map(v => slice(v, start, end)), end - start)
      }
      rowBase += n
    }
  }
}
