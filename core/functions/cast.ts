/**
 * CAST and TRY_CAST between every pair of types SQL allows. Numeric pairs run as typed-array
 * loops (cast-numeric.ts); text goes through formatValue / parseValue; temporal, BLOB and
 * nested pairs have their own paths. NULL rows are never looked at, so they never fail.
 */
import { GrizzlyError, SqlState, InternalError } from '../errors.ts'
import type { CastDef, FunctionContext } from '../hooks/contracts.ts'
import type { Hooks } from '../hooks/registry.ts'
import {
  type ArrayType, type LogicalType, type StructType, type TypeId, type Value, TIMESTAMP, physicalOf, typeEquals, typeToString,
} from '../types/types.ts'
import { Vector, VectorBuilder, allocData, getValue, nullVector, slice, vectorFromValues } from '../vector/vector.ts'
import { formatValue } from '../types/format.ts'
import { parseValue } from '../types/parse.ts'
import { parseNestedList, parseNestedStruct } from '../types/parse-nested.ts'
import { dateOfTimestamp, timeOfTimestamp, timestampFromDate } from '../types/datetime.ts'
import { FailSink, castNumeric, isNumericCast } from './cast-numeric.ts'
import { normalizeLiteralType } from '../types/coercion.ts'
import { encodeTimeTz, timeTzMicros } from '../types/timetz.ts'

/** Converts `input` to `target`; with `tryCast`, rows that cannot be converted become NULL. */
export function castVector(input: Vector, target: LogicalType, tryCast: boolean, ctx: FunctionContext): Vector {
  const from = input.type
  if (typeEquals(from, target)) return input
  if (from.id === 'NULL') return nullVector(target, input.length)
  if (target.id === 'TIMESTAMP' && target.unit !== undefined) {
    const micros = castVector(input, TIMESTAMP, tryCast, ctx)
    return mapTemporal(micros, target, roundToUnit(UNIT_MICROS[target.unit]), tryCast)
  }
  if (isNumericCast(from, target)) return castNumeric(input, target, tryCast)
  if (target.id === 'VARCHAR') return toVarchar(input, target)
  if (from.id === 'VARCHAR') return fromVarchar(input, target, tryCast)
  switch (from.id) {
    case 'DATE':
      if (target.id === 'TIMESTAMP' || target.id === 'TIMESTAMPTZ') return mapTemporal(input, target, timestampFromDate, tryCast)
      break
    case 'TIMESTAMP': case 'TIMESTAMPTZ':
      if (target.id === 'DATE') return mapTemporal(input, target, dateOfTimestamp, tryCast)
      if (target.id === 'TIME') return mapTemporal(input, target, finiteTimeOf, tryCast)
      if (target.id === 'TIMETZ') return mapTemporal(input, target, (ts: number) => encodeTimeTz(timeOfTimestamp(ts), 0), tryCast)
      // the session zone is UTC, so the instant and the wall-clock time are the same microseconds
      if (target.id === 'TIMESTAMP' || target.id === 'TIMESTAMPTZ') return new Vector(target, input.length, input.data, input.validity)
      break
    case 'TIME':
      if (target.id === 'TIMETZ') return mapTemporal(input, target, (t: number) => encodeTimeTz(t, 0), tryCast)
      break
    case 'TIMETZ':
      if (target.id === 'TIME') return mapTemporal(input, target, timeTzMicros, tryCast)
      break
    case 'LIST':
      if (target.id === 'LIST') return listToList(input, target.child, target, tryCast, ctx)
      if (target.id === 'ARRAY') return listToArray(input, target, tryCast, ctx)
      break
    case 'ARRAY':
      if (target.id === 'LIST') return arrayToList(input, target, tryCast, ctx)
      if (target.id === 'ARRAY' && target.size === from.size) {
        const child = castVector(input.children[0]!, target.child, tryCast, ctx)
        return new Vector(target, input.length, null, input.validity, null, [child])
      }
      if (target.id === 'ARRAY') throw sizeMismatch(from, target)
      break
    case 'STRUCT':
      if (target.id === 'STRUCT') return structToStruct(input, target, tryCast, ctx)
      break
    default:
      break
  }
  throw cannotCast(from, target)
}

/** A single value; the binder folds constant casts with this. */
export function castValue(value: Value, from: LogicalType, to: LogicalType): Value {
  if (value === null) return null
  const input = vectorFromValues(from, [value])
  return getValue(castVector(input, to, false, CONSTANT_CONTEXT), 0)
}

