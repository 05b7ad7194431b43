/**
 * Avro object container files as a FormatDef: read (null, deflate, snappy codecs) and written
 * (CODEC option), sniffed by the 'Obj\x01' magic bytes.
 */
import { writeFileSync } from 'node:fs'
import { GrizzlyError, SqlState, didYouMean } from '../../errors.ts'
import type { BoundTableFunction, FormatDef, FunctionContext, TableFunctionArg } from '../../hooks/contracts.ts'
import type { LogicalType, Value } from '../../types/types.ts'
import { CHUNK_SIZE, DataChunk, VectorBuilder, getValue } from '../../vector/vector.ts'
import { readInput } from '../source.ts'
import { type AvroCodec, ContainerWriter, avroType, decodeRecords, isAvro, readBlocks, readHeader } from './container.ts'
import { type AvroMapping, type AvroSchema, avroSchemaOf, mapAvroSchema, uniqueNames } from './schema.ts'

const READ_OPTIONS: string[] = []
const WRITE_OPTIONS = ['codec', 'compression']

interface OpenedFile {
  readonly path: string
  readonly bytes: Uint8Array
  readonly header: ReturnType<typeof readHeader>
  readonly columns: readonly { readonly name: string; readonly mapping: AvroMapping }[]
  /** false: the top-level schema is not a record, so its value is the single column */
  readonly record: boolean
}

function openFile(path: string): OpenedFile {
  const bytes = readInput(path)
  const header = readHeader(path, bytes)
  let mapping: AvroMapping
  try {
    mapping = mapAvroSchema(header.schema as AvroSchema)
    avroType(header.schema, path)
  } catch (e) {
    if (e instanceof GrizzlyError) throw new GrizzlyError(e.code, e.message.includes(path) ? e.message : `"${path}": ${e.message}`, { hint: e.hint })
    throw new GrizzlyError(SqlState.badFileFormat, `"${path}" has an Avro schema that cannot be read: ${e instanceof Error ? e.message : String(e)}`, { hint: 'the file header may be damaged' })
  }
  const s = header.schema as { type?: unknown; fields?: { name: string }[] }
  const record = mapping.type.id === 'STRUCT' && (s.type === 'record' || s.type === 'error')
  if (!record) return { path, bytes, header, columns: [{ name: 'value', mapping }], record }
  const fields = mapping.type.id === 'STRUCT' ? mapping.type.fields : []
  // per-field converters: map each field's own schema again (cheap; keeps record conversion column-wise)
  const fieldSchemas = (s.fields ?? []) as unknown as { name: string; type: AvroSchema }[]
  const named = new Map()
  mapAvroSchema(header.schema as AvroSchema, named)
  const columns = fields.map((f, i) => ({ name: f.name, mapping: mapAvroSchema(fieldSchemas[i]!.type, named) }))
  return { path, bytes, header, columns, record }
}

function sameType(a: LogicalType, b: LogicalType): boolean { return JSON.stringify(a) === JSON.stringify(b) }

export function readAvro(paths: readonly string[], options: ReadonlyMap<string, TableFunctionArg>): BoundTableFunction {
  for (const key of options.keys()) {
    if (!READ_OPTIONS.includes(key)) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `unknown Avro option "${key}"`, { hint: didYouMean(key, READ_OPTIONS) ?? 'Avro files need no read options' })
    }
  }
  const first = openFile(paths[0]!)
  const columns = first.columns.map(c => ({ name: c.name, type: c.mapping.type }))
  return {
    columns,
    scan: (wanted, ctx) => scanAvro(paths, first, columns, wanted, ctx),
  }
}

