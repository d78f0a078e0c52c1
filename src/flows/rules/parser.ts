import { TokenCursor } from './cursor.js';
import { RuleSyntaxError, tokenize, type Token } from './lexer.js';
import { compileCidrs, compileGlobs } from './patterns.js';
import { FUNCTIONS, HEADER_NAME, VARIABLES, type ValueType } from './vocabulary.js';

// A hand-written recursive-descent parser (grammar in ../rules.ts) that checks types as it goes,
// so a rule that parses cannot go wrong at run time. Patterns (CIDRs, globs) are compiled here,
// once, at start-up. Nesting is bounded, and and/or chains are flat lists, so neither parsing nor
// evaluation can exhaust the stack.

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type RuleNode =
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'variable'; name: string }
  | { kind: 'header'; name: string }
  | { kind: 'succeeded'; factor: string }
  | { kind: 'not'; operand: RuleNode }
  | { kind: 'and' | 'or'; operands: RuleNode[] }
  | { kind: 'compare'; op: CompareOp; left: RuleNode; right: RuleNode }
  | { kind: 'in'; left: RuleNode; test: (address: string) => boolean }
  | { kind: 'matches'; left: RuleNode; test: (text: string) => boolean }
  | { kind: 'contains'; left: RuleNode; group: string };

type Typed = { node: RuleNode; type: ValueType; pos: number; end: number };

export type ParseOptions = { factors?: ReadonlySet<string> };

export const MAX_DEPTH = 32;
const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'matches', 'contains', 'true', 'false']);
const COMPARE: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

const article = (type: ValueType) => (type === 'address' ? 'an address' : type === 'groups' ? 'a group list' : `a ${type}`);

export function parseRule(source: string, options: ParseOptions = {}): RuleNode {
  return new Parser(source, options).rule();
}

class Parser extends TokenCursor {
  private depth = 0;

  constructor(source: string, private readonly options: ParseOptions) {
    super(source, tokenize(source));
  }

  rule(): RuleNode {
    const expr = this.or();
    const extra = this.peek();
    if (extra.kind !== 'end') throw this.unexpected(extra, COMPARE.has(this.textOf(extra)) ? 'comparisons cannot be chained; join them with and' : undefined);
    return this.condition(expr).node;
  }

  private or(): Typed {
    return this.chain('or', () => this.and());
  }

  private and(): Typed {
    return this.chain('and', () => this.not());
  }

  private chain(word: 'and' | 'or', next: () => Typed): Typed {
    const first = next();
    if (!this.isWord(word)) return first;
    const operands = [this.condition(first, word).node];
    let last = first;
    while (this.isWord(word)) {
      this.take();
      last = this.condition(next(), word);
      operands.push(last.node);
    }
    return { node: { kind: word, operands }, type: 'boolean', pos: first.pos, end: last.end };
  }

  private not(): Typed {
    if (!this.isWord('not')) return this.test();
    const pos = this.take().pos;
    const operand = this.nested(() => this.condition(this.not(), 'not'));
    return { node: { kind: 'not', operand: operand.node }, type: 'boolean', pos, end: operand.end };
  }

  private test(): Typed {
    const left = this.operand();
    const next = this.peek();
    const text = this.textOf(next);
    if (next.kind === 'symbol' && COMPARE.has(text)) {
      this.take();
      return this.compare(text as CompareOp, left, this.operand(), next.pos);
    }
    if (next.kind !== 'word' || !['in', 'matches', 'contains'].includes(text)) return left;
    this.take();
    if (text === 'contains') {
      this.expectType(left, 'groups', 'contains');
      const group = this.string('a group name');
      if (group.value === '') throw new RuleSyntaxError('empty group name', group.pos);
      return this.typed({ kind: 'contains', left: left.node, group: group.value }, left.pos);
    }
    const patterns = this.patterns();
    if (text === 'in') {
      this.expectType(left, 'address', 'in');
      return this.typed({ kind: 'in', left: left.node, test: compileCidrs(patterns) }, left.pos);
    }
    this.expectType(left, 'string', 'matches');
    return this.typed({ kind: 'matches', left: left.node, test: compileGlobs(patterns) }, left.pos);
  }

  private compare(op: CompareOp, left: Typed, right: Typed, pos: number): Typed {
    const equality = op === '==' || op === '!=';
    const kind = (t: ValueType) => (t === 'address' ? 'string' : t);
    if (!equality && (left.type !== 'number' || right.type !== 'number')) {
      throw new RuleSyntaxError(`${op} compares numbers; ${this.quote(left.type === 'number' ? right : left)} is ${article(left.type === 'number' ? right.type : left.type)}`, pos);
    }
    if (left.type === 'groups' || right.type === 'groups') throw new RuleSyntaxError('a group list cannot be compared; use contains', pos);
    if (kind(left.type) !== kind(right.type)) throw new RuleSyntaxError(`cannot compare ${article(left.type)} with ${article(right.type)}`, pos);
    return { node: { kind: 'compare', op, left: left.node, right: right.node }, type: 'boolean', pos: left.pos, end: right.end };
  }

