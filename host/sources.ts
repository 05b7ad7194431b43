/**
 * Which registry (and version range) each extension was installed from, kept next to the lock
 * file, so UPDATE EXTENSIONS knows where to look. The lock file itself stays the registry's.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const SOURCES_FILE = 'grizzly-extensions.sources.json'

export interface InstallSource { readonly registry: string; readonly range: string }

export function readSources(dir: string): Readonly<Record<string, InstallSource>> {
  const path = join(dir, SOURCES_FILE)
  if (!existsSync(path)) return {}
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown
    return parsed !== null && typeof parsed === 'object' ? parsed as Record<string, InstallSource> : {}
  } catch {
    // a damaged sources file only loses UPDATE EXTENSIONS' memory, never an installed bundle
    return {}
  }
}

export function writeSource(dir: string, name: string, source: InstallSource): void {
  mkdirSync(dir, { recursive: true })
  const all = { ...readSources(dir), [name]: source }
  const path = join(dir, SOURCES_FILE), tmp = `${path}.tmp-${process.pid}`
  writeFileSync(tmp, JSON.stringify(all, null, 2))
  renameSync(tmp, path)
}
