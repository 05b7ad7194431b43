/** Compiled loops against the interpreter on random data and random expression trees. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compileExpression, compilePredicate, interpretExpression } from '../../../core/expression/index.ts'
import type { BoundExpr, CompareOp } from '../../../core/plan/expr.ts'
import {
  BIGINT, BLOB, BOOLEAN, DATE, DOUBLE, INTEGER, INTERVAL, type LogicalType, REAL, type Value, VARCHAR, decimal,
} from '../../../core/types/types.ts'
import { addInline, call, chunkOf, col, divide, layoutOf, lit, makeEnv, upper, valuesOf } from './helpers.ts'

/** small deterministic PRNG so failures reproduce */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

const DEC = decimal(12, 2)
const WIDE = decimal(30, 2)
const TYPES: LogicalType[] = [INTEGER, BIGINT, DOUBLE, VARCHAR, BOOLEAN, DEC, WIDE, REAL, DATE, INTERVAL, BLOB]

function randomValue(t: LogicalType, r: () => number): Value {
  if (r() < 0.2) return null
  switch (t.id) {
    case 'INTEGER': return Math.floor(r() * 7) - 3
    case 'BIGINT': return BigInt(Math.floor(r() * 7) - 3)
    case 'DOUBLE': return r() < 0.05 ? NaN : Math.floor(r() * 7) / 2 - 1
    case 'VARCHAR': return ['', 'a', 'b', 'ab', 'B', "'"][Math.floor(r() * 6)]!
    case 'BOOLEAN': return r() < 0.5
    case 'DECIMAL': return t.width > 15 ? BigInt(Math.floor(r() * 7) - 3) * 10n ** 20n : Math.floor(r() * 7) * 25 - 50
    case 'REAL': return r() < 0.05 ? NaN : Math.fround(Math.floor(r() * 7) / 3)
    case 'DATE': return Math.floor(r() * 5) - 2
    case 'INTERVAL': return { months: Math.floor(r() * 3), days: Math.floor(r() * 3) * 15, micros: Math.floor(r() * 2) }
    case 'BLOB': return [new Uint8Array([]), new Uint8Array([1]), new Uint8Array([1, 2]), new Uint8Array([2])][Math.floor(r() * 4)]!
    default: throw new Error('unexpected type')
  }
}

function randomExpr(type: LogicalType, depth: number, r: () => number): BoundExpr {
  const leaf = depth <= 0 || r() < 0.25
  if (leaf) {
    if (r() < 0.75) return col(TYPES.indexOf(type), type)
    return lit(randomValue(type, r), type)
  }
  if (type.id === 'BOOLEAN') {
    const pick = Math.floor(r() * 6)
    const ops: CompareOp[] = ['=', '<>', '<', '<=', '>', '>=', 'distinct', 'not_distinct']
    switch (pick) {
      case 0: {
        const t = TYPES[Math.floor(r() * TYPES.length)]!
        return { kind: 'compare', op: ops[Math.floor(r() * ops.length)]!, left: randomExpr(t, depth - 1, r), right: randomExpr(t, depth - 1, r), type: BOOLEAN }
      }
      case 1: return { kind: 'and', args: [randomExpr(BOOLEAN, depth - 1, r), randomExpr(BOOLEAN, depth - 1, r), randomExpr(BOOLEAN, depth - 1, r)], type: BOOLEAN }
      case 2: return { kind: 'or', args: [randomExpr(BOOLEAN, depth - 1, r), randomExpr(BOOLEAN, depth - 1, r)], type: BOOLEAN }
      case 3: return { kind: 'not', arg: randomExpr(BOOLEAN, depth - 1, r), type: BOOLEAN }
      case 4: {
        const t = TYPES[Math.floor(r() * TYPES.length)]!
        return { kind: 'is_null', arg: randomExpr(t, depth - 1, r), not: r() < 0.5, type: BOOLEAN }
      }
      default: {
        const t = TYPES[Math.floor(r() * TYPES.length)]!
        const list = Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomExpr(t, 0, r))
        return { kind: 'in_list', arg: randomExpr(t, depth - 1, r), list, not: r() < 0.5, type: BOOLEAN }
      }
    }
  }
  const pick = Math.floor(r() * 3)
  if (pick === 0) {
    return {
      kind: 'case', type,
      whens: [{ when: randomExpr(BOOLEAN, depth - 1, r), then: randomExpr(type, depth - 1, r) }],
      else: randomExpr(type, depth - 1, r),
    }
  }
  if (type.id === 'INTEGER') {
    return pick === 1 ? call(addInline(INTEGER), randomExpr(INTEGER, depth - 1, r), randomExpr(INTEGER, depth - 1, r))
      : call(divide, randomExpr(INTEGER, depth - 1, r), lit(2, INTEGER))
  }
  if (type.id === 'DOUBLE') return call(addInline(DOUBLE), randomExpr(DOUBLE, depth - 1, r), randomExpr(DOUBLE, depth - 1, r))
  if (type.id === 'VARCHAR') return call(upper, randomExpr(VARCHAR, depth - 1, r))
  return randomExpr(type, 0, r)
}

test('compiled expressions equal the interpreter on random data', () => {
  const r = rng(42)
  const env = makeEnv()
  const n = 200
  const chunk = chunkOf(TYPES.map(t => ({ type: t, values: Array.from({ length: n }, () => randomValue(t, r)) })))
  const layout = layoutOf(...TYPES.map((_, i) => i))
  for (let k = 0; k < 800; k++) {
    const type = k % 2 === 0 ? BOOLEAN : TYPES[Math.floor(r() * TYPES.length)]!
    const e = randomExpr(type, 4, r)
    const expected = valuesOf(interpretExpression(e, layout, env)(chunk))
    const got = valuesOf(compileExpression(e, layout, env)(chunk))
    assert.deepEqual(got, expected, JSON.stringify(e, (_k, v) => typeof v === 'bigint' ? `${v}n` : (typeof v === 'function' ? undefined : v)))
    if (type.id === 'BOOLEAN') {
      const p = compilePredicate(e, layout, env)(chunk)
      const want = expected.flatMap((v, i) => v === true ? [i] : [])
      assert.deepEqual([...p.sel.subarray(0, p.count)], want)
    }
  }
})
