/**
 * Engine vectors → apache-arrow. Fixed-width numeric columns share their buffers with the
 * Arrow Data (no copy); booleans, validity masks, strings and temporal types that Arrow stores
 * differently are converted.
 */
import * as arrow from 'apache-arrow'
import type { Interval, LogicalType, StructType } from '../types/types.ts'
import type { DataChunk, Vector } from '../vector/vector.ts'
import { InternalError } from '../errors.ts'
import { BIGINT_MAX } from '../types/types.ts'
import { MICROS_PER_DAY } from '../types/datetime.ts'
import { timeTzMicros, timeTzOffset } from '../types/timetz.ts'

export function arrowTypeOf(t: LogicalType): arrow.DataType {
  switch (t.id) {
    case 'NULL': return new arrow.Null()
    case 'BOOLEAN': return new arrow.Bool()
    case 'TINYINT': return new arrow.Int8()
    case 'SMALLINT': return new arrow.Int16()
    case 'INTEGER': return new arrow.Int32()
    case 'BIGINT': return new arrow.Int64()
    case 'REAL': return new arrow.Float32()
    case 'DOUBLE': return new arrow.Float64()
    case 'DECIMAL': return new arrow.Decimal(t.scale, t.width, 128)
    // as DuckDB exports it by default
    case 'HUGEINT': return new arrow.Decimal(0, 38, 128)
    case 'VARCHAR': return new arrow.Utf8()
    case 'BLOB': return new arrow.Binary()
    case 'DATE': return new arrow.DateDay()
    case 'TIME': return new arrow.TimeMicrosecond()
    case 'TIMESTAMP': return new arrow.TimestampMicrosecond()
    case 'TIMESTAMPTZ': return new arrow.TimestampMicrosecond('UTC')
    // Arrow has no time with an offset: the UTC time of day, as DuckDB exports it
    case 'TIMETZ': return new arrow.TimeMicrosecond()
    case 'INTERVAL': return new arrow.IntervalMonthDayNano()
    case 'LIST': return new arrow.List(new arrow.Field('item', arrowTypeOf(t.child), true))
    case 'ARRAY': return new arrow.FixedSizeList(t.size, new arrow.Field('item', arrowTypeOf(t.child), true))
    case 'STRUCT': return new arrow.Struct(t.fields.map(f => new arrow.Field(f.name, arrowTypeOf(f.type), true)))
  }
}

function bitmapOf(validity: Uint8Array | null, n: number): { bitmap: Uint8Array | undefined; nullCount: number } {
  if (validity === null) return { bitmap: undefined, nullCount: 0 }
  const bitmap = new Uint8Array((n + 7) >> 3)
  let nulls = 0
  for (let i = 0; i < n; i++) {
    if (validity[i] === 1) bitmap[i >> 3]! |= 1 << (i & 7)
    else nulls++
  }
  return { bitmap, nullCount: nulls }
}

