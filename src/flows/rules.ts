import { evaluate } from './rules/evaluate.js';
import { RuleSyntaxError } from './rules/lexer.js';
import { parseRule, type RuleNode } from './rules/parser.js';
import { MAX_RULE_LENGTH } from './schema.js';

import type { RuleContext } from './rules/context.js';

export type { RuleContext, RuleFacts } from './rules/context.js';
export { FUNCTIONS, VARIABLES } from './rules/vocabulary.js';

/*
 * The rule language: when a policy applies. Parsed by a hand-written recursive-descent parser
 * (rules/parser.ts) rather than a library: the grammar is a dozen lines, a parser generator
 * (peggy, nearley) would add a build step or generated code, and expression libraries (jsep,
 * filtrex, expr-eval) speak JavaScript's vocabulary or compile to functions; this way the names,
 * the types, the error positions and the bounds are ours. Nothing is ever evaluated as code.
 *
 *   rule        = or-expr ;
 *   or-expr     = and-expr { "or" and-expr } ;
 *   and-expr    = not-expr { "and" not-expr } ;
 *   not-expr    = "not" not-expr | test ;
 *   test        = operand [ compare-op operand
 *                         | "in" patterns          (* left: client.ip; CIDRs or addresses *)
 *                         | "matches" patterns     (* left: a string; globs *)
 *                         | "contains" string ] ;  (* left: user.groups *)
 *   compare-op  = "==" | "!=" | "<" | "<=" | ">" | ">=" ;
 *   patterns    = string | "[" string { "," string } "]" ;
 *   operand     = "(" or-expr ")" | "true" | "false" | string | number | name | call ;
 *   name        = word { "." word } ;               (* one of VARIABLES *)
 *   call        = "header" "(" string ")" | "factor" "(" string ")" "." "succeeded" ;
 *   string      = "'" chars "'" | '"' chars '"' ;   (* escapes: \\ \' \" *)
 *   number      = digit { digit } [ "." digit { digit } ] ;
 *
 * Types are checked at parse time: and/or/not and the rule itself take conditions; < <= > >=
 * compare numbers; == and != compare values of one type; a comparison cannot be chained.
 * Case: == is exact; matches and contains ignore case. Time is in flows.timeZone (UTC by default).
 * Absent data (a header not sent, groups not known) makes a comparison false.
 */

/** A parsed, type-checked rule, ready to evaluate. */
export type Rule = { readonly source: string; readonly root: RuleNode; readonly timeZone: string };

export type RuleError = { message: string; /** 0-based offset */ position: number; /** 1-based */ column: number };

export type CompileRuleOptions = {
  /** Factor names factor('...') may name; when given, any other is an error. */
  factors?: Iterable<string>;
  /** IANA zone of time.*; UTC when not given. */
  timeZone?: string;
};

export function compileRule(source: string, options: CompileRuleOptions = {}): { ok: true; rule: Rule } | { ok: false; error: RuleError } {
  const fail = (message: string, position: number) => ({ ok: false as const, error: { message, position, column: position + 1 } });
  if (typeof source !== 'string') return fail('a rule must be text', 0);
  if (source.length > MAX_RULE_LENGTH) return fail(`rule too long (at most ${MAX_RULE_LENGTH} characters)`, MAX_RULE_LENGTH);
  try {
    const factors = options.factors ? new Set(options.factors) : undefined;
    const root = parseRule(source, { factors });
    return { ok: true, rule: { source, root, timeZone: options.timeZone ?? 'UTC' } };
  } catch (err) {
    if (err instanceof RuleSyntaxError) return fail(err.message, err.position);
    throw err;
  }
}

/** `message at column N`, as start-up problems show it. */
export function describeRuleError(error: RuleError): string {
  return `${error.message} at column ${error.column}`;
}

/** Whether the rule holds. Total: never throws on missing or malformed context. */
export function evaluateRule(rule: Rule, ctx: RuleContext): boolean {
  return evaluate(rule.root, ctx, rule.timeZone);
}
