import { RuleSyntaxError, type Token } from './lexer.js';

/** Reading tokens one at a time, and the errors that name what was found instead. */
export class TokenCursor {
  private at = 0;

  constructor(protected readonly source: string, private readonly tokens: Token[]) {}

  protected string(what: string): { value: string; pos: number } {
    const token = this.take();
    if (token.kind !== 'string') throw this.unexpected(token, `expected ${what}`);
    return { value: token.value, pos: token.pos };
  }

  protected expectSymbol(symbol: string, what: string): void {
    const token = this.take();
    if (token.kind !== 'symbol' || token.text !== symbol) throw this.unexpected(token, `expected ${what}`);
  }

  protected unexpected(token: Token, hint?: string): RuleSyntaxError {
    const found = token.kind === 'end' ? 'end of rule' : `"${this.source.slice(token.pos, token.end).slice(0, 40)}"`;
    return new RuleSyntaxError(`unexpected ${found}${hint ? `: ${hint}` : ''}`, token.pos);
  }

  protected endOfPrevious(): number {
    return this.tokens[this.at - 1]?.end ?? 0;
  }

  protected textOf(token: Token): string {
    return token.kind === 'word' || token.kind === 'symbol' ? token.text : '';
  }

  protected isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text === word;
  }

  protected isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === symbol;
  }

  protected peek(): Token {
    return this.tokens[this.at]!;
  }

  protected take(): Token {
    const token = this.tokens[this.at]!;
    if (token.kind !== 'end') this.at += 1;
    return token;
  }
}
