import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GrizzlyError } from '../../../core/errors.ts'
import {
  compileExpression, compilePredicate, evaluateConstant, interpretExpression, isConstantExpression,
} from '../../../core/expression/index.ts'
import { generate } from '../../../core/expression/codegen.ts'
import type { BoundExpr } from '../../../core/plan/expr.ts'
import {
  BIGINT, BLOB, BOOLEAN, DATE, DOUBLE, INTEGER, INTERVAL, type LogicalType, NULL_TYPE, REAL, TIMESTAMP,
  type Value, VARCHAR, decimal, list,
} from '../../../core/types/types.ts'
import {
  addInline, and, call, chunkOf, cmp, col, divide, ifNull, isNull, layoutOf, lit, makeEnv, not, or,
  random, upper, valuesOf,
} from './helpers.ts'

const env = makeEnv()

function run(expr: BoundExpr, columns: { type: LogicalType; values: Value[] }[]): { compiled: Value[]; interpreted: Value[] } {
  const chunk = chunkOf(columns)
  const layout = layoutOf(...columns.map((_, i) => i))
  const compiled = valuesOf(compileExpression(expr, layout, env)(chunk))
  const interpreted = valuesOf(interpretExpression(expr, layout, env)(chunk))
  return { compiled, interpreted }
}

function check(expr: BoundExpr, columns: { type: LogicalType; values: Value[] }[], expected: Value[]): void {
  const { compiled, interpreted } = run(expr, columns)
  assert.deepEqual(compiled, expected, 'compiled')
  assert.deepEqual(interpreted, expected, 'interpreted')
}

test('column references and constants', () => {
  check(col(0, INTEGER), [{ type: INTEGER, values: [1, null, 3] }], [1, null, 3])
  check(lit(7n, BIGINT), [{ type: INTEGER, values: [1, 2] }], [7n, 7n])
  check(lit(null, INTEGER), [{ type: INTEGER, values: [1, 2] }], [null, null])
  check(lit(null, NULL_TYPE), [{ type: INTEGER, values: [1] }], [null])
})

const comparisonCases: { type: LogicalType; a: Value[]; b: Value[] }[] = [
  { type: INTEGER, a: [1, 2, 3, null, 5], b: [2, 2, 1, 4, null] },
  { type: BIGINT, a: [1n, 9007199254740993n, -5n, null], b: [2n, 9007199254740992n, -5n, 1n] },
  { type: DOUBLE, a: [1.5, NaN, NaN, 2, -0, null], b: [1.5, NaN, 1e308, NaN, 0, 1] },
  { type: REAL, a: [1.5, NaN, 3], b: [2.5, 1, 3] },
  { type: VARCHAR, a: ['a', 'B', 'abc', '', 'é', null], b: ['b', 'a', 'ab', '', 'z', 'x'] },
  { type: BOOLEAN, a: [true, false, true, null], b: [false, false, true, true] },
  { type: DATE, a: [0, 19000, -1], b: [1, 19000, -2] },
  { type: TIMESTAMP, a: [1.7e15, 0, null], b: [1.7e15, 1, 0] },
  { type: decimal(10, 2), a: [12345, -100, 0], b: [12346, -100, 1] },
  { type: decimal(30, 4), a: [10n ** 25n, -1n, 0n, null], b: [10n ** 25n + 1n, -1n, -(10n ** 20n), 5n] },
  {
    type: INTERVAL,
    a: [{ months: 1, days: 0, micros: 0 }, { months: 0, days: 1, micros: 0 }, { months: 0, days: 0, micros: 5 }],
    b: [{ months: 0, days: 30, micros: 0 }, { months: 0, days: 0, micros: 86_400_000_000 - 1 }, { months: 0, days: 0, micros: 6 }],
  },
  {
    type: BLOB,
    a: [new Uint8Array([1, 2]), new Uint8Array([1]), new Uint8Array([]), null],
    b: [new Uint8Array([1, 3]), new Uint8Array([1, 0]), new Uint8Array([]), new Uint8Array([0])],
  },
]

