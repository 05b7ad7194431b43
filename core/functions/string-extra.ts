/**
 * Less common text functions: edit distances and similarities, grapheme-aware length/left/
 * right, bar(), byte-size formatting and parsing, regexp_escape, encode/decode, repeat on
 * BLOB and error().
 */
import { randomUUID } from 'node:crypto'
import type { Hooks } from '../hooks/registry.ts'
import type { ScalarKernel, ScalarOverload } from '../hooks/contracts.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import { BIGINT, BLOB, DOUBLE, INTEGER, type LogicalType, NULL_TYPE, VARCHAR } from '../types/types.ts'
import { Vector } from '../vector/vector.ts'
import { invalidParameter, outOfRange, rowValid } from './kernel-util.ts'
import { sqlSubstring } from './string.ts'
import { registerPathFunctions } from './path.ts'

function chars(s: string): string[] { return Array.from(s) }

export function levenshtein(a: string, b: string): number {
  const x = chars(a), y = chars(b)
  if (x.length === 0) return y.length
  if (y.length === 0) return x.length
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j)
  let cur = new Array<number>(y.length + 1)
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1))
    }
    ;[prev, cur] = [cur, prev]
  }
  return prev[y.length]!
}

/** True Damerau-Levenshtein (unrestricted adjacent transpositions), Lowrance-Wagner. */
export function damerauLevenshtein(a: string, b: string): number {
  const x = chars(a), y = chars(b)
  const n = x.length, m = y.length
  const inf = n + m
  const lastRow = new Map<string, number>()
  const d: number[][] = Array.from({ length: n + 2 }, () => new Array<number>(m + 2).fill(0))
  d[0]![0] = inf
  for (let i = 0; i <= n; i++) { d[i + 1]![0] = inf; d[i + 1]![1] = i }
  for (let j = 0; j <= m; j++) { d[0]![j + 1] = inf; d[1]![j + 1] = j }
  for (let i = 1; i <= n; i++) {
    let lastMatchCol = 0
    for (let j = 1; j <= m; j++) {
      const i1 = lastRow.get(y[j - 1]!) ?? 0
      const j1 = lastMatchCol
      const cost = x[i - 1] === y[j - 1] ? 0 : 1
      if (cost === 0) lastMatchCol = j
      d[i + 1]![j + 1] = Math.min(
        d[i]![j]! + cost, d[i + 1]![j]! + 1, d[i]![j + 1]! + 1,
        d[i1]![j1]! + (i - i1 - 1) + 1 + (j - j1 - 1),
      )
    }
    lastRow.set(x[i - 1]!, i)
  }
  return d[n + 1]![m + 1]!
}

export function hamming(a: string, b: string): number {
  const x = chars(a), y = chars(b)
  if (x.length === 0 && y.length === 0) throw invalidParameter('mismatches: strings must not be empty')
  if (x.length !== y.length) throw invalidParameter('mismatches: strings must be of equal length', 'compare strings of the same length')
  let n = 0
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) n++
  return n
}

export function jaccard(a: string, b: string): number {
  if (a === '' || b === '') throw invalidParameter('jaccard: strings must not be empty')
  const x = new Set(chars(a)), y = new Set(chars(b))
  let common = 0
  for (const c of x) if (y.has(c)) common++
  return common / (x.size + y.size - common)
}

export function jaro(a: string, b: string): number {
  const x = chars(a), y = chars(b)
  if (x.length === 0 || y.length === 0) return 0
  const window = Math.max(0, Math.floor(Math.max(x.length, y.length) / 2) - 1)
  const xm = new Uint8Array(x.length), ym = new Uint8Array(y.length)
  let matches = 0
  for (let i = 0; i < x.length; i++) {
    const lo = Math.max(0, i - window), hi = Math.min(y.length - 1, i + window)
    for (let j = lo; j <= hi; j++) {
      if (ym[j] === 1 || x[i] !== y[j]) continue
      xm[i] = 1; ym[j] = 1; matches++
      break
    }
  }
  if (matches === 0) return 0
  let t = 0, k = 0
  for (let i = 0; i < x.length; i++) {
    if (xm[i] === 0) continue
    while (ym[k] === 0) k++
    if (x[i] !== y[k]) t++
    k++
  }
  return (matches / x.length + matches / y.length + (matches - t / 2) / matches) / 3
}

export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b)
  const x = chars(a), y = chars(b)
  let prefix = 0
  while (prefix < 4 && prefix < x.length && prefix < y.length && x[prefix] === y[prefix]) prefix++
  return j + prefix * 0.1 * (1 - j)
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
export function graphemes(s: string): string[] {
  // ASCII strings have one grapheme per character, except CR LF
  if (/^[\x00-\x7f]*$/.test(s) && !s.includes('\r\n')) return s.split('')
  return Array.from(segmenter.segment(s), x => x.segment)
}

