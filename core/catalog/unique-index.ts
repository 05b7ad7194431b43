/**
 * Hash index over the live rows of one PRIMARY KEY or UNIQUE key: key → row position.
 * Single-column numeric keys (BIGINT included while exact as a double) go to a typed-array hash
 * table; strings, wide integers and composite keys (encoded as one string) to a Map. Keys with a
 * NULL part are never indexed, so NULLs never conflict (SQL rule). Positions must stay below
 * 2^31.
 */
import type { LogicalType, PhysicalType, Value } from '../types/types.ts'
import { physicalOf } from '../types/types.ts'
import { getValue, type Vector } from '../vector/vector.ts'
import type { ColumnSegment } from './column-segment.ts'
import { NumberKeyMap } from './number-key-map.ts'

export type IndexKey = number | bigint | string | boolean

export class UniqueIndex {
  /** numeric keys (BIGINT ones too while they fit a double exactly) */
  private readonly numbers = new NumberKeyMap()
  /** every other key: strings, wide bigints, encoded composite keys */
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

  get size(): number { return this.numbers.size + this.map.size }
  get(key: IndexKey): number | undefined { return typeof key === 'number' ? this.numbers.get(key) : this.map.get(key) }
  set(key: IndexKey, position: number): void {
    if (typeof key === 'number') this.numbers.set(key, position)
    else this.map.set(key, position)
  }
  delete(key: IndexKey): void {
    if (typeof key === 'number') this.numbers.delete(key)
    else this.map.delete(key)
  }
  clear(): void { this.numbers.clear(); this.map.clear() }
  /** room for `extra` more numeric keys */
  reserve(extra: number): void { this.numbers.reserve(this.numbers.size + extra) }

  /**
   * The key of a single-column probe value when it is stored as it is (an INTEGER number, a
   * DOUBLE, a string), so a point lookup needs no vector; undefined for anything else, which
   * keyOfVectors converts as a stored key was.
   */
  keyOfValue(v: Value): IndexKey | undefined {
    if (this.physicals.length !== 1) return undefined
    const p = this.physicals[0]!
    if (typeof v === 'number' ? (p === 'i32' && (v | 0) === v) || p === 'f64' : typeof v === 'string' && p === 'str') return v as number | string
    return undefined
  }

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

  /** key of stored row `offset` of a row group (`segments`: all of the group's columns) */
  keyOfStored(segments: readonly ColumnSegment[], offset: number): IndexKey | null {
    const columns = this.columns
    if (columns.length === 1) {
      const s = segments[columns[0]!]!
      return s.isValid(offset) ? normalise(this.physicals[0]!, s.rawAt(offset)) : null
    }
    return this.keyOfUpdated(segments, offset, null, 0)
  }

  /** like keyOfStored, with key part k taken from row `row` of `updated[k]` where that is not null */
  keyOfUpdated(segments: readonly ColumnSegment[], offset: number, updated: readonly (Vector | null)[] | null, row: number): IndexKey | null {
    const columns = this.columns
    let single: IndexKey | null = null
    let parts: string[] | null = null
    for (let k = 0; k < columns.length; k++) {
      const v = updated === null ? null : updated[k]!
      let raw: unknown
      if (v !== null) {
        if (v.validity !== null ? v.validity[row] === 0 : v.physical === 'null') return null
        raw = rawOf(v, row)
      } else {
        const s = segments[columns[k]!]!
        if (!s.isValid(offset)) return null
        raw = s.rawAt(offset)
      }
      const part = normalise(this.physicals[k]!, raw)
      if (columns.length === 1) single = part
      else (parts ??= []).push(String(part))
    }
    return parts === null ? single : JSON.stringify(parts)
  }
}

function rawOf(v: Vector, i: number): unknown {
  switch (v.physical) {
    case 'list': case 'array': case 'struct': return getValue(v, i)
    case 'null': return null
    default: return (v.data as ArrayLike<unknown>)[i]
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

function normalise(p: PhysicalType, raw: unknown): IndexKey {
  switch (p) {
    case 'u8': case 'i8': case 'i16': case 'i32': case 'date': case 'f32': case 'f64':
      return raw as number
    case 'i64': case 'big': {
      const b = raw as bigint
      return b >= -MAX_SAFE && b <= MAX_SAFE ? Number(b) : b
    }
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
