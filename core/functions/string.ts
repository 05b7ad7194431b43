/**
 * String functions. Positions and lengths count Unicode code points (DuckDB counts
 * characters too); octet_length/strlen count UTF-8 bytes. Integer arguments are accepted as
 * INTEGER or BIGINT.
 */
import { createHash } from 'node:crypto'
import type { Hooks } from '../hooks/registry.ts'
import type { ScalarKernel, ScalarOverload } from '../hooks/contracts.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import {
  BIGINT, BLOB, BOOLEAN, INTEGER, type LogicalType, VARCHAR, decimal, list, typeToString,
} from '../types/types.ts'
import { normalizeLiteralType } from '../types/coercion.ts'
import { Vector, constantVector, getValue } from '../vector/vector.ts'
import { invalidParameter, outOfRange, rowValid, textReader } from './kernel-util.ts'
import { hashRow } from './hash.ts'
import { registerLikeFunctions } from './like.ts'
import { registerFormatFunctions } from './string-format.ts'
import { graphemes, registerExtraStringFunctions } from './string-extra.ts'

/** Arguments rendered as text keep their type (the kernel formats them); NULL becomes VARCHAR. */
export function textual(t: LogicalType): LogicalType {
  return t.id === 'NULL' ? VARCHAR : t
}

/** A plain loop beats a RegExp test on the short strings typical of columns. */
export function hasSurrogates(s: string): boolean {
  for (let i = 0; i < s.length; i++) if ((s.charCodeAt(i) & 0xf800) === 0xd800) return true
  return false
}

/** Code points of s (fast path: no surrogate pairs means one unit per character). */
export function codePoints(s: string): string[] | null {
  return hasSurrogates(s) ? Array.from(s) : null
}

export function charLength(s: string): number {
  if (!hasSurrogates(s)) return s.length
  let n = 0
  for (const _ of s) n++
  return n
}

/** BigInts for small counts, so length()/strpos() do not allocate one per row. */
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 4096 }, (_, k) => BigInt(k))
export function toBig(n: number): bigint { return SMALL_BIGINTS[n] ?? BigInt(n) }

const encoder = new TextEncoder()
export function utf8Length(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++ }
    else n += 3
  }
  return n
}

/** Reads an INTEGER or BIGINT argument as a number. */
function ints(v: Vector): (i: number) => number {
  const d = v.data as ArrayLike<number | bigint>
  return v.physical === 'i64' ? i => Number(d[i] as bigint) : i => d[i] as number
}

const INT_ARGS: readonly LogicalType[] = [INTEGER, BIGINT]

function mapStr(fn: (s: string) => string): ScalarKernel {
  return (args, count) => {
    const a = args[0]!.data as string[]
    const out = new Array<string>(count)
    for (let i = 0; i < count; i++) out[i] = fn(a[i]!)
    return new Vector(VARCHAR, count, out, null)
  }
}

function mapStr2(fn: (s: string, t: string) => string): ScalarKernel {
  return (args, count) => {
    const a = args[0]!.data as string[], b = args[1]!.data as string[]
    const out = new Array<string>(count)
    for (let i = 0; i < count; i++) out[i] = fn(a[i]!, b[i]!)
    return new Vector(VARCHAR, count, out, null)
  }
}

function strToBig(fn: (s: string) => number): ScalarKernel {
  return (args, count) => {
    const a = args[0]!.data as string[]
    const out = new BigInt64Array(count)
    for (let i = 0; i < count; i++) out[i] = toBig(fn(a[i]!))
    return new Vector(BIGINT, count, out, null)
  }
}

function strPredicate(fn: (s: string, t: string) => boolean): ScalarOverload {
  return {
    args: [VARCHAR, VARCHAR], returns: BOOLEAN,
    invoke: (args, count) => {
      const a = args[0]!.data as string[], b = args[1]!.data as string[]
      const out = new Uint8Array(count)
      for (let i = 0; i < count; i++) out[i] = fn(a[i]!, b[i]!) ? 1 : 0
      return new Vector(BOOLEAN, count, out, null)
    },
  }
}

const SUBSTRING_LIMIT = 4294967295

