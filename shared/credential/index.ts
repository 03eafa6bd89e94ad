/**
 * The credential and QR codec: issuer-signed credentials, device-bound presentations, Base45
 * QR text, the status list and offline verification. Specified in FORMAT.md beside this file.
 * Web-standard APIs only (WebCrypto, Compression Streams), so it runs unchanged in the PWA,
 * the Worker and Node.
 */
export { decodeBase45, encodeBase45, BASE45_ALPHABET } from './base45';
export { CHECK_CODE_DIGITS, checkCodeNonce, isCheckCode, newCheckCode } from './check-code';
export {
  CNF_COSE_KEY,
  COSE_KEY,
  CWT_CLAIM,
  DOCUMENT_TYPES,
  DOC_TYPE_NAMES,
  VIEWS,
  VIEW_NAMES,
  dateToDays,
  daysToDate,
  decodeDigits,
  encodeDigits,
  isViewAllowed,
  projectView,
  viewFields,
} from './claims';
export type { DataOf, DocType, DocumentData, FieldSpec, TypedDocument, View } from './claims';
export { ALG_ES256, COSE_HEADER, decodeCoseSign1, signCoseSign1, sigStructure, verifyCoseSign1 } from './cose-sign1';
export type { CoseSign1, SignCoseSign1Options } from './cose-sign1';
export { decodeCredential, issueCredential } from './credential';
export type { DecodedCredential, IssueCredentialOptions } from './credential';
export { compressP256, decompressP256 } from './p256';
export type { CompressedPoint } from './p256';
export {
  createPresentation,
  createPresentationBytes,
  MAX_NONCE_LENGTH,
  PRESENTATION_KEY,
  VERDICTS,
  verifyPresentation,
} from './presentation';
export type {
  CreatePresentationOptions,
  PresentationResult,
  RefusedPresentation,
  ValidPresentation,
  Verdict,
  VerifyPresentationOptions,
} from './presentation';
export {
  decodeQrText,
  encodeQrText,
  MAX_QR_TEXT_LENGTH,
  QR_PREFIX,
  QR_PREFIX_COMPRESSED,
  qrAlphanumericCapacity,
  qrVersionFor,
} from './qr-text';
export type { Compression } from './qr-text';
export {
  createStatusBits,
  encodeStatusList,
  getStatus,
  packStatuses,
  PART_SIZE,
  parseStatusListManifest,
  recheckStatusList,
  setStatus,
  signStatusList,
  STATUS,
  STATUS_BITS,
  STATUS_LIST_TYP,
  statusListsOf,
  statusPartOf,
  verifyStatusList,
} from './status-list';
export type {
  SignStatusListOptions,
  StatusList,
  StatusListError,
  StatusListManifest,
  StatusListManifestPart,
  StatusLists,
  StatusValue,
  VerifyStatusListOptions,
} from './status-list';
export { buildTrustList, createTrustKey, issuerKid, KID_LENGTH, MAX_CREDENTIAL_LIFETIME_S, parseTrustList } from './trust-list';
export type { TrustKey, TrustList } from './trust-list';
