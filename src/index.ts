// The package others import: `import { defineProposal, modern } from 'gupcheck'`.
//
// - The proposal API: define a design as a proposal on top of a shipped one,
//   with code at the kernel core's hook points, extra state, actions and
//   properties (README, "Adding a proposal").
// - The shipped proposals to build on, and the kernel core's names: field
//   handles, constants, kernel functions (Kernel), scenarios.
// - The engine's model API, for models that are not kernel models: a layout
//   of bounded fields, actions, properties, check().

// --- the proposal API ---------------------------------------------------------
export {
  defineProposal, withSettings, chainOf, settingsOf, historicalOrder, HookError, ProposalError, PROPOSAL_KIND,
  type Proposal, type ProposalDef, type HookContext, type Settings, type SettingValue, type SettingDecl,
} from '../models/kernel/proposal.js';
export {
  HOOK_NAMES, baselineHooks, holderOwner, putRelease,
  type KernelHooks, type BranchStep, type NoBuffersStep, type BioRelease, type GupKind, type ReleaseKind, type SyncMode, type Taken,
} from '../models/kernel/hooks.js';
export { bioRelease, BIO_ENDIO, BIO_MERGE, BIO_ZERO } from '../models/kernel/bio.js';
export { NO_BUFFERS } from '../models/kernel/background.js';
export {
  Kernel, BH, MAPPING, OWNER, HOLDER, FLUSHER, RECLAIM, TRUNCATE, FSYNC, RESERVED_IDS, fsyncPages, ExtraStateError,
  type ExtraState, type KernelRoot, type PageHandles, type PteHandles, type HolderHandles,
} from '../models/kernel/kernel.js';
export type { Shape, HolderSpec, PageSlot, Proc, Vma } from '../models/kernel/shape.js';

// --- what the core's properties use, for a proposal's own ----------------------
export { activeHolders, writesExt4, type KernelProperty } from '../properties/kernel-property.js';
export { KERNEL_PROPERTIES } from '../properties/index.js';
export { releaseKindStep, RELEASED_AS } from '../properties/i2-pins-balanced.js';

// --- the shipped proposals ---------------------------------------------------------
export { PROPOSALS, MODELS, findProposal, findModel } from '../models/index.js';
export { baseline } from '../models/proposals/baseline.js';
export { lockPageOverGup } from '../models/proposals/lock-page-over-gup.js';
export { putUserPage } from '../models/proposals/put-user-page.js';
export { dmaPinnedFlags } from '../models/proposals/dma-pinned-flags.js';
export { gupBias } from '../models/proposals/gup-bias.js';
export { bioGupFlag } from '../models/proposals/bio-gup-flag.js';
export { bvecGupFlag } from '../models/proposals/bvec-gup-flag.js';
export { uniformBioBias } from '../models/proposals/uniform-bio-bias.js';
export { anonExclusive } from '../models/proposals/anon-exclusive.js';
export { modern } from '../models/proposals/modern.js';
export { wbSkipPinned } from '../models/proposals/wb-skip-pinned.js';
export { wbBouncePinned } from '../models/proposals/wb-bounce-pinned.js';

// --- building and checking kernel models ------------------------------------------
export { buildKernel, buildKernelModel, kernelOf, proposalEntry, resolveScenario, scenarioNames, DEFAULT_SCENARIO, SCENARIO_DIR } from '../models/kernel/build.js';
export { decodeScenario, loadScenario, ScenarioC, type Scenario, type Release } from '../models/kernel/scenario.js';
export { runComparison, type ComparisonRun, type ComparisonRequest } from './compare/run.js';
export { cellOf, columnsOf, cellTraces, type Cell, type CompareRow } from './compare/matrix.js';

// --- the engine's model API ------------------------------------------------------
export {
  action, requireFirst, always, step, quiescent, sometimes, formatLabel, validateModel, ModelError, ModelFault,
  type Model, type Action, type ActionDef, type FieldTest, type GuardParts, type Property, type AlwaysProperty, type StepProperty, type QuiescentProperty, type SometimesProperty, type Params, type ParamValue,
} from './engine/model.js';
export { Layout, Field, bool, int, enumOf, arrayOf, record, SchemaError, FieldRangeError, type FieldSpec, type Handles, type JsonValue } from './engine/schema.js';
export { check, Checker, type CheckOptions, type CheckResult, type PropertyResult, type TraceStep } from './engine/checker.js';
export { InputError, type ModelEntry, type ParamSpec } from './engine/registry.js';
