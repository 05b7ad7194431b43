/**
 * Avro schemas ↔ SQL types, and the value conversions that go with them. Reading: unions with
 * null → nullable, records → STRUCT, arrays → LIST, enums → VARCHAR, maps and other unions →
 * VARCHAR (JSON text), logical types date / time / timestamp / decimal to their SQL types.
 * Writing: every column a ["null", T] union in a record named "root", as DuckDB writes them.
 */
import { GrizzlyError, SqlState } from '../../errors.ts'
import { formatValue } from '../../types/format.ts'
import {
  BIGINT, BLOB, BOOLEAN, DATE, DOUBLE, INTEGER, type LogicalType, REAL, TIME, TIMESTAMP, VARCHAR,
  type Value, decimal, list, struct, DECIMAL_FLOAT_MAX_WIDTH, DECIMAL_MAX_WIDTH,
} from '../../types/types.ts'

export type AvroSchema = string | readonly AvroSchema[] | { readonly [k: string]: unknown }

/** A SQL column for an Avro schema, and how to turn a decoded Avro value into its internal value. */
export interface AvroMapping {
  readonly type: LogicalType
  readonly convert: (v: unknown) => Value
}

const identity = (v: unknown): Value => v as Value

function badSchema(message: string): GrizzlyError {
  return new GrizzlyError(SqlState.badFileFormat, `invalid Avro schema: ${message}`, { hint: 'the file header may be damaged' })
}

/** Names of named types (records, enums, fixed) seen so far, for references by name. */
type Named = Map<string, AvroMapping | 'pending'>

export function mapAvroSchema(schema: AvroSchema, named: Named = new Map(), depth = 0): AvroMapping {
  if (depth > 64) throw badSchema('nested more than 64 levels')
  if (typeof schema === 'string') return primitive(schema, named)
  if (Array.isArray(schema)) return union(schema as readonly AvroSchema[], named, depth)
  if (schema === null || typeof schema !== 'object') throw badSchema(`unexpected ${JSON.stringify(schema)}`)
  const s = schema as { readonly [k: string]: unknown }
  const type = s['type']
  const logical = typeof s['logicalType'] === 'string' ? s['logicalType'] : null
  if (logical !== null) {
    const m = logicalType(logical, s)
    if (m !== null) return m
  }
  switch (type) {
    case 'record': case 'error': {
      const name = fullName(s)
      named.set(name, 'pending')
      const fields = s['fields']
      if (!Array.isArray(fields)) throw badSchema(`record ${name} has no fields list`)
      const parts = fields.map((f: { name?: unknown; type?: unknown }) => {
        if (typeof f?.name !== 'string') throw badSchema(`a field of record ${name} has no name`)
        return { name: f.name, m: mapAvroSchema(f.type as AvroSchema, named, depth + 1) }
      })
      const mapping: AvroMapping = {
        type: struct(parts.map(p => ({ name: p.name, type: p.m.type }))),
        convert: v => {
          if (v === null || v === undefined) return null
          const obj = v as Record<string, unknown>
          const out: Record<string, Value> = {}
          for (const p of parts) out[p.name] = p.m.convert(obj[p.name] ?? null)
          return out
        },
      }
      named.set(name, mapping)
      return mapping
    }
    case 'enum': {
      const m: AvroMapping = { type: VARCHAR, convert: identity }
      named.set(fullName(s), m)
      return m
    }
    case 'fixed': {
      const m: AvroMapping = { type: BLOB, convert: bytes }
      named.set(fullName(s), m)
      return m
    }
    case 'array': {
      const item = mapAvroSchema(s['items'] as AvroSchema, named, depth + 1)
      return { type: list(item.type), convert: v => v === null ? null : (v as unknown[]).map(item.convert) }
    }
    case 'map': return { type: VARCHAR, convert: v => v === null ? null : jsonText(v) }
    default:
      if (typeof type === 'string' || Array.isArray(type) || (type !== null && typeof type === 'object')) return mapAvroSchema(type as AvroSchema, named, depth + 1)
      throw badSchema(`unknown type ${JSON.stringify(type)}`)
  }
}

function fullName(s: { readonly [k: string]: unknown }): string {
  const name = String(s['name'] ?? '')
  const ns = typeof s['namespace'] === 'string' && !name.includes('.') ? `${s['namespace']}.` : ''
  return ns + name
}

