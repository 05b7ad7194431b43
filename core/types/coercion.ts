/**
 * Implicit casts: which type may silently become which, at what cost, and the common type a
 * set of values is brought to (comparisons, UNION, CASE, coalesce, greatest …). Follows
 * DuckDB's cast_rules: integers widen, integers go to a DECIMAL wide enough or to floating
 * point, DECIMALs widen, everything numeric goes to DOUBLE, DATE goes to TIMESTAMP and both to
 * TIMESTAMPTZ (and back, for functions without a zone-aware overload), TIME to TIMETZ, NULL goes
 * anywhere, and an untyped string literal goes anywhere (DuckDB's STRING_LITERAL).
 *
 * Untyped string literals are modelled by one distinguished type object, STRING_LITERAL: it
 * is an ordinary VARCHAR for every other part of the engine (same id, `typeEquals` VARCHAR),
 * but here it is recognised by identity. The binder hands it out only for constant string
 * literals and turns it back into plain VARCHAR when a value becomes a column.
 */
import {
  BIGINT, DECIMAL_MAX_WIDTH, DOUBLE, HUGEINT, INTEGER, type LogicalType, NULL_TYPE, REAL, TIMESTAMP, TIMESTAMPTZ, TIMETZ, type TimestampUnit, VARCHAR, decimal, list, struct, typeEquals,
} from './types.ts'

/** The type of an untyped string literal ('abc'); compare by identity with isStringLiteral. */
export const STRING_LITERAL: LogicalType = Object.freeze({ id: 'VARCHAR' as const })

export function isStringLiteral(t: LogicalType): boolean { return t === STRING_LITERAL }

/**
 * Integer literals (DuckDB's INTEGER_LITERAL): an INTEGER, BIGINT or HUGEINT that also casts
 * implicitly to any narrower integer type its value fits, so `smallint_col + 1` stays SMALLINT.
 * INTEGER when the digits without the sign fit one (so -2147483648 is a BIGINT, as DuckDB types
 * it), else the smaller of BIGINT and HUGEINT that holds the value. One type object per literal,
 * recognised through this map.
 */
const integerLiterals = new WeakMap<LogicalType, bigint>()

export function integerLiteralType(value: bigint): LogicalType {
  const id = value >= -2147483647n && value <= 2147483647n ? 'INTEGER' as const
    : value >= -(2n ** 63n) && value < 2n ** 63n ? 'BIGINT' as const : 'HUGEINT' as const
  const t: LogicalType = Object.freeze({ id })
  integerLiterals.set(t, value)
  return t
}

export function isIntegerLiteral(t: LogicalType): boolean { return integerLiterals.has(t) }

/** String or integer literal marker types. */
export function isLiteralType(t: LogicalType): boolean { return t === STRING_LITERAL || integerLiterals.has(t) }

const INTEGER_BOUNDS: Readonly<Record<string, readonly [bigint, bigint]>> = {
  TINYINT: [-128n, 127n], SMALLINT: [-32768n, 32767n], INTEGER: [-2147483648n, 2147483647n], BIGINT: [-(2n ** 63n), 2n ** 63n - 1n],
  HUGEINT: [-(2n ** 127n), 2n ** 127n - 1n],
}

function literalFits(value: bigint, to: LogicalType): boolean {
  const b = INTEGER_BOUNDS[to.id]
  return b !== undefined && value >= b[0] && value <= b[1]
}

/** Replaces literal marker types (also inside nested types) by plain VARCHAR / INTEGER / BIGINT / HUGEINT. */
export function normalizeLiteralType(t: LogicalType): LogicalType {
  return mapLeafTypes(t, leaf => {
    if (leaf === STRING_LITERAL) return VARCHAR
    if (integerLiterals.has(leaf)) return leaf.id === 'INTEGER' ? INTEGER : leaf.id === 'BIGINT' ? BIGINT : HUGEINT
    return leaf
  })
}

/** `t` with every NULL type in it, at the top or nested, made INTEGER (DuckDB's CREATE TABLE AS) */
export function typedNulls(t: LogicalType): LogicalType {
  return mapLeafTypes(t, leaf => leaf.id === 'NULL' ? INTEGER : leaf)
}

