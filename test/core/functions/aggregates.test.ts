import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, INTERVAL, TIMESTAMP, VARCHAR, decimal, list,
} from '../../../core/types/types.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { aggregate, resolveAggregate } from './helpers.ts'

const rows = (xs: readonly unknown[]) => xs.map(x => [x as never])

test('count(*) and count over empty and non-empty input', () => {
  assert.deepEqual(aggregate('count_star', [], [[], [], []]), [3n])
  assert.deepEqual(aggregate('count_star', [], []), [0n])
  assert.deepEqual(aggregate('count', [INTEGER], rows([1, null, 3])), [2n])
  assert.deepEqual(aggregate('count', [INTEGER], []), [0n])
})

test('sum: exact integers, DECIMAL(38,s), DOUBLE; NULL on empty', () => {
  assert.deepEqual(resolveAggregate('sum', [INTEGER]).returns, BIGINT)
  assert.deepEqual(aggregate('sum', [INTEGER], rows([1, 2, null])), [3n])
  assert.deepEqual(aggregate('sum', [INTEGER], []), [null])
  assert.deepEqual(resolveAggregate('sum', [BIGINT]).returns, decimal(38, 0))
  const big = 9223372036854775807n
  assert.deepEqual(aggregate('sum', [BIGINT], rows([big, big, 1n])), [2n * big + 1n])
  assert.deepEqual(aggregate('sum', [BIGINT], rows([big, -big, 5n]), undefined, true), [5n])
  assert.deepEqual(resolveAggregate('sum', [decimal(10, 2)]).returns, decimal(38, 2))
  assert.deepEqual(aggregate('sum', [decimal(10, 2)], rows([150, 250])), [400n])
  assert.deepEqual(aggregate('sum', [DOUBLE], rows([0.5, 0.25])), [0.75])
  // past 2^53 the double accumulator spills into bigint
  const many = Array.from({ length: 5000 }, () => 2147483647)
  assert.deepEqual(aggregate('sum', [INTEGER], rows(many)), [5000n * 2147483647n])
  const huge = Array.from({ length: 3000 }, () => 2n ** 52n)
  assert.deepEqual(aggregate('sum', [BIGINT], rows(huge), undefined, true), [3000n * 2n ** 52n])
})

test('avg, product, grouped and combined', () => {
  assert.deepEqual(aggregate('avg', [INTEGER], rows([1, 2, 3, 4]), [0, 0, 1, 1]), [1.5, 3.5])
  assert.deepEqual(aggregate('avg', [decimal(10, 2)], rows([150, 250])), [2])
  assert.deepEqual(aggregate('avg', [INTEGER], []), [null])
  assert.deepEqual(aggregate('mean', [DOUBLE], rows([1, 2, 3, 4]), undefined, true), [2.5])
  assert.deepEqual(aggregate('product', [DOUBLE], rows([1, 2, 3, 4])), [24])
})

test('min and max over many types', () => {
  assert.deepEqual(aggregate('min', [INTEGER], rows([3, 1, null, 2]), [0, 0, 1, 1]), [1, 2])
  assert.deepEqual(aggregate('max', [VARCHAR], rows(['b', 'a', 'c']), undefined, true), ['c'])
  assert.deepEqual(aggregate('max', [BIGINT], rows([5n, -1n])), [5n])
  assert.deepEqual(aggregate('min', [DATE], rows([19000, 18000])), [18000])
  assert.deepEqual(aggregate('max', [DOUBLE], rows([1, NaN, 2])), [NaN])
  assert.deepEqual(aggregate('min', [DOUBLE], rows([1, NaN, 2])), [1])
  assert.deepEqual(aggregate('max', [BOOLEAN], rows([false, true])), [true])
  assert.deepEqual(aggregate('max', [decimal(20, 2)], rows([5n, 7n])), [7n])
  const iv = aggregate('max', [INTERVAL], rows([{ months: 1, days: 0, micros: 0 }, { months: 0, days: 40, micros: 0 }]))
  assert.deepEqual(iv, [{ months: 0, days: 40, micros: 0 }])
  assert.deepEqual(aggregate('min', [list(INTEGER)], rows([[1, 2], [1]])), [[1]])
  assert.deepEqual(aggregate('min', [TIMESTAMP], []), [null])
})