test('comparisons agree with the interpreter on every type and NULL pattern', () => {
  for (const c of comparisonCases) {
    for (const op of ['=', '<>', '<', '<=', '>', '>=', 'distinct', 'not_distinct'] as const) {
      const { compiled, interpreted } = run(cmp(op, col(0, c.type), col(1, c.type)), [
        { type: c.type, values: c.a }, { type: c.type, values: c.b }])
      assert.deepEqual(compiled, interpreted, `${c.type.id} ${op}`)
    }
  }
})

test('comparison semantics: NaN, strings by code unit, intervals normalised, NULLs', () => {
  const d = [{ type: DOUBLE, values: [NaN, NaN, 1] }, { type: DOUBLE, values: [NaN, 1, 2] }]
  check(cmp('=', col(0, DOUBLE), col(1, DOUBLE)), d, [true, false, false])
  check(cmp('>', col(0, DOUBLE), col(1, DOUBLE)), d, [false, true, false])
  check(cmp('<', col(0, VARCHAR), col(1, VARCHAR)),
    [{ type: VARCHAR, values: ['Z', 'a', null] }, { type: VARCHAR, values: ['a', 'Z', 'a'] }], [true, false, null])
  check(cmp('=', col(0, INTERVAL), col(1, INTERVAL)),
    [{ type: INTERVAL, values: [{ months: 1, days: 0, micros: 0 }] }, { type: INTERVAL, values: [{ months: 0, days: 30, micros: 0 }] }], [true])
  check(cmp('distinct', col(0, INTEGER), col(1, INTEGER)),
    [{ type: INTEGER, values: [1, null, null, 2] }, { type: INTEGER, values: [1, null, 3, 3] }], [false, false, true, true])
})

test('AND / OR / NOT follow three-valued logic', () => {
  const a = [true, true, true, false, false, false, null, null, null]
  const b = [true, false, null, true, false, null, true, false, null]
  const cols = [{ type: BOOLEAN, values: a }, { type: BOOLEAN, values: b }]
  check(and(col(0, BOOLEAN), col(1, BOOLEAN)), cols, [true, false, null, false, false, false, null, false, null])
  check(or(col(0, BOOLEAN), col(1, BOOLEAN)), cols, [true, true, true, true, false, null, true, null, null])
  check(not(col(0, BOOLEAN)), cols, [false, false, false, true, true, true, null, null, null])
  check(isNull(col(0, BOOLEAN)), cols, [false, false, false, false, false, false, true, true, true])
  check(isNull(col(0, BOOLEAN), true), cols, [true, true, true, true, true, true, false, false, false])
})

test('CASE picks the first true branch and evaluates the others lazily', () => {
  const caseExpr: BoundExpr = {
    kind: 'case', type: INTEGER,
    whens: [{ when: cmp('=', col(1, INTEGER), lit(0, INTEGER)), then: lit(0, INTEGER) }],
    else: call(divide, col(0, INTEGER), col(1, INTEGER)),
  }
  check(caseExpr, [{ type: INTEGER, values: [10, 10, 7, null] }, { type: INTEGER, values: [0, 3, null, 2] }], [0, 3, null, null])
  const fused: BoundExpr = {
    kind: 'case', type: VARCHAR,
    whens: [
      { when: cmp('<', col(0, INTEGER), lit(0, INTEGER)), then: lit('neg', VARCHAR) },
      { when: cmp('=', col(0, INTEGER), lit(0, INTEGER)), then: lit(null, VARCHAR) },
    ],
    else: lit('pos', VARCHAR),
  }
  check(fused, [{ type: INTEGER, values: [-1, 0, 1, null] }], ['neg', null, 'pos', 'pos'])
})