/** `t` with `leaf` applied to every type that is not a LIST, ARRAY or STRUCT; `t` itself when nothing changes */
function mapLeafTypes(t: LogicalType, leaf: (t: LogicalType) => LogicalType): LogicalType {
  switch (t.id) {
    // spread keeps a MAP's marker
    case 'LIST': { const c = mapLeafTypes(t.child, leaf); return c === t.child ? t : { ...t, child: c } }
    case 'ARRAY': { const c = mapLeafTypes(t.child, leaf); return c === t.child ? t : { id: 'ARRAY', child: c, size: t.size } }
    case 'STRUCT': {
      const fields = t.fields.map(f => ({ name: f.name, type: mapLeafTypes(f.type, leaf) }))
      return fields.every((f, i) => f.type === t.fields[i]!.type) ? t : struct(fields)
    }
    default: return leaf(t)
  }
}

/** Digits before the decimal point each integer type needs (DuckDB: TINYINT → DECIMAL(3,0) …, HUGEINT → DECIMAL(38,0)). */
export function integerDecimalWidth(t: LogicalType): number | undefined {
  switch (t.id) {
    case 'TINYINT': return 3
    case 'SMALLINT': return 5
    case 'INTEGER': return 10
    case 'BIGINT': return 19
    case 'HUGEINT': return DECIMAL_MAX_WIDTH
    default: return undefined
  }
}

/** DuckDB prefers casting to more general types; these break ties between overloads. */
function targetTypeCost(t: LogicalType): number {
  switch (t.id) {
    case 'INTEGER': return 103
    case 'BIGINT': return 101
    case 'DOUBLE': return 102
    case 'DECIMAL': return 104
    case 'HUGEINT': return 120
    case 'TIMESTAMP': return 120
    case 'VARCHAR': return 149
    case 'LIST': case 'ARRAY': case 'STRUCT': return 160
    default: return 110
  }
}

const INTEGER_RANK: Readonly<Record<string, number>> = { TINYINT: 1, SMALLINT: 2, INTEGER: 3, BIGINT: 4, HUGEINT: 5 }

/**
 * To the widest DECIMAL, the common type of numbers too wide for one DECIMAL (maxType): an
 * integer whose digits may not all fit, or a DECIMAL that gives up fractional digits. Dearer
 * than any other implicit cast, so an overload never prefers it.
 */
const TOO_WIDE_DECIMAL_COST = 180

/**
 * Cost of casting `from` to `to` implicitly (0 = same type), or undefined when only an explicit
 * CAST may do it. Lower is preferred when choosing between function overloads.
 */
