import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  decimalAddType, decimalMultiplyType, decimalToDouble, divRoundBig, divRoundNumber, doubleToDecimal, rescaleDecimal,
  roundHalfAway, roundHalfEven, decimalForIntegerType,
} from '../../../core/types/decimal.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { INTEGER, VARCHAR, decimal } from '../../../core/types/types.ts'

test('rounding helpers', () => {
  assert.equal(divRoundNumber(125, 1), 13)
  assert.equal(divRoundNumber(-125, 1), -13)
  assert.equal(divRoundNumber(124, 1), 12)
  assert.equal(divRoundBig(125n, 1), 13n)
  assert.equal(divRoundBig(-125n, 1), -13n)
  assert.equal(divRoundBig(-124n, 1), -12n)
  assert.equal(roundHalfAway(2.5), 3)
  assert.equal(roundHalfAway(-2.5), -3)
  assert.equal(roundHalfAway(0.49999999999999994), 0)
  assert.equal(roundHalfEven(2.5), 2)
  assert.equal(roundHalfEven(3.5), 4)
  assert.equal(roundHalfEven(-2.5), -2)
  assert.equal(roundHalfEven(-2.6), -3)
})

test('rescale in both storage forms, with width checks', () => {
  assert.equal(rescaleDecimal(150, decimal(4, 2), decimal(6, 4)), 15000)
  assert.equal(rescaleDecimal(155, decimal(4, 2), decimal(3, 1)), 16)
  assert.equal(rescaleDecimal(155n, decimal(20, 2), decimal(3, 1)), 16)
  assert.equal(rescaleDecimal(155, decimal(4, 2), decimal(30, 10)), 15500000000n)
  assert.throws(() => rescaleDecimal(99999, decimal(5, 2), decimal(4, 2)), (e: unknown) => e instanceof GrizzlyError && e.code === '22003')
})

test('double conversions', () => {
  assert.equal(decimalToDouble(150, 2), 1.5)
  assert.equal(decimalToDouble(-12345678901234567891n, 1), -1234567890123456789.1)
  assert.equal(doubleToDecimal(1.005, decimal(10, 2)), 100)
  assert.equal(doubleToDecimal(0.125, decimal(10, 2)), 13)
  assert.equal(doubleToDecimal(1.5, decimal(20, 2)), 150n)
  assert.throws(() => doubleToDecimal(1000, decimal(4, 1)), (e: unknown) => e instanceof GrizzlyError && e.code === '22003')
  assert.throws(() => doubleToDecimal(NaN, decimal(4, 1)), (e: unknown) => e instanceof GrizzlyError && e.code === '22003')
})

test('result types follow DuckDB', () => {
  assert.deepEqual(decimalAddType(decimal(4, 2), decimal(5, 1)), decimal(7, 2))
  assert.deepEqual(decimalMultiplyType(decimal(4, 2), decimal(5, 1)), decimal(9, 3))
  assert.deepEqual(decimalMultiplyType(decimal(30, 2), decimal(20, 1)), decimal(38, 3))
  assert.deepEqual(decimalAddType(decimal(38, 0), decimal(38, 0)), decimal(38, 0))
  assert.throws(() => decimalMultiplyType(decimal(38, 30), decimal(38, 10)), (e: unknown) => e instanceof GrizzlyError)
  assert.deepEqual(decimalForIntegerType(INTEGER), decimal(10, 0))
  assert.equal(decimalForIntegerType(VARCHAR), undefined)
})