test('IN lists: constant sets, NULL items, column items, NOT IN', () => {
  const x = col(0, INTEGER)
  const cols = [{ type: INTEGER, values: [1, 2, 3, null] }, { type: INTEGER, values: [9, 2, null, 1] }]
  const inList = (list: BoundExpr[], negate = false): BoundExpr => ({ kind: 'in_list', arg: x, list, not: negate, type: BOOLEAN })
  check(inList([lit(1, INTEGER), lit(3, INTEGER)]), cols, [true, false, true, null])
  check(inList([lit(1, INTEGER), lit(null, INTEGER)]), cols, [true, null, null, null])
  check(inList([lit(1, INTEGER), lit(null, INTEGER)], true), cols, [false, null, null, null])
  check(inList([lit(5, INTEGER)], true), cols, [true, true, true, null])
  check(inList([col(1, INTEGER), lit(3, INTEGER)]), cols, [false, true, true, null])
  const iv = { months: 0, days: 30, micros: 0 }
  check({ kind: 'in_list', arg: col(0, INTERVAL), list: [lit({ months: 1, days: 0, micros: 0 }, INTERVAL)], not: false, type: BOOLEAN },
    [{ type: INTERVAL, values: [iv, { months: 0, days: 1, micros: 0 }] }], [true, false])
})

test('inline calls fuse; kernels run on vectors; NULLs propagate or are handled', () => {
  const add = addInline(INTEGER)
  check(call(add, col(0, INTEGER), lit(10, INTEGER)), [{ type: INTEGER, values: [1, null, -3] }], [11, null, 7])
  check(cmp('>', call(add, col(0, INTEGER), col(0, INTEGER)), lit(3, INTEGER)), [{ type: INTEGER, values: [1, null, 2] }], [false, null, true])
  check(call(upper, col(0, VARCHAR)), [{ type: VARCHAR, values: ['ab', null] }], ['AB', null])
  check(call(ifNull, col(0, BIGINT), lit(0n, BIGINT)), [{ type: BIGINT, values: [5n, null] }], [5n, 0n])
})

test('runtime errors surface as GrizzlyErrors; NULL rows never raise', () => {
  const e = call(divide, col(0, INTEGER), col(1, INTEGER))
  const chunk = chunkOf([{ type: INTEGER, values: [1, 2] }, { type: INTEGER, values: [1, 0] }])
  assert.throws(() => compileExpression(e, layoutOf(0, 1), env)(chunk),
    (err: unknown) => err instanceof GrizzlyError && err.code === '22012')
  const withNull = chunkOf([{ type: INTEGER, values: [1, null] }, { type: INTEGER, values: [1, 0] }])
  assert.deepEqual(valuesOf(compileExpression(e, layoutOf(0, 1), env)(withNull)), [1, null])
  const nullDivisor = chunkOf([{ type: INTEGER, values: [1, 4] }, { type: INTEGER, values: [null, 2] }])
  assert.deepEqual(valuesOf(compileExpression(e, layoutOf(0, 1), env)(nullDivisor)), [null, 2])
})

test('string constants never reach the generated source', () => {
  const evil = "x'); throw new Error('pwned'); /* */ \\\" ` ${process.exit(1)} */"
  const e = cmp('=', col(0, VARCHAR), lit(evil, VARCHAR))
  check(e, [{ type: VARCHAR, values: [evil, 'other', null] }], [true, false, null])
  const program = generate(e, {
    constantOf: x => (x as { value: Value }).value,
    vectorOf: () => () => { throw new Error('unused') },
  }, { kind: 'predicate' })
  assert.ok(!program.source.includes('pwned'))
  assert.ok(!program.source.includes('process'))
  assert.deepEqual(program.consts, [evil])
})

