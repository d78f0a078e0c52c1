import type { Linter } from 'eslint';

/** The architecture's boundaries as flat-config entries (eslint.boundaries.js). */
export declare const boundaries: Linter.Config[];