function checkSubstringRange(what: 'offset' | 'length', x: number): void {
  if (x > SUBSTRING_LIMIT) throw outOfRange(`Substring ${what} outside of supported range (> ${SUBSTRING_LIMIT})`)
  if (x < -SUBSTRING_LIMIT - 1) throw outOfRange(`Substring ${what} outside of supported range (< -${SUBSTRING_LIMIT + 1})`)
}

/** SQL substring: 1-based start, negative start counts from the end, negative length looks left. */
export function sqlSubstring(s: string, start: number, length: number | undefined, units?: readonly string[]): string {
  if (start > SUBSTRING_LIMIT || start < -SUBSTRING_LIMIT - 1) checkSubstringRange('offset', start)
  if (length !== undefined && (length > SUBSTRING_LIMIT || length < -SUBSTRING_LIMIT - 1)) checkSubstringRange('length', length)
  // `units` lets substring_grapheme reuse the rules over grapheme clusters
  const cps = units ?? codePoints(s)
  const n = cps === null ? s.length : cps.length
  let from: number
  let to: number
  if (start > 0) from = start - 1
  else if (start < 0) from = n + start
  else from = -1 // position 0 is just before the first character
  if (length === undefined) to = n
  else if (length >= 0) to = from + length
  else { to = from; from = from + length }
  if (start === 0 && length !== undefined && length >= 0) { from = 0; to = length - 1 }
  from = Math.max(0, from)
  to = Math.min(n, to)
  if (to <= from) return ''
  return cps === null ? s.slice(from, to) : cps.slice(from, to).join('')
}

function substringOverloads(): ScalarOverload[] {
  const out: ScalarOverload[] = []
  for (const t of INT_ARGS) {
    out.push({
      args: [VARCHAR, t], returns: VARCHAR,
      invoke: (args, count) => {
        const a = args[0]!.data as string[], st = ints(args[1]!)
        const res = new Array<string>(count)
        for (let i = 0; i < count; i++) res[i] = rowValid(args, i) ? sqlSubstring(a[i]!, st(i), undefined) : ''
        return new Vector(VARCHAR, count, res, null)
      },
    })
    out.push({
      args: [VARCHAR, t, t], returns: VARCHAR,
      invoke: (args, count) => {
        const a = args[0]!.data as string[], st = ints(args[1]!), len = ints(args[2]!)
        const res = new Array<string>(count)
        for (let i = 0; i < count; i++) res[i] = rowValid(args, i) ? sqlSubstring(a[i]!, st(i), len(i)) : ''
        return new Vector(VARCHAR, count, res, null)
      },
    })
  }
  return out
}

function takeChars(s: string, n: number, fromRight: boolean): string {
  const cps = codePoints(s)
  const len = cps === null ? s.length : cps.length
  // negative n means "all but the last/first |n|"
  const k = n >= 0 ? Math.min(n, len) : Math.max(0, len + n)
  if (cps === null) return fromRight ? s.slice(len - k) : s.slice(0, k)
  return (fromRight ? cps.slice(len - k) : cps.slice(0, k)).join('')
}

function strIntOverloads(fn: (s: string, n: number) => string): ScalarOverload[] {
  return INT_ARGS.map(t => ({
    args: [VARCHAR, t], returns: VARCHAR,
    invoke: (args: readonly Vector[], count: number) => {
      const a = args[0]!.data as string[], n = ints(args[1]!)
      const out = new Array<string>(count)
      for (let i = 0; i < count; i++) out[i] = rowValid(args, i) ? fn(a[i]!, n(i)) : ''
      return new Vector(VARCHAR, count, out, null)
    },
  }))
}

function trimChars(s: string, chars: string, left: boolean, right: boolean): string {
  const set = new Set(Array.from(chars))
  const cps = Array.from(s)
  let from = 0, to = cps.length
  if (left) while (from < to && set.has(cps[from]!)) from++
  if (right) while (to > from && set.has(cps[to - 1]!)) to--
  return cps.slice(from, to).join('')
}

const SPACE_LEFT = /^ +/, SPACE_RIGHT = / +$/

function pad(s: string, width: number, fill: string, left: boolean): string {
  const cps = Array.from(s)
  if (width <= cps.length) return cps.slice(0, Math.max(0, width)).join('')
  if (fill === '') {
    throw invalidParameter(`${left ? 'lpad' : 'rpad'} needs a non-empty fill string to reach length ${width}`)
  }
  const fillCps = Array.from(fill)
  const need = width - cps.length
  let padding = ''
  for (let k = 0; k < need; k++) padding += fillCps[k % fillCps.length]!
  return left ? padding + s : s + padding
}

