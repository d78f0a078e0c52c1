import type { RuleContext } from './context.js';
import type { RuleNode } from './parser.js';
import { VARIABLES, factorSucceeded, readHeader, type Value } from './vocabulary.js';

// Evaluation is total: it never throws, whatever the context holds. An absent value (a header not
// sent, groups not yet known, an unknown client address) makes any comparison or test with it
// false, whichever the operator; `not` then turns that into true, as written.

export function evaluate(node: RuleNode, ctx: RuleContext, timeZone: string): boolean {
  return truth(node, ctx, timeZone);
}

function truth(node: RuleNode, ctx: RuleContext, zone: string): boolean {
  switch (node.kind) {
    case 'not':
      return !truth(node.operand, ctx, zone);
    case 'and':
      return node.operands.every((operand) => truth(operand, ctx, zone));
    case 'or':
      return node.operands.some((operand) => truth(operand, ctx, zone));
    case 'compare':
      return compare(node.op, value(node.left, ctx, zone), value(node.right, ctx, zone));
    case 'in': {
      const address = value(node.left, ctx, zone);
      return typeof address === 'string' && safely(() => node.test(address));
    }
    case 'matches': {
      const text = value(node.left, ctx, zone);
      return typeof text === 'string' && safely(() => node.test(text));
    }
    case 'contains': {
      const groups = value(node.left, ctx, zone);
      return Array.isArray(groups) && groups.some((group: string) => isGroup(group, node.group));
    }
    default:
      return value(node, ctx, zone) === true;
  }
}

function value(node: RuleNode, ctx: RuleContext, zone: string): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'variable':
      return VARIABLES.get(node.name)?.read(ctx, zone);
    case 'header':
      return readHeader(ctx, node.name);
    case 'succeeded':
      return factorSucceeded(ctx, node.factor);
    default:
      return truth(node, ctx, zone);
  }
}

function compare(op: string, left: Value, right: Value): boolean {
  if (left === undefined || right === undefined || typeof left !== typeof right) return false;
  switch (op) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
  }
  if (typeof left !== 'number' || typeof right !== 'number') return false;
  switch (op) {
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    default:
      return false;
  }
}

/** A matcher given a hostile string must not end the login with an exception: it is false. */
function safely(test: () => boolean): boolean {
  try {
    return test() === true;
  } catch {
    return false;
  }
}

/**
 * Whether a directory group is the one named, case-insensitively: the whole value (a DN or a
 * plain name), or the value of its first RDN, so 'Administrators' names
 * cn=Administrators,ou=groups,dc=example,dc=org. Write the whole DN where two groups share a name.
 */
export function isGroup(group: string, wanted: string): boolean {
  const want = wanted.toLowerCase();
  if (group.toLowerCase() === want) return true;
  const first = /^[A-Za-z][A-Za-z0-9-]*=((?:\\.|[^,\\])*)(?:,|$)/.exec(group)?.[1];
  if (first === undefined) return false;
  const unescaped = first.replace(/\\([0-9A-Fa-f]{2}|.)/g, (_, c: string) => (c.length === 2 ? String.fromCharCode(parseInt(c, 16)) : c));
  return unescaped.trim().toLowerCase() === want;
}
