/**
 * The calls for an account's life after registration (device change, devices, lock and
 * unlock, phone change, history, level-2 activation) and for the officer console. Like
 * web/api.ts, they never throw: `{ ok: true, data } | { ok: false, error }`.
 */
import {
  ACCOUNT_API,
  type AccountCodeStartRequest,
  type ActivationVerifyRequest,
  type CodeConfirmRequest,
  type CodeSentResponse,
  type DeviceChangeApproveRequest,
  type DeviceChangeFinishRequest,
  type DeviceChangeLookupResponse,
  type DeviceChangeOptionsResponse,
  type DeviceChangeRequestView,
  type DeviceChangeStartRequest,
  type DeviceChangeStatus,
  type DeviceChangeVerifyRequest,
  type DeviceChangeVerifyResponse,
  type DeviceListResponse,
  type HistoryResponse,
  type PhoneChangeStartRequest,
  type StepUpOptionsResponse,
  type StepUpRequest,
} from '../../shared/accounts';
import type { EnrolStartResponse, EnrolVerifyResponse, Me } from '../../shared/api';
import {
  OFFICER_API,
  type AttachRequest,
  type AuditResponse,
  type CitizenRecord,
  type DeskPhoneCodeRequest,
  type DeskPhoneCodeResponse,
  type Level2ApprovalRequest,
  type Level2ApprovalResponse,
  type OfficerApproveDeviceRequest,
  type OfficerInviteRequest,
  type OfficerInviteResponse,
  type OfficerListResponse,
  type OfficerMe,
  type OfficerRegisterFinishRequest,
  type OfficerRegisterOptionsRequest,
  type OfficerRegisterOptionsResponse,
  type OfficerSignInOptionsResponse,
  type OfficerSignInRequest,
} from '../../shared/officer';
import { call } from '../api';

export const accountsApi = {
  devices: () => call<DeviceListResponse>('GET', ACCOUNT_API.devices),
  signOutEverywhere: () => call<null>('POST', ACCOUNT_API.signOutEverywhere, {}),
  history: () => call<HistoryResponse>('GET', ACCOUNT_API.history),

  deviceChangeStart: (input: DeviceChangeStartRequest) => call<CodeSentResponse>('POST', ACCOUNT_API.deviceChangeStart, input),
  deviceChangeVerify: (input: DeviceChangeVerifyRequest) => call<DeviceChangeVerifyResponse>('POST', ACCOUNT_API.deviceChangeVerify, input),
  deviceChangeStatus: (requestId: string) => call<DeviceChangeStatus>('POST', ACCOUNT_API.deviceChangeStatus, { requestId }),
  deviceChangeWait: (requestId: string) => call<DeviceChangeStatus>('POST', ACCOUNT_API.deviceChangeWait, { requestId }),
  deviceChangeOptions: (requestId: string) => call<DeviceChangeOptionsResponse>('POST', ACCOUNT_API.deviceChangeOptions, { requestId }),
  deviceChangeFinish: (input: DeviceChangeFinishRequest) => call<Me>('POST', ACCOUNT_API.deviceChangeFinish, input),
  deviceChangeLookup: (code: string) => call<DeviceChangeLookupResponse>('POST', ACCOUNT_API.deviceChangeLookup, { code }),
  deviceChangeApprove: (input: DeviceChangeApproveRequest) => call<DeviceChangeRequestView>('POST', ACCOUNT_API.deviceChangeApprove, input),
  deviceChangeCancel: (requestId: string) => call<null>('POST', ACCOUNT_API.deviceChangeCancel, { requestId }),

  lockNow: () => call<null>('POST', ACCOUNT_API.lock, {}),
  lockStart: (input: AccountCodeStartRequest) => call<CodeSentResponse>('POST', ACCOUNT_API.lockStart, input),
  lockConfirm: (input: CodeConfirmRequest) => call<{ locked: true }>('POST', ACCOUNT_API.lockConfirm, input),
  unlockOptions: () => call<StepUpOptionsResponse>('POST', ACCOUNT_API.unlockOptions, {}),
  unlockStart: (input: StepUpRequest) => call<CodeSentResponse>('POST', ACCOUNT_API.unlockStart, input),
  unlockConfirm: (input: CodeConfirmRequest) => call<Me>('POST', ACCOUNT_API.unlockConfirm, input),

  phoneOptions: () => call<StepUpOptionsResponse>('POST', ACCOUNT_API.phoneOptions, {}),
  phoneStart: (input: PhoneChangeStartRequest) => call<CodeSentResponse>('POST', ACCOUNT_API.phoneStart, input),
  phoneConfirm: (input: CodeConfirmRequest) => call<Me>('POST', ACCOUNT_API.phoneConfirm, input),

  activateApproved: (input: AccountCodeStartRequest) => call<EnrolStartResponse>('POST', ACCOUNT_API.enrolApproved, input),
  activateApprovedVerify: (input: ActivationVerifyRequest) => call<EnrolVerifyResponse>('POST', ACCOUNT_API.enrolApprovedVerify, input),
};

export const officerApi = {
  registerOptions: (input: OfficerRegisterOptionsRequest) => call<OfficerRegisterOptionsResponse>('POST', OFFICER_API.registerOptions, input),
  registerFinish: (input: OfficerRegisterFinishRequest) => call<OfficerMe>('POST', OFFICER_API.registerFinish, input),
  signInOptions: () => call<OfficerSignInOptionsResponse>('POST', OFFICER_API.signInOptions, {}),
  signInVerify: (input: OfficerSignInRequest) => call<OfficerMe>('POST', OFFICER_API.signInVerify, input),
  signOut: () => call<null>('POST', OFFICER_API.signOut, {}),
  me: () => call<OfficerMe>('GET', OFFICER_API.me),
  officers: () => call<OfficerListResponse>('GET', OFFICER_API.officers),
  invite: (input: OfficerInviteRequest) => call<OfficerInviteResponse>('POST', OFFICER_API.officers, input),
  audit: (filter: { officerId?: string; before?: number } = {}) => {
    const query = new URLSearchParams();
    if (filter.officerId) query.set('officerId', filter.officerId);
    if (filter.before !== undefined) query.set('before', String(filter.before));
    const qs = query.toString();
    return call<AuditResponse>('GET', qs ? `${OFFICER_API.audit}?${qs}` : OFFICER_API.audit);
  },
  citizen: (idNumber: string) => call<CitizenRecord>('GET', OFFICER_API.citizen(idNumber)),
  level2: (idNumber: string, input: Level2ApprovalRequest) => call<Level2ApprovalResponse>('POST', OFFICER_API.level2(idNumber), input),
  phoneCode: (idNumber: string, input: DeskPhoneCodeRequest) => call<DeskPhoneCodeResponse>('POST', OFFICER_API.phoneCode(idNumber), input),
  attach: (idNumber: string, input: AttachRequest) => call<CitizenRecord>('POST', OFFICER_API.attach(idNumber), input),
  lock: (idNumber: string, reason: string) => call<CitizenRecord>('POST', OFFICER_API.lock(idNumber), reason ? { reason } : {}),
  unlock: (idNumber: string) => call<CitizenRecord>('POST', OFFICER_API.unlock(idNumber), { cardChecked: true }),
  approveDeviceChange: (idNumber: string, requestId: string, input: OfficerApproveDeviceRequest) =>
    call<CitizenRecord>('POST', OFFICER_API.approveDeviceChange(idNumber, requestId), input),
};
