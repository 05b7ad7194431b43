/**
 * A small semver (2.0.0) implementation: parse, compare, and npm-style ranges
 * (^ ~ >= <= > < =, x-ranges, hyphen ranges and ||). Enough for manifests and the registry;
 * ranges are parsed once into comparator sets.
 */
import { GrizzlyError, SqlState } from '../core/errors.ts'

export interface SemVer {
  readonly major: number
  readonly minor: number
  readonly patch: number
  /** dot-separated identifiers after '-'; empty for a release */
  readonly prerelease: readonly (string | number)[]
}

type Op = '<' | '<=' | '>' | '>=' | '='
interface Comparator { readonly op: Op; readonly version: SemVer }
/** Alternatives (||) of comparator conjunctions; an empty set matches every release. */
export type Range = readonly (readonly Comparator[])[]

const NUMERIC = /^(0|[1-9]\d*)$/
const IDENT = /^[0-9A-Za-z-]+$/
const VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/

function badVersion(text: string, why: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, `invalid semver version "${text}": ${why}`, { hint: 'a version looks like 1.2.3 or 1.2.3-beta.1' })
}

function badRange(text: string, why: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, `invalid semver range "${text}": ${why}`, { hint: 'ranges look like ^1.2.0, ~1.2, >=1.0.0 <2.0.0, 1.x or ^1.0.0 || ^2.0.0' })
}

function parsePrerelease(text: string, whole: string): (string | number)[] {
  return text.split('.').map(id => {
    if (!IDENT.test(id)) throw badVersion(whole, `bad pre-release identifier "${id}"`)
    if (/^\d+$/.test(id)) {
      if (!NUMERIC.test(id)) throw badVersion(whole, `numeric identifier "${id}" has a leading zero`)
      return Number(id)
    }
    return id
  })
}

export function parseVersion(text: string): SemVer {
  if (typeof text !== 'string') throw badVersion(String(text), 'not a string')
  const m = VERSION.exec(text.trim())
  if (m === null) throw badVersion(text, 'expected MAJOR.MINOR.PATCH with optional -prerelease and +build')
  const nums = [m[1]!, m[2]!, m[3]!].map(Number)
  if (nums.some(n => !Number.isSafeInteger(n))) throw badVersion(text, 'a number is too large')
  return { major: nums[0]!, minor: nums[1]!, patch: nums[2]!, prerelease: m[4] === undefined ? [] : parsePrerelease(m[4], text) }
}

export function isValidVersion(text: string): boolean {
  try { parseVersion(text); return true } catch { return false }
}

