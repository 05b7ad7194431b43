/** Shapes shared by the policy evaluator and the registry. */

/** Resource limits of one extension; a missing field means "no opinion". */
export interface ResourceLimits {
  readonly heapMb?: number
  readonly cpuMsPerCall?: number
  readonly wallMsPerStatement?: number
}

/** Every limit set: what a loaded extension actually runs under. */
export interface EffectiveLimits {
  readonly heapMb: number
  readonly cpuMsPerCall: number
  readonly wallMsPerStatement: number
}

export const LIMIT_NAMES = ['heapMb', 'cpuMsPerCall', 'wallMsPerStatement'] as const

/** Used when neither the manifest nor the policy says anything. */
export const ENGINE_DEFAULT_LIMITS: EffectiveLimits = { heapMb: 128, cpuMsPerCall: 1000, wallMsPerStatement: 30_000 }

export interface ExtensionPolicy {
  /** false refuses the extension outright */
  readonly enabled?: boolean
  readonly capabilities?: readonly string[]
  readonly limits?: ResourceLimits
}

export interface Policy {
  /** ed25519 public keys, 64 lowercase hex characters */
  readonly trusted_keys: readonly string[]
  readonly revoked_keys: readonly string[]
  readonly allow_unsigned: boolean
  /** false: only extensions named under `extensions` may load */
  readonly allow_unlisted: boolean
  readonly extensions: Readonly<Record<string, ExtensionPolicy>>
  readonly default_limits: ResourceLimits
  /** languages CREATE FUNCTION … LANGUAGE may use (default: all of them, each sandboxed) */
  readonly procedural_languages: readonly string[]
  /** CREATE MODEL: whether a model file needs a signature (`<file>.sig`) by a trusted key */
  readonly models: ModelPolicy
}

export interface ModelPolicy {
  /** true: CREATE MODEL refuses a file without a valid signature by one of `trusted_keys` */
  readonly require_signature: boolean
  /** keys trusted to sign models; empty = the policy's trusted_keys */
  readonly trusted_keys: readonly string[]
}

/** What the evaluator needs to know of a manifest. */
export interface LoadRequest {
  readonly name: string
  readonly capabilities?: readonly string[]
  readonly limits?: ResourceLimits
}
