// Loaded on demand (registration and sign-in only), in its own chunk named after this file.
export { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';
