import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Hooks } from '../../../core/hooks/registry.ts'
import { registerBuiltins } from '../../../core/functions/index.ts'
import { DOUBLE, VARCHAR } from '../../../core/types/types.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import type { ScalarFunctionDef } from '../../../core/hooks/contracts.ts'

const ext = (name: string): ScalarFunctionDef => ({
  name, nulls: 'propagate', volatility: 'immutable',
  overloads: [{ args: [VARCHAR], returns: DOUBLE, invoke: () => { throw new Error('not called') } }],
})

test('unloading an extension removes only the overloads it added to a built-in name', () => {
  const hooks = new Hooks()
  registerBuiltins(hooks)
  const before = hooks.scalar('abs')!.length
  hooks.registerScalar(ext('abs'), { extension: 'x' })
  hooks.registerScalar(ext('only_x'), { extension: 'x' })
  assert.equal(hooks.scalar('abs')!.length, before + 1)
  assert.equal(hooks.originOf('scalar', 'only_x')?.extension, 'x')
  hooks.unregisterExtension('x')
  assert.equal(hooks.scalar('abs')!.length, before)
  assert.equal(hooks.scalar('only_x'), undefined)
  assert.equal(hooks.originOf('scalar', 'abs')?.extension, null)
})

test('casts registered by name are found again; a name taken by another owner is refused', () => {
  const hooks = new Hooks()
  registerBuiltins(hooks)
  assert.ok(hooks.cast('VARCHAR', 'INTEGER') !== undefined)
  hooks.registerTableFunction({ name: 'mine', bind: () => { throw new Error('unused') } }, { extension: 'a' })
  assert.throws(() => hooks.registerTableFunction({ name: 'mine', bind: () => { throw new Error('unused') } }, { extension: 'b' }),
    (e: unknown) => e instanceof GrizzlyError && e.code === '42710')
})
