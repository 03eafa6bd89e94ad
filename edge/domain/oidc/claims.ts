/**
 * Claims by scope (OIDC Core §5.4): what a portal receives about the citizen, from the
 * account and the national population registry. Only the scopes granted are read, and the
 * ID number only under `vn_id_number`, which only portals registered for it may ask for.
 */
import { maskIdNumber, maskPhone } from '../../../shared/api';
import { itemsForScopes, SCOPE_CLAIMS, type DisclosedItem } from '../../../shared/oidc';
import type { Citizen } from '../../registries/population';
import type { Account } from '../../store/accounts';
import { hmacBase64Url } from '../crypto';

/** Every claim name the provider can release, for discovery's `claims_supported`. */
export const CLAIMS_SUPPORTED = [
  'sub',
  'iss',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  ...new Set(Object.values(SCOPE_CLAIMS).flat()),
];

/**
 * The pairwise subject (OIDC Core §8.1): HMAC of the account id under a server secret, per
 * sector, so two portals in different sectors cannot link a citizen by `sub`, and one
 * portal always sees the same `sub`. The secret must never change (OIDC_PAIRWISE_SECRET).
 */
export function pairwiseSubject(secret: string, sectorId: string, accountId: string): Promise<string> {
  return hmacBase64Url(secret, `vneid:oidc:pairwise:v1:${sectorId}:${accountId}`);
}

/** The UserInfo claims for granted scopes (besides `sub`). */
export function claimsForScopes(scopes: readonly string[], account: Account, citizen: Citizen | null): Record<string, string | boolean> {
  const claims: Record<string, string | boolean> = {};
  if (scopes.includes('profile') && citizen) {
    claims.name = citizen.fullName;
    claims.birthdate = citizen.birthDate;
    claims.gender = citizen.sex === 'F' ? 'female' : 'male';
  }
  if (scopes.includes('phone')) {
    claims.phone_number = account.phone;
    claims.phone_number_verified = true; // confirmed by SMS code at registration
  }
  if (scopes.includes('vn_id_number')) claims.vn_id_number = account.idNumber;
  return claims;
}

/** What the consent screen shows the citizen they would share, masked where others might look. */
export function previewValues(scopes: readonly string[], account: Account, citizen: Citizen | null): Partial<Record<DisclosedItem, string>> {
  const values: Partial<Record<DisclosedItem, string>> = {};
  const items = itemsForScopes(scopes);
  if (items.includes('name') && citizen) {
    values.name = citizen.fullName;
    values.birthdate = citizen.birthDate;
    values.gender = citizen.sex === 'F' ? 'female' : 'male';
  }
  if (items.includes('phone_number')) values.phone_number = maskPhone(account.phone);
  if (items.includes('vn_id_number')) values.vn_id_number = maskIdNumber(account.idNumber);
  return values;
}