test('string_agg, list, first, last, any_value', () => {
  assert.deepEqual(aggregate('string_agg', [VARCHAR], rows(['1', null, '3'])), ['1,3'])
  assert.deepEqual(aggregate('string_agg', [VARCHAR, VARCHAR], [['a', '-'], ['b', '-']], undefined, true), ['a-b'])
  assert.deepEqual(aggregate('group_concat', [VARCHAR], []), [null])
  assert.deepEqual(aggregate('string_agg', [BIGINT], rows([1n, 2n])), ['1,2'])
  assert.deepEqual(aggregate('list', [INTEGER], rows([1, null, 3])), [[1, null, 3]])
  assert.deepEqual(aggregate('array_agg', [INTEGER], rows([1, 2]), undefined, true), [[1, 2]])
  assert.deepEqual(aggregate('first', [INTEGER], rows([null, 2])), [null])
  assert.deepEqual(aggregate('last', [INTEGER], rows([1, 2])), [2])
  assert.deepEqual(aggregate('any_value', [INTEGER], rows([null, 2])), [2])
})

test('bool_and, bool_or, count_if, bit aggregates', () => {
  assert.deepEqual(aggregate('bool_and', [BOOLEAN], rows([true, false])), [false])
  assert.deepEqual(aggregate('every', [BOOLEAN], rows([true, true]), undefined, true), [true])
  assert.deepEqual(aggregate('bool_or', [BOOLEAN], rows([false, true])), [true])
  assert.deepEqual(aggregate('bool_or', [BOOLEAN], []), [null])
  assert.deepEqual(aggregate('count_if', [BOOLEAN], rows([true, false, true])), [2n])
  assert.deepEqual(aggregate('bit_and', [INTEGER], rows([1, 2, 3, 4])), [0])
  assert.deepEqual(aggregate('bit_or', [INTEGER], rows([1, 2, 3, 4])), [7])
  assert.deepEqual(aggregate('bit_xor', [INTEGER], rows([1, 2, 3, 4]), undefined, true), [4])
})

test('arg_max / min_by', () => {
  assert.deepEqual(aggregate('arg_max', [VARCHAR, INTEGER], [['a', 1], ['b', 3], ['c', 2]]), ['b'])
  assert.deepEqual(aggregate('min_by', [VARCHAR, INTEGER], [['a', 1], ['b', 3], ['c', 0]], undefined, true), ['c'])
})

test('variance family matches hand-computed values', () => {
  const xs = rows([1, 2, 3, 4])
  const close = (a: unknown, b: number) => assert.ok(Math.abs((a as number) - b) < 1e-12, `${a} vs ${b}`)
  close(aggregate('stddev', [DOUBLE], xs)[0], 1.2909944487358056)
  close(aggregate('variance', [DOUBLE], xs, undefined, true)[0], 1.6666666666666667)
  close(aggregate('var_pop', [DOUBLE], xs)[0], 1.25)
  close(aggregate('stddev_pop', [DOUBLE], xs, undefined, true)[0], 1.118033988749895)
  assert.deepEqual(aggregate('stddev_samp', [DOUBLE], rows([1])), [null])
  assert.deepEqual(aggregate('var_pop', [DOUBLE], rows([1])), [0])
  close(aggregate('corr', [DOUBLE, DOUBLE], [[1, 1], [2, 2], [3, 3.5]])[0], 0.9933992677987828)
  close(aggregate('covar_pop', [DOUBLE, DOUBLE], [[1, 1], [2, 2], [3, 3]], undefined, true)[0], 2 / 3)
})

