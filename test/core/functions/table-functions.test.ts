import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BIGINT, DATE, INTEGER, INTERVAL, TIMESTAMP, VARCHAR, list, type LogicalType, type Value } from '../../../core/types/types.ts'
import type { TableFunctionCall } from '../../../core/hooks/contracts.ts'
import { CHUNK_SIZE, getValue } from '../../../core/vector/vector.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { hooks, testContext } from './helpers.ts'

function callOf(args: [LogicalType, Value][]): TableFunctionCall {
  return { positional: args.map(([type, value]) => ({ type, value })), named: new Map() }
}

function rowsOf(name: string, args: [LogicalType, Value][]): { column: string; values: Value[]; chunks: number } {
  const bound = hooks.tableFunction(name)!.bind(callOf(args), testContext())
  const values: Value[] = []
  let chunks = 0
  for (const chunk of bound.scan([0], testContext())) {
    chunks++
    assert.ok(chunk.size <= CHUNK_SIZE)
    for (let i = 0; i < chunk.size; i++) values.push(getValue(chunk.column(0), i))
  }
  return { column: bound.columns[0]!.name, values, chunks }
}

test('range is exclusive, generate_series inclusive', () => {
  assert.deepEqual(rowsOf('range', [[BIGINT, 3n]]), { column: 'range', values: [0n, 1n, 2n], chunks: 1 })
  assert.deepEqual(rowsOf('range', [[INTEGER, 1], [INTEGER, 5], [INTEGER, 2]]).values, [1n, 3n])
  assert.deepEqual(rowsOf('range', [[BIGINT, 5n], [BIGINT, 1n], [BIGINT, -2n]]).values, [5n, 3n])
  assert.deepEqual(rowsOf('range', [[BIGINT, 5n], [BIGINT, 1n]]).values, [])
  const g = rowsOf('generate_series', [[BIGINT, 1n], [BIGINT, 3n]])
  assert.deepEqual(g, { column: 'generate_series', values: [1n, 2n, 3n], chunks: 1 })
  assert.deepEqual(rowsOf('generate_series', [[BIGINT, 5n], [BIGINT, 1n], [BIGINT, -2n]]).values, [5n, 3n, 1n])
})

test('range produces full chunks for large counts', () => {
  const r = rowsOf('range', [[BIGINT, 10_000n]])
  assert.equal(r.values.length, 10_000)
  assert.equal(r.chunks, Math.ceil(10_000 / CHUNK_SIZE))
  assert.equal(r.values[9999], 9999n)
  const bound = hooks.tableFunction('range')!.bind(callOf([[BIGINT, 10_000n]]), testContext())
  assert.equal(bound.estimatedRows, 10_000)
})

test('timestamp and date series with an interval step', () => {
  const day = 86_400_000_000
  const r = rowsOf('generate_series', [[DATE, 0], [DATE, 2], [INTERVAL, { months: 0, days: 1, micros: 0 }]])
  assert.deepEqual(r.values, [0, day, 2 * day])
  const m = rowsOf('range', [[TIMESTAMP, 0], [TIMESTAMP, 90 * day], [INTERVAL, { months: 1, days: 0, micros: 0 }]])
  assert.deepEqual(m.values, [0, 31 * day, 59 * day, 90 * day].slice(0, 3))
})

test('bad arguments are errors', () => {
  const isCode = (code: string) => (e: unknown) => e instanceof GrizzlyError && e.code === code
  assert.throws(() => rowsOf('range', [[BIGINT, 1n], [BIGINT, 5n], [BIGINT, 0n]]), isCode('22023'))
  assert.throws(() => rowsOf('range', [[VARCHAR, 'a']]), isCode('42883'))
  assert.throws(() => rowsOf('generate_series', [[DATE, 0], [DATE, 2], [INTERVAL, { months: 0, days: 0, micros: 0 }]]), isCode('22023'))
  assert.throws(() => rowsOf('unnest', [[INTEGER, 1]]), isCode('42804'))
})

test('unnest returns one row per element', () => {
  assert.deepEqual(rowsOf('unnest', [[list(INTEGER), [1, null, 3]]]), { column: 'unnest', values: [1, null, 3], chunks: 1 })
  assert.deepEqual(rowsOf('unnest', [[list(VARCHAR), null]]).values, [])
})
