/** The citizen's own view of their account. */
import { maskPhone, type Me } from '../../shared/api';
import type { Account } from '../store/accounts';
import type { Deps } from './deps';
import { AppError } from './errors';

export async function describeAccount(deps: Deps, account: Account, deviceKeyId: string): Promise<Me> {
  const citizen = await deps.registry.findCitizen(account.idNumber);
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
