/**
 * Arithmetic, bitwise and concatenation operators, registered as scalar functions named by
 * their operator ('+', '-', '*', '/', '//', '%', '^', '**', '&', '|', '<<', '>>', '~', 'xor',
 * '||'). Results follow DuckDB: integer ops keep their type and raise 22003 on overflow, `/`
 * is floating division, `//` and `%` by zero give NULL, DECIMAL results get DuckDB's widths.
 */
import type { Hooks } from '../hooks/registry.ts'
import type { ScalarOverload, ScalarKernel } from '../hooks/contracts.ts'
import {
  BIGINT, BLOB, DOUBLE, INTEGER, type LogicalType, REAL, SMALLINT, TINYINT, VARCHAR,
} from '../types/types.ts'
import { Vector } from '../vector/vector.ts'
import {
  bitNotKernel, bitwiseKernel, checkedIntKernel, floatDivModKernel, floatIeeeKernel, floatKernel, identityKernel,
  intDivModKernel, negateKernel, shiftKernel,
} from './numeric-kernels.ts'
import { textReader } from './kernel-util.ts'
import {
  bindDecimalAddSub, bindDecimalModulo, bindDecimalMultiply, bindDecimalNegate,
} from './decimal-arith.ts'

export const INTEGER_TYPES: readonly LogicalType[] = [TINYINT, SMALLINT, INTEGER, BIGINT]
export const FLOAT_TYPES: readonly LogicalType[] = [REAL, DOUBLE]
export const NUMERIC_TYPES: readonly LogicalType[] = [...INTEGER_TYPES, ...FLOAT_TYPES]

/** Inline templates only where the expression cannot fail: float math. */
function floatInline(op: string, t: LogicalType): (a: readonly string[]) => string {
  return t.id === 'REAL' ? ([x, y]) => `Math.fround(${x} ${op} ${y})` : ([x, y]) => `(${x} ${op} ${y})`
}

function arithmeticOverloads(op: '+' | '-' | '*'): ScalarOverload[] {
  return [
    ...INTEGER_TYPES.map(t => ({ args: [t, t], returns: t, invoke: checkedIntKernel(op, t) })),
    ...FLOAT_TYPES.map(t => ({ args: [t, t], returns: t, invoke: floatKernel(op, t), inline: floatInline(op, t) })),
  ]
}

const concatStrings: ScalarKernel = (args, count) => {
  const a = args[0]!.data as string[], b = args[1]!.data as string[]
  const out = new Array<string>(count)
  for (let i = 0; i < count; i++) out[i] = a[i]! + b[i]!
  return new Vector(VARCHAR, count, out, null)
}

const concatBlobs: ScalarKernel = (args, count) => {
  const a = args[0]!.data as Uint8Array[], b = args[1]!.data as Uint8Array[]
  const out = new Array<Uint8Array>(count)
  for (let i = 0; i < count; i++) {
    const x = a[i]!, y = b[i]!
    const r = new Uint8Array(x.length + y.length)
    r.set(x); r.set(y, x.length)
    out[i] = r
  }
  return new Vector(BLOB, count, out, null)
}

/** 'a' || 1: the non-string side is rendered as text, as DuckDB does. */
const concatAsText: ScalarKernel = (args, count) => {
  const a = textReader(args[0]!), b = textReader(args[1]!)
  const out = new Array<string>(count)
  for (let i = 0; i < count; i++) out[i] = a(i) + b(i)
  return new Vector(VARCHAR, count, out, null)
}