const PARTIAL_BLOCKS = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉']

export function bar(x: number, min: number, max: number, width: number): string {
  if (!(width >= 1 && width <= 1000)) throw invalidParameter(`bar: width must be between 1 and 1000, got ${width}`)
  // as DuckDB: the bar may be a fraction of a block longer than the integer width it pads to
  let length: number
  if (Number.isNaN(x) || Number.isNaN(min) || Number.isNaN(max) || x <= min) length = 0
  else if (x >= max) length = width
  else length = width * (x - min) / (max - min)
  if (!Number.isFinite(length)) {
    throw invalidParameter(`bar: the bar of ${x} between ${min} and ${max} has no finite length`, 'pass finite min and max, e.g. bar(x, 0, 100)')
  }
  const units = Math.trunc(length * 8)
  const full = Math.floor(units / 8), rest = units % 8
  let out = '█'.repeat(full)
  if (rest > 0) out += PARTIAL_BLOCKS[rest]!
  return out + ' '.repeat(Math.max(0, Math.floor(width) - full - (rest > 0 ? 1 : 0)))
}

const BINARY_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB']
const DECIMAL_UNITS = ['kB', 'MB', 'GB', 'TB', 'PB']

export function formatBytes(bytes: bigint, base: 1000 | 1024): string {
  const neg = bytes < 0n
  const mag = neg ? -bytes : bytes
  const b = BigInt(base)
  if (mag < b) return `${neg ? '-' : ''}${mag} byte${mag === 1n ? '' : 's'}`
  const units = base === 1024 ? BINARY_UNITS : DECIMAL_UNITS
  let unit = 0
  let divisor = b
  while (unit < units.length - 1 && mag >= divisor * b) { divisor *= b; unit++ }
  // one decimal, truncated, computed exactly
  const tenths = mag * 10n / divisor
  return `${neg ? '-' : ''}${tenths / 10n}.${tenths % 10n} ${units[unit]}`
}

const PARSE_UNITS: Readonly<Record<string, number>> = {
  b: 1, byte: 1, bytes: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, pb: 1e15,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4, pib: 1024 ** 5,
}

export function parseFormattedBytes(text: string): bigint {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)\s*$/i.exec(text)
  if (m === null) {
    throw new GrizzlyError(SqlState.invalidTextRepresentation, `Memory must have a number (e.g. 1GB), got '${text}'`,
      { hint: "write an amount and a unit such as '1.5 GB' or '512 MiB'" })
  }
  const unit = (m[2] ?? '').toLowerCase()
  if (unit === '') {
    throw new GrizzlyError(SqlState.invalidTextRepresentation, `Memory must have a unit (e.g. 1GB), got '${text}'`,
      { hint: "add a unit such as B, KB or MiB: '5 B'" })
  }
  const factor = PARSE_UNITS[unit]
  if (factor === undefined) {
    throw new GrizzlyError(SqlState.invalidTextRepresentation, `unknown unit '${m[2]}' in '${text}'`,
      { hint: 'use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB' })
  }
  const bytes = Math.round(Number(m[1]) * factor)
  if (!(bytes <= 9223372036854775807)) throw outOfRange(`'${text}' is more bytes than a BIGINT holds`)
  return BigInt(bytes)
}

/** RE2's QuoteMeta: every ASCII character except letters, digits and _ gets a backslash. */
const REGEX_SPECIAL = /[\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]/g

function str2(fn: (a: string, b: string) => number, returns: LogicalType): ScalarOverload {
  return {
    args: [VARCHAR, VARCHAR], returns,
    invoke: (args, count) => {
      const a = args[0]!.data as string[], b = args[1]!.data as string[]
      const out = returns.id === 'BIGINT' ? new BigInt64Array(count) : new Float64Array(count)
      for (let i = 0; i < count; i++) {
        if (!rowValid(args, i)) continue
        const r = fn(a[i]!, b[i]!)
        if (out instanceof BigInt64Array) out[i] = BigInt(r)
        else out[i] = r
      }
      return new Vector(returns, count, out, null)
    },
  }
}

