import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GrizzlyError, InternalError, SqlState } from '../../core/errors.ts'
import { errorOutcome, openGrizzlyEngine } from './grizzly-engine.ts'

test('SQL errors are errors; plain JS errors and InternalError are crashes', () => {
  assert.deepEqual(errorOutcome(new GrizzlyError(SqlState.undefinedTable, 'no table t')), { kind: 'error', message: 'no table t', crash: false })
  const internal = errorOutcome(new InternalError('bad state'))
  assert.ok(internal.kind === 'error' && internal.crash)
  const typeError = errorOutcome(new TypeError('x is undefined'))
  assert.ok(typeError.kind === 'error' && typeError.crash && typeError.message.startsWith('TypeError: x is undefined'))
  const thrownString = errorOutcome('boom')
  assert.ok(thrownString.kind === 'error' && thrownString.crash)
})

test('the adapter runs scripts, named connections and reports results as text', async () => {
  const engine = await openGrizzlyEngine()
  try {
    const created = await engine.execute('CREATE TABLE t(i INTEGER, s VARCHAR); INSERT INTO t VALUES (1, NULL), (2, \'x\')', undefined)
    assert.equal(created.kind, 'ok')
    const r = await engine.execute('SELECT i, s FROM t ORDER BY i', 'con1')
    assert.ok(r.kind === 'ok', JSON.stringify(r))
    assert.deepEqual(r.result.text, [['1', null], ['2', 'x']])
    assert.equal(r.result.columns[0]?.class, 'integer')
    const bad = await engine.execute('SELECT * FROM missing', undefined)
    assert.ok(bad.kind === 'error' && !bad.crash)
  } finally {
    await engine.close()
  }
})