export function formatVersion(v: SemVer): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease.length > 0 ? '-' + v.prerelease.join('.') : ''}`
}

function compareIdentifiers(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'number') return -1 // numeric identifiers sort before alphanumeric ones
  if (typeof b === 'number') return 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** Negative, zero or positive as a is lower than, equal to (build ignored) or higher than b. */
export function compareVersions(a: SemVer | string, b: SemVer | string): number {
  const x = typeof a === 'string' ? parseVersion(a) : a
  const y = typeof b === 'string' ? parseVersion(b) : b
  const d = x.major - y.major || x.minor - y.minor || x.patch - y.patch
  if (d !== 0) return Math.sign(d)
  if (x.prerelease.length === 0 || y.prerelease.length === 0) return y.prerelease.length - x.prerelease.length === 0 ? 0 : x.prerelease.length === 0 ? 1 : -1
  for (let i = 0; i < Math.max(x.prerelease.length, y.prerelease.length); i++) {
    const p = x.prerelease[i], q = y.prerelease[i]
    if (p === undefined) return -1
    if (q === undefined) return 1
    const c = compareIdentifiers(p, q)
    if (c !== 0) return Math.sign(c)
  }
  return 0
}

// ---- ranges -------------------------------------------------------------------------------------

/** A partial version from a range: missing or wildcard parts are null. */
interface Partial { readonly major: number | null; readonly minor: number | null; readonly patch: number | null; readonly prerelease: readonly (string | number)[] }

const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/

function parsePartial(text: string, whole: string): Partial {
  const m = PARTIAL.exec(text)
  if (m === null) throw badRange(whole, `"${text}" is not a version`)
  const part = (s: string | undefined): number | null => {
    if (s === undefined || s === 'x' || s === 'X' || s === '*') return null
    if (!NUMERIC.test(s)) throw badRange(whole, `"${s}" has a leading zero`)
    return Number(s)
  }
  let major = part(m[1]), minor = part(m[2]), patch = part(m[3])
  // anything after a wildcard is a wildcard too (1.x.3 means 1.x)
  if (major === null) { minor = null; patch = null } else if (minor === null) patch = null
  const prerelease = m[4] === undefined ? [] : parsePrerelease(m[4], whole)
  if (prerelease.length > 0 && patch === null) throw badRange(whole, `"${text}" has a pre-release but no patch number`)
  return { major, minor, patch, prerelease }
}

const v = (major: number, minor: number, patch: number, prerelease: readonly (string | number)[] = []): SemVer => ({ major, minor, patch, prerelease })
/** The lowest version of a line, below all its pre-releases (1.0.0-0). */
const floor = (major: number, minor: number, patch: number): SemVer => v(major, minor, patch, [0])

function expand(op: string, p: Partial, whole: string): Comparator[] {
  const { major, minor, patch } = p
  if (major === null) return op === '<' || op === '>' ? [{ op: '<', version: floor(0, 0, 0) }] : []
  const full = minor !== null && patch !== null ? v(major, minor, patch, p.prerelease) : null
  // the exclusive upper bound of the partial's own span (1.2 → 1.3.0-0, 1 → 2.0.0-0)
  const spanEnd = minor === null ? floor(major + 1, 0, 0) : patch === null ? floor(major, minor + 1, 0) : floor(major, minor, patch + 1)
  const low = v(major, minor ?? 0, patch ?? 0, p.prerelease)
  switch (op) {
    case '': case '=':
      return full !== null ? [{ op: '=', version: full }] : [{ op: '>=', version: low }, { op: '<', version: spanEnd }]
    case '^': {
      const upper = major > 0 || minor === null ? floor(major + 1, 0, 0)
        : minor > 0 || patch === null ? floor(0, minor + 1, 0)
        : floor(0, 0, patch + 1)
      return [{ op: '>=', version: low }, { op: '<', version: upper }]
    }
    case '~':
      return [{ op: '>=', version: low }, { op: '<', version: minor === null ? floor(major + 1, 0, 0) : floor(major, minor + 1, 0) }]
    case '>': return full !== null ? [{ op: '>', version: full }] : [{ op: '>=', version: { ...spanEnd, prerelease: [] } }]
    case '>=': return [{ op: '>=', version: low }]
    case '<': return [{ op: '<', version: full ?? floor(major, minor ?? 0, 0) }]
    case '<=': return full !== null ? [{ op: '<=', version: full }] : [{ op: '<', version: spanEnd }]
    default: throw badRange(whole, `unknown operator "${op}"`)
  }
}

const COMPARATOR = /^(\^|~|>=|<=|>|<|=)?\s*(.*)$/

export function parseRange(text: string): Range {
  if (typeof text !== 'string') throw badRange(String(text), 'not a string')
  return text.split('||').map(alternative => {
    const set = alternative.trim()
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(set)
    if (hyphen !== null) {
      const lo = parsePartial(hyphen[1]!, text), hi = parsePartial(hyphen[2]!, text)
      return [...expand('>=', lo, text), ...expand('<=', hi, text)]
    }
    if (set === '') return []
    // "> 1.2" with a space belongs together
    const tokens = set.replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1').split(/\s+/)
    return tokens.flatMap(token => {
      const m = COMPARATOR.exec(token)!
      if (m[2] === '') throw badRange(text, `"${token}" has an operator but no version`)
      return expand(m[1] ?? '', parsePartial(m[2]!, text), text)
    })
  })
}

function test(c: Comparator, x: SemVer): boolean {
  const d = compareVersions(x, c.version)
  switch (c.op) {
    case '<': return d < 0
    case '<=': return d <= 0
    case '>': return d > 0
    case '>=': return d >= 0
    case '=': return d === 0
  }
}

/**
 * Whether `version` lies in `range`. As in npm, a pre-release matches only if some comparator of
 * the same alternative names a pre-release of the same MAJOR.MINOR.PATCH (^1.2.3-beta.1 accepts
 * 1.2.3-beta.2, not 1.3.0-alpha).
 */
export function satisfies(version: SemVer | string, range: Range | string): boolean {
  const x = typeof version === 'string' ? parseVersion(version) : version
  const r = typeof range === 'string' ? parseRange(range) : range
  return r.some(set => {
    if (!set.every(c => test(c, x))) return false
    if (x.prerelease.length === 0) return true
    return set.some(c => c.version.prerelease.length > 0 && !(c.version.prerelease.length === 1 && c.version.prerelease[0] === 0 && c.op === '<')
      && c.version.major === x.major && c.version.minor === x.minor && c.version.patch === x.patch)
  })
}

/** The highest of `versions` inside `range`, or undefined. Unparseable versions are skipped. */
export function maxSatisfying(versions: Iterable<string>, range: Range | string): string | undefined {
  const r = typeof range === 'string' ? parseRange(range) : range
  let best: SemVer | undefined
  let bestText: string | undefined
  for (const text of versions) {
    let x: SemVer
    try { x = parseVersion(text) } catch { continue }
    if (satisfies(x, r) && (best === undefined || compareVersions(x, best) > 0)) { best = x; bestText = text }
  }
  return bestText
}
