/**
 * Hash index over the live rows of one PRIMARY KEY or UNIQUE key: key → row position.
 * Single-column keys use the raw value as the Map key (numbers, bigints and strings compare by
 * value in a Map); composite keys are encoded to one string. Keys with a NULL part are never
 * indexed, so NULLs never conflict (SQL rule).
 */
import type { LogicalType, PhysicalType, Value } from '../types/types.ts'
import { physicalOf } from '../types/types.ts'
import { getValue, type Vector } from '../vector/vector.ts'
import { ColumnSegment } from './column-segment.ts'

export type IndexKey = number | bigint | string | boolean

export class UniqueIndex {
  private readonly map = new Map<IndexKey, number>()
  /** physical type per key column, to normalise values that are not Map-comparable */
  private readonly physicals: PhysicalType[]

  constructor(
    /** table column indexes of the key, in key order */
    public columns: number[],
    readonly primary: boolean,
    types: readonly LogicalType[],
  ) {
    this.physicals = types.map(physicalOf)
  }

  get size(): number { return this.map.size }
  get(key: IndexKey): number | undefined { return this.map.get(key) }
  set(key: IndexKey, position: number): void { this.map.set(key, position) }
  delete(key: IndexKey): void { this.map.delete(key) }
  clear(): void { this.map.clear() }

  setColumnType(keyPart: number, type: LogicalType): void { this.physicals[keyPart] = physicalOf(type) }

  /** key of row i of `vectors` (one per key column, in key order); null when a part is NULL */
  keyOfVectors(vectors: readonly Vector[], i: number): IndexKey | null {
    if (vectors.length === 1) {
      const v = vectors[0]!
      if (v.validity !== null ? v.validity[i] === 0 : v.physical === 'null') return null
      return normalise(this.physicals[0]!, rawOf(v, i))
    }
    const parts: string[] = []
    for (let k = 0; k < vectors.length; k++) {
      const v = vectors[k]!
      if (v.validity !== null ? v.validity[i] === 0 : v.physical === 'null') return null
      parts.push(String(normalise(this.physicals[k]!, rawOf(v, i))))
    }
    return JSON.stringify(parts)
  }

  /** key of stored row `offset` of a row group (segments in key order) */
  keyOfSegments(segments: readonly ColumnSegment[], offset: number): IndexKey | null {
    if (segments.length === 1) {
      const s = segments[0]!
      if (!s.isValid(offset)) return null
      return normalise(this.physicals[0]!, s.rawAt(offset))
    }
    const parts: string[] = []
    for (let k = 0; k < segments.length; k++) {
      const s = segments[k]!
      if (!s.isValid(offset)) return null
      parts.push(String(normalise(this.physicals[k]!, s.rawAt(offset))))
    }
    return JSON.stringify(parts)
  }

  /** key whose parts come from vectors (row `row`) or stored segments (row `offset`) */
  keyOfMixed(sources: readonly (Vector | ColumnSegment)[], row: number, offset: number): IndexKey | null {
    const parts: IndexKey[] = []
    for (let k = 0; k < sources.length; k++) {
      const s = sources[k]!
      let raw: unknown
      if (s instanceof ColumnSegment) {
        if (!s.isValid(offset)) return null
        raw = s.rawAt(offset)
      } else {
        if (s.validity !== null ? s.validity[row] === 0 : s.physical === 'null') return null
        raw = rawOf(s, row)
      }
      parts.push(normalise(this.physicals[k]!, raw))
    }
    return parts.length === 1 ? parts[0]! : JSON.stringify(parts.map(String))
  }
}

function rawOf(v: Vector, i: number): unknown {
  switch (v.physical) {
    case 'list': case 'array': case 'struct': return getValue(v, i)
    case 'null': return null
    default: return (v.data as ArrayLike<unknown>)[i]
  }
}

function normalise(p: PhysicalType, raw: unknown): IndexKey {
  switch (p) {
    case 'u8': case 'i8': case 'i16': case 'i32': case 'date': case 'f32': case 'f64':
      return raw as number
    case 'i64': case 'big': return raw as bigint
    case 'str': return raw as string
    case 'blob': return Buffer.from(raw as Uint8Array).toString('latin1')
    case 'interval': {
      const iv = raw as { months: number; days: number; micros: number }
      return `${iv.months}|${iv.days}|${iv.micros}`
    }
    case 'list': case 'array': case 'struct': return JSON.stringify(raw, (_k, x: unknown) => typeof x === 'bigint' ? `${x}n` : x)
    case 'null': return ''
  }
}

// ---- messages ---------------------------------------------------------------------------------

/** `id: 1` / `a: 1, b: x` as DuckDB's duplicate-key message shows a key */
export function describeKey(names: readonly string[], types: readonly LogicalType[], values: readonly Value[]): string {
  return names.map((n, k) => `${n}: ${formatKeyValue(types[k]!, values[k] ?? null)}`).join(', ')
}

export function formatKeyValue(type: LogicalType, value: Value): string {
  if (value === null) return 'NULL'
  switch (type.id) {
    case 'DECIMAL': return formatDecimal(value as number | bigint, type.scale)
    case 'DATE': return formatDate(value as number)
    case 'TIMESTAMP': {
      const micros = value as number
      const days = Math.floor(micros / 86_400_000_000)
      return `${formatDate(days)} ${formatTime(micros - days * 86_400_000_000)}`
    }
    case 'TIME': return formatTime(value as number)
    case 'BOOLEAN': return value === true || value === 1 ? 'true' : 'false'
    case 'VARCHAR': return value as string
    case 'BLOB': return Buffer.from(value as Uint8Array).toString('hex')
    default:
      if (typeof value === 'number' || typeof value === 'bigint') return String(value)
      return JSON.stringify(value, (_k, x: unknown) => typeof x === 'bigint' ? String(x) : x)
  }
}

function formatDecimal(scaled: number | bigint, scale: number): string {
  const big = typeof scaled === 'bigint' ? scaled : BigInt(Math.round(scaled))
  if (scale === 0) return String(big)
  const negative = big < 0n
  const digits = (negative ? -big : big).toString().padStart(scale + 1, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`
}

function formatDate(days: number): string {
  const d = new Date(days * 86_400_000)
  const y = d.getUTCFullYear()
  const year = y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0')
  return `${year}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`
}

function formatTime(micros: number): string {
  const totalSeconds = Math.floor(micros / 1_000_000)
  const frac = micros - totalSeconds * 1_000_000
  const h = Math.floor(totalSeconds / 3600), m = Math.floor(totalSeconds / 60) % 60, s = totalSeconds % 60
  const base = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
  return frac === 0 ? base : `${base}.${String(frac).padStart(6, '0').replace(/0+$/, '')}`
}
