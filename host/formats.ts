/** Format readers from extensions (filled in below). */
import type { Hooks } from '../core/hooks/registry.ts'
import type { ExtensionManifest } from '../registry/index.ts'
import type { ExtensionSandbox } from '../sandbox/sandbox.ts'

export function registerSandboxedFormats(_hooks: Hooks, _sandbox: ExtensionSandbox, _manifest: ExtensionManifest, _capabilities: readonly string[]): string[] {
  return []
}