function splitString(s: string, sep: string): string[] {
  if (sep === '') return Array.from(s)
  return s.split(sep)
}

function splitPart(s: string, sep: string, index: number): string {
  const parts = sep === '' ? Array.from(s) : s.split(sep)
  if (index === 0) return ''
  const k = index > 0 ? index - 1 : parts.length + index
  return parts[k] ?? ''
}

const stringListKernel: ScalarKernel = (args, count) => {
  const a = args[0]!.data as string[], b = args[1]!.data as string[]
  const offsets = new Int32Array(count + 1)
  const items: string[] = []
  for (let i = 0; i < count; i++) {
    if (rowValid(args, i)) for (const part of splitString(a[i]!, b[i]!)) items.push(part)
    offsets[i + 1] = items.length
  }
  const child = new Vector(VARCHAR, items.length, items, null)
  return new Vector(list(VARCHAR), count, null, null, offsets, [child])
}

function strpos(s: string, t: string): number {
  const at = s.indexOf(t)
  if (at < 0) return 0
  return charLength(s.slice(0, at)) + 1
}

function translate(s: string, from: string, to: string): string {
  const f = Array.from(from), t = Array.from(to)
  const map = new Map<string, string | null>()
  f.forEach((c, k) => { if (!map.has(c)) map.set(c, t[k] ?? null) })
  let out = ''
  for (const c of s) {
    const r = map.get(c)
    if (r === undefined) out += c
    else if (r !== null) out += r
  }
  return out
}

function chr(code: number): string {
  if (!Number.isInteger(code) || code < 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
    throw invalidParameter(`chr: ${code} is not a valid Unicode code point`, 'use a code point between 0 and 1114111')
  }
  return String.fromCodePoint(code)
}

const HEX = '0123456789ABCDEF'
function bytesToHex(b: Uint8Array): string {
  let out = ''
  for (let i = 0; i < b.length; i++) out += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!
  return out
}

function unhex(s: string): Uint8Array {
  const clean = s.length % 2 === 1 ? '0' + s : s
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) {
    const byte = parseInt(clean.substr(i * 2, 2), 16)
    if (Number.isNaN(byte) || !/^[0-9a-fA-F]{2}$/.test(clean.substr(i * 2, 2))) {
      throw new GrizzlyError(SqlState.invalidTextRepresentation, `unhex: '${s}' is not a hexadecimal string`,
        { hint: 'use only the digits 0-9 and letters A-F' })
    }
    out[i] = byte
  }
  return out
}

function initcap(s: string): string {
  return s.toLowerCase().replace(/(^|[^\p{L}\p{N}])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase())
}

function stripAccents(s: string): string { return s.normalize('NFD').replace(/\p{M}/gu, '') }

/** concat: non-string arguments are rendered as text (DuckDB); NULLs are skipped. */
const concatKernel: ScalarKernel = (args, count) => {
  const readers = args.map(textReader)
  const out = new Array<string>(count)
  for (let i = 0; i < count; i++) {
    let r = ''
    for (let k = 0; k < args.length; k++) {
      const m = args[k]!.validity
      if (m === null || m[i] === 1) r += readers[k]!(i)
    }
    out[i] = r
  }
  return new Vector(VARCHAR, count, out, null)
}

const concatWsKernel: ScalarKernel = (args, count) => {
  const sep = args[0]!
  const sd = sep.data as string[]
  const readers = args.map(textReader)
  const out = new Array<string>(count)
  const validity = sep.validity === null ? null : new Uint8Array(sep.validity)
  for (let i = 0; i < count; i++) {
    if (validity !== null && validity[i] === 0) { out[i] = ''; continue }
    let r = '', first = true
    for (let k = 1; k < args.length; k++) {
      const m = args[k]!.validity
      if (m !== null && m[i] === 0) continue
      if (!first) r += sd[i]!
      r += readers[k]!(i)
      first = false
    }
    out[i] = r
  }
  return new Vector(VARCHAR, count, out, validity)
}

