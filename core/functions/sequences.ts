/**
 * nextval / currval / setval. The sequences themselves live in the catalog; the kernels reach
 * them through FunctionContext.sequence, which the database provides per statement (bound to
 * the statement's transaction). The functions are volatile, so they run once per row and are
 * never folded.
 */
import type { Hooks } from '../hooks/registry.ts'
import type { FunctionContext, SequenceAccess } from '../hooks/contracts.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import { BIGINT, BOOLEAN, VARCHAR } from '../types/types.ts'
import { Vector } from '../vector/vector.ts'
import { rowValid } from './kernel-util.ts'

function sequenceOf(ctx: FunctionContext, name: string): SequenceAccess {
  if (ctx.sequence === undefined) {
    throw new GrizzlyError(SqlState.featureNotSupported, 'sequences are not available here', { hint: 'call nextval / currval in a statement run by a database' })
  }
  return ctx.sequence(name)
}

/** one BIGINT per row from `each(name, row)`; a NULL argument gives NULL */
function perRow(args: readonly Vector[], count: number, each: (name: string, i: number) => bigint): Vector {
  const names = args[0]!.data as string[]
  const out = new BigInt64Array(count)
  let validity: Uint8Array | null = null
  for (let i = 0; i < count; i++) {
    if (!rowValid(args, i)) { (validity ??= new Uint8Array(count).fill(1))[i] = 0; continue }
    out[i] = each(names[i]!, i)
  }
  return new Vector(BIGINT, count, out, validity)
}

export function registerSequenceFunctions(hooks: Hooks): void {
  hooks.registerScalar({
    name: 'nextval', nulls: 'handle', volatility: 'volatile', description: "nextval('seq'): advances the sequence and returns its new value",
    overloads: [{ args: [VARCHAR], returns: BIGINT, invoke: (args, count, ctx) => perRow(args, count, name => sequenceOf(ctx, name).next()) }],
  })
  hooks.registerScalar({
    name: 'currval', nulls: 'handle', volatility: 'volatile', description: "currval('seq'): the value nextval last returned for the sequence",
    overloads: [{ args: [VARCHAR], returns: BIGINT, invoke: (args, count, ctx) => perRow(args, count, name => sequenceOf(ctx, name).current()) }],
  })
  const setval = (args: readonly Vector[], count: number, ctx: FunctionContext): Vector => {
    const values = args[1]!.data as BigInt64Array
    const called = args[2]?.data as Uint8Array | undefined
    return perRow(args, count, (name, i) => sequenceOf(ctx, name).set(values[i]!, called === undefined || called[i] !== 0))
  }
  hooks.registerScalar({
    name: 'setval', nulls: 'handle', volatility: 'volatile',
    description: "setval('seq', value [, is_called]): sets the sequence; nextval then returns value + increment (value itself when is_called is false)",
    overloads: [
      { args: [VARCHAR, BIGINT], returns: BIGINT, invoke: setval },
      { args: [VARCHAR, BIGINT, BOOLEAN], returns: BIGINT, invoke: setval },
    ],
  })
}
