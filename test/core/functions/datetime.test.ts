import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Hooks } from '../../../core/hooks/registry.ts'
import { registerDateTimeFunctions } from '../../../core/functions/datetime.ts'
import type { FunctionContext } from '../../../core/hooks/contracts.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import {
  BIGINT, DATE, DOUBLE, INTEGER, INTERVAL, type LogicalType, TIME, TIMESTAMP, VARCHAR, type Value, typeEquals, list,
} from '../../../core/types/types.ts'
import { getValue, vectorFromValues, Vector } from '../../../core/vector/vector.ts'
import { formatValue } from '../../../core/types/format.ts'
import { parseValue } from '../../../core/types/parse.ts'

const hooks = new Hooks()
registerDateTimeFunctions(hooks)
const NOW = parseValue('2024-05-17 10:11:12.5', TIMESTAMP) as number
const ctx: FunctionContext = { setting: () => null, statementTime: NOW, random: Math.random, setSeed: () => undefined }

/** Finds the overload with exactly these argument types and runs it on one row per value tuple. */
function call(name: string, types: LogicalType[], rows: Value[][]): { type: LogicalType; values: Value[] } {
  const defs = hooks.scalar(name)
  assert.ok(defs !== undefined, `function ${name} is registered`)
  for (const def of defs) {
    for (const o of def.overloads ?? []) {
      if (o.args.length !== types.length || !o.args.every((a, i) => typeEquals(a, types[i]!))) continue
      const args = types.map((t, k) => vectorFromValues(t, rows.map(r => r[k]!)))
      const out = o.invoke(args, rows.length, ctx)
      assert.equal(out.length, rows.length)
      // the engine ORs argument NULLs in for 'propagate' functions
      const values = rows.map((r, i) => def.nulls === 'propagate' && r.some(v => v === null) ? null : getValue(out, i))
      return { type: o.returns, values }
    }
  }
  throw new Error(`no overload ${name}(${types.map(t => t.id).join(', ')})`)
}

/** One call rendered as text, from text arguments. */
function text(name: string, types: LogicalType[], args: string[]): string {
  const r = call(name, types, [args.map((a, i) => parseValue(a, types[i]!))])
  const v = r.values[0]!
  return v === null ? 'NULL' : formatValue(r.type, v)
}

test('clock functions use the statement time', () => {
  // now() is an instant (TIMESTAMPTZ, as DuckDB); localtimestamp the same moment without a zone
  assert.equal(text('now', [], []), '2024-05-17 10:11:12.5+00')
  assert.equal(text('current_timestamp', [], []), '2024-05-17 10:11:12.5+00')
  assert.equal(text('localtimestamp', [], []), '2024-05-17 10:11:12.5')
  assert.equal(text('current_date', [], []), '2024-05-17')
  assert.equal(text('today', [], []), '2024-05-17')
  assert.equal(text('current_time', [], []), '10:11:12.5')
})

test('part functions', () => {
  assert.equal(text('year', [DATE], ['2024-05-17']), '2024')
  assert.equal(text('month', [TIMESTAMP], ['2024-05-17 10:00']), '5')
  assert.equal(text('day', [DATE], ['2024-05-17']), '17')
  assert.equal(text('dayofweek', [DATE], ['2024-05-19']), '0')
  assert.equal(text('isodow', [DATE], ['2024-05-19']), '7')
  assert.equal(text('dayofyear', [DATE], ['2024-02-01']), '32')
  assert.equal(text('week', [DATE], ['2021-01-03']), '53')
  assert.equal(text('quarter', [DATE], ['2024-05-17']), '2')
  assert.equal(text('hour', [TIMESTAMP], ['2024-05-17 10:11:12']), '10')
  assert.equal(text('minute', [TIME], ['10:11:12']), '11')
  assert.equal(text('second', [TIMESTAMP], ['2024-05-17 10:11:12.9']), '12')
  assert.equal(text('year', [INTERVAL], ['14 months']), '1')
  assert.equal(text('year', [DATE], ['infinity']), 'NULL')
  assert.equal(text('epoch', [TIMESTAMP], ['2024-05-17 10:11:12.5']), '1715940672.5')
  assert.equal(text('epoch', [DATE], ['2024-05-17']), '1715904000.0')
  assert.equal(text('epoch_ms', [TIMESTAMP], ['2024-05-17 10:11:12.5']), '1715940672500')
  assert.equal(text('epoch_ms', [BIGINT], ['1715940672500']), '2024-05-17 10:11:12.5')
  assert.equal(text('epoch_us', [TIMESTAMP], ['1970-01-01 00:00:01']), '1000000')
  assert.equal(text('epoch_ns', [TIMESTAMP], ['1970-01-01 00:00:01']), '1000000000')
  assert.equal(text('last_day', [DATE], ['2024-02-10']), '2024-02-29')
  assert.equal(text('last_day', [TIMESTAMP], ['2023-02-10 10:00']), '2023-02-28')
  assert.equal(text('dayname', [DATE], ['2024-05-17']), 'Friday')
  assert.equal(text('monthname', [TIMESTAMP], ['2024-05-17 10:00']), 'May')
  assert.equal(text('isfinite', [DATE], ['infinity']), 'false')
  assert.equal(text('isinf', [TIMESTAMP], ['-infinity']), 'true')
  assert.equal(text('julian', [TIMESTAMP], ['2024-05-17 12:00:00']), '2460448.5')
})