/** Whether CAST(from AS to) is allowed at all (individual values may still fail). */
export function canCast(from: LogicalType, to: LogicalType): boolean {
  if (typeEquals(from, to) || from.id === 'NULL' || to.id === 'VARCHAR' || from.id === 'VARCHAR') return true
  if (isNumericCast(from, to)) return true
  switch (from.id) {
    case 'DATE': case 'TIME': case 'TIMESTAMP': case 'TIMESTAMPTZ': case 'TIMETZ': return idAllowed(from.id, to.id)
    case 'LIST': return (to.id === 'LIST' || to.id === 'ARRAY') && canCast(from.child, to.child)
    case 'ARRAY':
      return (to.id === 'LIST' || (to.id === 'ARRAY' && to.size === from.size)) && canCast(from.child, to.child)
    case 'STRUCT':
      return to.id === 'STRUCT' && structMapping(from, to) !== undefined &&
        structMapping(from, to)!.every((k, i) => canCast(from.fields[k]!.type, to.fields[i]!.type))
    default: return false
  }
}

export function cannotCast(from: LogicalType, to: LogicalType): GrizzlyError {
  return new GrizzlyError(SqlState.cannotCoerce, `cannot cast ${typeToString(from)} to ${typeToString(to)}`,
    { hint: castHint(from, to) })
}

function castHint(from: LogicalType, to: LogicalType): string {
  if (from.id === 'DATE' && to.id === 'TIME') return 'a DATE has no time of day; cast a TIMESTAMP instead'
  if ((from.id === 'INTEGER' || from.id === 'BIGINT') && (to.id === 'TIMESTAMP' || to.id === 'DATE')) {
    return 'use to_timestamp(seconds), epoch_ms(ms) or make_date(y, m, d)'
  }
  if (to.id === 'INTERVAL') return "use to_days(n), to_seconds(n) … or INTERVAL 'n unit'"
  return `cast through VARCHAR if the text form of ${typeToString(from)} is what ${typeToString(to)} expects`
}

function sizeMismatch(from: LogicalType, to: ArrayType): GrizzlyError {
  return new GrizzlyError(SqlState.cannotCoerce, `cannot cast ${typeToString(from)} to ${typeToString(to)}`,
    { hint: `the array sizes differ; ${typeToString(to)} holds exactly ${to.size} elements` })
}

/** For constant folding: no session settings, a fixed clock. */
const CONSTANT_CONTEXT: FunctionContext = {
  setting: () => null,
  statementTime: 0,
  random: () => Math.random(),
  setSeed: () => undefined,
}

// ---- text --------------------------------------------------------------------------------------

function toVarchar(input: Vector, target: LogicalType): Vector {
  const n = input.length
  const out = new Array<string>(n)
  const valid = input.validity
  const type = input.type
  if (input.physical === 'str') {
    const s = input.data as string[]
    for (let i = 0; i < n; i++) out[i] = s[i]!
  } else if (physicalOf(type) === 'list' || physicalOf(type) === 'array' || physicalOf(type) === 'struct') {
    for (let i = 0; i < n; i++) out[i] = valid !== null && valid[i] === 0 ? '' : formatValue(type, getValue(input, i))
  } else {
    const s = input.data as ArrayLike<Value>
    const bool = input.physical === 'u8'
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) { out[i] = ''; continue }
      out[i] = formatValue(type, bool ? s[i] === 1 : s[i]!)
    }
  }
  return new Vector(target, n, out, valid)
}

function fromVarchar(input: Vector, target: LogicalType, tryCast: boolean): Vector {
  const n = input.length
  const s = input.data as string[]
  const valid = input.validity
  const physical = physicalOf(target)
  const sink = new FailSink(input, target, tryCast)
  if (physical === 'list' || physical === 'array' || physical === 'struct') {
    const b = new VectorBuilder(target, n)
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) { b.push(null); continue }
      let v: Value = null
      try { v = tryCast ? parseNestedLeniently(s[i]!, target) : parseValue(s[i]!, target) } catch (e) { rethrowUnlessTry(e, tryCast) }
      b.push(v)
    }
    return b.finish()
  }
  const out = allocData(physical, n)
  const write = writerFor(physical, out)
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue
    try { write(i, parseValue(s[i]!, target)) } catch (e) {
      if (!(e instanceof GrizzlyError) || e instanceof InternalError) throw e
      sink.fail(i, () => e)
    }
  }
  return new Vector(target, n, out, sink.validity)
}