/** similarity(a, b, score_cutoff): 0 when the score falls below the cutoff (DuckDB's rapidfuzz semantics) */
function similarityWithCutoff(fn: (a: string, b: string) => number): ScalarOverload {
  return {
    args: [VARCHAR, VARCHAR, DOUBLE], returns: DOUBLE,
    invoke: (args, count) => {
      const a = args[0]!.data as string[], b = args[1]!.data as string[], cutoff = args[2]!.data as Float64Array
      const out = new Float64Array(count)
      for (let i = 0; i < count; i++) {
        if (!rowValid(args, i)) continue
        const r = fn(a[i]!, b[i]!)
        out[i] = r >= cutoff[i]! ? r : 0
      }
      return new Vector(DOUBLE, count, out, null)
    },
  }
}

function mapString(fn: (s: string) => string): ScalarKernel {
  return (args, count) => {
    const a = args[0]!.data as string[]
    const out = new Array<string>(count)
    for (let i = 0; i < count; i++) out[i] = rowValid(args, i) ? fn(a[i]!) : ''
    return new Vector(VARCHAR, count, out, null)
  }
}

function intArgs(fn: (s: string, n: number) => string): ScalarOverload[] {
  return [INTEGER, BIGINT].map(t => ({
    args: [VARCHAR, t], returns: VARCHAR,
    invoke: (args: readonly Vector[], count: number) => {
      const a = args[0]!.data as string[], n = args[1]!.data as ArrayLike<number | bigint>
      const out = new Array<string>(count)
      for (let i = 0; i < count; i++) out[i] = rowValid(args, i) ? fn(a[i]!, Number(n[i]!)) : ''
      return new Vector(VARCHAR, count, out, null)
    },
  }))
}

const graphemeSubstring: ScalarKernel = (args, count) => {
  const a = args[0]!.data as string[]
  const st = args[1]!.data as ArrayLike<number | bigint>, len = args[2]?.data as ArrayLike<number | bigint> | undefined
  const out = new Array<string>(count)
  for (let i = 0; i < count; i++) {
    out[i] = rowValid(args, i) ? sqlSubstring(a[i]!, Number(st[i]!), len === undefined ? undefined : Number(len[i]!), graphemes(a[i]!)) : ''
  }
  return new Vector(VARCHAR, count, out, null)
}

const encoder = new TextEncoder()
const strictDecoder = new TextDecoder('utf-8', { fatal: true })

