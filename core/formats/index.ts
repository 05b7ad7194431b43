/**
 * The built-in file formats. Each registers through `hooks.registerFormat` — the same door an
 * extension's format uses — with a reader, a writer and a sniffer for auto-detection.
 */
import type { Hooks } from '../hooks/registry.ts'
import { jsonFormat } from './json/index.ts'
import { avroFormat } from './avro/index.ts'
import { registerParquet } from './parquet/index.ts'
import { registerArrow } from './arrow/index.ts'
import { csvFormat } from './csv/index.ts'
import { sniffCsvFunction } from './csv/sniff-csv.ts'
import { globFunction } from './glob.ts'

export function registerBuiltinFormats(hooks: Hooks): void {
  void hooks
  hooks.registerFormat(jsonFormat)
  hooks.registerFormat(avroFormat)
  registerParquet(hooks)
  registerArrow(hooks)
  hooks.registerFormat(csvFormat)
  hooks.registerTableFunction(sniffCsvFunction)
  hooks.registerTableFunction(globFunction)
}
