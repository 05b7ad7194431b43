import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, GrizzlyError } from '../../../index.ts'
import { commonSuperType, comparisonType } from '../../../core/types/coercion.ts'
import { BIGINT, decimal, typeToString } from '../../../core/types/types.ts'

const show = (t: ReturnType<typeof commonSuperType>) => (t === undefined ? 'none' : typeToString(t))

test('DECIMALs too wide for one DECIMAL: two DECIMALs give up scale, an integer caps the width (DuckDB)', () => {
  assert.equal(show(commonSuperType([decimal(38, 0), decimal(25, 5)])), 'DECIMAL(38,0)')
  assert.equal(show(commonSuperType([decimal(36, 1), decimal(36, 35)])), 'DECIMAL(38,3)')
  assert.equal(show(commonSuperType([BIGINT, decimal(38, 30)])), 'DECIMAL(38,30)')
  // within 38 digits nothing changes
  assert.equal(show(commonSuperType([decimal(15, 2), decimal(10, 4)])), 'DECIMAL(17,4)')
  // a comparison keeps every fractional digit
  assert.equal(show(comparisonType(decimal(38, 0), decimal(25, 5))), 'DECIMAL(38,5)')
  assert.equal(show(comparisonType(decimal(15, 2), decimal(10, 4))), 'DECIMAL(17,4)')
})

test('wide DECIMALs compare exactly and unify without falling back to DOUBLE', async () => {
  const db = await Database.open()
  const q = async (sql: string) => (await db.query(sql)).textRows()
  assert.deepEqual(await q('SELECT 100000000000000000000 > 99999999999999999999.99999'), [['true']])
  assert.deepEqual(await q('SELECT 100000000000000000000 = 99999999999999999999.99999'), [['false']])
  assert.deepEqual(await q('SELECT [99999999999999999999999999999999999.9, 9.99999999999999999999999999999999999]'),
    [['[99999999999999999999999999999999999.900, 10.000]']])
  assert.deepEqual(await q('SELECT typeof(coalesce(1::DECIMAL(38,0), 1::DECIMAL(25,5)))'), [['DECIMAL(38,0)']])
  assert.deepEqual(await q('SELECT 1.5::DECIMAL(38,1) UNION ALL SELECT 1.25::DECIMAL(38,2)'), [['1.5'], ['1.3']])
})

test('a value that does not fit the wide common type fails its cast with 22003', async () => {
  const db = await Database.open()
  for (const sql of [
    'SELECT 10000000000000000000000000000000000000::DECIMAL(38,0) > 1::DECIMAL(25,5)',
    'SELECT [100000000000::BIGINT, 1::DECIMAL(38,30)]',
  ]) {
    await assert.rejects(db.query(sql), (e: unknown) => e instanceof GrizzlyError && e.code === '22003' && e.hint !== undefined, sql)
  }
})
