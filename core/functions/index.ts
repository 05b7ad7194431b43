/**
 * Registers every built-in type name, function, aggregate, table function and setting through
 * the same hooks extensions use (DESIGN §6).
 */
import type { Hooks } from '../hooks/registry.ts'
import { registerBuiltinTypes } from '../types/builtin-types.ts'
import { registerDateTimeFunctions } from './datetime.ts'
import { registerBuiltinCasts } from './cast.ts'
import { registerOperators } from './operators.ts'
import { registerHugeintFunctions } from './hugeint.ts'
import { registerMathFunctions } from './math.ts'
import { registerSampleFunctions } from './sample.ts'
import { registerStringFunctions } from './string.ts'
import { registerRegexFunctions } from './regex.ts'
import { registerConditionalFunctions } from './conditional.ts'
import { registerListFunctions } from './list.ts'
import { registerAggregates } from './aggregates.ts'
import { registerTableFunctions } from './table-functions.ts'
import { registerSettings } from './settings.ts'
import { registerSequenceFunctions } from './sequences.ts'
import { registerDatabaseFunctions } from './databases.ts'

export function registerBuiltins(hooks: Hooks): void {
  registerBuiltinTypes(hooks)
  registerBuiltinCasts(hooks)
  registerSettings(hooks)
  registerOperators(hooks)
  registerMathFunctions(hooks)
  registerSampleFunctions(hooks)
  registerStringFunctions(hooks)
  registerRegexFunctions(hooks)
  registerConditionalFunctions(hooks)
  registerListFunctions(hooks)
  registerDateTimeFunctions(hooks)
  registerAggregates(hooks)
  registerHugeintFunctions(hooks)
  registerTableFunctions(hooks)
  registerSequenceFunctions(hooks)
  registerDatabaseFunctions(hooks)
}
