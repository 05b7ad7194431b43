/**
 * CREATE MODEL under the policy: with `models.require_signature`, a model file needs
 * `<file>.sig` (registry/models.ts) by a key trusted for models (`models.trusted_keys`, else
 * `trusted_keys`). Without it, a signature file that is there must still match the bytes (a
 * mismatch is tampering); one by an untrusted key is ignored and the model counts as unsigned.
 */
import { GrizzlyError, SqlState } from '../core/errors.ts'
import type { Policy } from '../policies/index.ts'
import { checkModelSignature } from '../registry/models.ts'

export function checkModelFile(policy: Policy, path: string, sha256: string): { readonly signedBy: string | null } {
  const trusted = policy.models.trusted_keys.length > 0 ? policy.models.trusted_keys : policy.trusted_keys
  const check = checkModelSignature(path, sha256, trusted, policy.revoked_keys)
  if (check.ok) return { signedBy: check.publicKey }
  const required = policy.models.require_signature
  if (!required && (check.reason === 'missing' || check.reason === 'untrusted_key')) return { signedBy: null }
  throw new GrizzlyError(SqlState.insufficientPrivilege, `CREATE MODEL refused: ${check.message}`, {
    hint: check.reason === 'missing' || check.reason === 'untrusted_key'
      ? 'the policy requires signed models (models.require_signature): sign the file with a trusted key (grizzly ext sign-model FILE --key KEY) or trust its key in models.trusted_keys'
      : 'the file or its signature changed after signing: get both again from their publisher',
  })
}