/** TRY_CAST of text to a nested type: bad elements become NULL elements (DuckDB). */
function parseNestedLeniently(text: string, target: LogicalType): Value {
  switch (target.id) {
    case 'LIST': return parseNestedList(text, target, null, true)
    case 'ARRAY': return parseNestedList(text, target, target.size, true)
    case 'STRUCT': return parseNestedStruct(text, target, true)
    default: return parseValue(text, target)
  }
}

function rethrowUnlessTry(e: unknown, tryCast: boolean): void {
  if (!tryCast || !(e instanceof GrizzlyError) || e instanceof InternalError) throw e
}

/** Stores a boxed value into flat storage. */
function writerFor(physical: string, out: Vector['data']): (i: number, v: Value) => void {
  switch (physical) {
    case 'u8': { const d = out as Uint8Array; return (i, v) => { d[i] = v === true ? 1 : 0 } }
    case 'i64': { const d = out as BigInt64Array; return (i, v) => { d[i] = v as bigint } }
    default: { const d = out as unknown as Value[]; return (i, v) => { d[i] = v } }
  }
}

// ---- temporal ----------------------------------------------------------------------------------

/** An infinite timestamp has no time of day (DuckDB refuses the cast too). */
function finiteTimeOf(ts: number): number {
  if (Number.isFinite(ts)) return timeOfTimestamp(ts)
  throw new GrizzlyError(SqlState.datetimeOverflow, `cannot cast ${ts > 0 ? '' : '-'}infinity to TIME`,
    { hint: 'filter out infinite timestamps, e.g. WHERE isfinite(ts)' })
}

const UNIT_MICROS = { s: 1_000_000, ms: 1000 } as const

/** TIMESTAMP_S / TIMESTAMP_MS round half away from zero, as DuckDB does ('…33.846' is '…34'). */
function roundToUnit(unit: number): (ts: number) => number {
  // `+ 0` turns the -0 of a small negative into 0, which hashes and groups like 0
  return ts => Number.isFinite(ts) ? Math.sign(ts) * Math.round(Math.abs(ts) / unit) * unit + 0 : ts
}

function mapTemporal<X extends number | bigint>(input: Vector, target: LogicalType, f: (x: X) => number | bigint, tryCast: boolean): Vector {
  const n = input.length
  const s = input.data as unknown as ArrayLike<X>
  const data = allocData(physicalOf(target), n)
  const out = data as unknown as (number | bigint)[]
  const valid = input.validity
  const sink = new FailSink(input, target, tryCast)
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue
    try { out[i] = f(s[i]!) } catch (e) {
      if (!(e instanceof GrizzlyError) || e instanceof InternalError) throw e
      sink.fail(i, () => e)
    }
  }
  return new Vector(target, n, data, sink.validity)
}

// ---- nested ------------------------------------------------------------------------------------

function listToList(input: Vector, child: LogicalType, target: LogicalType, tryCast: boolean, ctx: FunctionContext): Vector {
  const c = castVector(input.children[0]!, child, tryCast, ctx)
  return new Vector(target, input.length, null, input.validity, input.offsets, [c])
}

function arrayToList(input: Vector, target: LogicalType & { id: 'LIST' }, tryCast: boolean, ctx: FunctionContext): Vector {
  const size = (input.type as ArrayType).size
  const n = input.length
  const offsets = new Int32Array(n + 1)
  for (let i = 0; i <= n; i++) offsets[i] = i * size
  const c = castVector(input.children[0]!, target.child, tryCast, ctx)
  return new Vector(target, n, null, input.validity, offsets, [c])
}

function listToArray(input: Vector, target: ArrayType, tryCast: boolean, ctx: FunctionContext): Vector {
  const n = input.length
  const off = input.offsets!
  const sink = new FailSink(input, target, tryCast)
  for (let i = 0; i < n; i++) {
    if (!input.isValid(i)) continue
    const len = off[i + 1]! - off[i]!
    if (len !== target.size) {
      sink.fail(i, () => new GrizzlyError(SqlState.cannotCoerce,
        `cannot cast a list of ${len} elements to ${typeToString(target)}`,
        { hint: `an ${typeToString(target)} holds exactly ${target.size} elements` }))
    }
  }
  const validity = sink.validity
  // every row present, its elements back to back: the cast child is the array's child as it is
  if (validity === null && input.validity === null && contiguous(off, n, target.size)) {
    const start = off[0]!
    const child = castVector(slice(input.children[0]!, start, start + n * target.size), target.child, tryCast, ctx)
    return new Vector(target, n, null, null, null, [child])
  }
  const child = castVector(input.children[0]!, target.child, tryCast, ctx)
  const b = new VectorBuilder(target, n)
  for (let i = 0; i < n; i++) {
    if (validity !== null && validity[i] === 0) { b.push(null); continue }
    const items: Value[] = []
    for (let k = off[i]!; k < off[i + 1]!; k++) items.push(getValue(child, k))
    b.push(items)
  }
  return b.finish()
}