function digest(algorithm: 'md5' | 'sha256'): ScalarKernel {
  return (args, count) => {
    const a = args[0]!.data as string[]
    const out = new Array<string>(count)
    for (let i = 0; i < count; i++) out[i] = rowValid(args, i) ? createHash(algorithm).update(a[i]!, 'utf8').digest('hex') : ''
    return new Vector(VARCHAR, count, out, null)
  }
}

function toHexKernel(t: LogicalType): ScalarKernel {
  return (args, count) => {
    const v = args[0]!
    const out = new Array<string>(count)
    for (let i = 0; i < count; i++) {
      const x = getValue(v, i)
      if (x === null) { out[i] = ''; continue }
      if (typeof x === 'string') out[i] = bytesToHex(encoder.encode(x))
      else if (x instanceof Uint8Array) out[i] = bytesToHex(x)
      else {
        const big = BigInt.asUintN(t.id === 'BIGINT' ? 64 : 64, BigInt(x as number | bigint))
        out[i] = big.toString(16).toUpperCase()
      }
    }
    return new Vector(VARCHAR, count, out, null)
  }
}

/**
 * Upper and lower case by one-to-one code point mapping, as DuckDB does: characters whose full mapping
 * expands (ß → SS, ŉ → ʼN) keep their length; ß becomes ẞ.
 */
function lowerSimple(s: string): string {
  const low = s.toLowerCase()
  if (low.length === s.length) return low
  let out = ''
  for (const ch of s) {
    const l = ch.toLowerCase()
    out += l.length === ch.length ? l : String.fromCodePoint(l.codePointAt(0)!)
  }
  return out
}

function upperSimple(s: string): string {
  const up = s.toUpperCase()
  if (up.length === s.length) return up
  let out = ''
  for (const ch of s) {
    if (ch === 'ß') { out += 'ẞ'; continue }
    const u = ch.toUpperCase()
    out += u.length === ch.length ? u : ch
  }
  return out
}

