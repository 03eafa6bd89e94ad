/**
 * A document drawn like the paper or plastic it stands for: the national header, the
 * issuing body, the title, a portrait box where the card has one, the number, then every
 * field of the view with its Vietnamese (or English) label. The wallet shows the full
 * document; the verifier shows only the fields a presentation disclosed.
 */
import { DOCUMENT_TYPES, viewFields, type DocType, type FieldSpec, type View } from '../../shared/credential';
import type { ItemSpec } from '../../shared/credential/claims';
import '../i18n/documents';
import { formatDay, tw, type WalletMessageKey } from '../i18n/wallet';
import { Emblem } from './Emblem';

type Data = Record<string, unknown>;

/** Who issues each type (printed above the title). */
const ISSUER: Record<DocType, WalletMessageKey> = {
  personal_information: 'docIssuer.police',
  eid_card: 'docIssuer.police',
  driving_licence: 'docIssuer.police',
  vehicle_registration: 'docIssuer.police',
  health_insurance: 'docIssuer.insurance',
  social_insurance: 'docIssuer.insurance',
  health_book: 'docIssuer.health',
  residence: 'docIssuer.police',
  dependant: 'docIssuer.police',
};

/** The number printed large on each type. */
const NUMBER_FIELD: Record<DocType, string> = {
  personal_information: 'idNumber',
  eid_card: 'idNumber',
  driving_licence: 'licenceNumber',
  vehicle_registration: 'plate',
  health_insurance: 'cardNumber',
  social_insurance: 'insuranceNumber',
  health_book: 'idNumber',
  residence: 'idNumber',
  dependant: 'idNumber',
};

/** Types whose physical form carries a portrait. */
const HAS_PORTRAIT: ReadonlySet<DocType> = new Set(['eid_card', 'driving_licence', 'personal_information', 'dependant']);

/** Fields (and record elements) holding a family-relation code (FORMAT.md §7.3), rendered in words. */
const RELATION_FIELDS: ReadonlySet<string> = new Set(['relationToHead', 'relation', 'holderRelation']);

/** Fields whose absence in the full view means "no expiry". */
const OPEN_ENDED = new Set(['expiryDate']);

function spec(docType: DocType, field: string): FieldSpec | undefined {
  return (DOCUMENT_TYPES[docType].fields as Record<string, FieldSpec>)[field];
}

export function docTypeName(docType: DocType): string {
  return tw(`doc.${docType}`);
}

export function fieldLabel(field: string): string {
  return tw(`f.${field}` as WalletMessageKey);
}

/** A scalar or enum value as text, in the current language. */
function scalarText(field: string, item: ItemSpec | FieldSpec, value: unknown): string {
  switch (item.type) {
    case 'date':
      return formatDay(String(value));
    case 'bool':
      if (field === 'ageOver18') return tw(value ? 'value.ageOver18.true' : 'value.ageOver18.false');
      return tw(value ? 'value.yes' : 'value.no');
    case 'textList': {
      const list = value as string[];
      return list.length ? list.join(', ') : tw('value.none');
    }
    case 'enum':
      if (field === 'sex') return tw(`value.${String(value)}` as WalletMessageKey);
      if (RELATION_FIELDS.has(field)) return tw(`relation.${String(value)}` as WalletMessageKey);
      return String(value); // CMND / CCCD: the names of the cards, in every language

    case 'text':
      return field === 'nationality' && value === 'VN' ? tw('value.VN') : String(value);
    default:
      return String(value);
  }
}

function Records({ field, items, rows }: { field: string; items: readonly ItemSpec[]; rows: Data[] }) {
  if (rows.length === 0) return <span>{tw('value.none')}</span>;
  return (
    <ul class="doc-records">
      {rows.map((row, i) => (
        <li key={i}>
          {items.map((item) =>
            row[item.name] === undefined && !(field === 'periods' && item.name === 'to') ? null : (
              <span class="doc-record-part" key={item.name}>
                <span class="doc-record-label">{tw(`r.${field}.${item.name}` as WalletMessageKey)}: </span>
                {row[item.name] === undefined ? tw('value.open') : scalarText(item.name, item, row[item.name])}
              </span>
            ),
          )}
        </li>
      ))}
    </ul>
  );
}

function Value({ docType, field, value }: { docType: DocType; field: string; value: unknown }) {
  const s = spec(docType, field);
  if (!s) return <>{String(value)}</>;
  if (s.type === 'records') return <Records field={field} items={s.item} rows={value as Data[]} />;
  return <>{scalarText(field, s, value)}</>;
}

function PortraitBox() {
  return (
    <svg class="doc-portrait" viewBox="0 0 60 80" aria-hidden="true" focusable="false">
      <rect width="60" height="80" rx="4" fill="#e4e8ee" />
      <circle cx="30" cy="30" r="13" fill="#aab3bf" />
      <path d="M8 80c0-15 10-25 22-25s22 10 22 25Z" fill="#aab3bf" />
    </svg>
  );
}

/** Lists and long text (addresses, places) take a whole row of the two-column grid. */
function isWide(docType: DocType, field: string, value: unknown): boolean {
  const type = spec(docType, field)?.type;
  return type === 'records' || ((type === 'text' || type === 'textList') && String(value ?? '').length > 16);
}

export interface DocumentCardProps {
  docType: DocType;
  view: View;
  data: Data;
  /** Headline id, so a section can be labelled by the card's title. */
  titleId?: string;
  /** The portrait box (a placeholder: the digital copy carries no photo). Off in the verifier. */
  portrait?: boolean;
}

export function DocumentCard({ docType, view, data, titleId, portrait = true }: DocumentCardProps) {
  const numberField = NUMBER_FIELD[docType];
  const number = data[numberField];
  const fields = viewFields(docType, view).filter(
    (f) => f !== numberField && f !== 'fullName' && (data[f] !== undefined || (view === 'full' && OPEN_ENDED.has(f))),
  );
  const name = data['fullName'];
  return (
    <article class={`doc-card doc-${docType}`} aria-labelledby={titleId} data-testid={`doc-card-${docType}`}>
      <header class="doc-head">
        <Emblem size={40} />
        <div class="doc-head-text">
          <p class="doc-country">{tw('card.country')}</p>
          <p class="doc-motto">{tw('card.motto')}</p>
          <p class="doc-issuer">{tw(ISSUER[docType])}</p>
        </div>
      </header>
      <h2 class="doc-title" id={titleId}>
        {tw(`docHeader.${docType}`)}
      </h2>
      <div class="doc-main">
        {portrait && HAS_PORTRAIT.has(docType) && view !== 'age_over_18' ? <PortraitBox /> : null}
        <dl class="doc-primary">
          {number !== undefined ? (
            <div>
              <dt>{fieldLabel(numberField)}</dt>
              <dd class="doc-number">{String(number)}</dd>
            </div>
          ) : null}
          {name !== undefined ? (
            <div>
              <dt>{fieldLabel('fullName')}</dt>
              <dd class="doc-name">{String(name)}</dd>
            </div>
          ) : null}
        </dl>
      </div>
      {fields.length ? (
        <dl class="doc-fields">
          {fields.map((field) => (
            <div key={field} class={isWide(docType, field, data[field]) ? 'doc-field doc-field-wide' : 'doc-field'}>
              <dt>{fieldLabel(field)}</dt>
              <dd>{data[field] === undefined ? tw('value.noExpiry') : <Value docType={docType} field={field} value={data[field]} />}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </article>
  );
}
