import { envSchema } from '../env.js';
import { ENV_DOCS } from './envDocs.js';

/** Where the generated table sits in README.md. */
export const TABLE_START = '<!-- config-table:start (generated from server/env.ts by `npm run docs:config`; do not edit) -->';
export const TABLE_END = '<!-- config-table:end -->';

/** A schema default as the table shows it: `—` for none, `off` for a flag. */
function shownDefault(name: keyof typeof ENV_DOCS): string {
  const shown = ENV_DOCS[name].shown;
  if (shown !== undefined) return shown;
  const parsed = (envSchema.shape[name] as { safeParse(value: unknown): { success: boolean; data?: unknown } }).safeParse(undefined);
  if (!parsed.success || parsed.data === undefined || (Array.isArray(parsed.data) && parsed.data.length === 0)) return '—';
  if (parsed.data === false) return 'off';
  return typeof parsed.data === 'string' && !/^\d+$/.test(parsed.data) ? `\`${parsed.data}\`` : String(parsed.data);
}

/** The README's Configuration table: every variable of the environment schema, in its order. */
export function configTable(): string {
  const names = Object.keys(envSchema.shape) as (keyof typeof ENV_DOCS)[];
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...names.map((name) => `| \`${name}\` | ${shownDefault(name)} | ${ENV_DOCS[name].meaning} |`)].join('\n');
}

/** `readme` with the text between the markers replaced by the table. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error('README.md has no config-table markers');
  return `${readme.slice(0, start + TABLE_START.length)}\n${configTable()}\n${readme.slice(end)}`;
}
