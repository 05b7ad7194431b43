/**
 * The SQL types a sandboxed function may take and return, and how each maps to an engine type.
 * Besides the flat types there are numeric arrays for embeddings: `FLOAT[n]` / `DOUBLE[n]`
 * (fixed-size ARRAY), `FLOAT[ANY]` / `DOUBLE[ANY]` (an argument of any fixed size, one size per
 * call) and `FLOAT[]` / `DOUBLE[]` (LIST). They cross as one flat typed array per batch.
 */
import { GrizzlyError, InternalError, SqlState } from '../core/errors.ts'
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, REAL, VARCHAR, array, list, typeToString, type LogicalType } from '../core/types/types.ts'

export const FLAT_TYPES = ['BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'VARCHAR', 'FLOAT'] as const
export type FlatSandboxType = (typeof FLAT_TYPES)[number]
export type ElementType = 'FLOAT' | 'DOUBLE'
export type SandboxType = FlatSandboxType | `${ElementType}[${number}]` | `${ElementType}[ANY]` | `${ElementType}[]`

/** Every spelling, for "did you mean" hints. */
export const TYPE_SPELLINGS: readonly string[] = [...FLAT_TYPES, 'FLOAT[n]', 'DOUBLE[n]', 'FLOAT[ANY]', 'DOUBLE[ANY]', 'FLOAT[]', 'DOUBLE[]']

/** Largest fixed array size a function may declare (DuckDB's own ARRAY limit is far higher; embeddings are ≤ a few thousand). */
export const MAX_ARRAY_SIZE = 1 << 16

export type Shape =
  | { readonly kind: 'flat'; readonly type: FlatSandboxType }
  /** size null: any size (an argument only) */
  | { readonly kind: 'array'; readonly element: ElementType; readonly size: number | null }
  | { readonly kind: 'list'; readonly element: ElementType }

/** Arena type codes: the flat types first (their codes are fixed), then arrays and lists. */
export const TYPE_CODES = { BOOLEAN: 0, INTEGER: 1, BIGINT: 2, DOUBLE: 3, VARCHAR: 4, FLOAT: 5 } as const
export const NESTED_CODES = { FLOAT_ARRAY: 6, DOUBLE_ARRAY: 7, FLOAT_LIST: 8, DOUBLE_LIST: 9 } as const

const NESTED = /^(FLOAT|DOUBLE)\[(ANY|[1-9][0-9]{0,5})?\]$/

export function shapeOf(t: unknown): Shape | null {
  if (typeof t !== 'string') return null
  if ((FLAT_TYPES as readonly string[]).includes(t)) return { kind: 'flat', type: t as FlatSandboxType }
  const m = NESTED.exec(t)
  if (m === null) return null
  const element = m[1] as ElementType
  if (m[2] === undefined) return { kind: 'list', element }
  if (m[2] === 'ANY') return { kind: 'array', element, size: null }
  const size = Number(m[2])
  return size <= MAX_ARRAY_SIZE ? { kind: 'array', element, size } : null
}

export function isSandboxType(t: unknown): t is SandboxType { return shapeOf(t) !== null }

/** Whether a declared type leaves the size open (`FLOAT[ANY]`): bound per call, never a result. */
export function isOpenType(t: SandboxType): boolean { return t.endsWith('[ANY]') }

function shape(t: SandboxType): Shape {
  const s = shapeOf(t)
  if (s === null) throw new InternalError(`not a sandbox type: ${t}`)
  return s
}

function elementType(e: ElementType): LogicalType { return e === 'FLOAT' ? REAL : DOUBLE }

/** The engine type of a concrete sandbox type (an open `[ANY]` has none). */
export function logicalTypeOf(t: SandboxType): LogicalType {
  const s = shape(t)
  switch (s.kind) {
    case 'flat':
      switch (s.type) {
        case 'BOOLEAN': return BOOLEAN
        case 'INTEGER': return INTEGER
        case 'BIGINT': return BIGINT
        case 'DOUBLE': return DOUBLE
        case 'VARCHAR': return VARCHAR
        case 'FLOAT': return REAL
      }
      break
    case 'array':
      if (s.size === null) throw new InternalError(`${t} has no engine type until its size is bound`)
      return array(elementType(s.element), s.size)
    case 'list': return list(elementType(s.element))
  }
  throw new InternalError(`not a sandbox type: ${t}`)
}

/** The sandbox type of an engine type, or null when it cannot cross. */
export function sandboxTypeOf(t: LogicalType): SandboxType | null {
  switch (t.id) {
    case 'BOOLEAN': case 'INTEGER': case 'BIGINT': case 'DOUBLE': case 'VARCHAR': return t.id
    case 'REAL': return 'FLOAT'
    case 'ARRAY':
      if (t.child.id === 'REAL') return `FLOAT[${t.size}]`
      if (t.child.id === 'DOUBLE') return `DOUBLE[${t.size}]`
      return null
    case 'LIST':
      if (t.map === true) return null
      if (t.child.id === 'REAL') return 'FLOAT[]'
      if (t.child.id === 'DOUBLE') return 'DOUBLE[]'
      return null
    default: return null
  }
}

/** Whether a value of `actual` (concrete) may be passed where `declared` is expected. */
export function accepts(declared: SandboxType, actual: SandboxType): boolean {
  if (declared === actual) return true
  const d = shape(declared), a = shapeOf(actual)
  return d.kind === 'array' && d.size === null && a !== null && a.kind === 'array' && a.element === d.element
}

export function typeCode(t: SandboxType): number {
  const s = shape(t)
  switch (s.kind) {
    case 'flat': return TYPE_CODES[s.type]
    case 'array': return s.element === 'FLOAT' ? NESTED_CODES.FLOAT_ARRAY : NESTED_CODES.DOUBLE_ARRAY
    case 'list': return s.element === 'FLOAT' ? NESTED_CODES.FLOAT_LIST : NESTED_CODES.DOUBLE_LIST
  }
}

/** Bytes per value (flat) or per element (arrays, lists); VARCHAR counts its offsets. */
export function widthOf(t: SandboxType): number {
  const s = shape(t)
  if (s.kind !== 'flat') return s.element === 'FLOAT' ? 4 : 8
  switch (s.type) {
    case 'BOOLEAN': return 1
    case 'INTEGER': case 'VARCHAR': case 'FLOAT': return 4
    case 'BIGINT': case 'DOUBLE': return 8
  }
}

/**
 * Binds a signature with `[ANY]` arguments to the call's types: every open argument takes the
 * size of the first fixed-size array among them (casting lists and literals to it), and all
 * must agree. Undefined when the call does not fit; a GrizzlyError when the sizes differ.
 */
export function bindOpenSignature(name: string, declared: readonly SandboxType[], actual: readonly LogicalType[]): LogicalType[] | undefined {
  if (declared.length !== actual.length) return undefined
  let size: number | null = null
  let first: LogicalType | null = null
  for (let k = 0; k < declared.length; k++) {
    const a = actual[k]!
    if (isOpenType(declared[k]!) && a.id === 'ARRAY') {
      if (size === null) { size = a.size; first = a } else if (a.size !== size) {
        throw new GrizzlyError(SqlState.datatypeMismatch,
          `${name} takes arrays of one size, got ${typeToString(first!)} and ${typeToString(a)}`,
          { hint: 'give both arguments the same number of dimensions' })
      }
    }
  }
  if (size === null) return undefined
  return declared.map((t, k) => {
    if (!isOpenType(t)) return logicalTypeOf(t)
    return logicalTypeOf(`${t.slice(0, t.indexOf('['))}[${size}]` as SandboxType)
  })
}