export function implicitCastCost(from: LogicalType, to: LogicalType): number | undefined {
  if (from === STRING_LITERAL) {
    if (to.id === 'VARCHAR') return 0
    return targetTypeCost(to)
  }
  if (typeEquals(from, to)) return 0
  if (from.id === 'NULL') return 1
  const literal = integerLiterals.get(from)
  // a literal narrows cheaply to a type it fits; widening costs what it costs any integer
  if (literal !== undefined && INTEGER_RANK[to.id] !== undefined && INTEGER_RANK[to.id]! < INTEGER_RANK[from.id]!) {
    return literalFits(literal, to) ? 1 : undefined
  }
  switch (from.id) {
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'BIGINT': case 'HUGEINT': {
      const toRank = INTEGER_RANK[to.id]
      if (toRank !== undefined) return toRank > INTEGER_RANK[from.id]! ? targetTypeCost(to) : undefined
      if (to.id === 'REAL' || to.id === 'DOUBLE') return targetTypeCost(to)
      if (to.id === 'DECIMAL') {
        if (to.width - to.scale >= integerDecimalWidth(from)!) return targetTypeCost(to)
        return to.width === DECIMAL_MAX_WIDTH ? TOO_WIDE_DECIMAL_COST : undefined
      }
      return undefined
    }
    case 'DECIMAL':
      if (to.id === 'REAL' || to.id === 'DOUBLE') return targetTypeCost(to)
      if (to.id === 'DECIMAL') {
        if (to.scale >= from.scale && to.width - to.scale >= from.width - from.scale) return targetTypeCost(to)
        return to.width === DECIMAL_MAX_WIDTH && to.width - to.scale >= from.width - from.scale ? TOO_WIDE_DECIMAL_COST : undefined
      }
      return undefined
    case 'REAL': return to.id === 'DOUBLE' ? targetTypeCost(to) : undefined
    case 'DATE': return to.id === 'TIMESTAMP' || to.id === 'TIMESTAMPTZ' ? targetTypeCost(to) : undefined
    // TIMESTAMP_S / _MS widen losslessly to TIMESTAMP, so every TIMESTAMP function takes them
    case 'TIMESTAMP':
      if (to.id === 'TIMESTAMP') return unitRank(to.unit) > unitRank(from.unit) ? 1 : undefined
      return to.id === 'TIMESTAMPTZ' ? targetTypeCost(to) : undefined
    // functions without a zone-aware overload read the instant as UTC wall-clock time (the session zone)
    case 'TIMESTAMPTZ': return to.id === 'TIMESTAMP' ? targetTypeCost(to) + 1 : undefined
    case 'TIME': return to.id === 'TIMETZ' ? targetTypeCost(to) : undefined
    case 'LIST':
      if (to.id === 'LIST') return implicitCastCost(from.child, to.child)
      return undefined
    case 'ARRAY':
      if (to.id === 'ARRAY' && to.size === from.size) return implicitCastCost(from.child, to.child)
      if (to.id === 'LIST') { const c = implicitCastCost(from.child, to.child); return c === undefined ? undefined : c + 1 }
      return undefined
    case 'STRUCT': {
      if (to.id !== 'STRUCT' || to.fields.length !== from.fields.length) return undefined
      let total = 0
      for (let i = 0; i < from.fields.length; i++) {
        const f = from.fields[i]!, g = to.fields[i]!
        if (f.name.toLowerCase() !== g.name.toLowerCase()) return undefined
        const c = implicitCastCost(f.type, g.type)
        if (c === undefined) return undefined
        total += c
      }
      return total
    }
    default: return undefined
  }
}

/**
 * The type two sides of a comparison are brought to. As commonSuperType, except that DECIMALs
 * too wide for one DECIMAL keep every fractional digit and cap the width (DuckDB's
 * BindComparison): 10^20 > 99999999999999999999.99999 compares exactly, and a value that does
 * not fit fails its cast rather than being compared wrongly.
 */
export function comparisonType(a: LogicalType, b: LogicalType): LogicalType | undefined {
  const t = commonSuperType([a, b])
  if (t?.id !== 'DECIMAL') return t
  const da = asDecimal(normalizeLiteralType(a)), db = asDecimal(normalizeLiteralType(b))
  if (da === undefined || db === undefined) return t
  return decimal(t.width, Math.max(da.scale, db.scale))
}

/**
 * The type every one of `types` casts to implicitly, picking the narrowest such type (DuckDB's
 * MaxLogicalType). NULLs and string literals defer to the other types; only NULLs → NULL; only
 * string literals → VARCHAR. Undefined when the types have nothing in common (e.g. INTEGER and
 * a VARCHAR column: an explicit cast is required).
 */
export function commonSuperType(types: readonly LogicalType[]): LogicalType | undefined {
  let result: LogicalType | undefined
  let sawLiteral = false
  const literals: LogicalType[] = []
  for (const t of types) {
    if (t.id === 'NULL') continue
    if (t === STRING_LITERAL) { sawLiteral = true; continue }
    if (integerLiterals.has(t)) { literals.push(t); continue }
    if (result === undefined) { result = t; continue }
    const m = maxType(result, t)
    if (m === undefined) return undefined
    result = m
  }
  // integer literals join an integer type they fit; otherwise they count as INTEGER / BIGINT
  for (const lit of literals) {
    if (result !== undefined && INTEGER_RANK[result.id] !== undefined && literalFits(integerLiterals.get(lit)!, result)) continue
    if (result === undefined) { result = lit; continue }
    const m = maxType(result, normalizeLiteralType(lit))
    if (m === undefined) return undefined
    result = m
  }
  if (result === undefined) return sawLiteral ? STRING_LITERAL : NULL_TYPE
  return result
}

