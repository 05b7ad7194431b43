/**
 * The per-row draws table samples filter and order by (core/binder/sample.ts):
 * tablesample_random() follows random() (and so setseed / SET seed), tablesample_hash(seed, key…)
 * is a uniform number in [0, 1) fixed by the seed and the row, for REPEATABLE. Both are volatile
 * so that the optimizer neither folds them nor moves other filters below them.
 */
import type { Hooks } from '../hooks/registry.ts'
import { normalizeLiteralType } from '../types/coercion.ts'
import { DOUBLE } from '../types/types.ts'
import { Vector, getValue } from '../vector/vector.ts'
import { hashRow } from './hash.ts'

const MASK64 = (1n << 64n) - 1n

/** splitmix64's finaliser: spreads a hash of neighbouring row ids over the whole range */
function mix(h: bigint): bigint {
  let z = h & MASK64
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64
  return z ^ (z >> 31n)
}

export function registerSampleFunctions(hooks: Hooks): void {
  hooks.registerScalar({
    name: 'tablesample_random', nulls: 'handle', volatility: 'volatile', description: 'a table sample\'s draw: random() for each row',
    overloads: [{
      args: [], returns: DOUBLE,
      invoke: (_args, count, ctx) => {
        const out = new Float64Array(count)
        for (let i = 0; i < count; i++) out[i] = ctx.random()
        return new Vector(DOUBLE, count, out, null)
      },
    }],
  })
  hooks.registerScalar({
    name: 'tablesample_hash', nulls: 'handle', volatility: 'volatile', description: 'a REPEATABLE table sample\'s draw in [0, 1), fixed by the seed and the row',
    bind: argTypes => argTypes.length < 2 ? undefined : {
      argTypes: argTypes.map(normalizeLiteralType), returns: DOUBLE,
      invoke: (args, count) => {
        const types = args.map(a => a.type)
        const out = new Float64Array(count)
        // 53 bits: every double in [0, 1) this can give is exact
        for (let i = 0; i < count; i++) out[i] = Number(mix(hashRow(types, args.map(a => getValue(a, i)))) >> 11n) / 2 ** 53
        return new Vector(DOUBLE, count, out, null)
      },
    },
  })
}
