/**
 * Bundle and registry failures: a GrizzlyError whose `reason` says exactly what went wrong, so
 * callers (and tests) can tell a revoked key from a tampered file without parsing messages.
 * The SQLSTATE groups them: 42501 trust, XX001 corrupt bundle, 22023 bad document or request,
 * 42710 version already published, 58030 I/O, 42704 not found. See registry/README.md.
 */
import { GrizzlyError, SqlState } from '../core/errors.ts'

export type BundleFailure =
  | 'unsigned' | 'unknown_key' | 'revoked_key' | 'bad_signature' | 'denied_by_policy' // 42501
  | 'corrupt_signature' | 'digest_mismatch' | 'missing_file' | 'extra_file' | 'bad_index' // XX001
  | 'bad_manifest' | 'bad_key' | 'bad_policy' | 'engine_mismatch' | 'downgrade' | 'bad_lock' | 'bad_range' // 22023
  | 'already_published'                                                     // 42710
  | 'not_found' | 'no_matching_version'                                    // 42704
  | 'io'                                                                    // 58030

const CODE: Readonly<Record<BundleFailure, string>> = {
  unsigned: SqlState.insufficientPrivilege,
  unknown_key: SqlState.insufficientPrivilege,
  revoked_key: SqlState.insufficientPrivilege,
  bad_signature: SqlState.insufficientPrivilege,
  denied_by_policy: SqlState.insufficientPrivilege,
  corrupt_signature: SqlState.dataCorrupted,
  digest_mismatch: SqlState.dataCorrupted,
  missing_file: SqlState.dataCorrupted,
  extra_file: SqlState.dataCorrupted,
  bad_index: SqlState.dataCorrupted,
  bad_manifest: SqlState.invalidParameterValue,
  bad_key: SqlState.invalidParameterValue,
  bad_policy: SqlState.invalidParameterValue,
  engine_mismatch: SqlState.invalidParameterValue,
  downgrade: SqlState.invalidParameterValue,
  already_published: SqlState.duplicateObject,
  bad_lock: SqlState.invalidParameterValue,
  bad_range: SqlState.invalidParameterValue,
  not_found: SqlState.undefinedObject,
  no_matching_version: SqlState.undefinedObject,
  io: SqlState.ioError,
}

export class BundleError extends GrizzlyError {
  override readonly name = 'BundleError'
  readonly reason: BundleFailure
  constructor(reason: BundleFailure, message: string, hint?: string, cause?: unknown) {
    super(CODE[reason], message, { hint, cause })
    this.reason = reason
  }
}

/** Wraps a GrizzlyError from manifest validation so it keeps its message but gains a reason. */
export function asBundleError(reason: BundleFailure, e: unknown, prefix: string): BundleError {
  if (e instanceof BundleError) return e
  if (e instanceof GrizzlyError) return new BundleError(reason, `${prefix}: ${e.message}`, e.hint, e)
  return new BundleError(reason, `${prefix}: ${e instanceof Error ? e.message : String(e)}`, undefined, e)
}
