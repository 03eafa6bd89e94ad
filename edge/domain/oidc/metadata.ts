/**
 * The provider's metadata (OpenID Connect Discovery 1.0 §3): what a portal's OIDC library
 * reads to configure itself. The issuer is the first of ORIGINS; every endpoint hangs off it.
 */
import { ACR, SCOPES } from '../../../shared/oidc';
import type { Config } from '../../config';
import { CLAIMS_SUPPORTED } from './claims';
import { CLIENT_ASSERTION_ALGS, CLIENT_AUTH_METHODS } from './clients';
import { ID_TOKEN_ALG } from './keys';

export const OIDC_PATHS = {
  discovery: '/.well-known/openid-configuration',
  authorize: '/oidc/authorize',
  token: '/oidc/token',
  userinfo: '/oidc/userinfo',
  jwks: '/oidc/jwks',
  logout: '/oidc/logout',
} as const;

export function providerEndpoints(config: Config) {
  const at = (path: string) => `${config.issuer}${path}`;
  return {
    issuer: config.issuer,
    authorizationEndpoint: at(OIDC_PATHS.authorize),
    tokenEndpoint: at(OIDC_PATHS.token),
    userinfoEndpoint: at(OIDC_PATHS.userinfo),
    jwksUri: at(OIDC_PATHS.jwks),
    endSessionEndpoint: at(OIDC_PATHS.logout),
  };
}

export function providerMetadata(config: Config) {
  const e = providerEndpoints(config);
  return {
    issuer: e.issuer,
    authorization_endpoint: e.authorizationEndpoint,
    token_endpoint: e.tokenEndpoint,
    userinfo_endpoint: e.userinfoEndpoint,
    jwks_uri: e.jwksUri,
    end_session_endpoint: e.endSessionEndpoint,
    scopes_supported: [...SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    subject_types_supported: ['pairwise'],
    // ES256 only: `none` is never issued, nor accepted anywhere.
    id_token_signing_alg_values_supported: [ID_TOKEN_ALG],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
    code_challenge_methods_supported: ['S256'],
    acr_values_supported: [ACR[1], ACR[2]],
    claims_supported: CLAIMS_SUPPORTED,
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    prompt_values_supported: ['none', 'login', 'consent'],
    ui_locales_supported: ['vi', 'en'],
  };
}
