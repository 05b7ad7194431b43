/**
 * Building a result by picking each row from one of several same-typed vectors (coalesce, if,
 * greatest, …): flat types copy straight between arrays; nested types go through the builder.
 */
import { type LogicalType, physicalOf } from '../types/types.ts'
import { Vector, VectorBuilder, allocData, getValue } from '../vector/vector.ts'

/** choice[i] = index of the source supplying row i, or -1 for NULL. */
export function pickRows(type: LogicalType, sources: readonly Vector[], choice: Int32Array, count: number): Vector {
  const p = physicalOf(type)
  if (p === 'array' && type.id === 'ARRAY') return pickArrayRows(type.size, type, sources, choice, count)
  if (p === 'list' || p === 'array' || p === 'struct' || p === 'null') {
    const b = new VectorBuilder(type, count)
    for (let i = 0; i < count; i++) {
      const c = choice[i]!
      b.push(c < 0 ? null : getValue(sources[c]!, i))
    }
    return b.finish()
  }
  const out = allocData(p, count) as unknown as { [i: number]: unknown }
  const datas = sources.map(s => s.data as unknown as ArrayLike<unknown>)
  let validity: Uint8Array | null = null
  for (let i = 0; i < count; i++) {
    const c = choice[i]!
    if (c < 0) {
      if (validity === null) validity = new Uint8Array(count).fill(1)
      validity[i] = 0
      continue
    }
    const src = sources[c]!
    if (src.validity !== null && src.validity[i] === 0) {
      if (validity === null) validity = new Uint8Array(count).fill(1)
      validity[i] = 0
      continue
    }
    out[i] = datas[c]![i]
  }
  return new Vector(type, count, out as never, validity)
}

/** fixed-size arrays: the rows' elements are picked through the child, by stride, without boxing */
function pickArrayRows(size: number, type: LogicalType, sources: readonly Vector[], choice: Int32Array, count: number): Vector {
  const childChoice = new Int32Array(count * size)
  let validity: Uint8Array | null = null
  for (let i = 0; i < count; i++) {
    const c = choice[i]!
    const valid = c >= 0 && (sources[c]!.validity === null || sources[c]!.validity![i] === 1)
    if (!valid) (validity ??= new Uint8Array(count).fill(1))[i] = 0
    childChoice.fill(valid ? c : -1, i * size, (i + 1) * size)
  }
  const child = pickRows((type as { child: LogicalType }).child, sources.map(s => s.children[0]!), childChoice, count * size)
  return new Vector(type, count, null, validity, null, [child])
}
