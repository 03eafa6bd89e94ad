/**
 * The demo portal's registration, made the same way by `npm start`'s seed step (so the officer
 * console lists it from the start) and by the worker on its first request to /portal/ (where
 * the seed did not run): a confidential client (client_secret_basic) whose secret is derived
 * from the session secret, its callback and post-logout page on the issuer's origin.
 */
import { hmacBase64Url } from '../domain/crypto';
import { newClient, type RegisterClientInput } from '../domain/oidc/clients';
import { insertClientIfAbsentSql } from '../store/oidc-clients';

export const DEMO_PORTAL = {
  clientId: 'demo-portal',
  name: 'Cổng dịch vụ công (demo)',
  /** The national portal is allowed the ID number; a demo shows every claim there is. */
  scope: 'openid profile phone vn_id_number',
} as const;

export interface DemoPortalRegistration extends RegisterClientInput {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

/** What the demo portal registers for an issuer (the first of ORIGINS) and a session secret. */
export async function demoPortalRegistration(issuer: string, sessionSecret: string): Promise<DemoPortalRegistration> {
  return {
    clientId: DEMO_PORTAL.clientId,
    name: DEMO_PORTAL.name,
    authMethod: 'client_secret_basic',
    redirectUris: [`${issuer}/portal/callback`],
    postLogoutRedirectUris: [`${issuer}/portal/`],
    scopes: ['openid', 'profile', 'phone', 'vn_id_number'],
    clientSecret: await hmacBase64Url(sessionSecret, 'vneid:demo-portal:client-secret'),
  };
}

/** The seed step's SQL: registers the demo portal when its id is free, else changes nothing. */
export async function demoPortalSeedSql(issuer: string, sessionSecret: string, now: number): Promise<string> {
  const { client } = await newClient(await demoPortalRegistration(issuer, sessionSecret), now);
  return insertClientIfAbsentSql(client);
}
