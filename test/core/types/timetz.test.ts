import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encodeTimeTz, formatOffset, namedZoneOffset, timeTzMicros, timeTzOffset } from '../../../core/types/timetz.ts'
import { parseTimeTz, parseTimestampTz } from '../../../core/types/parse.ts'
import { formatValue } from '../../../core/types/format.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { TIMESTAMPTZ, TIMETZ } from '../../../core/types/types.ts'

const H = 3_600_000_000

test('a TIMETZ key gives back its time and offset, at the extremes too', () => {
  for (const [micros, offset] of [[0, 0], [86_400_000_000, -57599], [12 * H + 345_678, 19800], [0, 57599], [1, -1]] as const) {
    const k = encodeTimeTz(micros, offset)
    assert.equal(timeTzMicros(k), micros)
    assert.equal(timeTzOffset(k), offset)
  }
})

test('TIMETZ keys order by the UTC instant, then the larger offset first', () => {
  const keys = [
    encodeTimeTz(12 * H, 0),          // 12:00 UTC
    encodeTimeTz(13 * H, 3600),       // 12:00 UTC, +01 sorts first
    encodeTimeTz(11 * H, -3600),      // 12:00 UTC, -01 sorts last
    encodeTimeTz(0, 57599),           // the earliest instant there is
  ]
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(k => formatValue(TIMETZ, k))
  assert.deepEqual(sorted, ['00:00:00+15:59:59', '13:00:00+01', '12:00:00+00', '11:00:00-01'])
})

test('offsets print in the shortest exact form', () => {
  assert.equal(formatOffset(0), '+00')
  assert.equal(formatOffset(-12 * 3600), '-12')
  assert.equal(formatOffset(4 * 3600 + 30 * 60), '+04:30')
  assert.equal(formatOffset(4 * 3600 + 30 * 60 + 45), '+04:30:45')
  assert.equal(formatOffset(-(5 * 60 + 1)), '-00:05:01')
})

test('TIMETZ text: offset forms, a date prefix, and malformed offsets rejected with 22007', () => {
  assert.equal(formatValue(TIMETZ, parseTimeTz('02:30:00+1200')), '02:30:00+12')
  assert.equal(formatValue(TIMETZ, parseTimeTz('02:30:00-04:30')), '02:30:00-04:30')
  assert.equal(formatValue(TIMETZ, parseTimeTz('2023-08-20 16:15:03.5')), '16:15:03.5+00')
  for (const bad of ['02:30:00+4', '02:30:00+2000', '02:30:00+20:xx', '02:30:00>04', 'infinity', '']) {
    assert.throws(() => parseTimeTz(bad), (e: unknown) => e instanceof GrizzlyError && e.code === '22007' && e.hint !== undefined, bad)
  }
})

test('TIMESTAMPTZ text: offsets and IANA zone names (with daylight saving) become UTC', () => {
  assert.equal(formatValue(TIMESTAMPTZ, parseTimestampTz('2024-03-10 12:00:00+05:30:15')), '2024-03-10 06:29:45+00')
  assert.equal(formatValue(TIMESTAMPTZ, parseTimestampTz('2024-01-15 12:00 Europe/Berlin')), '2024-01-15 11:00:00+00')
  assert.equal(formatValue(TIMESTAMPTZ, parseTimestampTz('2024-07-15 12:00 Europe/Berlin')), '2024-07-15 10:00:00+00')
  assert.equal(formatValue(TIMESTAMPTZ, parseTimestampTz('2024-07-15')), '2024-07-15 00:00:00+00')
  assert.equal(parseTimestampTz('-infinity'), -Infinity)
  assert.throws(() => parseTimestampTz('2024-01-01 10:00 Nowhere/Special'), (e: unknown) => e instanceof GrizzlyError && e.code === '22007')
  assert.throws(() => parseTimestampTz('2024-01-01 10:00+1x'), (e: unknown) => e instanceof GrizzlyError && e.code === '22007')
})

test('named zone offsets come from the platform zone database; unknown names are undefined', () => {
  const jan = Date.UTC(2024, 0, 15) * 1000, jul = Date.UTC(2024, 6, 15) * 1000
  assert.equal(namedZoneOffset('America/New_York', jan), -5 * 3600)
  assert.equal(namedZoneOffset('America/New_York', jul), -4 * 3600)
  assert.equal(namedZoneOffset('Asia/Kolkata', jan), 5 * 3600 + 1800)
  assert.equal(namedZoneOffset('UTC', jan), 0)
  assert.equal(namedZoneOffset('Not/AZone', jan), undefined)
})
