/**
 * Pure policy evaluation: may this extension load, with which capabilities and limits.
 * Trust rules are checked first (revocation beats trust), then the per-extension rules.
 */
import { ENGINE_DEFAULT_LIMITS, LIMIT_NAMES } from './types.ts'
import type { EffectiveLimits, LoadRequest, Policy, ResourceLimits } from './types.ts'

/** Which rule refused a load. */
export type PolicyRule = 'revoked_key' | 'unsigned' | 'untrusted_key' | 'disabled' | 'not_listed'

export type LoadDecision =
  | {
    readonly allowed: true
    /** requested ∩ allowed by the policy */
    readonly capabilities: readonly string[]
    /** requested but not granted; the caller may warn */
    readonly deniedCapabilities: readonly string[]
    readonly limits: EffectiveLimits
  }
  | { readonly allowed: false; readonly rule: PolicyRule; readonly message: string }

const shortKey = (key: string): string => `${key.slice(0, 12)}…`

export function checkLoad(policy: Policy, manifest: LoadRequest, publisherKey: string | null): LoadDecision {
  const name = manifest.name
  const key = publisherKey === null ? null : publisherKey.toLowerCase()
  if (key !== null && policy.revoked_keys.includes(key)) {
    return { allowed: false, rule: 'revoked_key', message: `extension "${name}" is signed with revoked key ${shortKey(key)}` }
  }
  if (key === null && !policy.allow_unsigned) {
    return { allowed: false, rule: 'unsigned', message: `extension "${name}" is not signed and the policy does not allow unsigned extensions` }
  }
  if (key !== null && !policy.trusted_keys.includes(key)) {
    return { allowed: false, rule: 'untrusted_key', message: `extension "${name}" is signed with key ${shortKey(key)}, which the policy does not trust` }
  }
  const rules = Object.prototype.hasOwnProperty.call(policy.extensions, name) ? policy.extensions[name] : undefined
  if (rules?.enabled === false) {
    return { allowed: false, rule: 'disabled', message: `extension "${name}" is disabled by the policy` }
  }
  if (rules === undefined && !policy.allow_unlisted) {
    return { allowed: false, rule: 'not_listed', message: `extension "${name}" is not listed in the policy, which allows only listed extensions` }
  }
  const allowedCaps = rules?.capabilities ?? []
  const capabilities: string[] = [], deniedCapabilities: string[] = []
  for (const requested of manifest.capabilities ?? []) {
    if (allowedCaps.some(a => capabilityCovers(a, requested))) capabilities.push(requested)
    else deniedCapabilities.push(requested)
  }
  return { allowed: true, capabilities, deniedCapabilities, limits: tighterLimits(manifest.limits ?? {}, rules?.limits ?? policy.default_limits) }
}

/** Per limit, the smaller of what the manifest asks and what the policy allows. */
export function tighterLimits(manifest: ResourceLimits, policy: ResourceLimits): EffectiveLimits {
  const out: Record<string, number> = {}
  for (const n of LIMIT_NAMES) {
    const ceiling = policy[n] ?? ENGINE_DEFAULT_LIMITS[n]
    const asked = manifest[n]
    out[n] = asked === undefined ? ceiling : Math.min(asked, ceiling)
  }
  return out as unknown as EffectiveLimits
}

/**
 * Whether an allowed capability covers a requested one: equal names, or for path capabilities
 * (`fs.read:<dir>`) a request inside the allowed directory. Paths with `..` are never covered.
 */
export function capabilityCovers(allowed: string, requested: string): boolean {
  if (allowed === requested) return !hasDotDot(argumentOf(requested))
  const a = allowed.indexOf(':'), r = requested.indexOf(':')
  if (a < 0 || r < 0) return false
  const kind = allowed.slice(0, a)
  if (kind !== requested.slice(0, r) || !kind.startsWith('fs.')) return false
  const dir = normalizeDir(allowed.slice(a + 1)), path = normalizeDir(requested.slice(r + 1))
  if (hasDotDot(path) || hasDotDot(dir)) return false
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : dir + '/')
}

function argumentOf(capability: string): string {
  const colon = capability.indexOf(':')
  return colon < 0 ? '' : capability.slice(colon + 1)
}

function hasDotDot(path: string): boolean {
  return path.replace(/\\/g, '/').split('/').includes('..')
}

function normalizeDir(p: string): string {
  const s = p.replace(/\\/g, '/').replace(/\/+/g, '/').split('/').filter((seg, i) => seg !== '.' || i === 0).join('/')
  return s.length > 1 && s.endsWith('/') ? s.slice(0, -1) : s
}
