// Splits a rule into tokens. Positions are 0-based offsets into the rule; messages show 1-based
// columns. Only what the grammar uses is accepted: anything else is an error at its position.

/** pos: where the token starts; end: just after it. */
export type Token =
  | { kind: 'word'; text: string; pos: number; end: number }
  | { kind: 'string'; value: string; pos: number; end: number }
  | { kind: 'number'; value: number; pos: number; end: number }
  | { kind: 'symbol'; text: SymbolText; pos: number; end: number }
  | { kind: 'end'; pos: number; end: number };

type SymbolText = '(' | ')' | '[' | ']' | ',' | '.' | '==' | '!=' | '<' | '<=' | '>' | '>=';

export class RuleSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
    this.name = 'RuleSyntaxError';
  }
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[0-9]+(?:\.[0-9]+)?/y;
const SPACE = /[ \t\r\n]+/y;
const TWO_CHAR: ReadonlySet<string> = new Set(['==', '!=', '<=', '>=']);
const ONE_CHAR: ReadonlySet<string> = new Set(['(', ')', '[', ']', ',', '.', '<', '>']);
// Forms from other languages, answered with the word this one uses.
const FOREIGN: ReadonlyMap<string, string> = new Map([
  ['&&', 'use and'], ['||', 'use or'], ['!', 'use not'], ['=', 'use == to compare'],
]);

function match(re: RegExp, source: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(source)?.[0];
}

function readString(source: string, start: number): { value: string; end: number } {
  const quote = source[start]!;
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const c = source[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c === '\\') {
      const next = source[i + 1];
      if (next !== '\\' && next !== '\'' && next !== '"') throw new RuleSyntaxError('unknown escape in string: write \\\\ for a backslash, \\\' or \\" for a quote', i);
      value += next;
      i += 2;
      continue;
    }
    if (c < ' ' && c !== '\t') throw new RuleSyntaxError('control character in string', i);
    value += c;
    i += 1;
  }
  throw new RuleSyntaxError('string not closed', start);
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const space = match(SPACE, source, i);
    if (space) {
      i += space.length;
      continue;
    }
    const c = source[i]!;
    const word = match(WORD, source, i);
    const number = word ? undefined : match(NUMBER, source, i);
    const two = source.slice(i, i + 2);
    if (word) {
      tokens.push({ kind: 'word', text: word, pos: i, end: i + word.length });
      i += word.length;
    } else if (number) {
      if (number.length > 15) throw new RuleSyntaxError('number too long', i);
      tokens.push({ kind: 'number', value: Number(number), pos: i, end: i + number.length });
      i += number.length;
    } else if (c === '\'' || c === '"') {
      const { value, end } = readString(source, i);
      tokens.push({ kind: 'string', value, pos: i, end });
      i = end;
    } else if (TWO_CHAR.has(two)) {
      tokens.push({ kind: 'symbol', text: two as SymbolText, pos: i, end: i + 2 });
      i += 2;
    } else if (FOREIGN.has(two) || FOREIGN.has(c)) {
      const found = FOREIGN.has(two) ? two : c;
      throw new RuleSyntaxError(`unexpected "${found}": ${FOREIGN.get(found)}`, i);
    } else if (ONE_CHAR.has(c)) {
      tokens.push({ kind: 'symbol', text: c as SymbolText, pos: i, end: i + 1 });
      i += 1;
    } else {
      const code = source.codePointAt(i)!;
      const shown = code < 0x20 || code === 0x7f ? `U+${code.toString(16).padStart(4, '0')}` : String.fromCodePoint(code);
      throw new RuleSyntaxError(`unexpected character "${shown}"`, i);
    }
  }
  tokens.push({ kind: 'end', pos: source.length, end: source.length });
  return tokens;
}
