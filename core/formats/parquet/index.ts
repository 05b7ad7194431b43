/** The Parquet format: sniffer, reader and writer, registered like any extension's format. */
import type { FormatDef } from '../../hooks/contracts.ts'
import type { Hooks } from '../../hooks/registry.ts'
import { hasParquetMagic } from './footer.ts'
import { readParquetFiles } from './reader.ts'
import { writeParquetFile } from './writer.ts'
import { parquetMetadataFunction, parquetSchemaFunction } from './metadata.ts'

export const parquetFormat: FormatDef = {
  name: 'parquet',
  extensions: ['parquet', 'parq', 'pq'],
  sniff: (head: Uint8Array) => hasParquetMagic(head) ? 1 : 0,
  read: readParquetFiles,
  write: writeParquetFile,
}

export function registerParquet(hooks: Hooks): void {
  hooks.registerFormat(parquetFormat)
  hooks.registerTableFunction(parquetMetadataFunction)
  hooks.registerTableFunction(parquetSchemaFunction)
}
