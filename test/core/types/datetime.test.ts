import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  addIntervalToTimestamp, addMonthsToDays, age, civilFromDays, compareIntervals, dateDiff, dateSub, datePartOfDate,
  datePartOfInterval, datePartOfTimestamp, dayOfWeek, daysFromCivil, isLeapYear, isoYearWeek, multiplyInterval,
  normalizeInterval, parseDatePartUnit, timestampDifference, timestampToParts, truncateDays, truncateTimestamp,
  MICROS_PER_DAY, MICROS_PER_HOUR, addIntervalToTime, intervalSortKey, datePartOfTime, truncateInterval,
} from '../../../core/types/datetime.ts'
import { strftime, strptime, compileFormat } from '../../../core/types/datetime-format.ts'
import { formatValue } from '../../../core/types/format.ts'
import { parseValue } from '../../../core/types/parse.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { DATE, INTERVAL, TIMESTAMP } from '../../../core/types/types.ts'

const ts = (s: string): number => parseValue(s, TIMESTAMP) as number
const d = (s: string): number => parseValue(s, DATE) as number
const fts = (x: number): string => formatValue(TIMESTAMP, x)
const iv = (s: string) => parseValue(s, INTERVAL) as { months: number; days: number; micros: number }
const fiv = (x: { months: number; days: number; micros: number }): string => formatValue(INTERVAL, x)

test('civil dates round-trip over a wide range, including BC years', () => {
  for (let days = -800000; days <= 800000; days += 37) {
    const c = civilFromDays(days)
    assert.equal(daysFromCivil(c.year, c.month, c.day), days)
  }
  assert.equal(daysFromCivil(1970, 1, 1), 0)
  assert.deepEqual(civilFromDays(-1), { year: 1969, month: 12, day: 31 })
  assert.deepEqual(civilFromDays(daysFromCivil(-43, 3, 15)), { year: -43, month: 3, day: 15 })
  assert.equal(daysFromCivil(2000, 3, 1) - daysFromCivil(2000, 2, 28), 2)
  assert.equal(daysFromCivil(1900, 3, 1) - daysFromCivil(1900, 2, 28), 1)
})

test('leap years', () => {
  assert.ok(isLeapYear(2000)); assert.ok(isLeapYear(2024)); assert.ok(isLeapYear(0)); assert.ok(isLeapYear(-4))
  assert.ok(!isLeapYear(1900)); assert.ok(!isLeapYear(2023)); assert.ok(!isLeapYear(-1))
})

test('weekdays and ISO weeks', () => {
  assert.equal(dayOfWeek(0), 4)
  assert.equal(dayOfWeek(d('2024-05-19')), 0)
  assert.deepEqual(isoYearWeek(d('2021-01-03')), { isoYear: 2020, week: 53 })
  assert.deepEqual(isoYearWeek(d('2024-12-30')), { isoYear: 2025, week: 1 })
  assert.deepEqual(isoYearWeek(d('2000-01-01')), { isoYear: 1999, week: 52 })
  assert.equal(datePartOfDate('yearweek', d('2021-01-03')), 202053)
  assert.equal(datePartOfDate('yearweek', d('-0100-01-01')), -10001)
})

test('month arithmetic clamps to the end of the month', () => {
  assert.equal(addMonthsToDays(d('2024-01-31'), 1), d('2024-02-29'))
  assert.equal(addMonthsToDays(d('2023-01-31'), 1), d('2023-02-28'))
  assert.equal(addMonthsToDays(d('2024-03-31'), -1), d('2024-02-29'))
  assert.equal(addMonthsToDays(d('2024-02-29'), 12), d('2025-02-28'))
  assert.equal(addMonthsToDays(d('2024-05-15'), -25), d('2022-04-15'))
  assert.equal(addMonthsToDays(d('0001-01-15'), -1), d('0001-12-15 (BC)'))
  assert.equal(fts(addIntervalToTimestamp(ts('2024-02-29 10:00:00'), iv('1 year'))), '2025-02-28 10:00:00')
  assert.equal(fts(addIntervalToTimestamp(ts('2024-01-31 23:00:00'), iv('1 month 1 day 02:00:00'))), '2024-03-02 01:00:00')
  assert.equal(addIntervalToTimestamp(Infinity, iv('1 day')), Infinity)
  assert.throws(() => addIntervalToTimestamp(ts('2024-01-01'), iv('300000 years')), (e: unknown) => e instanceof GrizzlyError && e.code === '22008')
})

