/**
 * Durability settings (SET synchronous = …, SET checkpoint_threshold = …). They only matter for
 * databases opened from a file.
 */
import type { Hooks } from '../hooks/registry.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import { VARCHAR, type Value } from '../types/types.ts'
import { parseMemoryLimit } from '../functions/settings.ts'
import type { SyncMode } from './store.ts'

const SYNC_MODES: readonly SyncMode[] = ['full', 'normal', 'off']

function bad(name: string, value: Value, hint: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, `invalid value for setting "${name}": ${typeof value === 'string' ? `'${value}'` : String(value)}`, { hint })
}

export function registerStorageSettings(hooks: Hooks): void {
  if (hooks.setting('synchronous') !== undefined) return
  hooks.registerSetting({
    name: 'synchronous', type: VARCHAR, default: 'full',
    description: "when commits reach the disk: 'full' fsyncs the WAL before COMMIT returns; 'normal' only at checkpoints (a power loss may lose the last commits); 'off' never (a power loss may corrupt the file)",
    validate: v => {
      const w = typeof v === 'string' ? v.trim().toLowerCase() : typeof v === 'number' || typeof v === 'bigint' ? ['off', 'normal', 'full'][Number(v)] : undefined
      if (w === undefined || !SYNC_MODES.includes(w as SyncMode)) throw bad('synchronous', v, "use 'full', 'normal' or 'off'")
      return w
    },
  })
  hooks.registerSetting({
    name: 'checkpoint_threshold', type: VARCHAR, default: '16MB',
    description: "WAL size after which a commit checkpoints the database file, e.g. '16MB'",
    validate: v => {
      const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null
      const bytes = text === null ? null : parseMemoryLimit(text)
      if (text === null || bytes === null || bytes < 0) throw bad('checkpoint_threshold', v, "use a size with a unit, e.g. '16MB' or '1GB'")
      return text.trim()
    },
  })
}

export function syncModeOf(v: Value): SyncMode {
  return typeof v === 'string' && SYNC_MODES.includes(v as SyncMode) ? v as SyncMode : 'full'
}

/** the last threshold parsed: every commit asks, the text seldom changes */
let lastThreshold: { readonly text: Value; readonly bytes: number } = { text: null, bytes: 16e6 }

export function thresholdOf(v: Value): number {
  if (v === lastThreshold.text) return lastThreshold.bytes
  const parsed = typeof v === 'string' ? parseMemoryLimit(v) : null
  const bytes = parsed === null || parsed < 0 ? 16e6 : parsed
  lastThreshold = { text: v, bytes }
  return bytes
}
