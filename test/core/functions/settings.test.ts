import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GrizzlyError } from '../../../core/errors.ts'
import { hooks } from './helpers.ts'
import { parseMemoryLimit } from '../../../core/functions/settings.ts'

function validate(name: string, value: unknown): unknown {
  const def = hooks.setting(name)
  assert.ok(def !== undefined, `setting ${name}`)
  return def.validate ? def.validate(value as never) : value
}

function rejects(name: string, value: unknown, hint?: RegExp): void {
  assert.throws(() => validate(name, value), (e: unknown) => {
    assert.ok(e instanceof GrizzlyError)
    assert.equal(e.code, '22023')
    assert.ok(e.hint !== undefined)
    if (hint) assert.match(e.hint, hint)
    return true
  })
}

test('defaults are registered', () => {
  assert.equal(hooks.setting('integer_division')!.default, false)
  assert.equal(hooks.setting('timezone')!.default, 'UTC')
  assert.equal(hooks.setting('default_null_order')!.default, 'nulls_last')
  assert.equal(hooks.setting('preserve_insertion_order')!.default, true)
  assert.equal(typeof hooks.setting('threads')!.default, 'bigint')
})

test('booleans accept the usual spellings', () => {
  assert.equal(validate('integer_division', 'on'), true)
  assert.equal(validate('enable_progress_bar', 0), false)
  rejects('integer_division', 'maybe', /true or false/)
})

test('threads and depth are bounded integers', () => {
  assert.equal(validate('threads', 4), 4n)
  assert.equal(validate('threads', '8'), 8n)
  rejects('threads', 0)
  rejects('threads', 'x')
  rejects('max_expression_depth', -1)
})

test('choices give did-you-mean hints', () => {
  assert.equal(validate('default_order', 'DESC'), 'desc')
  assert.equal(validate('default_order', 'descending'), 'desc')
  assert.equal(validate('default_null_order', 'NULLS FIRST'), 'nulls_first')
  rejects('default_order', 'descc', /did you mean "desc"/)
})

test('memory limits and time zones', () => {
  assert.equal(validate('memory_limit', '4GB'), '4GB')
  assert.equal(parseMemoryLimit('512 MiB'), 512 * 1024 * 1024)
  assert.equal(parseMemoryLimit('1kb'), 1000)
  rejects('memory_limit', 'lots')
  assert.equal(validate('TimeZone', 'Europe/Paris'), 'Europe/Paris')
  rejects('TimeZone', 'Mars/Olympus')
  assert.equal(validate('disabled_optimizers', ' Filter_Pushdown , join_order'), 'filter_pushdown,join_order')
})

test('engine switches used by the corpora are accepted', () => {
  assert.equal(validate('ieee_floating_point_ops', 'false'), false)
  assert.equal(validate('scalar_subquery_error_on_multiple_rows', false), false)
  assert.equal(validate('immediate_transaction_mode', true), true)
  assert.equal(validate('storage_compatibility_version', 'v1.0.0'), 'v1.0.0')
  rejects('storage_compatibility_version', 'new')
  assert.equal(validate('merge_join_threshold', 0), 0n)
  assert.equal(hooks.setting('max_recursion_depth')!.default, 100_000n)
})

test('current_setting reads the session value and rejects unknown names', async () => {
  const { call1 } = await import('./helpers.ts')
  const { VARCHAR } = await import('../../../core/types/types.ts')
  assert.equal(call1('current_setting', [VARCHAR], ['TimeZone']), null) // the test context has no session values
  assert.throws(() => call1('current_setting', [VARCHAR], ['timezon']), (e: unknown) => e instanceof GrizzlyError && e.code === '42704' && /TimeZone/.test(e.hint ?? ''))
})