test('times wrap around midnight', () => {
  assert.equal(addIntervalToTime(23 * MICROS_PER_HOUR, iv('2 hours')), MICROS_PER_HOUR)
  assert.equal(addIntervalToTime(MICROS_PER_HOUR, iv('-2 hours')), 23 * MICROS_PER_HOUR)
  assert.equal(addIntervalToTime(MICROS_PER_HOUR, iv('3 days')), MICROS_PER_HOUR)
})

test('interval normalisation and ordering use 30-day months', () => {
  assert.equal(compareIntervals(iv('1 month'), iv('30 days')), 0)
  assert.equal(compareIntervals(iv('1 day'), iv('24 hours')), 0)
  assert.equal(compareIntervals(iv('1 month'), iv('29 days')), 1)
  assert.equal(compareIntervals(iv('-1 day'), iv('1 hour')), -1)
  assert.deepEqual(normalizeInterval(iv('45 days 25 hours')), { months: 1, days: 16, micros: MICROS_PER_HOUR })
  assert.ok(intervalSortKey(iv('1 month')) === intervalSortKey(iv('30 days')))
  assert.equal(fiv(multiplyInterval(iv('1 month 1 day'), 1.5)), '1 month 16 days 12:00:00')
  assert.equal(fiv(multiplyInterval(iv('36 hours'), 0.5)), '18:00:00')
  // PostgreSQL's spill rules, as in DuckDB's interval muldiv tests
  assert.equal(fiv(multiplyInterval(iv('9 months -27 days 12:34:56'), 0.3)), '2 months 13 days 01:22:28.8')
  assert.equal(fiv(multiplyInterval(iv('4 months'), 0.3)), '1 month 6 days')
  assert.equal(fiv(multiplyInterval(iv('41 months 12 days 360:00'), 0.3)), '1 year 12 days 122:24:00')
  assert.equal(fiv(multiplyInterval(iv('999 months 999 days'), 0.3)), '24 years 11 months 320 days 16:48:00')
  assert.equal(fiv(timestampDifference(ts('2024-03-01 12:00'), ts('2024-02-28 13:30'))), '1 day 22:30:00')
  assert.equal(fiv(timestampDifference(ts('2023-03-01 12:00'), ts('2024-02-28 13:30'))), '-364 days -01:30:00')
})

