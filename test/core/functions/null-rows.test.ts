/**
 * With nulls 'propagate' the engine may hand a kernel rows that are NULL and hold any bytes
 * at all (results of earlier kernels). No built-in may fail on them.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BIGINT, DOUBLE, INTEGER, type LogicalType, VARCHAR, decimal, list, physicalOf } from '../../../core/types/types.ts'
import { Vector, allocData } from '../../../core/vector/vector.ts'
import { hooks, testContext } from './helpers.ts'

const ROWS = 6

/** A vector whose rows are all NULL but whose storage holds hostile values. */
function hostileNulls(type: LogicalType): Vector | undefined {
  const p = physicalOf(type)
  const data = allocData(p, ROWS)
  const numbers = [0, -1, 2147483647, -2147483648, 1e300, NaN]
  switch (p) {
    case 'i8': case 'i16': case 'i32': case 'date': case 'f32': case 'f64': case 'u8':
      numbers.forEach((x, i) => { (data as Float64Array)[i] = x })
      break
    case 'i64': case 'big':
      [0n, -1n, 9223372036854775807n, -9223372036854775808n, 5n, 1n].forEach((x, i) => { (data as bigint[])[i] = x })
      break
    case 'str': ['', 'x'.repeat(1000), '\uD800', '(', '%', '\\'].forEach((x, i) => { (data as string[])[i] = x }); break
    case 'blob': case 'interval': break
    case 'list': {
      const child = hostileNulls((type as { child: LogicalType }).child)
      if (child === undefined) return undefined
      // NULL lists that still point at (NULL) child rows
      return new Vector(type, ROWS, null, new Uint8Array(ROWS), Int32Array.from({ length: ROWS + 1 }, (_, k) => k), [child])
    }
    default: return undefined
  }
  return new Vector(type, ROWS, data, new Uint8Array(ROWS))
}

test('propagating scalar kernels tolerate garbage in NULL rows', () => {
  let checked = 0
  for (const name of hooks.scalarNames()) {
    for (const def of hooks.scalar(name) ?? []) {
      if (def.nulls !== 'propagate' || def.volatility === 'volatile') continue
      for (const o of def.overloads ?? []) {
        const args = o.args.map(hostileNulls)
        if (args.some(a => a === undefined)) continue
        try {
          const out = o.invoke(args as Vector[], ROWS, testContext())
          assert.equal(out.length, ROWS, `${name} returned the wrong length`)
        } catch (e) {
          assert.fail(`${name}(${o.args.map(t => t.id).join(', ')}) failed on NULL rows: ${(e as Error).message}`)
        }
        checked++
      }
    }
  }
  assert.ok(checked > 200, `checked ${checked} overloads`)
})

const SAMPLE_ARGS: readonly (readonly LogicalType[])[] = [
  [VARCHAR], [INTEGER], [BIGINT], [DOUBLE], [decimal(10, 2)], [decimal(20, 2)], [list(INTEGER)], [list(VARCHAR)],
  [INTEGER, INTEGER], [decimal(10, 2), decimal(10, 2)], [decimal(20, 2), INTEGER], [VARCHAR, VARCHAR], [VARCHAR, INTEGER],
  [list(INTEGER), INTEGER], [list(INTEGER), list(INTEGER)], [list(INTEGER), BIGINT, BIGINT], [VARCHAR, VARCHAR, VARCHAR],
]

test('generic (bind) kernels tolerate garbage in NULL rows', () => {
  let checked = 0
  for (const name of hooks.scalarNames()) {
    for (const def of hooks.scalar(name) ?? []) {
      if (def.bind === undefined || def.volatility === 'volatile') continue
      for (const types of SAMPLE_ARGS) {
        const bound = def.bind(types)
        if (bound === undefined) continue
        const args = bound.argTypes.map(hostileNulls)
        if (args.some(a => a === undefined)) continue
        try {
          const out = bound.invoke(args as Vector[], ROWS, testContext())
          assert.equal(out.length, ROWS)
        } catch (e) {
          assert.fail(`${name}(${types.map(t => t.id).join(', ')}) failed on NULL rows: ${(e as Error).message}`)
        }
        checked++
      }
    }
  }
  assert.ok(checked > 50, `checked ${checked} bindings`)
})