function* scanAvro(paths: readonly string[], first: OpenedFile, columns: readonly { name: string; type: LogicalType }[], wanted: readonly number[], ctx: FunctionContext): Generator<DataChunk> {
  const progress = ctx.progress
  for (let f = 0; f < paths.length; f++) {
    const file = f === 0 ? first : openFile(paths[f]!)
    if (file.columns.length !== columns.length || file.columns.some((c, i) => c.name !== columns[i]!.name || !sameType(c.mapping.type, columns[i]!.type))) {
      throw new GrizzlyError(SqlState.badFileFormat, `"${file.path}" has a different schema from "${paths[0]}"`, { hint: 'read files with the same schema together, or one at a time' })
    }
    progress?.addTotal(file.bytes.length)
    const type = avroType(file.header.schema, file.path)
    const cols = wanted.map(i => file.columns[i]!)
    let builders = cols.map(c => new VectorBuilder(c.mapping.type, CHUNK_SIZE))
    let rows = 0
    let consumed = file.header.dataStart
    progress?.addBytes(consumed)
    for (const block of readBlocks(file.path, file.bytes, file.header)) {
      decodeRecords(file.path, type, block, v => {
        if (file.record) {
          const obj = v as Record<string, unknown>
          for (let c = 0; c < cols.length; c++) builders[c]!.push(cols[c]!.mapping.convert(obj[cols[c]!.name] ?? null))
        } else {
          for (let c = 0; c < cols.length; c++) builders[c]!.push(cols[c]!.mapping.convert(v))
        }
        rows++
      })
      progress?.addBytes(block.end - consumed)
      consumed = block.end
      if (rows >= CHUNK_SIZE) {
        yield new DataChunk(builders.map(b => b.finish()), rows)
        builders = cols.map(c => new VectorBuilder(c.mapping.type, CHUNK_SIZE))
        rows = 0
      }
    }
    if (rows > 0) yield new DataChunk(builders.map(b => b.finish()), rows)
  }
}

export function writeAvro(path: string, columns: readonly { readonly name: string; readonly type: LogicalType }[], chunks: Iterable<DataChunk>,
  options: ReadonlyMap<string, TableFunctionArg>): { rows: number } {
  let codec: AvroCodec = 'null'
  for (const [key, arg] of options) {
    if (key === 'codec' || key === 'compression') {
      const v = String(arg.value).toLowerCase()
      if (v === 'null' || v === 'none' || v === 'uncompressed') codec = 'null'
      else if (v === 'deflate' || v === 'snappy') codec = v
      else throw new GrizzlyError(SqlState.invalidParameterValue, `unknown Avro codec "${arg.value}"`, { hint: didYouMean(v, ['null', 'deflate', 'snappy']) ?? 'use null, deflate or snappy' })
    } else {
      throw new GrizzlyError(SqlState.invalidParameterValue, `unknown Avro option "${key}"`, { hint: didYouMean(key, WRITE_OPTIONS) ?? `Avro write options: ${WRITE_OPTIONS.join(', ')}` })
    }
  }
  const names = uniqueNames(columns.map(c => c.name))
  const fields = columns.map((c, i) => ({ name: names[i]!, m: avroSchemaOf(c.type, `root_${names[i]}`) }))
  const schema = { type: 'record', name: 'root', fields: fields.map(f => ({ name: f.name, type: f.m.schema, default: null })) }
  const writer = new ContainerWriter(avroType(schema), schema, codec)
  let rows = 0
  for (const chunk of chunks) {
    for (let r = 0; r < chunk.size; r++) {
      const rec: Record<string, unknown> = {}
      for (let c = 0; c < fields.length; c++) rec[fields[c]!.name] = fields[c]!.m.convert(getValue(chunk.column(c), r) as Value)
      writer.add(rec)
    }
    rows += chunk.size
    writer.flush()
  }
  try {
    writeFileSync(path, writer.finish())
  } catch (e) {
    throw new GrizzlyError(SqlState.ioError, `cannot write "${path}": ${e instanceof Error ? e.message : String(e)}`, { hint: 'check that the folder exists and is writable', cause: e })
  }
  return { rows }
}

export const avroFormat: FormatDef = {
  name: 'avro',
  extensions: ['avro'],
  sniff: head => (isAvro(head) ? 1 : 0),
  read: (paths, options) => readAvro(paths, options),
  write: (path, columns, chunks, options) => writeAvro(path, columns, chunks, options),
}
