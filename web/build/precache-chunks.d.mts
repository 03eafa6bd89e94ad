import type { Plugin } from 'vite';
export function precacheChunks(options: { entries: RegExp[]; shell?: string[] }): Plugin;
