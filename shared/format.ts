/** Phone and ID-number formatting, shared by the schemas, the edge and the PWA's screens. */

/** Normalises a Vietnamese mobile number to E.164 (+84…). Assumes it passed `Phone`'s pattern. */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  if (digits.startsWith('84')) return `+${digits}`;
  if (digits.startsWith('0')) return `+84${digits.slice(1)}`;
  return `+84${digits}`;
}

/** "+84912345678" → "+84 9•• ••• 678": enough for a person to recognise their number. */
export function maskPhone(phone: string): string {
  const local = phone.replace(/^\+84/, '');
  return `+84 ${local.slice(0, 1)}•• ••• ${local.slice(-3)}`;
}

/** "079203001234" → "0792•••••234". */
export function maskIdNumber(id: string): string {
  return `${id.slice(0, 4)}${'•'.repeat(Math.max(0, id.length - 7))}${id.slice(-3)}`;
}
