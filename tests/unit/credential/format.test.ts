/**
 * FORMAT.md is the specification third parties implement: its tables must be the code's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packText } from '../../../shared/credential/packed-text';
import { renderPackedTextTable, renderRegistry, renderViews } from './spec-tables';

const spec = readFileSync(new URL('../../../shared/credential/FORMAT.md', import.meta.url), 'utf8');
const section = (name: string) => {
  const start = spec.indexOf(`<!-- ${name}:start -->`);
  const end = spec.indexOf(`<!-- ${name}:end -->`);
  expect(start).toBeGreaterThan(0);
  return spec.slice(start + `<!-- ${name}:start -->`.length, end).trim();
};

describe('FORMAT.md', () => {
  it('lists the views the code defines', () => {
    expect(section('views')).toBe(renderViews().trim());
  });

  it('lists the document types, keys and value types the code defines', () => {
    expect(section('registry')).toBe(renderRegistry().trim());
  });

  it('publishes the packed-text code table the code uses', () => {
    expect(section('packed-text')).toBe('```json\n' + renderPackedTextTable() + '\n```');
  });

  it('gives a packed-text example that is right', () => {
    const hex = [...packText('Nguyễn Thị Minh Khai')].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    expect(hex).toBe('ed f1 7d f9 e4 b6 ff');
    expect(spec).toContain('`ed f1 7d f9 e4 b6 ff`');
  });
});