test('predicates select TRUE rows only', () => {
  const chunk = chunkOf([{ type: INTEGER, values: [5, null, 1, 7, 3] }])
  const p = compilePredicate(cmp('>=', col(0, INTEGER), lit(3, INTEGER)), layoutOf(0), env)(chunk)
  assert.deepEqual([...p.sel.subarray(0, p.count)], [0, 3, 4])
  const k = compilePredicate(cmp('=', call(divide, col(0, INTEGER), lit(1, INTEGER)), lit(7, INTEGER)), layoutOf(0), env)(chunk)
  assert.deepEqual([...k.sel.subarray(0, k.count)], [3])
})

test('parameters are constants of the statement; a missing one is 42P02', () => {
  const e = cmp('=', col(0, BIGINT), { kind: 'param', index: 1, type: BIGINT })
  const chunk = chunkOf([{ type: BIGINT, values: [1n, 2n] }])
  assert.deepEqual(valuesOf(compileExpression(e, layoutOf(0), makeEnv([2]))(chunk)), [false, true])
  assert.throws(() => compileExpression(e, layoutOf(0), makeEnv([]))(chunk),
    (err: unknown) => err instanceof GrizzlyError && err.code === '42P02')
})

test('evaluateConstant and isConstantExpression', () => {
  const add = addInline(INTEGER)
  assert.equal(evaluateConstant(call(add, lit(2, INTEGER), lit(3, INTEGER)), env), 5)
  assert.equal(evaluateConstant(and(lit(true, BOOLEAN), lit(null, BOOLEAN)), env), null)
  assert.equal(isConstantExpression(call(add, lit(2, INTEGER), lit(3, INTEGER))), true)
  assert.equal(isConstantExpression(call(random)), false)
  assert.equal(isConstantExpression(call(add, col(0, INTEGER), lit(3, INTEGER))), false)
  assert.equal(isConstantExpression({ kind: 'param', index: 1, type: INTEGER }), false)
  assert.throws(() => evaluateConstant(call(divide, lit(1, INTEGER), lit(0, INTEGER)), env), GrizzlyError)
})

test('a broken inline template falls back to the kernel path', () => {
  const broken = { ...addInline(INTEGER), inline: () => ') syntax error (' }
  check(call(broken, col(0, INTEGER), lit(1, INTEGER)), [{ type: INTEGER, values: [1, null] }], [2, null])
})

test('nested values: IS NULL and comparisons of lists', () => {
  const t = list(INTEGER)
  check(isNull(col(0, t)), [{ type: t, values: [[1], null, []] }], [false, true, false])
  check(cmp('<', col(0, t), col(1, t)), [{ type: t, values: [[1, 2], [1], null] }, { type: t, values: [[1, 3], [1, 0], [1]] }], [true, true, null])
})

test('casts run through castVector; failures raise unless TRY_CAST, NULL rows never fail', () => {
  const toInt = (e: BoundExpr, tryCast: boolean): BoundExpr => ({ kind: 'cast', expr: e, type: INTEGER, try: tryCast })
  check(toInt(col(0, VARCHAR), false), [{ type: VARCHAR, values: ['12', null, ' 7'] }], [12, null, 7])
  check(toInt(col(0, VARCHAR), true), [{ type: VARCHAR, values: ['12', 'x'] }], [12, null])
  assert.throws(() => compileExpression(toInt(col(0, VARCHAR), false), layoutOf(0), env)(chunkOf([{ type: VARCHAR, values: ['x'] }])),
    (err: unknown) => err instanceof GrizzlyError && err.code === '22P02')
  check({ kind: 'cast', expr: col(0, INTEGER), type: VARCHAR, try: false }, [{ type: INTEGER, values: [5, null] }], ['5', null])
  check(cmp('>', { kind: 'cast', expr: col(0, INTEGER), type: BIGINT, try: false }, lit(3n, BIGINT)), [{ type: INTEGER, values: [5, 1] }], [true, false])
})

