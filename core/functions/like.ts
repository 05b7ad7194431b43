/**
 * LIKE / ILIKE / GLOB matching. Each distinct pattern is compiled once into a matcher: common
 * shapes ('abc', 'abc%', '%abc', '%abc%') become plain string tests, everything else a RegExp.
 * A kernel whose pattern column holds one value throughout compiles it once for the batch;
 * a small cache keeps recent patterns across batches.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { ScalarKernel } from '../hooks/contracts.ts'
import { BOOLEAN, VARCHAR } from '../types/types.ts'
import { Vector } from '../vector/vector.ts'
import { isUniform, rowValid } from './kernel-util.ts'

export type Matcher = (s: string) => boolean

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g
function escapeRegex(s: string): string { return s.replace(REGEX_SPECIAL, '\\$&') }

/** Compiles a LIKE pattern; `escape` is '' or one character. */
export function compileLike(pattern: string, escape: string, caseInsensitive: boolean): Matcher {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern
  // literal pieces separated by wildcards, to spot the cheap shapes
  const parts: { lit: string; wild: '%' | '_' | null }[] = []
  let lit = ''
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!
    if (escape !== '' && c === escape) {
      if (i + 1 >= p.length) {
        throw new GrizzlyError(SqlState.invalidParameterValue, `LIKE pattern must not end with the escape character: '${pattern}'`,
          { hint: 'escape the escape character itself, or remove it' })
      }
      lit += p[++i]!
      continue
    }
    if (c === '%' || c === '_') { parts.push({ lit, wild: c }); lit = ''; continue }
    lit += c
  }
  parts.push({ lit, wild: null })
  const fold = caseInsensitive ? (s: string) => s.toLowerCase() : (s: string) => s
  const wilds = parts.map(x => x.wild).filter(w => w !== null)
  if (wilds.length === 0) { const whole = parts[0]!.lit; return s => fold(s) === whole }
  if (wilds.every(w => w === '%')) {
    const lits = parts.map(x => x.lit)
    if (lits.length === 2 && lits[1] === '') { const pre = lits[0]!; return s => fold(s).startsWith(pre) }
    if (lits.length === 2 && lits[0] === '') { const suf = lits[1]!; return s => fold(s).endsWith(suf) }
    if (lits.length === 3 && lits[0] === '' && lits[2] === '') { const mid = lits[1]!; return s => fold(s).includes(mid) }
  }
  let src = '^'
  for (const part of parts) {
    src += escapeRegex(part.lit)
    if (part.wild === '%') src += '[\\s\\S]*'
    else if (part.wild === '_') src += '[\\s\\S]'
  }
  const re = new RegExp(src + '$', 'u')
  return s => re.test(fold(s))
}

/** Compiles a GLOB pattern: * any run, ? one character, [abc] / [a-z] / [!abc] classes. */
export function compileGlob(pattern: string): Matcher {
  let src = '^'
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*') src += '[\\s\\S]*'
    else if (c === '?') src += '[\\s\\S]'
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2)
      if (close < 0) { src += '\\['; continue }
      let body = pattern.slice(i + 1, close)
      const negate = body.startsWith('!')
      if (negate) body = body.slice(1)
      src += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`
      i = close
    } else if (c === '\\' && i + 1 < pattern.length) src += escapeRegex(pattern[++i]!)
    else src += escapeRegex(c)
  }
  const re = new RegExp(src + '$', 'u')
  return s => re.test(s)
}

const CACHE_LIMIT = 256
const cache = new Map<string, Matcher>()

function cached(key: string, make: () => Matcher): Matcher {
  let m = cache.get(key)
  if (m === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
    m = make()
    cache.set(key, m)
  }
  return m
}

function checkEscape(esc: string): string {
  if ([...esc].length > 1) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `LIKE escape must be empty or a single character, got '${esc}'`,
      { hint: "use one character such as '\\' or '$'" })
  }
  return esc
}

type Compile = (pattern: string, escape: string) => Matcher

/** A BOOLEAN kernel matching args[0] against the pattern in args[1] (escape in args[2], if any). */
function matchKernel(compile: Compile, tag: string, negate: boolean, withEscape: boolean): ScalarKernel {
  return (args, count) => {
    const s = args[0]!.data as string[], p = args[1]!.data as string[]
    const escVec = withEscape ? args[2]! : null
    const out = new Uint8Array(count)
    const t = negate ? 0 : 1, f = negate ? 1 : 0
    const uniformEscape = escVec === null || isUniform(escVec, count)
    if (isUniform(args[1]!, count) && uniformEscape && count > 0) {
      const esc = escVec === null ? '' : checkEscape((escVec.data as string[])[0]!)
      const m = cached(`${tag}\u0000${esc}\u0000${p[0]!}`, () => compile(p[0]!, esc))
      for (let i = 0; i < count; i++) out[i] = m(s[i]!) ? t : f
      return new Vector(BOOLEAN, count, out, null)
    }
    for (let i = 0; i < count; i++) {
      if (!rowValid(args, i)) continue
      const esc = escVec === null ? '' : checkEscape((escVec.data as string[])[i]!)
      const m = cached(`${tag}\u0000${esc}\u0000${p[i]!}`, () => compile(p[i]!, esc))
      out[i] = m(s[i]!) ? t : f
    }
    return new Vector(BOOLEAN, count, out, null)
  }
}

export function registerLikeFunctions(hooks: Hooks): void {
  const like: Compile = (p, e) => compileLike(p, e, false)
  const ilike: Compile = (p, e) => compileLike(p, e, true)
  const glob: Compile = p => compileGlob(p)
  const reg = (name: string, aliases: string[], compile: Compile, tag: string, negate: boolean, withEscape: boolean) =>
    hooks.registerScalar({
      name, aliases, nulls: 'propagate', volatility: 'immutable',
      overloads: [{
        args: withEscape ? [VARCHAR, VARCHAR, VARCHAR] : [VARCHAR, VARCHAR], returns: BOOLEAN,
        invoke: matchKernel(compile, tag, negate, withEscape),
      }],
    })
  reg('like', ['~~'], like, 'like', false, false)
  reg('not_like', ['!~~'], like, 'like', true, false)
  reg('ilike', ['~~*'], ilike, 'ilike', false, false)
  reg('not_ilike', ['!~~*'], ilike, 'ilike', true, false)
  reg('like_escape', [], like, 'like', false, true)
  reg('not_like_escape', [], like, 'like', true, true)
  reg('ilike_escape', [], ilike, 'ilike', false, true)
  reg('not_ilike_escape', [], ilike, 'ilike', true, true)
  reg('glob', ['~~~'], glob, 'glob', false, false)
  reg('not_glob', [], glob, 'glob', true, false)
}