export function registerStringFunctions(hooks: Hooks): void {
  const reg = (name: string, overloads: ScalarOverload[], aliases: string[] = [], description?: string) =>
    hooks.registerScalar({ name, aliases, nulls: 'propagate', volatility: 'immutable', overloads, description })

  reg('length', [{ args: [VARCHAR], returns: BIGINT, invoke: strToBig(charLength) }], ['len', 'char_length', 'character_length'],
    'number of characters')
  reg('strlen', [{ args: [VARCHAR], returns: BIGINT, invoke: strToBig(utf8Length) }], [], 'number of UTF-8 bytes')
  reg('octet_length', [
    { args: [BLOB], returns: BIGINT, invoke: (args, count) => {
      const a = args[0]!.data as Uint8Array[]
      const out = new BigInt64Array(count)
      for (let i = 0; i < count; i++) out[i] = BigInt(a[i]!.length)
      return new Vector(BIGINT, count, out, null)
    } },
    { args: [VARCHAR], returns: BIGINT, invoke: strToBig(utf8Length) },
  ])
  reg('bit_length', [{ args: [VARCHAR], returns: BIGINT, invoke: strToBig(s => utf8Length(s) * 8) }])
  reg('lower', [{ args: [VARCHAR], returns: VARCHAR, invoke: mapStr(lowerSimple) }], ['lcase'])
  reg('upper', [{ args: [VARCHAR], returns: VARCHAR, invoke: mapStr(upperSimple) }], ['ucase'])
  reg('substring', substringOverloads(), ['substr'], 'substring(s, start[, length]), 1-based')
  reg('left', strIntOverloads((s, n) => takeChars(s, n, false)))
  reg('right', strIntOverloads((s, n) => takeChars(s, n, true)))
  reg('repeat', strIntOverloads((s, n) => n <= 0 ? '' : s.repeat(n)))
  reg('trim', [
    { args: [VARCHAR], returns: VARCHAR, invoke: mapStr(s => s.replace(SPACE_LEFT, '').replace(SPACE_RIGHT, '')) },
    { args: [VARCHAR, VARCHAR], returns: VARCHAR, invoke: mapStr2((s, c) => trimChars(s, c, true, true)) },
  ], ['btrim'])
  reg('ltrim', [
    { args: [VARCHAR], returns: VARCHAR, invoke: mapStr(s => s.replace(SPACE_LEFT, '')) },
    { args: [VARCHAR, VARCHAR], returns: VARCHAR, invoke: mapStr2((s, c) => trimChars(s, c, true, false)) },
  ])
  reg('rtrim', [
    { args: [VARCHAR], returns: VARCHAR, invoke: mapStr(s => s.replace(SPACE_RIGHT, '')) },
    { args: [VARCHAR, VARCHAR], returns: VARCHAR, invoke: mapStr2((s, c) => trimChars(s, c, false, true)) },
  ])
  reg('replace', [{
    args: [VARCHAR, VARCHAR, VARCHAR], returns: VARCHAR,
    invoke: (args, count) => {
      const a = args[0]!.data as string[], f = args[1]!.data as string[], t = args[2]!.data as string[]
      const out = new Array<string>(count)
      for (let i = 0; i < count; i++) out[i] = f[i] === '' ? a[i]! : a[i]!.split(f[i]!).join(t[i]!)
      return new Vector(VARCHAR, count, out, null)
    },
  }])
  // combining marks and emoji sequences stay attached to their character
  reg('reverse', [{ args: [VARCHAR], returns: VARCHAR, invoke: mapStr(s => graphemes(s).reverse().join('')) }])
  reg('ascii', [{
    args: [VARCHAR], returns: INTEGER,
    invoke: (args, count) => {
      const a = args[0]!.data as string[]
      const out = new Int32Array(count)
      for (let i = 0; i < count; i++) out[i] = a[i]!.length === 0 ? 0 : a[i]!.codePointAt(0)!
      return new Vector(INTEGER, count, out, null)
    },
  }])
  reg('chr', [{
    args: [INTEGER], returns: VARCHAR,
    invoke: (args, count) => {
      const a = args[0]!.data as Int32Array
      const out = new Array<string>(count)
      for (let i = 0; i < count; i++) out[i] = rowValid(args, i) ? chr(a[i]!) : ''
      return new Vector(VARCHAR, count, out, null)
    },
  }])
  reg('starts_with', [strPredicate((s, t) => s.startsWith(t))], ['prefix'])
  reg('ends_with', [strPredicate((s, t) => s.endsWith(t))], ['suffix'])
  reg('contains', [strPredicate((s, t) => s.includes(t))])
  const strposKernel = (haystackArg: number): ScalarKernel => (args, count) => {
    const a = args[haystackArg]!.data as string[], b = args[1 - haystackArg]!.data as string[]
    const out = new BigInt64Array(count)
    for (let i = 0; i < count; i++) out[i] = toBig(strpos(a[i]!, b[i]!))
    return new Vector(BIGINT, count, out, null)
  }
  reg('strpos', [{ args: [VARCHAR, VARCHAR], returns: BIGINT, invoke: strposKernel(0) }], ['instr'], 'strpos(string, search): 1-based position, 0 if absent')
  // POSITION(search IN string) reaches us as position(search, string)
  reg('position', [{ args: [VARCHAR, VARCHAR], returns: BIGINT, invoke: strposKernel(1) }], [], 'position(search IN string)')
  for (const [name, left] of [['lpad', true], ['rpad', false]] as const) {
    reg(name, INT_ARGS.map(t => ({
      args: [VARCHAR, t, VARCHAR], returns: VARCHAR,
      invoke: (args: readonly Vector[], count: number) => {
        const a = args[0]!.data as string[], w = ints(args[1]!), f = args[2]!.data as string[]
        const out = new Array<string>(count)
        for (let i = 0; i < count; i++) out[i] = rowValid(args, i) ? pad(a[i]!, w(i), f[i]!, left) : ''
        return new Vector(VARCHAR, count, out, null)
      },
    })))
  }
  reg('split_part', INT_ARGS.map(t => ({
    args: [VARCHAR, VARCHAR, t], returns: VARCHAR,
    invoke: (args: readonly Vector[], count: number) => {
      const a = args[0]!.data as string[], s = args[1]!.data as string[], k = ints(args[2]!)
      const out = new Array<string>(count)
      for (let i = 0; i < count; i++) out[i] = splitPart(a[i]!, s[i]!, k(i))
      return new Vector(VARCHAR, count, out, null)
    },
  })))
  reg('string_split', [{ args: [VARCHAR, VARCHAR], returns: list(VARCHAR), invoke: stringListKernel }],
    ['str_split', 'string_to_array', 'split'])
  reg('translate', [{
    args: [VARCHAR, VARCHAR, VARCHAR], returns: VARCHAR,
    invoke: (args, count) => {
      const a = args[0]!.data as string[], f = args[1]!.data as string[], t = args[2]!.data as string[]
      const out = new Array<string>(count)
      for (let i = 0; i < count; i++) out[i] = translate(a[i]!, f[i]!, t[i]!)
      return new Vector(VARCHAR, count, out, null)
    },
  }])
  reg('initcap', [{ args: [VARCHAR], returns: VARCHAR, invoke: mapStr(initcap) }])
  reg('strip_accents', [{ args: [VARCHAR], returns: VARCHAR, invoke: mapStr(stripAccents) }])
  reg('md5', [{ args: [VARCHAR], returns: VARCHAR, invoke: digest('md5') }])
  reg('sha256', [{ args: [VARCHAR], returns: VARCHAR, invoke: digest('sha256') }])
  reg('unhex', [{
    args: [VARCHAR], returns: BLOB,
    invoke: (args, count) => {
      const a = args[0]!.data as string[]
      const out = new Array<Uint8Array>(count)
      for (let i = 0; i < count; i++) out[i] = rowValid(args, i) ? unhex(a[i]!) : new Uint8Array(0)
      return new Vector(BLOB, count, out, null)
    },
  }], ['from_hex'])
  hooks.registerScalar({
    name: 'to_hex', aliases: ['hex'], nulls: 'propagate', volatility: 'immutable',
    bind: argTypes => {
      const t = argTypes[0]
      if (argTypes.length !== 1 || t === undefined) return undefined
      const ok = t.id === 'VARCHAR' || t.id === 'BLOB' || t.id === 'TINYINT' || t.id === 'SMALLINT' || t.id === 'INTEGER' || t.id === 'BIGINT'
      return ok ? { argTypes, returns: VARCHAR, invoke: toHexKernel(t) } : undefined
    },
  })
  hooks.registerScalar({
    name: 'concat', nulls: 'handle', volatility: 'immutable', description: 'concatenates its arguments as text, skipping NULLs',
    bind: argTypes => argTypes.length === 0 ? undefined
      : { argTypes: argTypes.map(textual), returns: VARCHAR, invoke: concatKernel },
  })
  hooks.registerScalar({
    name: 'concat_ws', nulls: 'handle', volatility: 'immutable', description: 'concat_ws(separator, …): joins the non-NULL arguments',
    bind: argTypes => argTypes.length < 2 || (argTypes[0]!.id !== 'VARCHAR' && argTypes[0]!.id !== 'NULL') ? undefined
      : { argTypes: [VARCHAR, ...argTypes.slice(1).map(textual)], returns: VARCHAR, invoke: concatWsKernel },
  })
  // UBIGINT is stored as DECIMAL(20,0) (core/types/builtin-types.ts)
  const UBIGINT = decimal(20, 0)
  hooks.registerScalar({
    name: 'hash', nulls: 'handle', volatility: 'immutable', description: "DuckDB's unsigned 64-bit hash of the arguments (UBIGINT)",
    bind: argTypes => argTypes.length === 0 ? undefined : {
      argTypes: argTypes.map(normalizeLiteralType), returns: UBIGINT,
      invoke: (args, count) => {
        const types = args.map(a => a.type)
        const out = new Array<bigint>(count)
        for (let i = 0; i < count; i++) out[i] = hashRow(types, args.map(a => getValue(a, i)))
        return new Vector(UBIGINT, count, out, null)
      },
    },
  })
  hooks.registerScalar({
    name: 'typeof', nulls: 'handle', volatility: 'immutable', description: 'the SQL type name of the argument',
    bind: argTypes => {
      const t = argTypes[0]
      if (argTypes.length !== 1 || t === undefined) return undefined
      const name = typeToString(t)
      return { argTypes, returns: VARCHAR, invoke: (_args, count) => constantVector(VARCHAR, name, count) }
    },
  })
  registerLikeFunctions(hooks)
  registerFormatFunctions(hooks)
  registerExtraStringFunctions(hooks)
}