function primitive(name: string, named: Named): AvroMapping {
  switch (name) {
    case 'null': return { type: VARCHAR, convert: () => null }
    case 'boolean': return { type: BOOLEAN, convert: identity }
    case 'int': return { type: INTEGER, convert: identity }
    case 'long': return { type: BIGINT, convert: v => (typeof v === 'bigint' ? v : v === null ? null : BigInt(v as number)) }
    case 'float': return { type: REAL, convert: identity }
    case 'double': return { type: DOUBLE, convert: identity }
    case 'bytes': return { type: BLOB, convert: bytes }
    case 'string': return { type: VARCHAR, convert: identity }
    default: {
      const ref = named.get(name) ?? [...named.entries()].find(([k]) => k.endsWith(`.${name}`))?.[1]
      if (ref === undefined) throw badSchema(`unknown type "${name}"`)
      // a record that contains itself: below the first level its values are JSON text
      if (ref === 'pending') return { type: VARCHAR, convert: v => v === null ? null : jsonText(v) }
      return ref
    }
  }
}

function union(branches: readonly AvroSchema[], named: Named, depth: number): AvroMapping {
  const others = branches.filter(b => b !== 'null')
  if (others.length === 0) return { type: VARCHAR, convert: () => null }
  if (others.length === 1) {
    const m = mapAvroSchema(others[0]!, named, depth + 1)
    return { type: m.type, convert: v => (v === null || v === undefined ? null : m.convert(v)) }
  }
  // several non-null branches: the value as JSON text, whichever branch it took
  for (const b of others) mapAvroSchema(b, named, depth + 1)
  return { type: VARCHAR, convert: v => v === null ? null : typeof v === 'string' ? v : jsonText(unwrapBranch(v)) }
}

function unwrapBranch(v: unknown): unknown {
  // avsc wraps ambiguous union values as { branchName: value }
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)) {
    const keys = Object.keys(v)
    if (keys.length === 1 && v.constructor !== Object) return (v as Record<string, unknown>)[keys[0]!]
  }
  return v
}

function bytes(v: unknown): Value {
  if (v === null) return null
  const b = v as Uint8Array
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice()
}

function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return Number(x)
    if (x !== null && typeof x === 'object' && (x as { type?: string }).type === 'Buffer') return Buffer.from((x as { data: number[] }).data).toString('latin1')
    return x
  })
}

function toBigint(v: unknown): bigint { return typeof v === 'bigint' ? v : BigInt(v as number) }

function logicalType(logical: string, s: { readonly [k: string]: unknown }): AvroMapping | null {
  const base = s['type']
  switch (logical) {
    case 'date': return base === 'int' ? { type: DATE, convert: identity } : null
    case 'time-millis': return base === 'int' ? { type: TIME, convert: v => v === null ? null : (v as number) * 1000 } : null
    case 'time-micros': return base === 'long' ? { type: TIME, convert: v => v === null ? null : Number(toBigint(v)) } : null
    case 'timestamp-millis': case 'local-timestamp-millis':
      return base === 'long' ? { type: TIMESTAMP, convert: v => v === null ? null : Number(toBigint(v)) * 1000 } : null
    case 'timestamp-micros': case 'local-timestamp-micros':
      return base === 'long' ? { type: TIMESTAMP, convert: v => v === null ? null : Number(toBigint(v)) } : null
    case 'timestamp-nanos': case 'local-timestamp-nanos':
      return base === 'long' ? { type: TIMESTAMP, convert: v => v === null ? null : Number(toBigint(v) / 1000n) } : null
    case 'decimal': {
      if (base !== 'bytes' && base !== 'fixed') return null
      const precision = Number(s['precision'])
      const scale = s['scale'] === undefined ? 0 : Number(s['scale'])
      if (!Number.isInteger(precision) || precision < 1 || !Number.isInteger(scale) || scale < 0 || scale > precision) return null
      if (precision > DECIMAL_MAX_WIDTH) return { type: DOUBLE, convert: v => v === null ? null : Number(twosComplement(v as Uint8Array)) / 10 ** scale }
      const wide = precision > DECIMAL_FLOAT_MAX_WIDTH
      return { type: decimal(precision, scale), convert: v => { if (v === null) return null; const n = twosComplement(v as Uint8Array); return wide ? n : Number(n) } }
    }
    case 'uuid': return base === 'string' ? { type: VARCHAR, convert: identity } : null
    default: return null
  }
}

