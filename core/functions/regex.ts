/**
 * Regular expressions on JavaScript RegExp, with DuckDB's option letters mapped to flags:
 * 'i' case-insensitive, 'c' case-sensitive, 's' dot matches newline, 'm'/'n'/'p' multi-line,
 * 'g' replace every match (regexp_replace). RE2-style leading inline flags such as (?i) and
 * \1 back-references in replacements are translated. Compiled patterns are cached.
 */
import type { Hooks } from '../hooks/registry.ts'
import type { BoundScalar, ScalarBindInfo, ScalarKernel, ScalarOverload } from '../hooks/contracts.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import { BIGINT, BOOLEAN, INTEGER, type LogicalType, VARCHAR, type Value, list } from '../types/types.ts'
import { Vector, VectorBuilder } from '../vector/vector.ts'
import { isUniform, rowValid } from './kernel-util.ts'

interface RegexOptions { readonly flags: string; readonly global: boolean; readonly literal: boolean }

export function parseOptions(opts: string): RegexOptions {
  let ci = false, dotAll = false, multi = false, global = false, literal = false
  for (const c of opts) {
    switch (c) {
      case 'i': ci = true; break
      case 'c': ci = false; break
      case 's': dotAll = true; multi = false; break
      case 'm': case 'n': case 'p': multi = true; dotAll = false; break
      case 'g': global = true; break
      case 'l': literal = true; break
      case 'x': break
      // whitespace between the letters is ignored, as DuckDB does
      case ' ': case '\t': case '\n': case '\r': break
      default:
        throw new GrizzlyError(SqlState.invalidParameterValue, `unrecognized regex option '${c}'`,
          { hint: "use the letters i, c, s, m, n, p or g, e.g. 'gi'" })
    }
  }
  return { flags: (ci ? 'i' : '') + (dotAll ? 's' : '') + (multi ? 'm' : ''), global, literal }
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g

/** The pattern as a regex source: escaped for the 'l' (literal) option. */
function sourceOf(pattern: string, o: RegexOptions): string {
  return o.literal ? pattern.replace(REGEX_SPECIAL, '\\$&') : pattern
}

/** RE2 rejects escapes of letters it does not know (\X, \q, …); JavaScript would accept them. */
const KNOWN_LETTER_ESCAPES = new Set('dDsSwWbBAzZpPnrtfvxuQEaCk0123456789')
function checkEscapes(pattern: string): void {
  for (let i = 0; i < pattern.length - 1; i++) {
    if (pattern[i] !== '\\') continue
    const c = pattern[i + 1]!
    if (/[a-zA-Z]/.test(c) && !KNOWN_LETTER_ESCAPES.has(c)) {
      throw new GrizzlyError(SqlState.invalidRegex, `invalid regular expression '${pattern}': invalid escape sequence \\${c}`,
        { hint: 'escape a backslash as \\\\ or remove it' })
    }
    i++
  }
}

/** POSIX bracket classes RE2 accepts inside [...], as JavaScript class bodies. */
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', word: '\\w', cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~', graph: '!-~', ascii: '\\x00-\\x7f',
}
const POSIX_CLASS = /\[:([a-z]+):\]/g

const CACHE_LIMIT = 256
const cache = new Map<string, RegExp>()

