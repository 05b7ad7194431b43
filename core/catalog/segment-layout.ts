/**
 * How a column segment lays out a type (column-segment.ts): the storage kind, the elements of a
 * fixed-size array, which types keep zone maps; and the vectors `ColumnSegment.copyTo` fills.
 */
import type { LogicalType, PhysicalType, Value } from '../types/types.ts'
import { physicalOf } from '../types/types.ts'
import { Vector, VectorBuilder, allocData, type VectorData } from '../vector/vector.ts'

/** how a segment keeps its values ('fixed': an ARRAY of typed elements, `size` per row) */
export type StorageKind = 'typed' | 'fixed' | 'array' | 'boxed' | 'none'

export function storageKindOf(type: LogicalType): StorageKind {
  const p = physicalOf(type)
  switch (p) {
    case 'u8': case 'i8': case 'i16': case 'i32': case 'date': case 'i64': case 'f32': case 'f64': return 'typed'
    case 'big': case 'str': case 'blob': case 'interval': return 'array'
    case 'array': return type.id === 'ARRAY' && storageKindOf(type.child) === 'typed' ? 'fixed' : 'boxed'
    case 'list': case 'struct': return 'boxed'
    case 'null': return 'none'
  }
}

/** elements per row of a 'fixed' segment (1 otherwise) and their physical type */
export function elementsOf(type: LogicalType): { size: number; element: PhysicalType } {
  return type.id === 'ARRAY' ? { size: type.size, element: physicalOf(type.child) } : { size: 1, element: physicalOf(type) }
}

/** zone maps only for types whose JS order is the SQL order */
export function hasZoneMap(p: PhysicalType): boolean {
  // REAL is left out: a filter constant may be a DOUBLE or a rounded REAL, and the two disagree
  return p === 'i8' || p === 'i16' || p === 'i32' || p === 'date' || p === 'i64' || p === 'f64' || p === 'big'
}

/**
 * A vector of `n` rows with a validity mask, to fill with ColumnSegment.copyTo. Nested types
 * keep boxed values in `data` and must go through `finishColumn`; fixed-size arrays of numbers
 * get their flat child (with an element mask) at once.
 */
export function allocColumn(type: LogicalType, n: number): Vector {
  const kind = storageKindOf(type)
  if (kind === 'fixed') {
    const { size, element } = elementsOf(type)
    const child = new Vector((type as { child: LogicalType }).child, n * size, allocData(element, n * size), new Uint8Array(n * size))
    return new Vector(type, n, null, new Uint8Array(n), null, [child])
  }
  const p = physicalOf(type)
  const data = kind === 'boxed' ? (new Array<Value>(n) as unknown as VectorData) : allocData(p, n)
  return new Vector(type, n, data, new Uint8Array(n))
}

export function finishColumn(v: Vector): Vector {
  const kind = storageKindOf(v.type)
  if (kind === 'fixed') {
    const child = v.children[0]!
    if (child.validity !== null && child.validity.every(b => b === 1)) child.validity = null
    return v
  }
  if (kind !== 'boxed') return v
  const b = new VectorBuilder(v.type, v.length)
  const d = v.data as unknown as Value[]
  for (let i = 0; i < v.length; i++) b.push(v.validity![i] === 1 ? d[i]! : null)
  return b.finish()
}
