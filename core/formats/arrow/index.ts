/** The Arrow IPC format (file and stream layouts), registered like any extension's format. */
import type { FormatDef } from '../../hooks/contracts.ts'
import type { Hooks } from '../../hooks/registry.ts'
import { readArrowFiles, sniffArrow, writeArrowFile } from './ipc.ts'

export const arrowFormat: FormatDef = {
  name: 'arrow',
  extensions: ['arrow', 'feather', 'arrows', 'ipc'],
  sniff: (head: Uint8Array) => sniffArrow(head),
  read: readArrowFiles,
  write: writeArrowFile,
}

export function registerArrow(hooks: Hooks): void {
  hooks.registerFormat(arrowFormat)
}
