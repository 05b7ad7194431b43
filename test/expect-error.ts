/** Test helper: the GrizzlyError a piece of work must fail with (code, message and, unless `hinted` is false, a hint). */
import assert from 'node:assert/strict'
import { GrizzlyError } from '../core/errors.ts'

export async function fails(work: () => Promise<unknown>, code: string, pattern: RegExp, hinted = true): Promise<GrizzlyError> {
  try { await work() } catch (e) {
    assert.ok(e instanceof GrizzlyError, String(e))
    assert.equal(e.code, code, e.message)
    assert.match(e.message, pattern)
    if (hinted) assert.ok((e.hint ?? '').length > 0, `no hint: ${e.message}`)
    return e
  }
  assert.fail(`expected ${code}`)
}
