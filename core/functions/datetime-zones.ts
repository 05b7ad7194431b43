/**
 * Date parts as a STRUCT (`date_part(['year', 'month'], x)`), the time-zone parts and the
 * TIMETZ overloads of the part functions, and `timezone(…)` / AT TIME ZONE (zone names resolved
 * through the platform's Intl zone database). Instants print in UTC, so the zone parts of DATE /
 * TIMESTAMP / TIMESTAMPTZ are 0; a TIMETZ answers with its own offset.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { ScalarOverload } from '../hooks/contracts.ts'
import {
  BIGINT, DATE, DOUBLE, INTERVAL, type Interval, type LogicalType, type StructField, TIMESTAMP, TIMESTAMPTZ, TIMETZ,
  VARCHAR, type Value, list, struct,
} from '../types/types.ts'
import { Vector, VectorBuilder, getValue } from '../vector/vector.ts'
import {
  type DatePartUnit, MICROS_PER_DAY, MICROS_PER_SECOND, addIntervalToTime, datePartOfDate, datePartOfInterval, datePartOfTime,
  datePartOfTimestamp, isFiniteDate, parseDatePartUnit,
} from '../types/datetime.ts'
import { encodeTimeTz, namedZoneOffset, namedZoneOffsetAtLocal, timeTzMicros, timeTzOffset } from '../types/timetz.ts'
import { UnitCache, big, num, rowKernel, str } from './datetime-kernels.ts'

const ZONE_UNITS: ReadonlySet<DatePartUnit> = new Set(['timezone', 'timezone_hour', 'timezone_minute'])
const TIME_OF_DAY_UNITS: ReadonlySet<DatePartUnit> = new Set([
  'hour', 'minute', 'second', 'milliseconds', 'microseconds', 'nanoseconds', 'timezone', 'timezone_hour', 'timezone_minute',
])

/** The timezone / timezone_hour / timezone_minute part of an offset in seconds. */
function zonePart(unit: DatePartUnit, offset: number): number {
  if (unit === 'timezone') return offset
  if (unit === 'timezone_hour') return Math.trunc(offset / 3600)
  return Math.trunc(offset / 60) % 60
}

function partOfTimeTz(unit: DatePartUnit, key: bigint): number {
  return ZONE_UNITS.has(unit) ? zonePart(unit, timeTzOffset(key)) : datePartOfTime(unit, timeTzMicros(key))
}

/** One part of a non-NULL value of `type`, or null where DuckDB has none (infinite dates). */
function partOf(type: LogicalType, unit: DatePartUnit, v: Value): number | null {
  switch (type.id) {
    case 'DATE': return isFiniteDate(v as number) ? datePartOfDate(unit, v as number) : null
    case 'TIMESTAMP': case 'TIMESTAMPTZ': return Number.isFinite(v as number) ? datePartOfTimestamp(unit, v as number) : null
    case 'TIME': return datePartOfTime(unit, v as number)
    case 'TIMETZ': return partOfTimeTz(unit, v as bigint)
    case 'INTERVAL': return datePartOfInterval(unit, v as Interval)
    default: return null
  }
}

const PART_SOURCES = new Set(['DATE', 'TIMESTAMP', 'TIMESTAMPTZ', 'TIME', 'TIMETZ', 'INTERVAL'])

/** date_part(['year', 'month', …], x): one STRUCT field per part, DOUBLE for epoch and julian. */
function bindPartStruct(argTypes: readonly LogicalType[], constants: readonly (Value | undefined)[]) {
  const [names, source] = argTypes
  if (argTypes.length !== 2 || names?.id !== 'LIST' || names.child.id !== 'VARCHAR' || source === undefined) return undefined
  const from = PART_SOURCES.has(source.id) ? source : source.id === 'NULL' || source.id === 'VARCHAR' ? TIMESTAMP : undefined
  if (from === undefined) return undefined
  const given = constants[0]
  if (!Array.isArray(given)) {
    throw new GrizzlyError(SqlState.featureNotSupported, 'date_part with a list of parts needs a constant list',
      { hint: "write the parts as a literal, e.g. date_part(['year', 'month'], x)" })
  }
  if (given.length === 0) {
    throw new GrizzlyError(SqlState.invalidParameterValue, 'date_part needs a non-empty list of part names',
      { hint: "e.g. date_part(['year', 'month'], x)" })
  }
  const seen = new Set<string>()
  const units: DatePartUnit[] = []
  const fields: StructField[] = []
  for (const name of given as readonly Value[]) {
    if (typeof name !== 'string') {
      throw new GrizzlyError(SqlState.invalidParameterValue, 'date_part part names must not be NULL', { hint: "list names such as 'year'" })
    }
    const unit = parseDatePartUnit(name)
    if (from.id === 'DATE' && TIME_OF_DAY_UNITS.has(unit)) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `date part "${name}" is not recognized for DATE`,
        { hint: 'a DATE has no time of day; cast it to TIMESTAMP for hour, minute, …' })
    }
    if (seen.has(name.toLowerCase())) {
      throw new GrizzlyError(SqlState.duplicateColumn, `part "${name}" appears twice in date_part`, { hint: 'list each part once' })
    }
    seen.add(name.toLowerCase())
    units.push(unit)
    fields.push({ name, type: unit === 'epoch' || unit === 'julian' ? DOUBLE : BIGINT })
  }
  const returns = struct(fields)
  return {
    argTypes: [list(VARCHAR), from], returns,
    invoke: (args: readonly Vector[], count: number) => {
      const src = args[1]!
      const b = new VectorBuilder(returns, count)
      for (let i = 0; i < count; i++) {
        const v = getValue(src, i)
        if (v === null) { b.push(null); continue }
        const row: Record<string, Value> = {}
        units.forEach((u, k) => {
          const p = partOf(from, u, v)
          row[fields[k]!.name] = p === null ? null : fields[k]!.type.id === 'DOUBLE' ? p : BigInt(Math.trunc(p))
        })
        b.push(row)
      }
      return b.finish()
    },
  }
}

