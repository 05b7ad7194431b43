/**
 * TEST FIXTURE: native distance functions registered straight through db.hooks, standing in for
 * plugins/vector's sandboxed ones until those land. Same names and meaning.
 */
import type { Hooks } from '../../core/hooks/registry.ts'
import type { ScalarFunctionDef } from '../../core/hooks/contracts.ts'
import { DOUBLE, type LogicalType } from '../../core/types/types.ts'
import { Vector } from '../../core/vector/vector.ts'

type Metric = (a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, n: number) => number

const l2: Metric = (a, ao, b, bo, n) => { let s = 0; for (let i = 0; i < n; i++) { const d = a[ao + i]! - b[bo + i]!; s += d * d } return Math.sqrt(s) }
const dot = (a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, n: number): number => { let s = 0; for (let i = 0; i < n; i++) s += a[ao + i]! * b[bo + i]!; return s }
const cosine: Metric = (a, ao, b, bo, n) => 1 - dot(a, ao, b, bo, n) / Math.sqrt(dot(a, ao, a, ao, n) * dot(b, bo, b, bo, n))
const negDot: Metric = (a, ao, b, bo, n) => -dot(a, ao, b, bo, n)

function def(name: string, metric: Metric): ScalarFunctionDef {
  return {
    name, nulls: 'propagate', volatility: 'immutable',
    bind(types: readonly LogicalType[]) {
      const [a, b] = types
      if (types.length !== 2 || a?.id !== 'ARRAY' || b === undefined) return undefined
      const t = a
      return {
        argTypes: [t, t], returns: DOUBLE,
        invoke(args: readonly Vector[], count: number): Vector {
          const [x, y] = args as [Vector, Vector]
          const n = t.size
          const xs = x.children[0]!.data as Float32Array, ys = y.children[0]!.data as Float32Array
          const out = new Float64Array(count)
          for (let i = 0; i < count; i++) {
            if (!x.isValid(i) || !y.isValid(i)) continue
            out[i] = metric(xs, i * n, ys, i * n, n)
          }
          return new Vector(DOUBLE, count, out, null)
        },
      }
    },
  }
}

export function registerTestDistances(hooks: Hooks): void {
  hooks.registerScalar(def('array_distance', l2))
  hooks.registerScalar(def('array_cosine_distance', cosine))
  hooks.registerScalar(def('array_negative_inner_product', negDot))
  hooks.registerScalar(def('array_inner_product', (a, ao, b, bo, n) => dot(a, ao, b, bo, n)))
}
