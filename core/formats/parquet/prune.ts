/**
 * Row-group pruning: whether a row group's min/max/null-count statistics prove that no row
 * can pass a pushed filter. Only ever says "skip" when it is sure; anything it cannot decode
 * (unsigned, INT96, float upper bounds where NaN may hide, types it does not know) keeps the group.
 */
import type { TableFunctionFilter } from '../../hooks/contracts.ts'
import { type LogicalType, type Value, DECIMAL_FLOAT_MAX_WIDTH, typeEquals } from '../../types/types.ts'
import { timestampToMicros } from '../../arrow/temporal.ts'
import { Physical, type ColumnChunk, type TopColumn } from './footer.ts'
import { bin, num, struct, field, type TStruct } from './thrift.ts'

type Bound = number | bigint | Uint8Array

interface ChunkStats { readonly min: Bound | undefined; readonly max: Bound | undefined; readonly nulls: number | undefined }

function view(b: Uint8Array): DataView { return new DataView(b.buffer, b.byteOffset, b.byteLength) }

function isUnsigned(leaf: TStruct): boolean {
  const converted = num(leaf, 6)
  if (converted !== undefined && converted >= 11 && converted <= 14) return true
  const integer = struct(struct(leaf, 10) ?? [], 10)
  return integer !== undefined && field(integer, 2) === false
}

/** microseconds per stored unit of a TIMESTAMP leaf, or undefined when it is not one we read */
function timestampScale(leaf: TStruct): number | undefined {
  const ts = struct(struct(leaf, 10) ?? [], 8)
  if (ts !== undefined) {
    const unit = struct(ts, 2) ?? []
    if (struct(unit, 1) !== undefined) return 1000
    if (struct(unit, 2) !== undefined) return 1
    if (struct(unit, 3) !== undefined) return 0.001
    return undefined
  }
  const converted = num(leaf, 6)
  return converted === 9 ? 1000 : converted === 10 ? 1 : undefined
}

function bigEndianSigned(b: Uint8Array): bigint {
  let x = 0n
  for (const byte of b) x = (x << 8n) | BigInt(byte)
  return b.length === 0 ? 0n : BigInt.asIntN(b.length * 8, x)
}

/** A statistics value as the engine value of `type` (numbers, bigints) or raw bytes for text. */
function decode(raw: Uint8Array | undefined, physical: number, leaf: TStruct, type: LogicalType): Bound | undefined {
  if (raw === undefined) return undefined
  const size = raw.byteLength
  switch (type.id) {
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'DATE':
      return physical === Physical.Int32 && size === 4 ? view(raw).getInt32(0, true) : undefined
    case 'BIGINT':
      return physical === Physical.Int64 && size === 8 ? view(raw).getBigInt64(0, true) : undefined
    case 'DECIMAL': {
      let x: bigint
      if (physical === Physical.Int32 && size === 4) x = BigInt(view(raw).getInt32(0, true))
      else if (physical === Physical.Int64 && size === 8) x = view(raw).getBigInt64(0, true)
      else if (physical === Physical.FixedLenByteArray || physical === Physical.ByteArray) x = bigEndianSigned(raw)
      else return undefined
      return type.width <= DECIMAL_FLOAT_MAX_WIDTH ? Number(x) : x
    }
    case 'TIMESTAMP': {
      const scale = timestampScale(leaf)
      if (physical !== Physical.Int64 || size !== 8 || scale === undefined) return undefined
      // the int64 extremes are ±infinity, as the reader maps them
      return timestampToMicros(view(raw).getBigInt64(0, true), scale)
    }
    case 'REAL': return physical === Physical.Float && size === 4 ? view(raw).getFloat32(0, true) : undefined
    case 'DOUBLE': return physical === Physical.Double && size === 8 ? view(raw).getFloat64(0, true) : undefined
    case 'VARCHAR': return physical === Physical.ByteArray ? raw : undefined
    default: return undefined
  }
}

export function chunkStats(column: TopColumn, chunk: ColumnChunk, type: LogicalType): ChunkStats {
  const leaf = column.leaf
  const stats = struct(chunk.meta, 12)
  if (leaf === null || stats === undefined) return { min: undefined, max: undefined, nulls: undefined }
  const physical = num(leaf, 1) ?? -1
  const nulls = num(stats, 3)
  if (isUnsigned(leaf)) return { min: undefined, max: undefined, nulls }
  let minRaw = bin(stats, 6), maxRaw = bin(stats, 5)
  // the deprecated min/max used signed order, which is right only for signed numbers
  const signedOrder = physical === Physical.Int32 || physical === Physical.Int64 || physical === Physical.Float || physical === Physical.Double
  if (minRaw === undefined && signedOrder) minRaw = bin(stats, 2)
  if (maxRaw === undefined && signedOrder) maxRaw = bin(stats, 1)
  return { min: decode(minRaw, physical, leaf, type), max: decode(maxRaw, physical, leaf, type), nulls }
}

const utf8 = new TextEncoder()

function compare(a: Bound, b: Bound): number {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length)
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
    return a.length - b.length
  }
  return a < b ? -1 : a > b ? 1 : 0
}

function asBound(v: Value, type: LogicalType): Bound | undefined {
  if (type.id === 'VARCHAR') return typeof v === 'string' ? utf8.encode(v) : undefined
  if (type.id === 'BIGINT' || (type.id === 'DECIMAL' && type.width > DECIMAL_FLOAT_MAX_WIDTH)) return typeof v === 'bigint' ? v : undefined
  return typeof v === 'number' && !Number.isNaN(v) ? v : undefined
}

/**
 * True when no row of a chunk with these statistics and `rows` rows can satisfy `filter`.
 * `type` is the column's type in the file.
 */
export function excludes(filter: TableFunctionFilter, stats: ChunkStats, rows: number, type: LogicalType): boolean {
  const { min, max, nulls } = stats
  if (filter.kind === 'is_null') {
    if (nulls === undefined) return false
    return filter.not ? nulls >= rows : nulls === 0
  }
  if (nulls !== undefined && rows > 0 && nulls >= rows) return true
  if (!typeEquals(filter.type, type)) return false
  // NaN sorts above every number but is left out of statistics: an upper bound proves nothing
  const float = type.id === 'REAL' || type.id === 'DOUBLE'
  const outside = (v: Bound): boolean =>
    (min !== undefined && compare(v, min) < 0) || (max !== undefined && !float && compare(v, max) > 0)
  if (filter.kind === 'in') {
    const bounds = filter.values.map(v => v === null ? undefined : asBound(v, type))
    if (bounds.some(b => b === undefined)) return false
    return bounds.every(b => outside(b!))
  }
  const v = asBound(filter.value, type)
  if (v === undefined) return false
  switch (filter.op) {
    case '=': return outside(v)
    case '<': return min !== undefined && compare(min, v) >= 0
    case '<=': return min !== undefined && compare(min, v) > 0
    case '>': return max !== undefined && !float && compare(max, v) <= 0
    case '>=': return max !== undefined && !float && compare(max, v) < 0
  }
}
