/**
 * Date/time functions and the temporal operator overloads, registered through the hooks.
 */
import type { Hooks } from '../hooks/registry.ts'
import { registerBuiltinCasts } from './cast.ts'

export function registerDateTimeFunctions(hooks: Hooks): void {
  // the built-in casts live with the date/time registration until index.ts registers them itself
  registerBuiltinCasts(hooks)
}