test('date_part / datepart and EXTRACT units', () => {
  assert.equal(text('date_part', [VARCHAR, DATE], ['year', '2024-05-17']), '2024')
  assert.equal(text('datepart', [VARCHAR, TIMESTAMP], ['minute', '2024-05-17 10:11:12']), '11')
  assert.equal(text('date_part', [VARCHAR, TIME], ['second', '10:11:12']), '12')
  assert.equal(text('date_part', [VARCHAR, INTERVAL], ['day', '14 months 3 days']), '3')
  assert.equal(text('date_part', [VARCHAR, DATE], ['year', '0044-03-15 (BC)']), '-43')
  assert.throws(() => text('date_part', [VARCHAR, DATE], ['yeer', '2024-05-17']),
    (e: unknown) => e instanceof GrizzlyError && e.code === '22023' && /year/.test(e.hint ?? ''))
})

test('date_trunc, date_diff, date_sub, age, date_add', () => {
  assert.equal(text('date_trunc', [VARCHAR, TIMESTAMP], ['month', '2024-05-17 10:11:12']), '2024-05-01 00:00:00')
  assert.equal(text('date_trunc', [VARCHAR, DATE], ['week', '2024-05-17']), '2024-05-13 00:00:00')
  assert.equal(text('date_trunc', [VARCHAR, INTERVAL], ['day', '1 month 2 days 03:04:05']), '1 month 2 days')
  assert.equal(text('date_diff', [VARCHAR, DATE, DATE], ['month', '2024-01-31', '2024-02-01']), '1')
  assert.equal(text('datediff', [VARCHAR, TIMESTAMP, TIMESTAMP], ['hour', '2024-01-01 23:59', '2024-01-02 00:01']), '1')
  assert.equal(text('date_diff', [VARCHAR, TIME, TIME], ['minute', '10:00:00', '11:30:00']), '90')
  assert.equal(text('date_sub', [VARCHAR, DATE, DATE], ['month', '2024-01-31', '2024-02-29']), '1')
  assert.equal(text('age', [TIMESTAMP, TIMESTAMP], ['2024-03-01', '2024-01-31']), '1 month 1 day')
  assert.equal(text('age', [TIMESTAMP], ['2023-05-17']), '1 year')
  assert.equal(text('date_add', [DATE, INTERVAL], ['2024-01-31', '1 month']), '2024-02-29 00:00:00')
  assert.throws(() => text('date_diff', [VARCHAR, DATE, DATE], ['day', 'infinity', '2024-01-01']), (e: unknown) => e instanceof GrizzlyError)
})

