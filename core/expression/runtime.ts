/**
 * Value-level helpers shared by the generated loops and the interpreter: ordering of every
 * type (SQL semantics, not JavaScript's), interval normalisation, defaults for NULL slots.
 */
import { InternalError } from '../errors.ts'
import { type Interval, type LogicalType, type PhysicalType, type Value, physicalOf } from '../types/types.ts'

// One ordering for the whole engine lives in core/functions/compare.ts; the generated loops
// reach it through this module's runtime object.
export { compareBytes, compareFloat, compareValues, intervalKey } from '../functions/compare.ts'

/** The JavaScript value a NULL slot of this physical type holds in generated loops. */
export function defaultLiteral(p: PhysicalType): string {
  switch (p) {
    case 'u8': return 'false'
    case 'i8': case 'i16': case 'i32': case 'f32': case 'f64': case 'date': return '0'
    case 'i64': case 'big': return '0n'
    case 'str': return "''"
    case 'blob': return 'rt.EMPTY_BYTES'
    case 'interval': return 'rt.ZERO_INTERVAL'
    case 'null': case 'list': case 'array': case 'struct': return 'null'
  }
}

export const EMPTY_BYTES = new Uint8Array(0)
export const ZERO_INTERVAL: Interval = Object.freeze({ months: 0, days: 0, micros: 0 })

/** Physical types whose values are flat scalars the generated loops can handle. */
export function isFlat(t: LogicalType): boolean {
  const p = physicalOf(t)
  return p !== 'list' && p !== 'array' && p !== 'struct'
}

/**
 * Brings a boxed value (a constant or parameter) to the exact internal form of `type`, so the
 * loops never mix number and bigint: parameters may arrive as numbers for BIGINT columns.
 */
export function normalizeValue(value: Value, type: LogicalType): Value {
  if (value === null) return null
  const p = physicalOf(type)
  switch (p) {
    case 'i64': case 'big':
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) throw new InternalError(`non-integer ${value} given for ${type.id}`)
        return BigInt(value)
      }
      return value
    case 'i8': case 'i16': case 'i32': case 'f32': case 'f64': case 'date':
      if (typeof value === 'bigint') return Number(value)
      if (typeof value === 'boolean') return value ? 1 : 0
      return value
    case 'u8': return value === true || value === 1
    default: return value
  }
}
