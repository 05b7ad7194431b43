/**
 * TIME WITH TIME ZONE values and zone offsets. A TIMETZ is a time of day plus the UTC offset it
 * was written with, kept as one BIGINT key whose integer order is DuckDB's order: by the UTC
 * instant first, then the larger offset first (`13:00:00+01 < 12:00:00+00`, equal only when
 * both the time and the offset are). Offsets are whole seconds within ±15:59:59, as DuckDB.
 */
import { MICROS_PER_SECOND } from './datetime.ts'

/** ±15:59:59, in seconds */
export const MAX_TZ_OFFSET = 16 * 3600 - 1
const OFFSET_BITS = 17n // 2 * MAX_TZ_OFFSET + 1 < 2^17
const OFFSET_MASK = (1n << OFFSET_BITS) - 1n
const UTC_BIAS = MAX_TZ_OFFSET * MICROS_PER_SECOND

/** Key for `micros` (0 ≤ micros ≤ 24:00:00) written at `offset` seconds east of UTC. */
export function encodeTimeTz(micros: number, offset: number): bigint {
  const utc = micros - offset * MICROS_PER_SECOND + UTC_BIAS
  return (BigInt(utc) << OFFSET_BITS) | BigInt(MAX_TZ_OFFSET - offset)
}

/** Offset in seconds east of UTC. */
export function timeTzOffset(key: bigint): number { return MAX_TZ_OFFSET - Number(key & OFFSET_MASK) }

/** The local time of day in microseconds. */
export function timeTzMicros(key: bigint): number {
  return Number(key >> OFFSET_BITS) - UTC_BIAS + timeTzOffset(key) * MICROS_PER_SECOND
}

/** `+HH`, `+HH:MM` or `+HH:MM:SS`, the shortest that is exact (DuckDB's and PostgreSQL's form). */
export function formatOffset(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+'
  const a = Math.abs(seconds)
  const h = Math.floor(a / 3600), m = Math.floor((a % 3600) / 60), s = a % 60
  let out = sign + pad2(h)
  if (m !== 0 || s !== 0) out += ':' + pad2(m)
  if (s !== 0) out += ':' + pad2(s)
  return out
}

function pad2(n: number): string { return n < 10 ? `0${n}` : String(n) }

const zoneFormatters = new Map<string, Intl.DateTimeFormat>()

/**
 * Offset in seconds of the named IANA zone (`Europe/Berlin`) at the UTC instant `utcMicros`,
 * from the platform's time-zone database; undefined when the name is unknown.
 */
export function namedZoneOffset(zone: string, utcMicros: number): number | undefined {
  let f = zoneFormatters.get(zone)
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
      })
    } catch { return undefined }
    zoneFormatters.set(zone, f)
  }
  const ms = Math.floor(utcMicros / 1000)
  // Date covers ±8.64e15 ms; outside it use the offset at the nearest end
  const clamped = Math.max(-8.64e15, Math.min(8.64e15, ms))
  const parts: Record<string, string> = {}
  for (const p of f.formatToParts(new Date(clamped))) parts[p.type] = p.value
  let year = Number(parts.year)
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year
  const local = Date.UTC(0, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second))
  const d = new Date(local)
  d.setUTCFullYear(year)
  const wholeSecondUtc = Math.floor(clamped / 1000) * 1000
  return Math.round((d.getTime() - wholeSecondUtc) / 1000)
}

/** Offset of a named zone for a wall-clock time there (the offset in force at that moment). */
export function namedZoneOffsetAtLocal(zone: string, localMicros: number): number | undefined {
  const first = namedZoneOffset(zone, localMicros)
  if (first === undefined) return undefined
  return namedZoneOffset(zone, localMicros - first * MICROS_PER_SECOND) ?? first
}
