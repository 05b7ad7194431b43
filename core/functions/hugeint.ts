/**
 * HUGEINT (128-bit signed integer, DuckDB's type) arithmetic: + - * // % and unary - / +, abs,
 * round, sign, the bitwise operators (& | xor ~ << >>), and sum(HUGEINT). Values are bigints in 'big' vectors; a result outside ±2^127 raises
 * 22003, as DuckDB's overflow checks do. Other functions take a HUGEINT through its implicit casts
 * (to DOUBLE, or to DECIMAL(38,0) where that is all that fits).
 */
import type { Hooks } from '../hooks/registry.ts'
import type { AggregateState, ScalarKernel } from '../hooks/contracts.ts'
import { HUGEINT, HUGEINT_MAX, HUGEINT_MIN, type LogicalType, TINYINT } from '../types/types.ts'
import { Vector } from '../vector/vector.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import { compactValidity, mergeValidity } from './kernel-util.ts'
import { ExactSumState } from './aggregates/basic.ts'

type Op = '+' | '-' | '*' | '//' | '%' | '&' | '|' | 'xor' | '<<' | '>>'

const OP_NAMES: Readonly<Record<Op, string>> = {
  '+': 'addition', '-': 'subtraction', '*': 'multiplication', '//': 'division', '%': 'modulo',
  '&': 'bitwise AND', '|': 'bitwise OR', 'xor': 'bitwise exclusive OR', '<<': 'left shift', '>>': 'right shift',
}

function apply(op: Op, a: bigint, b: bigint): bigint | null {
  switch (op) {
    case '+': return a + b
    case '-': return a - b
    case '*': return a * b
    // a zero divisor gives NULL, as for the other integer types (DuckDB)
    case '//': return b === 0n ? null : a / b
    case '%': return b === 0n ? null : a % b
    case '&': return a & b
    case '|': return a | b
    case 'xor': return a ^ b
    // a shift by 128 or more (or a negative one) overflows to the left and gives 0 to the right (DuckDB)
    case '<<': return b < 0n || b >= 128n ? HUGEINT_MAX + 1n : a << b
    case '>>': return b < 0n || b >= 128n ? 0n : a >> b
  }
}

function inRange(x: bigint): boolean { return x >= HUGEINT_MIN && x <= HUGEINT_MAX }

function overflow(what: string, detail: string): GrizzlyError {
  return new GrizzlyError(SqlState.numericOutOfRange, `Overflow in ${what} of HUGEINT (${detail})`,
    { hint: 'HUGEINT holds -2^127 to 2^127 - 1; cast an operand to DOUBLE for an approximate result' })
}

/** One bigint loop per operator; NULL rows are skipped (their slots may hold anything). */
function binaryKernel(op: Op): ScalarKernel {
  return (args, count) => {
    const a = args[0]!.data as bigint[], b = args[1]!.data as bigint[]
    let valid = mergeValidity(args, count)
    const out = new Array<bigint>(count).fill(0n)
    for (let i = 0; i < count; i++) {
      if (valid !== null && valid[i] === 0) continue
      const r = apply(op, a[i]!, b[i]!)
      if (r === null) {
        if (valid === null) valid = new Uint8Array(count).fill(1)
        valid[i] = 0
        continue
      }
      if (!inRange(r)) throw overflow(OP_NAMES[op], `${a[i]} ${op} ${b[i]}`)
      out[i] = r
    }
    return new Vector(HUGEINT, count, out, compactValidity(valid, count))
  }
}

function unaryKernel(returns: LogicalType, f: (x: bigint) => bigint | number, what: string): ScalarKernel {
  return (args, count) => {
    const a = args[0]!.data as bigint[], valid = args[0]!.validity
    const big = returns.id === 'HUGEINT'
    const out: bigint[] | Int8Array = big ? new Array<bigint>(count).fill(0n) : new Int8Array(count)
    for (let i = 0; i < count; i++) {
      if (valid !== null && valid[i] === 0) continue
      const r = f(a[i]!)
      if (typeof r === 'bigint' && !inRange(r)) throw overflow(what, `${what}(${a[i]})`)
      out[i] = r as never
    }
    return new Vector(returns, count, out, valid)
  }
}

/** sum(HUGEINT) stays HUGEINT and fails past its range, as DuckDB's does. */
class HugeintSumState extends ExactSumState {
  constructor() { super(HUGEINT) }
  override finalize(groups: number): Vector {
    const v = super.finalize(groups)
    for (const t of v.data as bigint[]) {
      if (!inRange(t)) throw overflow('sum', `total ${t}`)
    }
    return v
  }
}

export function registerHugeintFunctions(hooks: Hooks): void {
  const immutable = { nulls: 'propagate', volatility: 'immutable' } as const
  for (const op of ['+', '-', '*', '//', '%', '&', '|', 'xor', '<<', '>>'] as const) {
    hooks.registerScalar({
      name: op, ...immutable, description: `HUGEINT ${OP_NAMES[op]}`,
      overloads: [{ args: [HUGEINT, HUGEINT], returns: HUGEINT, invoke: binaryKernel(op) }],
    })
  }
  hooks.registerScalar({
    name: '-', ...immutable, description: 'HUGEINT negation',
    overloads: [{ args: [HUGEINT], returns: HUGEINT, invoke: unaryKernel(HUGEINT, x => -x, 'negation') }],
  })
  hooks.registerScalar({
    name: '+', ...immutable, description: 'HUGEINT unary plus',
    overloads: [{ args: [HUGEINT], returns: HUGEINT, invoke: args => args[0]!, inline: ([x]) => `${x}` }],
  })
  hooks.registerScalar({
    name: '~', ...immutable, description: 'bitwise NOT of a HUGEINT',
    overloads: [{ args: [HUGEINT], returns: HUGEINT, invoke: unaryKernel(HUGEINT, x => ~x, 'bitwise NOT') }],
  })
  hooks.registerScalar({
    name: 'abs', ...immutable, description: 'absolute value of a HUGEINT',
    overloads: [{ args: [HUGEINT], returns: HUGEINT, invoke: unaryKernel(HUGEINT, x => (x < 0n ? -x : x), 'abs') }],
  })
  hooks.registerScalar({
    name: 'round', ...immutable, description: 'a HUGEINT is already whole',
    overloads: [{ args: [HUGEINT], returns: HUGEINT, invoke: args => args[0]! }],
  })
  hooks.registerScalar({
    name: 'sign', ...immutable, description: 'sign of a HUGEINT: -1, 0 or 1',
    overloads: [{ args: [HUGEINT], returns: TINYINT, invoke: unaryKernel(TINYINT, x => (x > 0n ? 1 : x < 0n ? -1 : 0), 'sign') }],
  })
  hooks.registerAggregate({
    name: 'sum', nulls: 'skip', description: 'exact sum of HUGEINTs',
    overloads: [{ args: [HUGEINT], returns: HUGEINT, createState: (): AggregateState => new HugeintSumState() }],
  })
}
