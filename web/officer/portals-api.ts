/**
 * The officer console's calls to the portal registry (supervisors). Apart from the other
 * officer calls so that the registry's schemas load with the console only. Never throws:
 * `{ ok: true, data } | { ok: false, error }`.
 */
import {
  PORTALS_API,
  type PortalListResponse,
  type PortalRegisterRequest,
  type PortalSecretResponse,
  type PortalSummary,
  type PortalUpdateRequest,
} from '../../shared/portals';
import { call } from '../api';

export const portalsApi = {
  list: (after?: string) => call<PortalListResponse>('GET', after ? `${PORTALS_API.portals}?after=${encodeURIComponent(after)}` : PORTALS_API.portals),
  register: (input: PortalRegisterRequest) => call<PortalSecretResponse>('POST', PORTALS_API.portals, input),
  update: (clientId: string, input: PortalUpdateRequest) => call<PortalSecretResponse>('POST', PORTALS_API.portal(clientId), input),
  disable: (clientId: string) => call<PortalSummary>('POST', PORTALS_API.disable(clientId), {}),
  enable: (clientId: string) => call<PortalSummary>('POST', PORTALS_API.enable(clientId), {}),
  rotateSecret: (clientId: string) => call<PortalSecretResponse>('POST', PORTALS_API.rotateSecret(clientId), {}),
};
