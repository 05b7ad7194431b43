import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BIGINT, INTEGER, type LogicalType, type Value } from '../../../core/types/types.ts'
import type { WindowPartition } from '../../../core/hooks/contracts.ts'
import { getValue, vectorFromValues } from '../../../core/vector/vector.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { hooks, testContext } from './helpers.ts'

/** A partition whose ORDER BY keys are `keys` (already sorted); frames default to start..peer end. */
function partition(keys: readonly number[], args: { type: LogicalType; values: Value[] }[], opts: { whole?: boolean; ignoreNulls?: boolean } = {}): WindowPartition {
  const n = keys.length
  const peerStart = new Int32Array(n), peerEnd = new Int32Array(n)
  for (let i = 0; i < n;) {
    let j = i + 1
    while (j < n && keys[j] === keys[i]) j++
    for (let k = i; k < j; k++) { peerStart[k] = i; peerEnd[k] = j }
    i = j
  }
  const frameStart = new Int32Array(n)
  const frameEnd = opts.whole ? new Int32Array(n).fill(n) : Int32Array.from(peerEnd)
  return { count: n, args: args.map(a => vectorFromValues(a.type, a.values)), peerStart, peerEnd, frameStart, frameEnd, ignoreNulls: opts.ignoreNulls ?? false }
}

function run(name: string, types: LogicalType[], p: WindowPartition): Value[] {
  const bound = hooks.window(name)!.bind(types)
  assert.ok(bound !== undefined, `${name} binds`)
  const out = bound.evaluate(p, testContext())
  return Array.from({ length: p.count }, (_, i) => getValue(out, i))
}

test('ranking functions', () => {
  const p = partition([0, 0, 1, 1, 2, 2], [])
  assert.deepEqual(run('row_number', [], p), [1n, 2n, 3n, 4n, 5n, 6n])
  assert.deepEqual(run('rank', [], p), [1n, 1n, 3n, 3n, 5n, 5n])
  assert.deepEqual(run('dense_rank', [], p), [1n, 1n, 2n, 2n, 3n, 3n])
  assert.deepEqual(run('percent_rank', [], p), [0, 0, 0.4, 0.4, 0.8, 0.8])
  assert.deepEqual(run('cume_dist', [], p), [2 / 6, 2 / 6, 4 / 6, 4 / 6, 1, 1])
})

test('ntile spreads rows evenly and rejects zero', () => {
  const keys = Array.from({ length: 10 }, (_, i) => i)
  const four = partition(keys, [{ type: BIGINT, values: keys.map(() => 4n) }])
  assert.deepEqual(run('ntile', [INTEGER], four), [1n, 1n, 1n, 2n, 2n, 2n, 3n, 3n, 4n, 4n])
  const zero = partition([0], [{ type: BIGINT, values: [0n] }])
  assert.throws(() => run('ntile', [INTEGER], zero), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
})

test('lag and lead with offsets, defaults and IGNORE NULLS', () => {
  const keys = [0, 1, 2, 3, 4]
  const xs = { type: INTEGER, values: [0, 1, 2, 3, 4] }
  assert.deepEqual(run('lag', [INTEGER], partition(keys, [xs])), [null, 0, 1, 2, 3])
  const lead2 = partition(keys, [xs, { type: BIGINT, values: keys.map(() => 2n) }])
  assert.deepEqual(run('lead', [INTEGER, INTEGER], lead2), [2, 3, 4, null, null])
  const withDefault = partition(keys, [xs, { type: BIGINT, values: keys.map(() => 1n) }, { type: INTEGER, values: keys.map(() => -1) }])
  assert.deepEqual(run('lag', [INTEGER, INTEGER, INTEGER], withDefault), [-1, 0, 1, 2, 3])
  const gaps = partition([0, 1, 2, 3], [{ type: INTEGER, values: [10, null, 30, null] }], { ignoreNulls: true })
  assert.deepEqual(run('lag', [INTEGER], gaps), [null, 10, 10, 30])
})

test('first_value, last_value, nth_value over frames', () => {
  const keys = [0, 1, 2, 3]
  const xs = { type: INTEGER, values: [0, 1, 2, 3] }
  assert.deepEqual(run('first_value', [INTEGER], partition(keys, [xs])), [0, 0, 0, 0])
  assert.deepEqual(run('last_value', [INTEGER], partition(keys, [xs])), [0, 1, 2, 3])
  const nth = partition(keys, [xs, { type: BIGINT, values: keys.map(() => 2n) }], { whole: true })
  assert.deepEqual(run('nth_value', [INTEGER, BIGINT], nth), [1, 1, 1, 1])
  const gaps = partition([0, 1, 2], [{ type: INTEGER, values: [1, null, null] }], { ignoreNulls: true })
  assert.deepEqual(run('last_value', [INTEGER], gaps), [1, 1, 1])
})
