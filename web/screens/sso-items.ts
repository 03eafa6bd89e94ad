/** How the app names what a portal receives (shared by the consent screen and the sharing history). */
import type { DisclosedItem } from '../../shared/oidc';
import type { MessageKey } from '../i18n';

export const ITEM_LABELS: Record<DisclosedItem, MessageKey> = {
  sub: 'sso.item.sub',
  acr: 'sso.item.acr',
  name: 'sso.item.name',
  birthdate: 'sso.item.birthdate',
  gender: 'sso.item.gender',
  phone_number: 'sso.item.phone_number',
  vn_id_number: 'sso.item.vn_id_number',
};
