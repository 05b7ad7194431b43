/**
 * format('{} and {}', …) (fmt style, positional {} / {0} / {:d} / {:.2f}) and printf('%s %d', …)
 * (C style: flags - 0 + space, width, precision, conversions s d i f e g x X o c %).
 */
import type { Hooks } from '../hooks/registry.ts'
import type { ScalarKernel } from '../hooks/contracts.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import { type LogicalType, type Value, VARCHAR } from '../types/types.ts'
import { formatValue } from '../types/format.ts'
import { Vector, getValue } from '../vector/vector.ts'

function formatError(message: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, message,
    { hint: 'check that the format string has one placeholder per argument' })
}

function asNumber(v: Value, type: LogicalType): number {
  if (typeof v === 'number') return type.id === 'DECIMAL' ? v / 10 ** type.scale : v
  if (typeof v === 'bigint') return type.id === 'DECIMAL' ? Number(v) / 10 ** type.scale : Number(v)
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v)
  throw formatError(`printf/format: expected a number, got ${formatValue(type, v)}`)
}

function asIntegerText(v: Value, type: LogicalType): string {
  if (typeof v === 'bigint' && type.id !== 'DECIMAL') return v.toString()
  return Math.trunc(asNumber(v, type)).toString()
}

function applyWidth(body: string, width: number, left: boolean, zero: boolean): string {
  if (body.length >= width) return body
  if (left) return body + ' '.repeat(width - body.length)
  if (zero) {
    const sign = body.startsWith('-') || body.startsWith('+') ? body[0]! : ''
    return sign + '0'.repeat(width - body.length) + body.slice(sign.length)
  }
  return ' '.repeat(width - body.length) + body
}

function convert(spec: string, precision: number | undefined, v: Value, type: LogicalType, plus: boolean, space: boolean): string {
  const signed = (s: string, x: number) => (x >= 0 && plus ? '+' : x >= 0 && space ? ' ' : '') + s
  switch (spec) {
    case 's': {
      const s = v === null ? 'NULL' : formatValue(type, v)
      return precision === undefined ? s : s.slice(0, precision)
    }
    case 'd': case 'i': { const s = asIntegerText(v, type); return signed(s, s.startsWith('-') ? -1 : 1) }
    case 'f': case 'F': { const x = asNumber(v, type); return signed(x.toFixed(precision ?? 6), x) }
    case 'e': case 'E': {
      const x = asNumber(v, type)
      let s = x.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2')
      if (spec === 'E') s = s.toUpperCase()
      return signed(s, x)
    }
    case 'g': case 'G': { const x = asNumber(v, type); return signed(String(Number(x.toPrecision(precision ?? 6))), x) }
    case 'x': case 'X': case 'o': {
      const n = BigInt(asIntegerText(v, type))
      const u = n < 0n ? BigInt.asUintN(64, n) : n
      const s = u.toString(spec === 'o' ? 8 : 16)
      return spec === 'X' ? s.toUpperCase() : s
    }
    case 'c': return String.fromCodePoint(asNumber(v, type))
    default: throw formatError(`printf: unknown conversion '%${spec}'`)
  }
}

export function printf(fmt: string, values: readonly Value[], types: readonly LogicalType[]): string {
  let out = ''
  let next = 0
  const re = /%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g
  let last = 0
  for (let m = re.exec(fmt); m !== null; m = re.exec(fmt)) {
    out += fmt.slice(last, m.index)
    last = re.lastIndex
    const [, flags = '', width, prec, conv = ''] = m
    if (conv === '%') { out += '%'; continue }
    if (next >= values.length) throw formatError(`printf: the format string needs more than ${values.length} argument(s)`)
    const body = convert(conv, prec === undefined ? undefined : Number(prec), values[next]!, types[next]!, flags.includes('+'), flags.includes(' '))
    next++
    out += applyWidth(body, width === undefined ? 0 : Number(width), flags.includes('-'), flags.includes('0'))
  }
  return out + fmt.slice(last)
}

export function fmtFormat(fmt: string, values: readonly Value[], types: readonly LogicalType[]): string {
  let out = ''
  let auto = 0
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!
    if (c === '{' && fmt[i + 1] === '{') { out += '{'; i++; continue }
    if (c === '}' && fmt[i + 1] === '}') { out += '}'; i++; continue }
    if (c !== '{') { out += c; continue }
    const close = fmt.indexOf('}', i)
    if (close < 0) throw formatError(`format: unmatched '{' in '${fmt}'`)
    const inner = fmt.slice(i + 1, close)
    i = close
    const colon = inner.indexOf(':')
    const idxText = colon < 0 ? inner : inner.slice(0, colon)
    const spec = colon < 0 ? '' : inner.slice(colon + 1)
    const idx = idxText === '' ? auto++ : Number(idxText)
    if (!Number.isInteger(idx) || idx < 0 || idx >= values.length) {
      throw formatError(`format: argument ${idxText === '' ? idx + 1 : idxText} is missing in '${fmt}'`)
    }
    const v = values[idx]!, t = types[idx]!
    if (spec === '') { out += v === null ? 'NULL' : formatValue(t, v); continue }
    const m = /^([<>^]?)([+ ]?)(0?)(\d*)(?:\.(\d+))?([a-zA-Z]?)$/.exec(spec)
    if (m === null) throw formatError(`format: invalid format specifier '{:${spec}}'`)
    const [, align = '', sign = '', zero = '', width = '', prec, type = ''] = m
    const conv = type === '' ? (prec !== undefined ? 'f' : 's') : type === 'n' ? 'd' : type
    let body = convert(conv, prec === undefined ? undefined : Number(prec), v, t, sign === '+', sign === ' ')
    const w = width === '' ? 0 : Number(width)
    if (align === '^' && body.length < w) {
      const total = w - body.length, left = Math.floor(total / 2)
      body = ' '.repeat(left) + body + ' '.repeat(total - left)
    } else {
      const numeric = conv !== 's'
      body = applyWidth(body, w, align === '<' || (align === '' && !numeric), zero === '0')
    }
    out += body
  }
  return out
}

function formatKernel(render: typeof printf, types: readonly LogicalType[]): ScalarKernel {
  return (args, count) => {
    const fmt = args[0]!
    const out = new Array<string>(count)
    const validity = fmt.validity === null ? null : new Uint8Array(fmt.validity)
    const rest = types.slice(1)
    for (let i = 0; i < count; i++) {
      // any NULL argument makes the result NULL (DuckDB); the engine masks these rows
      if (args.some(a => a.validity !== null && a.validity[i] === 0)) { out[i] = ''; continue }
      const values = args.slice(1).map(a => getValue(a, i))
      out[i] = render((fmt.data as string[])[i]!, values, rest)
    }
    return new Vector(VARCHAR, count, out, validity)
  }
}

export function registerFormatFunctions(hooks: Hooks): void {
  for (const [name, render] of [['format', fmtFormat], ['printf', printf]] as const) {
    hooks.registerScalar({
      name, nulls: 'propagate', volatility: 'immutable',
      description: name === 'format' ? "format('{} and {}', a, b)" : "printf('%s: %d', a, b)",
      bind: argTypes => {
        const first = argTypes[0]
        if (first === undefined || (first.id !== 'VARCHAR' && first.id !== 'NULL')) return undefined
        const types = [VARCHAR, ...argTypes.slice(1).map(t => t.id === 'NULL' ? VARCHAR : t)]
        return { argTypes: types, returns: VARCHAR, invoke: formatKernel(render, types) }
      },
    })
  }
}