export function registerOperators(hooks: Hooks): void {
  hooks.registerScalar({
    name: '+', nulls: 'propagate', volatility: 'immutable',
    description: 'addition, or unary plus with one argument',
    overloads: [
      ...arithmeticOverloads('+'),
      ...NUMERIC_TYPES.map(t => ({ args: [t], returns: t, invoke: identityKernel(), inline: ([x]: readonly string[]) => `${x}` })),
    ],
    bind: argTypes => argTypes.length === 1 && argTypes[0]?.id === 'DECIMAL'
      ? { argTypes, returns: argTypes[0], invoke: identityKernel(), inline: ([x]) => `${x}` }
      : bindDecimalAddSub('+', argTypes),
  })
  hooks.registerScalar({
    name: '-', nulls: 'propagate', volatility: 'immutable',
    description: 'subtraction, or negation with one argument',
    overloads: [
      ...arithmeticOverloads('-'),
      ...NUMERIC_TYPES.map(t => ({
        args: [t], returns: t, invoke: negateKernel(t),
        inline: FLOAT_TYPES.includes(t) ? ([x]: readonly string[]) => `(-${x})` : undefined,
      })),
    ],
    bind: argTypes => argTypes.length === 1 ? bindDecimalNegate(argTypes) : bindDecimalAddSub('-', argTypes),
  })
  hooks.registerScalar({
    name: '*', nulls: 'propagate', volatility: 'immutable', description: 'multiplication',
    overloads: arithmeticOverloads('*'),
    bind: bindDecimalMultiply,
  })
  hooks.registerScalar({
    name: '/', nulls: 'propagate', volatility: 'immutable',
    description: 'division; integers and DECIMALs divide as DOUBLE',
    // no inline template: the kernel honours ieee_floating_point_ops
    overloads: FLOAT_TYPES.map(t => ({ args: [t, t], returns: t, invoke: floatIeeeKernel('/', t) })),
  })
  hooks.registerScalar({
    name: '//', nulls: 'propagate', volatility: 'immutable',
    description: 'integer division, truncating toward zero; NULL when dividing by zero',
    overloads: [
      ...INTEGER_TYPES.map(t => ({ args: [t, t], returns: t, invoke: intDivModKernel('//', t) })),
      ...FLOAT_TYPES.map(t => ({ args: [t, t], returns: t, invoke: floatDivModKernel('//', t) })),
    ],
  })
  hooks.registerScalar({
    name: '%', aliases: ['mod'], nulls: 'propagate', volatility: 'immutable',
    description: 'remainder with the sign of the dividend; NULL for integer modulo by zero',
    overloads: [
      ...INTEGER_TYPES.map(t => ({ args: [t, t], returns: t, invoke: intDivModKernel('%', t) })),
      ...FLOAT_TYPES.map(t => ({ args: [t, t], returns: t, invoke: floatIeeeKernel('%', t) })),
    ],
    bind: bindDecimalModulo,
  })
  const powKernel: ScalarKernel = (args, count) => {
    const a = args[0]!.data as Float64Array, b = args[1]!.data as Float64Array
    const out = new Float64Array(count)
    for (let i = 0; i < count; i++) out[i] = Math.pow(a[i]!, b[i]!)
    return new Vector(DOUBLE, count, out, null)
  }
  hooks.registerScalar({
    name: '^', aliases: ['**'], nulls: 'propagate', volatility: 'immutable', description: 'power, as DOUBLE',
    overloads: [{ args: [DOUBLE, DOUBLE], returns: DOUBLE, invoke: powKernel, inline: ([x, y]) => `Math.pow(${x}, ${y})` }],
  })
  hooks.registerScalar({
    name: '&', nulls: 'propagate', volatility: 'immutable', description: 'bitwise AND',
    overloads: INTEGER_TYPES.map(t => ({ args: [t, t], returns: t, invoke: bitwiseKernel('&', t) })),
  })
  hooks.registerScalar({
    name: '|', nulls: 'propagate', volatility: 'immutable', description: 'bitwise OR',
    overloads: INTEGER_TYPES.map(t => ({ args: [t, t], returns: t, invoke: bitwiseKernel('|', t) })),
  })
  hooks.registerScalar({
    name: 'xor', nulls: 'propagate', volatility: 'immutable', description: 'bitwise exclusive OR',
    overloads: INTEGER_TYPES.map(t => ({ args: [t, t], returns: t, invoke: bitwiseKernel('^', t) })),
  })
  hooks.registerScalar({
    name: '~', nulls: 'propagate', volatility: 'immutable', description: 'bitwise NOT',
    overloads: INTEGER_TYPES.map(t => ({ args: [t], returns: t, invoke: bitNotKernel(t) })),
  })
  hooks.registerScalar({
    name: '<<', nulls: 'propagate', volatility: 'immutable', description: 'bitwise shift left',
    overloads: INTEGER_TYPES.map(t => ({ args: [t, t], returns: t, invoke: shiftKernel('<<', t) })),
  })
  hooks.registerScalar({
    name: '>>', nulls: 'propagate', volatility: 'immutable', description: 'bitwise shift right (arithmetic)',
    overloads: INTEGER_TYPES.map(t => ({ args: [t, t], returns: t, invoke: shiftKernel('>>', t) })),
  })
  hooks.registerScalar({
    name: '||', nulls: 'propagate', volatility: 'immutable',
    description: 'string or blob concatenation (NULL if either side is NULL)',
    overloads: [
      { args: [VARCHAR, VARCHAR], returns: VARCHAR, invoke: concatStrings, inline: ([x, y]) => `(${x} + ${y})` },
      { args: [BLOB, BLOB], returns: BLOB, invoke: concatBlobs },
    ],
    // like DuckDB, a non-string operand next to a string is rendered as text
    bind: argTypes => {
      if (argTypes.length !== 2) return undefined
      const [x, y] = argTypes as [LogicalType, LogicalType]
      const textual = (t: LogicalType) => t.id === 'VARCHAR'
      if (x.id === 'LIST' || y.id === 'LIST' || x.id === 'ARRAY' || y.id === 'ARRAY') return undefined
      if (x.id === 'BLOB' && y.id === 'BLOB') return undefined
      if (x.id === 'NULL' && y.id === 'NULL') return undefined
      if (textual(x) && textual(y)) return { argTypes: [VARCHAR, VARCHAR], returns: VARCHAR, invoke: concatStrings, inline: ([a, b]) => `(${a} + ${b})` }
      const argTypesKept = [x.id === 'NULL' ? VARCHAR : x, y.id === 'NULL' ? VARCHAR : y]
      return { argTypes: argTypesKept, returns: VARCHAR, invoke: concatAsText }
    },
  })
}