function maxType(a: LogicalType, b: LogicalType): LogicalType | undefined {
  if (typeEquals(a, b)) return a
  // a BOOLEAN meets a number at the number (DuckDB: true = 1, [true, 1] is INTEGER[]), though it
  // does not cast implicitly for function arguments (1 + true is an error there too)
  if (a.id === 'BOOLEAN' && isNumericId(b)) return b
  if (b.id === 'BOOLEAN' && isNumericId(a)) return a
  const ra = INTEGER_RANK[a.id], rb = INTEGER_RANK[b.id]
  if (ra !== undefined && rb !== undefined) return ra >= rb ? a : b
  if (a.id === 'DOUBLE' || b.id === 'DOUBLE') return isNumericId(a) && isNumericId(b) ? DOUBLE : undefined
  if (a.id === 'REAL' || b.id === 'REAL') return isNumericId(a) && isNumericId(b) ? REAL : undefined
  if (a.id === 'DECIMAL' || b.id === 'DECIMAL') {
    const da = asDecimal(a), db = asDecimal(b)
    if (da === undefined || db === undefined) return undefined
    const scale = Math.max(da.scale, db.scale)
    const extra = Math.max(da.width - da.scale, db.width - db.scale)
    if (extra + scale <= DECIMAL_MAX_WIDTH) return decimal(extra + scale, scale)
    // too wide (DuckDB): an integer side keeps the scale, the width is capped (a value that does
    // not fit fails its cast); two DECIMALs keep the integer digits and give up scale
    if (a.id !== 'DECIMAL' || b.id !== 'DECIMAL') return decimal(DECIMAL_MAX_WIDTH, scale)
    return decimal(DECIMAL_MAX_WIDTH, DECIMAL_MAX_WIDTH - extra)
  }
  if (a.id === 'TIMESTAMP' && b.id === 'TIMESTAMP') return unitRank(a.unit) > unitRank(b.unit) ? a : b  // the finer unit
  if ((a.id === 'DATE' || a.id === 'TIMESTAMP') && (b.id === 'DATE' || b.id === 'TIMESTAMP')) return TIMESTAMP
  if ((a.id === 'TIMESTAMPTZ' && isInstant(b)) || (b.id === 'TIMESTAMPTZ' && isInstant(a))) return TIMESTAMPTZ
  if ((a.id === 'TIME' && b.id === 'TIMETZ') || (a.id === 'TIMETZ' && b.id === 'TIME')) return TIMETZ
  if (a.id === 'LIST' || b.id === 'LIST') {
    const ca = a.id === 'LIST' || a.id === 'ARRAY' ? a.child : undefined
    const cb = b.id === 'LIST' || b.id === 'ARRAY' ? b.child : undefined
    if (ca === undefined || cb === undefined) return undefined
    const c = commonSuperType([ca, cb])
    return c === undefined ? undefined : list(c)
  }
  if (a.id === 'ARRAY' && b.id === 'ARRAY') {
    const c = commonSuperType([a.child, b.child])
    if (c === undefined) return undefined
    return a.size === b.size ? { id: 'ARRAY', child: c, size: a.size } : list(c)
  }
  if (a.id === 'STRUCT' && b.id === 'STRUCT') {
    if (a.fields.length !== b.fields.length) return undefined
    const fields = []
    for (let i = 0; i < a.fields.length; i++) {
      const f = a.fields[i]!, g = b.fields[i]!
      if (f.name.toLowerCase() !== g.name.toLowerCase()) return undefined
      const c = commonSuperType([f.type, g.type])
      if (c === undefined) return undefined
      fields.push({ name: f.name, type: c })
    }
    return struct(fields)
  }
  return undefined
}

/** TIMESTAMP_S < TIMESTAMP_MS < TIMESTAMP (microseconds): a coarser one widens to a finer one. */
function unitRank(unit: TimestampUnit | undefined): number { return unit === 's' ? 0 : unit === 'ms' ? 1 : 2 }

function isInstant(t: LogicalType): boolean { return t.id === 'DATE' || t.id === 'TIMESTAMP' || t.id === 'TIMESTAMPTZ' }

function isNumericId(t: LogicalType): boolean {
  return INTEGER_RANK[t.id] !== undefined || t.id === 'REAL' || t.id === 'DOUBLE' || t.id === 'DECIMAL'
}

function asDecimal(t: LogicalType): { width: number; scale: number } | undefined {
  if (t.id === 'DECIMAL') return t
  const w = integerDecimalWidth(t)
  return w === undefined ? undefined : { width: w, scale: 0 }
}