  private operand(): Typed {
    const token = this.take();
    switch (token.kind) {
      case 'string':
      case 'number':
        return { node: { kind: 'literal', value: token.value }, type: token.kind, pos: token.pos, end: this.endOfPrevious() };
      case 'symbol':
        if (token.text !== '(') throw this.unexpected(token);
        return this.nested(() => {
          const inner = this.or();
          this.expectSymbol(')', 'a closing )');
          return { ...inner, pos: token.pos, end: this.endOfPrevious() };
        });
      case 'end':
        throw new RuleSyntaxError('unexpected end of rule: a condition or value is missing', token.pos);
      case 'word':
        return this.word(token);
    }
  }

  private word(token: Extract<Token, { kind: 'word' }>): Typed {
    if (token.text === 'true' || token.text === 'false') return this.typed({ kind: 'literal', value: token.text === 'true' }, token.pos, 'boolean');
    if (KEYWORDS.has(token.text)) throw this.unexpected(token);
    if (this.isSymbol('(')) return this.call(token);
    let name = token.text;
    while (this.isSymbol('.')) {
      this.take();
      const part = this.take();
      if (part.kind !== 'word') throw this.unexpected(part, `expected a name after "${name}."`);
      name += `.${part.text}`;
    }
    const variable = VARIABLES.get(name);
    if (!variable) throw new RuleSyntaxError(`unknown name "${name}" (known: ${[...VARIABLES.keys()].join(', ')})`, token.pos);
    return this.typed({ kind: 'variable', name }, token.pos, variable.type);
  }

  private call(token: Extract<Token, { kind: 'word' }>): Typed {
    if (!FUNCTIONS.has(token.text)) throw new RuleSyntaxError(`unknown function "${token.text}" (known: ${[...FUNCTIONS.values()].map((f) => f.signature).join(', ')})`, token.pos);
    this.take(); // (
    const argument = this.string(token.text === 'header' ? 'a header name in quotes' : 'a factor name in quotes');
    this.expectSymbol(')', 'a closing )');
    if (token.text === 'header') {
      if (!HEADER_NAME.test(argument.value)) throw new RuleSyntaxError('not a header name', argument.pos);
      return this.typed({ kind: 'header', name: argument.value.toLowerCase() }, token.pos, 'string');
    }
    const factors = this.options.factors;
    if (factors && !factors.has(argument.value)) throw new RuleSyntaxError(`unknown factor "${argument.value}"`, argument.pos);
    this.expectSymbol('.', '.succeeded');
    const property = this.take();
    if (property.kind !== 'word' || property.text !== 'succeeded') throw this.unexpected(property, 'expected .succeeded');
    return this.typed({ kind: 'succeeded', factor: argument.value }, token.pos, 'boolean');
  }

  private patterns(): Array<{ value: string; pos: number }> {
    if (!this.isSymbol('[')) return [this.string('a pattern in quotes, or a list of them in [ ]')];
    this.take();
    const list = [this.string('a pattern in quotes')];
    while (this.isSymbol(',')) {
      this.take();
      list.push(this.string('a pattern in quotes'));
    }
    this.expectSymbol(']', 'a closing ] or a comma');
    return list;
  }

  private condition(expr: Typed, where?: string): Typed {
    if (expr.type === 'boolean') return expr;
    const context = where ? `${where} needs conditions` : 'a rule must be a condition';
    throw new RuleSyntaxError(`${context}; ${this.quote(expr)} is ${article(expr.type)}`, expr.pos);
  }

  private expectType(left: Typed, type: ValueType, word: string): void {
    if (left.type !== type) throw new RuleSyntaxError(`${word} needs ${article(type)} on its left; ${this.quote(left)} is ${article(left.type)}`, left.pos);
  }

  private nested<T>(inner: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new RuleSyntaxError(`nested too deeply (more than ${MAX_DEPTH} levels)`, this.peek().pos);
    try {
      return inner();
    } finally {
      this.depth -= 1;
    }
  }

  private typed(node: RuleNode, pos: number, type: ValueType = 'boolean'): Typed {
    return { node, type, pos, end: this.endOfPrevious() };
  }

  private quote(expr: Typed): string {
    const text = this.source.slice(expr.pos, expr.end);
    return `"${text.length > 40 ? `${text.slice(0, 37)}...` : text}"`;
  }
}
