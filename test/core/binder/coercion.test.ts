import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, NULL_TYPE, REAL, SMALLINT, TIMESTAMP, TINYINT, VARCHAR,
  decimal, list, typeEquals, typeToString, type LogicalType,
} from '../../../core/types/types.ts'
import {
  STRING_LITERAL, commonSuperType, implicitCastCost, integerLiteralType, isIntegerLiteral, isStringLiteral, normalizeLiteralType,
} from '../../../core/types/coercion.ts'

function assertType(actual: LogicalType | undefined, expected: LogicalType): void {
  assert.ok(actual !== undefined, `expected ${typeToString(expected)}, got undefined`)
  assert.ok(typeEquals(actual, expected), `expected ${typeToString(expected)}, got ${typeToString(actual)}`)
}

test('same type costs nothing, NULL casts anywhere', () => {
  assert.equal(implicitCastCost(INTEGER, INTEGER), 0)
  assert.equal(implicitCastCost(NULL_TYPE, DATE), 1)
  assert.equal(implicitCastCost(NULL_TYPE, list(INTEGER)), 1)
})

test('integers widen but never narrow', () => {
  assert.ok(implicitCastCost(TINYINT, INTEGER) !== undefined)
  assert.ok(implicitCastCost(INTEGER, BIGINT) !== undefined)
  assert.equal(implicitCastCost(BIGINT, INTEGER), undefined)
  assert.equal(implicitCastCost(INTEGER, SMALLINT), undefined)
  // BIGINT is preferred over DOUBLE, DOUBLE over DECIMAL (DuckDB's target costs)
  assert.ok(implicitCastCost(INTEGER, BIGINT)! < implicitCastCost(INTEGER, DOUBLE)!)
  assert.ok(implicitCastCost(INTEGER, DOUBLE)! < implicitCastCost(INTEGER, decimal(18, 3))!)
})

test('integers go to a DECIMAL only when it is wide enough', () => {
  assert.ok(implicitCastCost(INTEGER, decimal(18, 3)) !== undefined)
  assert.equal(implicitCastCost(INTEGER, decimal(9, 0)), undefined)
  assert.equal(implicitCastCost(BIGINT, decimal(18, 0)), undefined)
  assert.ok(implicitCastCost(decimal(5, 2), decimal(10, 4)) !== undefined)
  assert.equal(implicitCastCost(decimal(10, 4), decimal(5, 2)), undefined)
})

test('no implicit casts between unrelated types', () => {
  assert.equal(implicitCastCost(VARCHAR, INTEGER), undefined)
  assert.equal(implicitCastCost(INTEGER, VARCHAR), undefined)
  assert.equal(implicitCastCost(DOUBLE, INTEGER), undefined)
  assert.equal(implicitCastCost(BOOLEAN, INTEGER), undefined)
  assert.equal(implicitCastCost(TIMESTAMP, DATE), undefined)
  assert.ok(implicitCastCost(DATE, TIMESTAMP) !== undefined)
})

test('string literals cast to anything, VARCHAR cheapest', () => {
  assert.ok(isStringLiteral(STRING_LITERAL))
  assert.ok(!isStringLiteral(VARCHAR))
  assert.equal(implicitCastCost(STRING_LITERAL, VARCHAR), 0)
  assert.ok(implicitCastCost(STRING_LITERAL, DATE)! > 0)
  assert.ok(implicitCastCost(STRING_LITERAL, INTEGER) !== undefined)
  assert.equal(normalizeLiteralType(STRING_LITERAL), VARCHAR)
  const normalized = normalizeLiteralType(list(STRING_LITERAL))
  assert.ok(normalized.id === 'LIST' && !isStringLiteral(normalized.child))
})

test('lists cast element-wise', () => {
  assert.ok(implicitCastCost(list(INTEGER), list(BIGINT)) !== undefined)
  assert.equal(implicitCastCost(list(BIGINT), list(INTEGER)), undefined)
  assert.equal(implicitCastCost(list(INTEGER), INTEGER), undefined)
})

test('common super type', () => {
  assertType(commonSuperType([TINYINT, INTEGER, SMALLINT]), INTEGER)
  assertType(commonSuperType([INTEGER, BIGINT]), BIGINT)
  assertType(commonSuperType([INTEGER, DOUBLE]), DOUBLE)
  assertType(commonSuperType([INTEGER, REAL]), REAL)
  assertType(commonSuperType([INTEGER, decimal(5, 2)]), decimal(12, 2))
  assertType(commonSuperType([decimal(5, 2), decimal(10, 4)]), decimal(10, 4))
  // too wide for one DECIMAL: the integer digits stay, scale is given up (DuckDB), not DOUBLE
  assertType(commonSuperType([decimal(38, 0), decimal(10, 4)]), decimal(38, 0))
  assertType(commonSuperType([decimal(5, 2), DOUBLE]), DOUBLE)
  assertType(commonSuperType([DATE, TIMESTAMP]), TIMESTAMP)
  assertType(commonSuperType([NULL_TYPE, DATE]), DATE)
  assertType(commonSuperType([NULL_TYPE, NULL_TYPE]), NULL_TYPE)
  assertType(commonSuperType([]), NULL_TYPE)
  assertType(commonSuperType([STRING_LITERAL, DATE]), DATE)
  assertType(commonSuperType([STRING_LITERAL, NULL_TYPE]), VARCHAR)
  assertType(commonSuperType([list(INTEGER), list(DOUBLE)]), list(DOUBLE))
  assert.equal(commonSuperType([INTEGER, VARCHAR]), undefined)
  // a BOOLEAN meets a number at the number, as in DuckDB (true = 1)
  assert.deepEqual(commonSuperType([BOOLEAN, INTEGER]), INTEGER)
  assert.equal(commonSuperType([list(INTEGER), INTEGER]), undefined)
})

test('integer literals fit narrower integer types', () => {
  const small = integerLiteralType(5n)
  const big = integerLiteralType(300n)
  assert.ok(isIntegerLiteral(small) && !isIntegerLiteral(INTEGER))
  assert.equal(small.id, 'INTEGER')
  assert.equal(implicitCastCost(small, TINYINT), 1)
  assert.equal(implicitCastCost(big, TINYINT), undefined)
  assert.equal(implicitCastCost(small, INTEGER), 0)
  assertType(commonSuperType([SMALLINT, small]), SMALLINT)
  assertType(commonSuperType([TINYINT, big]), INTEGER)
  assertType(commonSuperType([small, big]), INTEGER)
  assertType(commonSuperType([integerLiteralType(5_000_000_000n), SMALLINT]), BIGINT)
  assert.equal(normalizeLiteralType(small), INTEGER)
  assert.equal(normalizeLiteralType(integerLiteralType(5_000_000_000n)), BIGINT)
})