test('widening casts fused into the loop agree with castVector', () => {
  const ints = [0, 1, -1, 2147483647, -2147483648, null, 123456]
  for (const target of [BIGINT, DOUBLE, REAL, decimal(12, 2), decimal(15, 5)]) {
    const e: BoundExpr = { kind: 'cast', expr: col(0, INTEGER), type: target, try: false }
    const { compiled, interpreted } = run(e, [{ type: INTEGER, values: ints }])
    assert.deepEqual(compiled, interpreted, `INTEGER -> ${target.id}`)
  }
  const bigs = [0n, 9007199254740993n, -(2n ** 63n), 2n ** 63n - 1n, null]
  const { compiled, interpreted } = run({ kind: 'cast', expr: col(0, BIGINT), type: DOUBLE, try: false }, [{ type: BIGINT, values: bigs }])
  assert.deepEqual(compiled, interpreted, 'BIGINT -> DOUBLE')
  const src = generate(cmp('<', { kind: 'cast', expr: col(0, INTEGER), type: BIGINT, try: false }, lit(5n, BIGINT)), {
    constantOf: x => (x as { value: Value }).value, vectorOf: () => () => { throw new Error('unused') },
  }, { kind: 'predicate' }).source
  assert.match(src, /BigInt\(/)
})

test('AND / OR evaluate later arguments only on undecided rows: guards prevent kernel errors', () => {
  const a = col(0, INTEGER), b = col(1, INTEGER)
  const guardedAnd = and(cmp('<>', b, lit(0, INTEGER)), cmp('>', call(divide, a, b), lit(1, INTEGER)))
  const guardedOr = or(cmp('=', b, lit(0, INTEGER)), cmp('>', call(divide, a, b), lit(1, INTEGER)))
  const cols = [{ type: INTEGER, values: [10, 10, 3, null, 8] }, { type: INTEGER, values: [0, 2, 3, 1, null] }]
  check(guardedAnd, cols, [false, true, false, null, null])
  check(guardedOr, cols, [true, true, false, null, null])
  const chunk = chunkOf(cols)
  const p = compilePredicate(guardedAnd, layoutOf(0, 1), env)(chunk)
  assert.deepEqual([...p.sel.subarray(0, p.count)], [1])
  const three = compilePredicate(and(cmp('<>', b, lit(0, INTEGER)), cmp('>', call(divide, a, b), lit(1, INTEGER)), cmp('<', a, lit(10, INTEGER))), layoutOf(0, 1), env)(chunk)
  assert.equal(three.count, 0)
  const unguarded = and(cmp('>', call(divide, a, b), lit(1, INTEGER)), cmp('<>', b, lit(0, INTEGER)))
  assert.throws(() => compilePredicate(unguarded, layoutOf(0, 1), env)(chunk), (e: unknown) => e instanceof GrizzlyError && e.code === '22012')
})

test('CASE by selection: kernel branches run only on their rows and keep every type', () => {
  const s = col(0, VARCHAR), a = col(1, INTEGER)
  const e: BoundExpr = {
    kind: 'case', type: VARCHAR,
    whens: [{ when: cmp('>', a, lit(0, INTEGER)), then: call(upper, s) }, { when: isNull(a), then: lit('none', VARCHAR) }],
    else: lit(null, VARCHAR),
  }
  check(e, [{ type: VARCHAR, values: ['ab', 'cd', null, 'ef'] }, { type: INTEGER, values: [1, -1, 5, null] }], ['AB', null, null, 'none'])
  const big: BoundExpr = {
    kind: 'case', type: BIGINT,
    whens: [{ when: cmp('<>', col(1, INTEGER), lit(0, INTEGER)), then: call(ifNull, col(0, BIGINT), lit(7n, BIGINT)) }],
    else: lit(-1n, BIGINT),
  }
  check(big, [{ type: BIGINT, values: [1n, null, 3n] }, { type: INTEGER, values: [1, 1, 0] }], [1n, 7n, -1n])
})
