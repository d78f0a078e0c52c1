import { readFileSync } from 'node:fs';

/** factorgate's version, from the package.json beside src/ and dist/ (the one npm installs): one place to bump. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
