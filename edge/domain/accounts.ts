/** The citizen's own view of their account. */
import { maskPhone, type Me } from '../../shared/api';
import type { Citizen } from '../registries/population';
import type { Account } from '../store/accounts';
import type { Deps } from './deps';
import { AppError } from './errors';

/** The citizen's summary; `record`: the registry's record when it was read already (undefined: read it now). */
export async function describeAccount(deps: Deps, account: Account, deviceKeyId: string, record?: Citizen | null): Promise<Me> {
  const citizen = record === undefined ? await deps.registry.findCitizen(account.idNumber) : record;
  if (!citizen) throw new AppError('not_found', 'The registry has no record for this account.');
  return {
    accountId: account.id,
    idNumber: account.idNumber,
    fullName: citizen.fullName,
    birthDate: citizen.birthDate,
    sex: citizen.sex,
    level: account.level,
    status: account.status,
    phoneMasked: maskPhone(account.phone),
    deviceKeyId,
  };
}