test('constructors', () => {
  assert.equal(text('make_date', [BIGINT, BIGINT, BIGINT], ['2024', '2', '29']), '2024-02-29')
  assert.equal(text('make_time', [BIGINT, BIGINT, DOUBLE], ['13', '4', '5.5']), '13:04:05.5')
  assert.equal(text('make_timestamp', [BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, DOUBLE], ['2024', '2', '29', '13', '4', '5.25']), '2024-02-29 13:04:05.25')
  assert.equal(text('make_timestamp', [BIGINT], ['1715940672500000']), '2024-05-17 10:11:12.5')
  assert.equal(text('to_timestamp', [DOUBLE], ['1715940672.5']), '2024-05-17 10:11:12.5+00')
  const bad = (name: string, types: LogicalType[], args: string[]): void =>
    assert.throws(() => text(name, types, args), (e: unknown) => e instanceof GrizzlyError && e.code === '22008', `${name}(${args})`)
  bad('make_date', [BIGINT, BIGINT, BIGINT], ['2023', '2', '29'])
  bad('make_date', [BIGINT, BIGINT, BIGINT], ['2023', '13', '1'])
  bad('make_time', [BIGINT, BIGINT, DOUBLE], ['25', '0', '0'])
  bad('to_timestamp', [DOUBLE], ['inf'])
  bad('to_timestamp', [DOUBLE], ['1e300'])
})