test('date_part in DuckDB numbering', () => {
  const t = ts('2024-05-17 10:11:12.345678')
  assert.equal(datePartOfTimestamp('year', t), 2024)
  assert.equal(datePartOfTimestamp('second', t), 12)
  assert.equal(datePartOfTimestamp('milliseconds', t), 12345)
  assert.equal(datePartOfTimestamp('microseconds', t), 12345678)
  assert.equal(datePartOfTimestamp('epoch', ts('1970-01-02 00:00:00.5')), 86400.5)
  assert.equal(datePartOfDate('century', d('2000-12-31')), 20)
  assert.equal(datePartOfDate('century', d('2001-01-01')), 21)
  assert.equal(datePartOfDate('century', d('-0100-01-01')), -2)
  assert.equal(datePartOfDate('millennium', d('2001-01-01')), 3)
  assert.equal(datePartOfDate('decade', d('1999-01-01')), 199)
  assert.equal(datePartOfDate('quarter', d('2024-08-01')), 3)
  assert.equal(datePartOfDate('doy', d('2024-12-31')), 366)
  assert.equal(datePartOfDate('isodow', d('2024-05-19')), 7)
  assert.equal(datePartOfDate('era', d('0044-03-15 (BC)')), 0)
  assert.equal(datePartOfTime('hour', 10 * MICROS_PER_HOUR), 10)
  assert.throws(() => datePartOfTime('year', 0), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
  assert.equal(datePartOfInterval('year', iv('14 months')), 1)
  assert.equal(datePartOfInterval('month', iv('14 months')), 2)
  assert.equal(datePartOfInterval('epoch', iv('1 year 2 months 3 days 04:05:06')), 37015506)
  assert.throws(() => datePartOfInterval('dow', iv('1 day')), (e: unknown) => e instanceof GrizzlyError)
})

test('unit names: aliases and errors with suggestions', () => {
  assert.equal(parseDatePartUnit('YEARS'), 'year')
  assert.equal(parseDatePartUnit('mon'), 'month')
  assert.equal(parseDatePartUnit('dayofweek'), 'dow')
  assert.equal(parseDatePartUnit('ms'), 'milliseconds')
  assert.throws(() => parseDatePartUnit('yeer'), (e: unknown) => e instanceof GrizzlyError && e.code === '22023' && /year/.test(e.hint ?? ''))
})

test('date_trunc', () => {
  const t = ts('2024-05-17 10:11:12.5')
  assert.equal(fts(truncateTimestamp('month', t)), '2024-05-01 00:00:00')
  assert.equal(fts(truncateTimestamp('hour', t)), '2024-05-17 10:00:00')
  assert.equal(fts(truncateTimestamp('second', t)), '2024-05-17 10:11:12')
  assert.equal(fts(truncateTimestamp('minute', ts('1969-12-31 23:59:59.5'))), '1969-12-31 23:59:00')
  assert.equal(truncateDays('week', d('2024-05-19')), d('2024-05-13'))
  assert.equal(truncateDays('quarter', d('2024-05-17')), d('2024-04-01'))
  assert.equal(truncateDays('century', d('2024-05-17')), d('2000-01-01'))
  assert.equal(truncateDays('isoyear', d('2024-05-17')), d('2024-01-01'))
  assert.equal(truncateDays('isoyear', d('2021-01-03')), d('2019-12-30'))
  assert.equal(truncateTimestamp('day', Infinity), Infinity)
  assert.equal(fiv(truncateInterval('year', iv('15 months 2 days'))), '1 year')
  assert.equal(fiv(truncateInterval('epoch', iv('1 day 01:02:03.5'))), '1 day 01:02:03')
  assert.equal(fts(truncateTimestamp('epoch', t)), '2024-05-17 10:11:12')
  assert.throws(() => truncateDays('era', 0), (e: unknown) => e instanceof GrizzlyError)
})

test('date_diff counts boundaries, date_sub whole units', () => {
  assert.equal(dateDiff('month', ts('2024-01-31'), ts('2024-02-01')), 1)
  assert.equal(dateDiff('year', ts('2023-12-31'), ts('2024-01-01')), 1)
  assert.equal(dateDiff('day', ts('2024-01-01 23:00'), ts('2024-01-02 01:00')), 1)
  assert.equal(dateDiff('hour', ts('2024-01-01 23:59'), ts('2024-01-02 00:01')), 1)
  assert.equal(dateDiff('week', ts('2024-01-07'), ts('2024-01-08')), 0)
  assert.equal(dateDiff('month', ts('2024-05-01'), ts('2024-01-31')), -4)
  assert.equal(dateSub('month', ts('2024-01-31'), ts('2024-02-29')), 1)
  assert.equal(dateSub('month', ts('2024-01-15'), ts('2024-02-14')), 0)
  assert.equal(dateSub('year', ts('2020-02-29 10:00'), ts('2021-02-28 10:00')), 1)
  assert.equal(dateSub('hour', ts('2020-01-01 10:30'), ts('2020-01-01 09:00')), -1)
  assert.equal(dateSub('month', ts('2024-03-31'), ts('2024-01-15')), -2)
})

test('age borrows like PostgreSQL', () => {
  assert.equal(fiv(age(ts('2024-03-01'), ts('2024-01-31'))), '1 month 1 day')
  assert.equal(fiv(age(ts('2024-01-31'), ts('2024-03-01'))), '-1 month -1 day')
  assert.equal(fiv(age(ts('2023-03-31'), ts('2023-02-28 10:00'))), '1 month 2 days 14:00:00')
  assert.equal(fiv(age(ts('2001-04-10'), ts('1957-06-13'))), '43 years 9 months 27 days')
  assert.throws(() => age(Infinity, 0), (e: unknown) => e instanceof GrizzlyError)
})

test('timestamp parts', () => {
  assert.deepEqual(timestampToParts(ts('1969-12-31 23:59:59.999999')),
    { year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, micros: 999999 })
})

test('strftime with DuckDB codes', () => {
  const t = ts('2024-01-05 13:04:05.123456')
  assert.equal(strftime(t, '%Y|%m|%d|%H|%M|%S|%f|%g|%z|%Z|%j|%a|%A|%b|%B|%p|%I|%y|%x|%X|%c|%%|%u|%w|%U|%W|%V|%G|%-d|%-m|%-H|%-I|%-M|%-S|%-j|%-y|%n'),
    '2024|01|05|13|04|05|123456|123|+00||005|Fri|Friday|Jan|January|PM|01|24|2024-01-05|13:04:05|2024-01-05 13:04:05|%|5|5|00|01|01|2024|5|1|13|1|4|5|5|24|123456000')
  assert.equal(strftime(ts('2023-01-01'), '%U|%W|%V|%G|%j'), '01|00|52|2022|001')
  assert.equal(strftime(ts('0044-01-01'), '%Y|%y'), '0044|44')
  assert.equal(strftime(ts('2024-01-05 00:04:05'), '%I %p %-I'), '12 AM 12')
  assert.equal(strftime(ts('2024-01-05 07:00'), '%e'), ' 5')
  assert.throws(() => compileFormat('%Q'), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
  assert.throws(() => compileFormat('abc%'), (e: unknown) => e instanceof GrizzlyError)
})

test('strptime', () => {
  assert.equal(fts(strptime('2024-01-05 13:04:05.123', '%Y-%m-%d %H:%M:%S.%g')), '2024-01-05 13:04:05.123')
  assert.equal(fts(strptime('05/01/24 1:04 PM', '%d/%m/%y %I:%M %p')), '2024-01-05 13:04:00')
  assert.equal(fts(strptime('12:30 AM', '%I:%M %p') - ts('1900-01-01')), '1970-01-01 00:30:00')
  assert.equal(fts(strptime('2024-1-5', '%Y-%m-%d')), '2024-01-05 00:00:00')
  assert.equal(fts(strptime('  2024-01-05', '%Y-%m-%d')), '2024-01-05 00:00:00')
  assert.equal(fts(strptime('jan 5 2024', '%b %d %Y')), '2024-01-05 00:00:00')
  assert.equal(fts(strptime('Friday, January 05, 2024', '%A, %B %d, %Y')), '2024-01-05 00:00:00')
  assert.equal(fts(strptime('2024-036', '%Y-%j')), '2024-02-05 00:00:00')
  assert.equal(fts(strptime('2024-01-05T13:04:05+0200', '%Y-%m-%dT%H:%M:%S%z')), '2024-01-05 11:04:05')
  assert.equal(fts(strptime('2024-01-05 10:00:00.5', '%Y-%m-%d %H:%M:%S.%f')), '2024-01-05 10:00:00.5')
  const bad = (text: string, format: string): void =>
    assert.throws(() => strptime(text, format), (e: unknown) => e instanceof GrizzlyError && e.code === '22007', `${text} / ${format}`)
  bad('x', '%Y')
  bad('2024-01-05 extra', '%Y-%m-%d')
  bad('2023-02-29', '%Y-%m-%d')
  bad('2024-13-01', '%Y-%m-%d')
  bad('13:00 PM', '%I:%M %p')
  bad('2024/01/05', '%Y-%m-%d')
})