export function vectorToArrowData(v: Vector): arrow.Data {
  const n = v.length
  const type = arrowTypeOf(v.type)
  const { bitmap, nullCount } = bitmapOf(v.validity, n)
  const base = { length: n, nullCount, nullBitmap: bitmap }
  switch (v.type.id) {
    case 'NULL': return arrow.makeData({ type: type as arrow.Null, length: n, nullCount: n })
    case 'BOOLEAN': {
      const src = v.data as Uint8Array
      const bits = new Uint8Array((n + 7) >> 3)
      for (let i = 0; i < n; i++) if (src[i] === 1) bits[i >> 3]! |= 1 << (i & 7)
      return arrow.makeData({ ...base, type: type as arrow.Bool, data: bits })
    }
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'BIGINT':
      return arrow.makeData({ ...base, type: type as arrow.Int, data: v.data as Int32Array })
    case 'REAL': case 'DOUBLE':
      return arrow.makeData({ ...base, type: type as arrow.Float, data: v.data as Float64Array })
    case 'DATE':
      return arrow.makeData({ ...base, type: type as arrow.DateDay, data: v.data as Int32Array })
    case 'TIME': case 'TIMESTAMP': case 'TIMESTAMPTZ': {
      const src = v.data as Float64Array
      const out = new BigInt64Array(n)
      // ±infinity as the int64 extremes ±(2^63 − 1), as DuckDB writes them; the largest finite
      // timestamp is 2^63 as a double, which would wrap to −2^63, so it is written one below the extreme
      for (let i = 0; i < n; i++) {
        const x = src[i]!
        out[i] = Number.isFinite(x) ? (x >= TWO_63 ? BIGINT_MAX - 1n : BigInt(x)) : x > 0 ? BIGINT_MAX : -BIGINT_MAX
      }
      return arrow.makeData({ ...base, type: type as arrow.Timestamp, data: out })
    }
    case 'TIMETZ': {
      const src = v.data as BigInt64Array
      const out = new BigInt64Array(n)
      for (let i = 0; i < n; i++) {
        const utc = timeTzMicros(src[i]!) - timeTzOffset(src[i]!) * 1_000_000
        out[i] = BigInt(((utc % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY)
      }
      return arrow.makeData({ ...base, type: type as arrow.TimeMicrosecond, data: out })
    }
    case 'DECIMAL': case 'HUGEINT': {
      const words = new Uint32Array(n * 4)
      const src = v.data as Float64Array | bigint[]
      for (let i = 0; i < n; i++) {
        let x = BigInt.asUintN(128, BigInt(src[i] ?? 0))
        for (let w = 0; w < 4; w++) { words[i * 4 + w] = Number(x & 0xffffffffn); x >>= 32n }
      }
      return arrow.makeData({ ...base, type: type as arrow.Decimal, data: words })
    }
    case 'VARCHAR': case 'BLOB': {
      const isText = v.type.id === 'VARCHAR'
      const src = v.data as (string | Uint8Array)[]
      const encoder = new TextEncoder()
      const offsets = new Int32Array(n + 1)
      const parts: Uint8Array[] = []
      let total = 0
      for (let i = 0; i < n; i++) {
        const valid = v.validity === null || v.validity[i] === 1
        const bytes = !valid ? EMPTY : isText ? encoder.encode(src[i] as string) : (src[i] as Uint8Array)
        parts.push(bytes)
        total += bytes.length
        offsets[i + 1] = total
      }
      const data = new Uint8Array(total)
      let at = 0
      for (const p of parts) { data.set(p, at); at += p.length }
      return arrow.makeData({ ...base, type: type as arrow.Utf8, data, valueOffsets: offsets })
    }
    case 'INTERVAL': {
      const src = v.data as Interval[]
      const words = new Int32Array(n * 4)
      const view = new DataView(words.buffer)
      for (let i = 0; i < n; i++) {
        const iv = src[i] ?? { months: 0, days: 0, micros: 0 }
        words[i * 4] = iv.months
        words[i * 4 + 1] = iv.days
        view.setBigInt64(i * 16 + 8, BigInt(iv.micros) * 1000n, true)
      }
      return arrow.makeData({ ...base, type: type as arrow.IntervalMonthDayNano, data: words })
    }
    case 'LIST': {
      const child = vectorToArrowData(v.children[0]!)
      return arrow.makeData({ ...base, type: type as arrow.List, valueOffsets: v.offsets!, child })
    }
    case 'ARRAY': {
      const child = vectorToArrowData(v.children[0]!)
      return arrow.makeData({ ...base, type: type as arrow.FixedSizeList, child })
    }
    case 'STRUCT': {
      const children = v.children.map(c => vectorToArrowData(c))
      if (children.length !== (v.type as StructType).fields.length) throw new InternalError('struct vector has the wrong number of children')
      return arrow.makeData({ ...base, type: type as arrow.Struct, children })
    }
  }
}

const EMPTY = new Uint8Array(0)
const TWO_63 = 2 ** 63

export function chunksToArrow(columns: readonly { readonly name: string; readonly type: LogicalType }[], chunks: readonly DataChunk[]): arrow.Table {
  const fields = columns.map(c => new arrow.Field(c.name, arrowTypeOf(c.type), true))
  const schema = new arrow.Schema(fields)
  const structType = new arrow.Struct(fields)
  const batches = chunks.filter(c => c.size > 0).map(chunk => {
    const children = chunk.columns.map(col => vectorToArrowData(col))
    const data = arrow.makeData({ type: structType, length: chunk.size, nullCount: 0, children })
    return new arrow.RecordBatch(schema, data)
  })
  return batches.length === 0 ? new arrow.Table(schema) : new arrow.Table(schema, batches)
}
