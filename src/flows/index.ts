// The login-flow engine (nFactor-style): what the rest of factorgate uses. See fixtures/flows/README.md.
export { ACTIONS, SECOND_FACTOR_ACTIONS, flowsSchema, type ActionName, type FlowsConfig, type FlowsConfigInput, type LoginField, type LoginSchema } from './schema.js';
export { checkFlows, checkedFlowsSchema, flowProblems, formatPath, type FlowCheck, type FlowProblem } from './check.js';
export type { CompiledFactor, CompiledFlow, CompiledPolicy } from './compile.js';
export { compileRule, describeRuleError, evaluateRule, type Rule, type RuleContext, type RuleError, type RuleFacts } from './rules.js';
export { paths, pathLabel, stepLabel, type FlowPath } from './graph.js';
export { resumeFlow, switchToPolicy, runFactor, startFlow, succeededFactors, type Act, type ActAt, type ActResult, type EngineState, type EngineStep, type Facts, type PathStep, type Tried } from './engine.js';
export { flowGraph, flowsCheckReport } from './render.js';
export { readLoginFields, type FieldsRead, type LoginFields } from './fields.js';
export { defaultFlow, loginFlowOf, type DefaultFlowInput } from './default_flow.js';
export { policyRule, providerChoice, type ProviderPolicy } from './provider_policies.js';