/** timezone(interval, timetz): to UTC, shifted by the interval, labelled with it as the offset. */
function shiftTimeTz(key: bigint, shift: Interval): bigint {
  const utc = ((timeTzMicros(key) - timeTzOffset(key) * MICROS_PER_SECOND) % MICROS_PER_DAY + MICROS_PER_DAY) % MICROS_PER_DAY
  const offset = Math.trunc(shift.micros / MICROS_PER_SECOND)
  if (shift.months !== 0 || shift.days !== 0 || Math.abs(offset) > 57599) {
    throw new GrizzlyError(SqlState.invalidParameterValue, 'a time zone offset must lie within ±15:59:59',
      { hint: "use an interval such as INTERVAL '5 hours 30 minutes'" })
  }
  return encodeTimeTz(addIntervalToTime(utc, shift), offset)
}

/** Seconds east of UTC of a zone name (`UTC`, `Europe/Berlin`) at a wall-clock or UTC moment. */
function zoneOffset(zone: string, micros: number, local: boolean): number {
  const z = zone.trim()
  const offset = local ? namedZoneOffsetAtLocal(z, micros) : namedZoneOffset(z, micros)
  if (offset === undefined) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `unknown time zone "${zone}"`,
      { hint: "use an IANA zone name such as 'UTC', 'Europe/Berlin' or 'America/New_York'" })
  }
  return offset
}

export function registerZoneFunctions(hooks: Hooks): void {
  const cache = new UnitCache()
  hooks.registerScalar({
    name: 'date_part', aliases: ['datepart'],
    description: 'several parts at once as a STRUCT, or a part of a TIME WITH TIME ZONE',
    nulls: 'propagate', volatility: 'immutable',
    overloads: [{
      args: [VARCHAR, TIMETZ], returns: BIGINT,
      invoke: rowKernel(BIGINT, (a, i) => Math.trunc(partOfTimeTz(cache.get(str(a[0]!, i)), big(a[1]!, i)))),
    }],
    bind: (argTypes, info) => bindPartStruct(argTypes, info?.constants ?? []),
  })
  const zoneOverloads = (unit: DatePartUnit): ScalarOverload[] => [
    ...[DATE, TIMESTAMP, TIMESTAMPTZ].map(t => ({
      args: [t], returns: BIGINT,
      invoke: rowKernel(BIGINT, (a, i) => partOf(t, unit, getValue(a[0]!, i))),
    })),
    { args: [TIMETZ], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) => zonePart(unit, timeTzOffset(big(a[0]!, i)))) },
  ]
  for (const unit of ['timezone_hour', 'timezone_minute'] as const) {
    hooks.registerScalar({
      name: unit, description: `the ${unit.replace('_', ' ')} part of the value's UTC offset`,
      nulls: 'propagate', volatility: 'immutable', overloads: zoneOverloads(unit),
    })
  }
  hooks.registerScalar({
    name: 'timezone', description: "the UTC offset in seconds of a value, or timezone(interval, timetz) to move a TIMETZ to another offset",
    nulls: 'propagate', volatility: 'immutable',
    overloads: [
      ...zoneOverloads('timezone'),
      { args: [INTERVAL, TIMETZ], returns: TIMETZ, invoke: rowKernel(TIMETZ, (a, i) => shiftTimeTz(big(a[1]!, i), (a[0]!.data as Interval[])[i]!)) },
      // AT TIME ZONE: a wall-clock time in the zone → the instant, and an instant → the zone's wall clock
      { args: [VARCHAR, TIMESTAMP], returns: TIMESTAMPTZ, invoke: rowKernel(TIMESTAMPTZ, (a, i) => {
        const ts = num(a[1]!, i)
        return Number.isFinite(ts) ? ts - zoneOffset(str(a[0]!, i), ts, true) * MICROS_PER_SECOND : ts
      }) },
      { args: [VARCHAR, TIMESTAMPTZ], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => {
        const ts = num(a[1]!, i)
        return Number.isFinite(ts) ? ts + zoneOffset(str(a[0]!, i), ts, false) * MICROS_PER_SECOND : ts
      }) },
    ],
  })
  // the part functions (hour(x), minute(x), …) on a TIMETZ read its wall-clock time
  for (const [name, unit] of [['hour', 'hour'], ['minute', 'minute'], ['second', 'second'], ['millisecond', 'milliseconds'],
    ['microsecond', 'microseconds'], ['epoch', 'epoch']] as const) {
    hooks.registerScalar({
      name, nulls: 'propagate', volatility: 'immutable',
      overloads: [{
        args: [TIMETZ], returns: unit === 'epoch' ? DOUBLE : BIGINT,
        invoke: rowKernel(unit === 'epoch' ? DOUBLE : BIGINT, (a, i) => partOfTimeTz(unit, big(a[0]!, i))),
      }],
    })
  }
}