function contiguous(off: Int32Array, n: number, size: number): boolean {
  for (let i = 0; i <= n; i++) if (off[i] !== off[0]! + i * size) return false
  return true
}

/**
 * Which source field feeds each target field: by name when every target name exists in the
 * source (DuckDB), otherwise by position when the counts agree.
 */
function structMapping(from: StructType, to: StructType): number[] | undefined {
  // unnamed fields (ROW(…)) match by position only
  const byName = to.fields.map(f => f.name === '' ? -1 : from.fields.findIndex(g => g.name.toLowerCase() === f.name.toLowerCase()))
  if (byName.every(k => k >= 0) && to.fields.length === from.fields.length) return byName
  if (from.fields.length === to.fields.length) return to.fields.map((_, i) => i)
  return undefined
}

function structToStruct(input: Vector, target: StructType, tryCast: boolean, ctx: FunctionContext): Vector {
  const from = input.type as StructType
  const mapping = structMapping(from, target)
  if (mapping === undefined) {
    throw new GrizzlyError(SqlState.cannotCoerce, `cannot cast ${typeToString(from)} to ${typeToString(target)}`,
      { hint: `the structs have ${from.fields.length} and ${target.fields.length} fields; they must have the same number` })
  }
  const children = mapping.map((k, i) => castVector(input.children[k]!, target.fields[i]!.type, tryCast, ctx))
  return new Vector(target, input.length, null, input.validity, null, children)
}

// ---- registration ------------------------------------------------------------------------------

const ALL_IDS: readonly TypeId[] = [
  'NULL', 'BOOLEAN', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'REAL', 'DOUBLE', 'DECIMAL', 'VARCHAR', 'BLOB',
  'DATE', 'TIME', 'TIMESTAMP', 'INTERVAL', 'TIMESTAMPTZ', 'TIMETZ', 'LIST', 'ARRAY', 'STRUCT',
]

function idAllowed(from: TypeId, to: TypeId): boolean {
  if (from === to || from === 'NULL' || to === 'VARCHAR' || from === 'VARCHAR') return true
  const numeric = (id: TypeId): boolean => id === 'BOOLEAN' || id === 'TINYINT' || id === 'SMALLINT' ||
    id === 'INTEGER' || id === 'BIGINT' || id === 'HUGEINT' || id === 'REAL' || id === 'DOUBLE' || id === 'DECIMAL'
  if (numeric(from) && numeric(to)) return true
  switch (from) {
    case 'DATE': return to === 'TIMESTAMP' || to === 'TIMESTAMPTZ'
    case 'TIMESTAMP': case 'TIMESTAMPTZ':
      return to === 'DATE' || to === 'TIME' || to === 'TIMETZ' || to === 'TIMESTAMP' || to === 'TIMESTAMPTZ'
    case 'TIME': return to === 'TIMETZ'
    case 'TIMETZ': return to === 'TIME'
    case 'LIST': return to === 'ARRAY'
    case 'ARRAY': return to === 'LIST'
    default: return false
  }
}

/** Registers a CastDef for every allowed pair of type ids; all of them run castVector. */
export function registerBuiltinCasts(hooks: Hooks): void {
  // cast_to_type(x, template): CAST(x AS the template's type), for macros that keep a value's type
  hooks.registerScalar({
    name: 'cast_to_type', description: "casts the first argument to the second argument's type (its value is ignored)",
    nulls: 'handle', volatility: 'immutable',
    bind: argTypes => {
      const [from, template] = argTypes
      if (argTypes.length !== 2 || from === undefined || template === undefined) return undefined
      if (template.id === 'NULL') {
        throw new GrizzlyError(SqlState.invalidParameterValue, 'cast_to_type cannot be used to cast to NULL',
          { hint: 'give a typed template such as NULL::INTEGER' })
      }
      const target = normalizeLiteralType(template)
      if (!canCast(normalizeLiteralType(from), target)) throw cannotCast(normalizeLiteralType(from), target)
      return { argTypes: [from, template], returns: target, invoke: (args, _count, ctx) => castVector(args[0]!, target, false, ctx) }
    },
  })
  for (const from of ALL_IDS) {
    for (const to of ALL_IDS) {
      if (!idAllowed(from, to)) continue
      const def: CastDef = { from, to, invoke: castVector }
      hooks.registerCast(def)
    }
  }
}