/** A big-endian two's complement integer. */
export function twosComplement(b: Uint8Array): bigint {
  if (b.length === 0) return 0n
  let n = 0n
  for (let i = 0; i < b.length; i++) n = (n << 8n) | BigInt(b[i]!)
  if (b[0]! & 0x80) n -= 1n << BigInt(b.length * 8)
  return n
}

export function toTwosComplement(n: bigint): Buffer {
  let len = 1
  while (n >= 1n << BigInt(len * 8 - 1) || n < -(1n << BigInt(len * 8 - 1))) len++
  const out = Buffer.alloc(len)
  let x = n < 0n ? n + (1n << BigInt(len * 8)) : n
  for (let i = len - 1; i >= 0; i--) { out[i] = Number(x & 0xffn); x >>= 8n }
  return out
}

// ---- writing ---------------------------------------------------------------------------------

export interface AvroWriteMapping {
  readonly schema: unknown
  readonly convert: (v: Value) => unknown
}

/** Avro names allow [A-Za-z_][A-Za-z0-9_]*: other characters become '_'. */
export function avroName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, '_')
  return /^[A-Za-z_]/.test(s) ? s : `_${s}`
}

/** The (nullable) Avro schema of a SQL type; `path` names nested records uniquely. */
export function avroSchemaOf(type: LogicalType, path: string): AvroWriteMapping {
  const m = plainSchemaOf(type, path)
  return { schema: ['null', m.schema], convert: v => (v === null ? null : m.convert(v)) }
}

function plainSchemaOf(type: LogicalType, path: string): AvroWriteMapping {
  switch (type.id) {
    case 'BOOLEAN': return { schema: 'boolean', convert: v => v === true || v === 1 }
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': return { schema: 'int', convert: v => v }
    case 'BIGINT': return { schema: 'long', convert: v => v }
    // exact, as in Arrow and Parquet: a 38-digit decimal (the two's complement bytes hold all 128 bits)
    case 'HUGEINT': return { schema: { type: 'bytes', logicalType: 'decimal', precision: 38, scale: 0 }, convert: v => toTwosComplement(v as bigint) }
    case 'REAL': return { schema: 'float', convert: v => v }
    case 'DOUBLE': return { schema: 'double', convert: v => v }
    case 'DECIMAL': return { schema: { type: 'bytes', logicalType: 'decimal', precision: type.width, scale: type.scale }, convert: v => toTwosComplement(typeof v === 'bigint' ? v : BigInt(Math.round(v as number))) }
    case 'VARCHAR': return { schema: 'string', convert: v => v }
    case 'BLOB': return { schema: 'bytes', convert: v => Buffer.from(v as Uint8Array) }
    case 'DATE': return { schema: { type: 'int', logicalType: 'date' }, convert: v => v }
    case 'TIME': return { schema: { type: 'long', logicalType: 'time-micros' }, convert: v => BigInt(Math.round(v as number)) }
    case 'TIMESTAMP': return { schema: { type: 'long', logicalType: 'timestamp-micros' }, convert: v => BigInt(Math.round(v as number)) }
    case 'TIMESTAMPTZ': return { schema: { type: 'long', logicalType: 'timestamp-micros' }, convert: v => BigInt(Math.round(v as number)) }
    case 'INTERVAL': case 'NULL': case 'TIMETZ': return { schema: 'string', convert: v => formatValue(type, v) }
    case 'LIST': case 'ARRAY': {
      const item = avroSchemaOf(type.child, `${path}_item`)
      return { schema: { type: 'array', items: item.schema }, convert: v => (v as readonly Value[]).map(item.convert) }
    }
    case 'STRUCT': {
      const names = uniqueNames(type.fields.map(f => f.name))
      const fields = type.fields.map((f, i) => ({ name: names[i]!, source: f.name, m: avroSchemaOf(f.type, `${path}_${names[i]}`) }))
      return {
        schema: { type: 'record', name: path, fields: fields.map(f => ({ name: f.name, type: f.m.schema, default: null })) },
        convert: v => {
          const obj = v as { readonly [k: string]: Value }
          const out: Record<string, unknown> = {}
          for (const f of fields) out[f.name] = f.m.convert(obj[f.source] ?? null)
          return out
        },
      }
    }
  }
}

export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>()
  return names.map(n => {
    let s = avroName(n)
    for (let k = 1; seen.has(s); k++) s = `${avroName(n)}_${k}`
    seen.add(s)
    return s
  })
}