test('strftime / strptime / try_strptime', () => {
  assert.equal(text('strftime', [TIMESTAMP, VARCHAR], ['2024-01-05 13:04:05', '%A %d %B %Y %H:%M']), 'Friday 05 January 2024 13:04')
  assert.equal(text('strftime', [DATE, VARCHAR], ['2024-02-29', '%d/%m/%Y']), '29/02/2024')
  assert.equal(text('strptime', [VARCHAR, VARCHAR], ['05/01/24 1:04 PM', '%d/%m/%y %I:%M %p']), '2024-01-05 13:04:00')
  assert.equal(text('try_strptime', [VARCHAR, VARCHAR], ['garbage', '%Y-%m-%d']), 'NULL')
  assert.throws(() => text('strptime', [VARCHAR, VARCHAR], ['garbage', '%Y-%m-%d']), (e: unknown) => e instanceof GrizzlyError && e.code === '22007')
  assert.throws(() => text('try_strptime', [VARCHAR, VARCHAR], ['2024', '%Q']), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
})

test('interval constructors', () => {
  assert.equal(text('to_days', [BIGINT], ['5']), '5 days')
  assert.equal(text('to_hours', [BIGINT], ['36']), '36:00:00')
  assert.equal(text('to_minutes', [BIGINT], ['90']), '01:30:00')
  assert.equal(text('to_seconds', [DOUBLE], ['1.5']), '00:00:01.5')
  assert.equal(text('to_months', [BIGINT], ['14']), '1 year 2 months')
  assert.equal(text('to_years', [BIGINT], ['2']), '2 years')
  assert.equal(text('to_weeks', [BIGINT], ['2']), '14 days')
  assert.equal(text('to_milliseconds', [DOUBLE], ['1500']), '00:00:01.5')
  assert.throws(() => text('to_years', [BIGINT], ['2000000000']), (e: unknown) => e instanceof GrizzlyError && e.code === '22008')
})

test('temporal operators', () => {
  assert.equal(text('+', [DATE, INTEGER], ['2024-01-01', '45']), '2024-02-15')
  assert.equal(text('+', [INTEGER, DATE], ['45', '2024-01-01']), '2024-02-15')
  assert.equal(text('-', [DATE, INTEGER], ['2024-01-01', '400']), '2022-11-27')
  assert.equal(text('+', [DATE, INTEGER], ['infinity', '1']), 'infinity')
  assert.equal(text('-', [DATE, DATE], ['2024-03-01', '2023-03-01']), '366')
  assert.equal(text('+', [DATE, INTERVAL], ['2024-01-31', '1 month']), '2024-02-29 00:00:00')
  assert.equal(text('+', [INTERVAL, DATE], ['1 month', '2024-01-31']), '2024-02-29 00:00:00')
  assert.equal(text('-', [DATE, INTERVAL], ['2024-03-31', '1 month']), '2024-02-29 00:00:00')
  assert.equal(text('+', [TIMESTAMP, INTERVAL], ['2024-02-29 10:00', '1 year']), '2025-02-28 10:00:00')
  assert.equal(text('-', [TIMESTAMP, INTERVAL], ['2024-02-29 10:00', '1 year 2 days 03:00:00']), '2023-02-26 07:00:00')
  assert.equal(text('-', [TIMESTAMP, TIMESTAMP], ['2024-03-01 12:00', '2024-02-28 13:30']), '1 day 22:30:00')
  assert.equal(text('+', [INTERVAL, INTERVAL], ['1 month 2 days', '3 hours']), '1 month 2 days 03:00:00')
  assert.equal(text('-', [INTERVAL, INTERVAL], ['1 month', '1 day']), '1 month -1 day')
  assert.equal(text('-', [INTERVAL], ['1 month 1 hour']), '-1 month -01:00:00')
  assert.equal(text('*', [INTERVAL, BIGINT], ['1 month', '3']), '3 months')
  assert.equal(text('*', [DOUBLE, INTERVAL], ['1.5', '1 month 1 day']), '1 month 16 days 12:00:00')
  assert.equal(text('/', [INTERVAL, DOUBLE], ['1 day', '4']), '06:00:00')
  assert.equal(text('+', [DATE, TIME], ['2024-01-05', '10:30:00']), '2024-01-05 10:30:00')
  assert.equal(text('+', [TIME, INTERVAL], ['23:30:00', '2 hours']), '01:30:00')
  assert.equal(text('-', [TIME, INTERVAL], ['01:30:00', '2 hours']), '23:30:00')
  assert.equal(text('/', [INTERVAL, DOUBLE], ['1 day', '0']), 'NULL')
  assert.equal(text('to_quarters', [BIGINT], ['5']), '1 year 3 months')
  assert.throws(() => text('-', [TIMESTAMP, TIMESTAMP], ['infinity', '2024-01-01']), (e: unknown) => e instanceof GrizzlyError)
  assert.throws(() => text('+', [DATE, INTEGER], ['2024-01-01', '2147483000']), (e: unknown) => e instanceof GrizzlyError && e.code === '22008')
})

test('operator inline templates agree with the kernels', () => {
  const o = hooks.scalar('-')!.flatMap(d => d.overloads ?? []).find(o => typeEquals(o.args[0]!, DATE) && typeEquals(o.args[1]!, DATE))!
  const f = new Function('a', 'b', `return ${o.inline!(['a', 'b'])}`) as (a: number, b: number) => bigint
  assert.equal(f(10, 5), 5n)
  assert.equal(text('-', [DATE, DATE], ['2024-01-10', '2024-01-05']), String(f(parseValue('2024-01-10', DATE) as number, parseValue('2024-01-05', DATE) as number)))
})

test('NULL rows never throw and stay NULL', () => {
  const d = new Vector(DATE, 2, new Int32Array([2147483000, 0]), new Uint8Array([0, 1]))
  const n = vectorFromValues(INTEGER, [2147483000, 1])
  const o = hooks.scalar('+')!.flatMap(x => x.overloads ?? []).find(o => typeEquals(o.args[0]!, DATE) && typeEquals(o.args[1]!, INTEGER))!
  const out = o.invoke([d, n], 2, ctx)
  assert.equal(getValue(out, 1), 1)
  const r = call('year', [DATE], [[null], [parseValue('2024-01-01', DATE)]])
  assert.deepEqual(r.values, [null, 2024n])
  const s = call('strptime', [VARCHAR, VARCHAR], [[null, '%Y'], ['2024', null]])
  assert.deepEqual(s.values, [null, null])
})

test('time_bucket on the default grids, with offsets and origins', () => {
  const I = INTERVAL, T = TIMESTAMP
  assert.equal(text('time_bucket', [I, T], ['56 seconds', '1970-01-01 00:00:00']), '1969-12-31 23:59:28')
  assert.equal(text('time_bucket', [I, T], ['3 days', '2000-01-01 00:00:00']), '1999-12-31 00:00:00')
  assert.equal(text('time_bucket', [I, T], ['3 days', '2000-01-03 00:00:00']), '2000-01-03 00:00:00')
  assert.equal(text('time_bucket', [I, T], ['2 months', '2016-02-21 02:02:22']), '2016-01-01 00:00:00')
  assert.equal(text('time_bucket', [I, T], ['3 years', '2024-05-17 10:00']), '2024-01-01 00:00:00')
  assert.equal(text('time_bucket', [I, T], ['10 days', 'infinity']), 'infinity')
  assert.equal(text('time_bucket', [I, T, I], ['1 day', '2024-05-17 10:00', '12 hours']), '2024-05-16 12:00:00')
  assert.equal(text('time_bucket', [I, T, T], ['1 hour', '2024-05-17 10:40', '2024-05-17 00:30']), '2024-05-17 10:30:00')
  assert.equal(text('time_bucket', [I, T, T], ['1 hour', '2024-05-17 10:40', 'infinity']), 'NULL')
  assert.equal(text('time_bucket', [I, DATE], ['1 week', '2024-05-19']), '2024-05-13')
  const bad = (w: string): void => assert.throws(() => text('time_bucket', [I, T], [w, '2024-05-17']),
    (e: unknown) => e instanceof GrizzlyError && e.code === '22023', w)
  bad('1 month 1 day')
  bad('0 days')
  bad('-1 hour')
})

test('date_part specialisation for fractional parts', async () => {
  const { datePartSpecialization } = await import('../../../core/functions/datetime.ts')
  assert.equal(datePartSpecialization('EPOCH'), 'epoch')
  assert.equal(datePartSpecialization('julian'), 'julian')
  assert.equal(datePartSpecialization('year'), undefined)
  assert.equal(text('epoch', [INTERVAL], ['1 year 2 months 3 days 04:05:06']), '37015506.0')
  assert.equal(text('epoch', [TIME], ['20:08:10.998']), '72490.998')
})

test('nanosecond() reports microsecond precision in nanoseconds', () => {
  assert.equal(text('nanosecond', [TIMESTAMP], ['2024-01-01 10:11:12.345678']), '12345678000')
  assert.equal(text('nanosecond', [DATE], ['2024-01-01']), '0')
  assert.throws(() => text('date_part', [VARCHAR, TIMESTAMP], ['ns', '2024-01-01']), (e: unknown) => e instanceof GrizzlyError)
})

test('epoch_ms / epoch_us / epoch_ns of every temporal type; infinities are NULL', () => {
  assert.equal(text('epoch_ms', [INTERVAL], ['1 year 2 days 00:34:26.3434']), '31278866343')
  assert.equal(text('epoch_us', [INTERVAL], ['1 month 00:00:01.5']), '2592001500000')
  assert.equal(text('epoch_ns', [INTERVAL], ['1 day']), '86400000000000')
  assert.equal(text('epoch_ms', [TIME], ['20:08:10.998']), '72490998')
  assert.equal(text('epoch_ns', [TIME], ['00:00:01']), '1000000000')
  assert.equal(text('epoch_us', [DATE], ['2024-01-01']), '1704067200000000')
  assert.equal(text('epoch_ms', [DATE], ['-infinity']), 'NULL')
  assert.equal(text('epoch', [DATE], ['infinity']), 'NULL')
  assert.equal(text('julian', [TIMESTAMP], ['infinity']), 'NULL')
})

test('make_date from days, exact timestamp limits', () => {
  assert.equal(text('make_date', [INTEGER], ['19723']), '2024-01-01')
  const overflow = (name: string, types: LogicalType[], args: string[]): void =>
    assert.throws(() => text(name, types, args), (e: unknown) => e instanceof GrizzlyError && e.code === '22008', `${name}(${args})`)
  overflow('make_timestamp', [BIGINT], ['9223372036854775807'])
  overflow('make_timestamp', [BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, DOUBLE], ['294247', '1', '10', '4', '0', '54.775807'])
  assert.equal(text('make_timestamp', [BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, DOUBLE], ['2024', '1', '10', '4', '0', '54']), '2024-01-10 04:00:54')
})

test('strftime with the format first, strptime with a list of formats', () => {
  assert.equal(text('strftime', [VARCHAR, DATE], ['%Y', '2024-01-01']), '2024')
  const formats = list(VARCHAR)
  assert.equal(text('strptime', [VARCHAR, formats], ['2024-01-05', "['%d/%m/%Y', '%Y-%m-%d']"]), '2024-01-05 00:00:00')
  assert.equal(text('try_strptime', [VARCHAR, formats], ['junk', "['%d/%m/%Y', '%Y-%m-%d']"]), 'NULL')
  assert.throws(() => text('strptime', [VARCHAR, formats], ['junk', "['%d/%m/%Y']"]), (e: unknown) => e instanceof GrizzlyError && e.code === '22007')
})
