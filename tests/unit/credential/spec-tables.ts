/**
 * Renders the registry and packed-text tables of FORMAT.md from the code, so a test can check
 * that the specification says exactly what the code does.
 */
import { DOC_TYPE_NAMES, DOCUMENT_TYPES, VIEWS, VIEW_NAMES } from '../../../shared/credential';
import type { FieldSpec } from '../../../shared/credential';
import type { ItemSpec } from '../../../shared/credential/claims';
import { PACKED_TEXT_TABLE } from '../../../shared/credential/packed-text';

function describeType(spec: FieldSpec | ItemSpec): string {
  switch (spec.type) {
    case 'enum':
      return `enum (${Object.entries(spec.values).map(([name, code]) => `${code} ${name}`).join(', ')})`;
    case 'records':
      return `records of [${spec.item
        .map((item) => `${item.name}: ${describeType(item)}${item.optional ? ' or null' : ''}`)
        .join(', ')}]`;
    default:
      return spec.type;
  }
}

/** The document-type registry as Markdown. */
export function renderRegistry(): string {
  const out: string[] = [];
  for (const name of DOC_TYPE_NAMES) {
    const doc = DOCUMENT_TYPES[name];
    out.push(`#### ${doc.code} \`${name}\` (level ${doc.level}; views: ${doc.views.join(', ')})`, '');
    out.push('| key | field | type |', '|---|---|---|');
    for (const [field, spec] of Object.entries(doc.fields) as [string, FieldSpec][]) {
      out.push(`| ${spec.key} | \`${field}\` | ${describeType(spec)}${spec.derived ? ' (only in `age_over_18`)' : ''} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The view table as Markdown. */
export function renderViews(): string {
  const out = ['| code | view | fields | required |', '|---|---|---|---|'];
  for (const name of VIEW_NAMES) {
    const view = VIEWS[name];
    const fields = view.fields ? view.fields.map((f) => `\`${f}\``).join(', ') : 'every field of the type except derived ones';
    const required = view.required.length ? view.required.map((f) => `\`${f}\``).join(', ') : '—';
    out.push(`| ${view.code} | \`${name}\` | ${fields} | ${required} |`);
  }
  return out.join('\n');
}

/** The packed-text code table as JSON lines: `[length, [symbols…]]`, ESC as null. */
export function renderPackedTextTable(): string {
  return ['[', PACKED_TEXT_TABLE.map(([length, symbols]) => `  [${length}, ${JSON.stringify(symbols)}]`).join(',\n'), ']'].join('\n');
}
