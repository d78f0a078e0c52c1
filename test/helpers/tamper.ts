/**
 * A signed token (`value.signature`) with its signature altered: the signature's first character is
 * replaced by another one, so the result is never the real token (replacing characters with fixed
 * ones is the real signature whenever it already ends in them) and keeps the signature's length.
 * The first base64url character carries the top bits of the first byte, so the bytes change too.
 */
export function withAlteredSignature(token: string): string {
  const start = token.lastIndexOf('.') + 1;
  const replacement = token[start] === 'A' ? 'B' : 'A';
  return `${token.slice(0, start)}${replacement}${token.slice(start + 1)}`;
}
