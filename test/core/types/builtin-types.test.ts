import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Hooks } from '../../../core/hooks/registry.ts'
import { registerBuiltinTypes } from '../../../core/types/builtin-types.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { typeToString } from '../../../core/types/types.ts'

const hooks = new Hooks()
registerBuiltinTypes(hooks)
const resolve = (name: string, params: number[] = []): string => {
  const def = hooks.type(name)
  assert.ok(def !== undefined, `type ${name} is registered`)
  return typeToString(def.resolve(params))
}

test('names and aliases resolve to the stored types', () => {
  const cases: [string, string][] = [
    ['BOOLEAN', 'BOOLEAN'], ['bool', 'BOOLEAN'], ['LOGICAL', 'BOOLEAN'],
    ['TINYINT', 'TINYINT'], ['INT1', 'TINYINT'], ['SMALLINT', 'SMALLINT'], ['INT2', 'SMALLINT'], ['SHORT', 'SMALLINT'],
    ['INTEGER', 'INTEGER'], ['INT', 'INTEGER'], ['INT4', 'INTEGER'], ['SIGNED', 'INTEGER'],
    ['BIGINT', 'BIGINT'], ['INT8', 'BIGINT'], ['LONG', 'BIGINT'], ['HUGEINT', 'HUGEINT'], ['INT128', 'HUGEINT'], ['UHUGEINT', 'DECIMAL(38,0)'],
    ['UTINYINT', 'SMALLINT'], ['USMALLINT', 'INTEGER'], ['UINTEGER', 'BIGINT'], ['UBIGINT', 'DECIMAL(20,0)'],
    ['REAL', 'FLOAT'], ['FLOAT4', 'FLOAT'], ['FLOAT', 'FLOAT'], ['DOUBLE', 'DOUBLE'], ['FLOAT8', 'DOUBLE'],
    ['DOUBLE PRECISION', 'DOUBLE'], ['DECIMAL', 'DECIMAL(18,3)'], ['NUMERIC', 'DECIMAL(18,3)'],
    ['VARCHAR', 'VARCHAR'], ['TEXT', 'VARCHAR'], ['STRING', 'VARCHAR'], ['CHAR', 'VARCHAR'], ['BPCHAR', 'VARCHAR'],
    ['CHARACTER VARYING', 'VARCHAR'], ['UUID', 'VARCHAR'], ['BLOB', 'BLOB'], ['BYTEA', 'BLOB'], ['BINARY', 'BLOB'],
    ['VARBINARY', 'BLOB'], ['DATE', 'DATE'], ['TIME', 'TIME'], ['TIMESTAMP', 'TIMESTAMP'], ['DATETIME', 'TIMESTAMP'],
    ['INTERVAL', 'INTERVAL'],
  ]
  for (const [name, expected] of cases) assert.equal(resolve(name), expected, name)
})

test('parameters', () => {
  assert.equal(resolve('DECIMAL', [10, 2]), 'DECIMAL(10,2)')
  assert.equal(resolve('NUMERIC', [5]), 'DECIMAL(5,0)')
  assert.equal(resolve('DECIMAL', [38, 38]), 'DECIMAL(38,38)')
  assert.equal(resolve('FLOAT', [24]), 'FLOAT')
  assert.equal(resolve('FLOAT', [25]), 'DOUBLE')
  assert.equal(resolve('VARCHAR', [20]), 'VARCHAR')
  assert.equal(resolve('TIMESTAMP', [3]), 'TIMESTAMP')
})

test('bad parameters are errors with hints', () => {
  const bad = (name: string, params: number[], code: string): void => {
    assert.throws(() => hooks.type(name)!.resolve(params), (e: unknown) =>
      e instanceof GrizzlyError && e.code === code)
  }
  bad('DECIMAL', [0], '22023')
  bad('DECIMAL', [39], '22023')
  bad('DECIMAL', [5, 6], '22023')
  bad('DECIMAL', [5, 2, 1], '42601')
  bad('FLOAT', [54], '22023')
  bad('INTEGER', [3], '42601')
  bad('VARCHAR', [0], '22023')
  bad('TIMESTAMP', [9], '22023')
  assert.equal(hooks.type('NOSUCHTYPE'), undefined)
})