export function registerExtraStringFunctions(hooks: Hooks): void {
  const reg = (name: string, overloads: ScalarOverload[], aliases: string[] = [], description?: string) =>
    hooks.registerScalar({ name, aliases, nulls: 'propagate', volatility: 'immutable', overloads, description })

  registerPathFunctions(hooks)
  reg('levenshtein', [str2(levenshtein, BIGINT)], ['editdist3'], 'edit distance (insert, delete, substitute)')
  reg('damerau_levenshtein', [str2(damerauLevenshtein, BIGINT)], [], 'edit distance that also counts transpositions')
  reg('hamming', [str2(hamming, BIGINT)], ['mismatches'], 'number of positions with different characters')
  reg('jaccard', [str2(jaccard, DOUBLE)], [], 'Jaccard similarity of the character sets')
  reg('jaro_similarity', [str2(jaro, DOUBLE), similarityWithCutoff(jaro)])
  reg('jaro_winkler_similarity', [str2(jaroWinkler, DOUBLE), similarityWithCutoff(jaroWinkler)])
  reg('length_grapheme', [{
    args: [VARCHAR], returns: BIGINT,
    invoke: (args, count) => {
      const a = args[0]!.data as string[]
      const out = new BigInt64Array(count)
      for (let i = 0; i < count; i++) out[i] = rowValid(args, i) ? BigInt(graphemes(a[i]!).length) : 0n
      return new Vector(BIGINT, count, out, null)
    },
  }])
  const take = (s: string, n: number, right: boolean) => {
    const g = graphemes(s)
    const k = n >= 0 ? Math.min(n, g.length) : Math.max(0, g.length + n)
    return (right ? g.slice(g.length - k) : g.slice(0, k)).join('')
  }
  reg('substring_grapheme', [INTEGER, BIGINT].flatMap(t => [
    { args: [VARCHAR, t], returns: VARCHAR, invoke: graphemeSubstring },
    { args: [VARCHAR, t, t], returns: VARCHAR, invoke: graphemeSubstring },
  ]))
  reg('left_grapheme', intArgs((s, n) => take(s, n, false)))
  reg('right_grapheme', intArgs((s, n) => take(s, n, true)))
  reg('regexp_escape', [{ args: [VARCHAR], returns: VARCHAR, invoke: mapString(s => s.replace(REGEX_SPECIAL, '\\$&')) }])
  const barKernel: ScalarKernel = (args, count) => {
    const x = args[0]!.data as Float64Array, lo = args[1]!.data as Float64Array, hi = args[2]!.data as Float64Array
    const w = args[3]?.data as Float64Array | undefined
    const out = new Array<string>(count)
    for (let i = 0; i < count; i++) out[i] = rowValid(args, i) ? bar(x[i]!, lo[i]!, hi[i]!, w === undefined ? 80 : w[i]!) : ''
    return new Vector(VARCHAR, count, out, null)
  }
  reg('bar', [
    { args: [DOUBLE, DOUBLE, DOUBLE], returns: VARCHAR, invoke: barKernel },
    { args: [DOUBLE, DOUBLE, DOUBLE, DOUBLE], returns: VARCHAR, invoke: barKernel },
  ], [], 'bar(x, min, max[, width]): a bar chart cell')
  const bytesKernel = (base: 1000 | 1024): ScalarKernel => (args, count) => {
    const a = args[0]!.data as BigInt64Array
    const out = new Array<string>(count)
    for (let i = 0; i < count; i++) out[i] = formatBytes(a[i]!, base)
    return new Vector(VARCHAR, count, out, null)
  }
  reg('format_bytes', [{ args: [BIGINT], returns: VARCHAR, invoke: bytesKernel(1024) }], ['formatReadableSize', 'pg_size_pretty'])
  reg('formatReadableDecimalSize', [{ args: [BIGINT], returns: VARCHAR, invoke: bytesKernel(1000) }])
  reg('parse_formatted_bytes', [{
    args: [VARCHAR], returns: BIGINT,
    invoke: (args, count) => {
      const a = args[0]!.data as string[]
      const out = new BigInt64Array(count)
      for (let i = 0; i < count; i++) if (rowValid(args, i)) out[i] = parseFormattedBytes(a[i]!)
      return new Vector(BIGINT, count, out, null)
    },
  }])
  reg('encode', [{
    args: [VARCHAR], returns: BLOB,
    invoke: (args, count) => {
      const a = args[0]!.data as string[]
      const out = new Array<Uint8Array>(count)
      for (let i = 0; i < count; i++) out[i] = encoder.encode(a[i]!)
      return new Vector(BLOB, count, out, null)
    },
  }])
  reg('decode', [{
    args: [BLOB], returns: VARCHAR,
    invoke: (args, count) => {
      const a = args[0]!.data as Uint8Array[]
      const out = new Array<string>(count)
      for (let i = 0; i < count; i++) {
        out[i] = ''
        if (!rowValid(args, i)) continue
        try {
          out[i] = strictDecoder.decode(a[i]!)
        } catch {
          throw new GrizzlyError(SqlState.invalidTextRepresentation, 'decode: the BLOB is not valid UTF-8',
            { hint: 'use a BLOB holding UTF-8 text, or keep it as a BLOB' })
        }
      }
      return new Vector(VARCHAR, count, out, null)
    },
  }])
  reg('repeat', [INTEGER, BIGINT].map(t => ({
    args: [BLOB, t], returns: BLOB,
    invoke: (args: readonly Vector[], count: number) => {
      const a = args[0]!.data as Uint8Array[], n = args[1]!.data as ArrayLike<number | bigint>
      const out = new Array<Uint8Array>(count)
      for (let i = 0; i < count; i++) {
        const k = Math.max(0, Number(n[i]!)), src = a[i]!
        const r = new Uint8Array(rowValid(args, i) ? src.length * k : 0)
        for (let j = 0; j < r.length; j += src.length) r.set(src, j)
        out[i] = r
      }
      return new Vector(BLOB, count, out, null)
    },
  })))
  hooks.registerScalar({
    name: 'uuid', aliases: ['gen_random_uuid'], nulls: 'propagate', volatility: 'volatile',
    description: 'a random UUID (version 4) as text',
    overloads: [{
      args: [], returns: VARCHAR,
      invoke: (_args, count) => {
        const out = new Array<string>(count)
        for (let i = 0; i < count; i++) out[i] = randomUUID()
        return new Vector(VARCHAR, count, out, null)
      },
    }],
  })
  hooks.registerScalar({
    name: 'error', nulls: 'propagate', volatility: 'volatile', description: 'error(message): raises an error with that message',
    overloads: [{
      args: [VARCHAR], returns: NULL_TYPE,
      invoke: (args, count) => {
        const a = args[0]!.data as string[]
        for (let i = 0; i < count; i++) {
          if (rowValid(args, i)) throw new GrizzlyError(SqlState.invalidParameterValue, a[i]!)
        }
        return new Vector(NULL_TYPE, count, null, new Uint8Array(count))
      },
    }],
  })
}