test('median, quantiles, mode, approx_count_distinct', () => {
  const xs = rows([1, 2, 3, 4])
  assert.deepEqual(resolveAggregate('median', [INTEGER]).returns, DOUBLE)
  assert.deepEqual(aggregate('median', [INTEGER], xs, undefined, true), [2.5])
  assert.deepEqual(aggregate('quantile_cont', [INTEGER, DOUBLE], [[1, 0.25], [2, 0.25], [3, 0.25], [4, 0.25]]), [1.75])
  assert.deepEqual(aggregate('quantile_disc', [INTEGER, DOUBLE], [[1, 0.25], [2, 0.25], [3, 0.25], [4, 0.25]]), [1])
  assert.deepEqual(aggregate('quantile_cont', [INTEGER, list(DOUBLE)], [[1, [0.5, 1]], [2, [0.5, 1]]]), [[1.5, 2]])
  assert.deepEqual(aggregate('median', [decimal(4, 1)], rows([10, 20, 30, 40])), [25])
  assert.deepEqual(aggregate('median', [VARCHAR], rows(['a', 'b'])), ['a'])
  assert.deepEqual(resolveAggregate('median', [DATE]).returns, TIMESTAMP)
  assert.deepEqual(aggregate('median', [DATE], rows([0, 3])), [1.5 * 86_400_000_000])
  assert.throws(() => aggregate('quantile_cont', [INTEGER, DOUBLE], [[1, 1.5]]), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
  assert.deepEqual(aggregate('mode', [INTEGER], rows([1, 2, 2, 3])), [2])
  assert.deepEqual(aggregate('approx_count_distinct', [INTEGER], rows([1, 2, 2, 3]), undefined, true), [3n])
})

test('a large grouped aggregation', () => {
  const n = 200_000
  const data = Array.from({ length: n }, (_, i) => [i % 1000])
  const groups = Array.from({ length: n }, (_, i) => i % 7)
  const sums = aggregate('sum', [INTEGER], data, groups)
  assert.equal(sums.reduce((a, b) => (a as bigint) + (b as bigint), 0n), BigInt(data.reduce((a, r) => a + r[0]!, 0)))
})

test('geomean', () => {
  const r = aggregate('geomean', [DOUBLE], rows([1, 2, 4]), undefined, true)[0] as number
  assert.ok(Math.abs(r - 2) < 1e-12)
})

test('sem, skewness, kurtosis follow DuckDB formulas', () => {
  const xs = rows([1, 2, 4, 8])
  const close = (a: unknown, b: number) => assert.ok(Math.abs((a as number) - b) < 1e-12, `${a} vs ${b}`)
  close(aggregate('sem', [DOUBLE], xs)[0], 1.340475661845451)
  close(aggregate('skewness', [DOUBLE], xs, undefined, true)[0], 1.1376243669576889)
  close(aggregate('kurtosis', [DOUBLE], xs)[0], 0.7576559546313808)
  close(aggregate('kurtosis_pop', [DOUBLE], xs)[0], -1.0989792060491494)
  assert.deepEqual(aggregate('skewness', [DOUBLE], rows([1, 2])), [null])
  assert.deepEqual(aggregate('sem', [DOUBLE], rows([1])), [0])
})

test('regr_*, weighted_avg, fsum, sum(BOOLEAN)', () => {
  const pts = [[2, 1], [3, 2], [7, 4]]
  const close = (a: unknown, b: number) => assert.ok(Math.abs((a as number) - b) < 1e-9, `${a} vs ${b}`)
  close(aggregate('regr_slope', [DOUBLE, DOUBLE], pts)[0], 1.7142857142857144)
  close(aggregate('regr_r2', [DOUBLE, DOUBLE], pts, undefined, true)[0], 0.9795918367346939)
  close(aggregate('regr_sxx', [DOUBLE, DOUBLE], pts)[0], 4.666666666666666)
  assert.deepEqual(aggregate('regr_count', [DOUBLE, DOUBLE], pts), [3n])
  close(aggregate('weighted_avg', [DOUBLE, DOUBLE], [[1, 1], [2, 2], [4, 4], [8, 8]])[0], 5.666666666666667)
  assert.deepEqual(aggregate('fsum', [DOUBLE], rows([1e16, 1, -1e16]), undefined, true), [1])
  assert.deepEqual(aggregate('sum', [BOOLEAN], rows([true, false, true])), [2n])
})

test('top-n forms of min, max, arg_max', () => {
  assert.deepEqual(aggregate('max', [BIGINT, BIGINT], [[1n, 2n], [4n, 2n], [3n, 2n]]), [[4n, 3n]])
  assert.deepEqual(aggregate('min', [INTEGER, INTEGER], [[5, 2], [1, 2], [3, 2]], undefined, true), [[1, 3]])
  assert.deepEqual(aggregate('arg_max', [VARCHAR, INTEGER, INTEGER], [['a', 1, 2], ['b', 3, 2], ['c', 2, 2]]), [['b', 'c']])
  assert.throws(() => aggregate('max', [INTEGER, INTEGER], [[1, 0]]), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
})

test('overflowing variance is an error; a NULL quantile does not bind', () => {
  assert.throws(() => aggregate('stddev', [DOUBLE], rows([1e301, -1e301])), (e: unknown) => e instanceof GrizzlyError && e.code === '22003')
  assert.throws(() => resolveAggregate('quantile_cont', [INTEGER, { id: 'NULL' }]))
  assert.deepEqual(aggregate('arg_max_null', [INTEGER, INTEGER], [[null, 5], [2, 1]]), [null])
})

test('avg of dates and timestamps; nulls-last arg_max; decimal quantiles truncate', () => {
  const day = 86_400_000_000
  assert.deepEqual(resolveAggregate('avg', [DATE]).returns, TIMESTAMP)
  assert.deepEqual(aggregate('avg', [DATE], rows([0, 1]), undefined, true), [day / 2])
  assert.deepEqual(aggregate('avg', [TIMESTAMP], rows([1.7e15, 1.7e15 + 3])), [1.7e15 + 1])
  const tbl: (number | null)[][] = [[5, 1], [null, 2], [3, null], [null, null], [1, null]]
  assert.deepEqual(aggregate('arg_max_nulls_last', [INTEGER, INTEGER], tbl), [null])
  assert.deepEqual(aggregate('arg_min_nulls_last', [INTEGER, INTEGER], tbl, undefined, true), [5])
  assert.deepEqual(aggregate('arg_max_nulls_last', [INTEGER, INTEGER, INTEGER], tbl.map(r => [r[1]!, r[1]!, 4])), [[2, 1, null, null]])
  const ds = Array.from({ length: 100 }, (_, i) => [i * 10, 0.25])
  assert.deepEqual(aggregate('quantile_cont', [decimal(4, 1), DOUBLE], ds), [247])
  assert.deepEqual(aggregate('skewness', [DOUBLE], rows([10, 10, 10])), [NaN])
  assert.deepEqual(aggregate('regr_slope', [DOUBLE, DOUBLE], [[1, 1]]), [NaN])
})

test('string_agg needs one separator; regr overflow is an error', () => {
  assert.throws(() => aggregate('string_agg', [VARCHAR, VARCHAR], [['a', ','], ['b', ';']]), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
  assert.throws(() => aggregate('regr_r2', [DOUBLE, DOUBLE], [[0, 0], [0, 1e230], [0, 2e230], [0, 3e230]]), (e: unknown) => e instanceof GrizzlyError && e.code === '22003')
})

test('mad and entropy', () => {
  assert.deepEqual(aggregate('mad', [INTEGER], rows([1, 2, 2, 4, 6]), undefined, true), [1])
  assert.deepEqual(aggregate('mad', [decimal(4, 1)], rows([10, 20, 20, 40, 60])), [10])
  const h = aggregate('entropy', [VARCHAR], rows(['a', 'b', 'a']))[0] as number
  assert.ok(Math.abs(h - 0.9182958340544893) < 1e-12)
})
