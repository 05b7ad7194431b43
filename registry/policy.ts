/**
 * Reading a policy document for the engine: the pure parser in policies/ reports problems as
 * values; here they become GrizzlyError 22023 naming the field.
 */
import { readFileSync } from 'node:fs'
import { didYouMean } from '../core/errors.ts'
import { POLICY_SCHEMA, formatProblem, parsePolicy } from '../policies/index.ts'
import type { Policy } from '../policies/index.ts'
import { BundleError } from './errors.ts'
import type { TrustOptions } from './store.ts'

/** Validates a policy given as a parsed value or JSON text. */
export function loadPolicy(input: unknown): Policy {
  let json = input
  if (typeof input === 'string') {
    try { json = JSON.parse(input) } catch (e) { throw new BundleError('bad_policy', `invalid policy: not valid JSON (${(e as Error).message})`) }
  }
  const r = parsePolicy(json)
  if (r.ok) return r.policy
  const first = r.problems[0]!
  const more = r.problems.length > 1 ? ` (and ${r.problems.length - 1} more problem${r.problems.length > 2 ? 's' : ''})` : ''
  const hint = first.unknownField !== undefined ? didYouMean(first.unknownField, Object.keys(POLICY_SCHEMA.properties)) : undefined
  throw new BundleError('bad_policy', `invalid policy: ${formatProblem(first)}${more}`, hint)
}

export function loadPolicyFile(path: string): Policy {
  let text: string
  try { text = readFileSync(path, 'utf8') } catch (e) { throw new BundleError('io', `cannot read policy ${path}: ${(e as Error).message}`, undefined, e) }
  return loadPolicy(text)
}

/** The keys a policy trusts, in the form install/verify take. */
export function trustFromPolicy(policy: Policy, registryKey?: string): TrustOptions {
  return {
    trustedKeys: policy.trusted_keys, revokedKeys: policy.revoked_keys, allowUnsigned: policy.allow_unsigned,
    ...(registryKey !== undefined ? { registryKey } : {}),
  }
}