/** Compiles `pattern` (RE2 dialect as far as JavaScript allows) with the given flags. */
export function compileRegex(pattern: string, flags: string): RegExp {
  const key = flags + '\u0000' + pattern
  let re = cache.get(key)
  if (re !== undefined) return re
  checkEscapes(pattern)
  let src = pattern
  let f = flags
  // RE2 lets a pattern start with inline flags: (?i), (?s), (?is) …
  const inline = /^\(\?([imsU]+)\)/.exec(src)
  if (inline !== null) {
    for (const c of inline[1]!) if (c !== 'U' && !f.includes(c)) f += c
    src = src.slice(inline[0].length)
  }
  src = src.replace(/\\z/g, '$').replace(/\\A/g, '^').replace(POSIX_CLASS, (_m, name: string) => POSIX_CLASSES[name] ?? _m)
  try {
    re = new RegExp(src, f + 'u')
  } catch {
    try {
      re = new RegExp(src, f)
    } catch (e) {
      throw new GrizzlyError(SqlState.invalidRegex, `invalid regular expression '${pattern}': ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
        { hint: 'check brackets, parentheses and escapes in the pattern' })
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
  cache.set(key, re)
  return re
}

/** RE2 replacement text (\0 … \9 groups) as a JavaScript replacement string. */
export function translateReplacement(r: string): string {
  let out = ''
  for (let i = 0; i < r.length; i++) {
    const c = r[i]!
    if (c === '$') { out += '$$'; continue }
    if (c === '\\' && i + 1 < r.length) {
      const d = r[i + 1]!
      if (d >= '0' && d <= '9') { out += d === '0' ? '$&' : `$${d}`; i++; continue }
      out += d; i++; continue
    }
    out += c
  }
  return out
}

/** Reads the options argument at index k (or '' when absent). */
function optionsAt(args: readonly Vector[], k: number, i: number): RegexOptions {
  const v = args[k]
  return parseOptions(v === undefined ? '' : (v.data as string[])[i]!)
}

function boolKernel(full: boolean): ScalarKernel {
  return (args, count) => {
    const s = args[0]!.data as string[], p = args[1]!.data as string[]
    const out = new Uint8Array(count)
    // NULLs handled here (nulls: 'handle') so that NULL options are an error even on NULL rows
    let validity: Uint8Array | null = null
    for (let i = 0; i < count; i++) {
      if (args[2] !== undefined && !args[2].isValid(i)) {
        throw new GrizzlyError(SqlState.invalidParameterValue, 'regex options must not be NULL', { hint: "pass '' for no options" })
      }
      if (!rowValid(args, i)) { (validity ??= new Uint8Array(count).fill(1))[i] = 0; continue }
      const o = optionsAt(args, 2, i)
      if (o.global) {
        throw new GrizzlyError(SqlState.invalidParameterValue, "the regex option 'g' is only valid for regexp_replace",
          { hint: 'regexp_matches already looks for a match anywhere; drop the g' })
      }
      const src = sourceOf(p[i]!, o)
      const re = compileRegex(full ? `(?<![\\s\\S])(?:${src})(?![\\s\\S])` : src, o.flags)
      out[i] = re.test(s[i]!) ? 1 : 0
    }
    return new Vector(BOOLEAN, count, out, validity)
  }
}

const replaceKernel: ScalarKernel = (args, count) => {
  const s = args[0]!.data as string[], p = args[1]!.data as string[], r = args[2]!.data as string[]
  const out = new Array<string>(count)
  for (let i = 0; i < count; i++) {
    if (!rowValid(args, i)) { out[i] = ''; continue }
    const o = optionsAt(args, 3, i)
    const re = compileRegex(sourceOf(p[i]!, o), o.flags + (o.global ? 'g' : ''))
    re.lastIndex = 0
    out[i] = o.global ? replaceAll(s[i]!, re, translateReplacement(r[i]!)) : s[i]!.replace(re, translateReplacement(r[i]!))
  }
  return new Vector(VARCHAR, count, out, null)
}

function groupIndex(args: readonly Vector[], k: number, i: number): number {
  const v = args[k]
  if (v === undefined) return 0
  const d = v.data as ArrayLike<number | bigint>
  return Number(d[i]!)
}

const MAX_GROUP = 9

/**
 * Successive matches as RE2's global matching finds them: after a non-empty match, an empty
 * match right where it ended is skipped (JavaScript would report it).
 */
export function* matchesOf(s: string, re: RegExp): Generator<RegExpExecArray> {
  re.lastIndex = 0
  let lastEnd = -1
  for (;;) {
    const m = re.exec(s)
    if (m === null) return
    const end = m.index + m[0].length
    if (m[0] === '') {
      re.lastIndex = m.index + (s.codePointAt(m.index)! > 0xffff ? 2 : 1)
      if (m.index === lastEnd) { if (m.index >= s.length) return; continue }
    }
    lastEnd = end
    yield m
    if (m.index >= s.length) return
  }
}

/** Expands $$, $& and $1…$9 of a JavaScript-style replacement for one match. */
function expandReplacement(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\$|&|[1-9])/g, (_t, c: string) => c === '$' ? '$' : c === '&' ? m[0] : m[Number(c)] ?? '')
}

/** Global replacement with RE2's treatment of empty matches. */
function replaceAll(s: string, re: RegExp, replacement: string): string {
  let out = '', last = 0
  for (const m of matchesOf(s, re)) {
    out += s.slice(last, m.index) + expandReplacement(replacement, m)
    last = m.index + m[0].length
  }
  return out + s.slice(last)
}

function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`, re.flags.replace('g', '')).exec('')!.length - 1
}

/** regexp_extract_all: a group the pattern does not have is an error (DuckDB). */
function checkGroup(re: RegExp, group: number): void {
  const groups = groupCount(re)
  if (group > groups) {
    throw new GrizzlyError(SqlState.invalidParameterValue,
      `Pattern has ${groups} group${groups === 1 ? '' : 's'}. Cannot access group ${group}`,
      { hint: 'use 0 for the whole match or a group number that the pattern defines' })
  }
}

function extractKernel(optsAt: number): ScalarKernel {
  return (args, count) => {
    const s = args[0]!.data as string[], p = args[1]!.data as string[]
    if (args[2] !== undefined && args[2].validity === null && !isUniform(args[2], count)) {
      throw new GrizzlyError(SqlState.invalidParameterValue, 'regexp_extract: the group index must be a constant',
        { hint: 'write the group number as a literal, e.g. regexp_extract(s, p, 1)' })
    }
    const out = new Array<string>(count)
    for (let i = 0; i < count; i++) {
      out[i] = ''
      if (!rowValid(args, i)) continue
      const o = optionsAt(args, optsAt, i)
      const re = compileRegex(sourceOf(p[i]!, o), o.flags)
      const g = groupIndex(args, 2, i)
      if (g < 0 || g > MAX_GROUP) {
        throw new GrizzlyError(SqlState.invalidParameterValue, `Group index must be between 0 and ${MAX_GROUP}, got ${g}`,
          { hint: 'use 0 for the whole match or the number of a group in the pattern' })
      }
      // a group the pattern does not have extracts nothing (DuckDB gives '')
      const m = re.exec(s[i]!)
      if (m !== null) out[i] = m[g] ?? ''
    }
    return new Vector(VARCHAR, count, out, null)
  }
}

/** A LIST(VARCHAR) vector; an undefined element is a NULL inside the list. */
function listOfStrings(count: number, rows: (i: number) => readonly (string | undefined)[] | null): Vector {
  const offsets = new Int32Array(count + 1)
  const items: string[] = []
  let itemValidity: number[] | null = null
  for (let i = 0; i < count; i++) {
    const r = rows(i)
    if (r !== null) {
      for (const x of r) {
        if (x === undefined) {
          itemValidity ??= new Array<number>(items.length).fill(1)
          itemValidity.push(0)
          items.push('')
        } else {
          itemValidity?.push(1)
          items.push(x)
        }
      }
    }
    offsets[i + 1] = items.length
  }
  const child = new Vector(VARCHAR, items.length, items, itemValidity === null ? null : Uint8Array.from(itemValidity))
  return new Vector(list(VARCHAR), count, null, null, offsets, [child])
}

function extractAllKernel(optsAt: number): ScalarKernel {
  return (args, count) => {
    const s = args[0]!.data as string[], p = args[1]!.data as string[]
    return listOfStrings(count, i => {
      if (!rowValid(args, i)) return null
      const o = optionsAt(args, optsAt, i)
      const re = compileRegex(sourceOf(p[i]!, o), o.flags + 'g')
      const g = groupIndex(args, 2, i)
      const found: (string | undefined)[] = []
      // unlike global replacement, extraction reports an empty match right after a match too
      re.lastIndex = 0
      for (const m of s[i]!.matchAll(re)) {
        // DuckDB checks the group only once something matched; a negative group finds nothing
        if (g < 0) return []
        if (found.length === 0) checkGroup(re, g)
        found.push(m[g])
      }
      return found
    })
  }
}

/**
 * regexp_extract_all(s, pattern, ['name', …][, options]): every match as a STRUCT of its groups
 * by name (group 1 → first name, …); a group that took no part in a match is NULL. The names
 * must be a constant list of distinct, non-NULL names, no more than the pattern has groups.
 */
function bindExtractAllStruct(argTypes: readonly LogicalType[], info?: ScalarBindInfo): Omit<BoundScalar, 'name' | 'nulls' | 'volatility'> | undefined {
  if ((argTypes.length !== 3 && argTypes.length !== 4) || argTypes[2]!.id !== 'LIST') return undefined
  const names = info?.constants[2]
  const fail = (message: string, hint: string): GrizzlyError => new GrizzlyError(SqlState.invalidParameterValue, message, { hint })
  const hint = "write the names as a list literal, e.g. regexp_extract_all(s, '(\\w+)=(\\d+)', ['key', 'value'])"
  if (names === undefined) throw fail('regexp_extract_all: the group names must be a constant list', hint)
  if (names === null || !Array.isArray(names)) throw fail('regexp_extract_all: the group names must be a non-NULL list', hint)
  if (names.length === 0) throw fail('regexp_extract_all: the list of group names must not be empty', hint)
  const seen = new Set<string>()
  for (const n of names) {
    if (n === null) throw fail('regexp_extract_all: a group name is NULL', hint)
    if (seen.has(String(n))) throw fail(`regexp_extract_all: the group name "${String(n)}" appears twice`, hint)
    seen.add(String(n))
  }
  const pattern = info?.constants[1]
  if (pattern === null) throw fail('regexp_extract_all: the pattern must not be NULL', hint)
  const options = argTypes.length === 4 ? info?.constants[3] : ''
  if (typeof pattern === 'string' && typeof options === 'string') {
    const o = parseOptions(options)
    const groups = groupCount(compileRegex(sourceOf(pattern, o), o.flags))
    if (names.length > groups) throw fail(`regexp_extract_all: ${names.length} group names given but the pattern has ${groups} groups`, hint)
  }
  const fields = names.map(n => ({ name: String(n), type: VARCHAR }))
  const returns = list({ id: 'STRUCT', fields })
  const invoke: ScalarKernel = (args, count) => {
    const s = args[0]!.data as string[], p = args[1]!.data as string[]
    const b = new VectorBuilder(returns, count)
    for (let i = 0; i < count; i++) {
      if (!rowValid(args, i)) { b.push(null); continue }
      const o = optionsAt(args, 3, i)
      const re = compileRegex(sourceOf(p[i]!, o), o.flags + 'g')
      if (i === 0 || p[i] !== p[i - 1]) {
        const groups = groupCount(re)
        if (fields.length > groups) throw fail(`regexp_extract_all: ${fields.length} group names given but the pattern has ${groups} groups`, hint)
      }
      re.lastIndex = 0
      const found: Record<string, Value>[] = []
      for (const m of s[i]!.matchAll(re)) {
        const row: Record<string, Value> = {}
        fields.forEach((f, k) => { row[f.name] = m[k + 1] ?? null })
        found.push(row)
      }
      b.push(found)
    }
    return b.finish()
  }
  return { argTypes: [VARCHAR, VARCHAR, list(VARCHAR), ...(argTypes.length === 4 ? [VARCHAR] : [])], returns, invoke }
}

const splitKernel: ScalarKernel = (args, count) => {
  const s = args[0]!.data as string[], p = args[1]!.data as string[]
  return listOfStrings(count, i => {
    if (!rowValid(args, i)) return null
    const o = optionsAt(args, 2, i)
    const re = compileRegex(sourceOf(p[i]!, o), o.flags + 'g')
    // split() would also return capture groups; DuckDB returns only the pieces
    const pieces: string[] = []
    let last = 0
    for (const m of matchesOf(s[i]!, re)) {
      if (m[0] === '') continue
      pieces.push(s[i]!.slice(last, m.index))
      last = m.index! + m[0].length
    }
    pieces.push(s[i]!.slice(last))
    return pieces
  })
}

export function registerRegexFunctions(hooks: Hooks): void {
  const reg = (name: string, overloads: ScalarOverload[], aliases: string[] = [], description?: string) =>
    hooks.registerScalar({ name, aliases, nulls: 'propagate', volatility: 'immutable', overloads, description })
  const V = VARCHAR
  for (const [name, full, description] of [['regexp_matches', false, 'TRUE when the pattern matches somewhere in the string'],
    ['regexp_full_match', true, 'TRUE when the pattern matches the whole string']] as const) {
    hooks.registerScalar({
      name, nulls: 'handle', volatility: 'immutable', description,
      overloads: [{ args: [V, V], returns: BOOLEAN, invoke: boolKernel(full) }, { args: [V, V, V], returns: BOOLEAN, invoke: boolKernel(full) }],
    })
  }
  reg('regexp_replace', [
    { args: [V, V, V], returns: V, invoke: replaceKernel },
    { args: [V, V, V, V], returns: V, invoke: replaceKernel },
  ], [], "replaces the first match (every match with option 'g'); \\1 refers to a group")
  const groupTypes: LogicalType[] = [INTEGER, BIGINT]
  reg('regexp_extract', [
    { args: [V, V], returns: V, invoke: extractKernel(3) },
    ...groupTypes.map(t => ({ args: [V, V, t], returns: V, invoke: extractKernel(3) })),
    ...groupTypes.map(t => ({ args: [V, V, t, V], returns: V, invoke: extractKernel(3) })),
  ], [], "the match (or a group of it); '' when there is none")
  hooks.registerScalar({
    name: 'regexp_extract_all', nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [V, V], returns: list(V), invoke: extractAllKernel(3) },
      ...groupTypes.map(t => ({ args: [V, V, t], returns: list(V), invoke: extractAllKernel(3) })),
      ...groupTypes.map(t => ({ args: [V, V, t, V], returns: list(V), invoke: extractAllKernel(3) })),
    ],
    bind: bindExtractAllStruct,
  })
  reg('regexp_split_to_array', [
    { args: [V, V], returns: list(V), invoke: splitKernel },
    { args: [V, V, V], returns: list(V), invoke: splitKernel },
  ], ['string_split_regex', 'str_split_regex'])
}
