/**
 * What an officer may see and handle in the citizen services: the communes of their unit.
 * The officer console (accounts) signs officers in and records each officer's unit code;
 * the services turn that unit into communes here:
 *   - a five-digit commune code ("00070") is that commune's police (Công an xã, phường);
 *   - "CA-" and a province code ("CA-001") is the province police: every commune of it;
 *   - any other unit (a station code such as "HN-HOANKIEM-01") receives no residence
 *     notifications or reports until it is mapped to communes.
 */
import { COMMUNES, findCommune } from '../../shared/communes';
import type { AuditAction } from '../../shared/audit';
import type { ShardDb } from '../store/shards';
import { audit } from './audit';
import type { Deps } from './deps';

export interface OfficerScope {
  officerId: string;
  /** The officer's unit, recorded with what they do (the citizen's history names the unit, not the officer). */
  unitCode: string;
  /** Commune codes whose residence notifications and reports reach this officer. */
  communes: readonly string[];
}

export function communesOfUnit(unitCode: string): string[] {
  const code = unitCode.trim().toUpperCase();
  if (findCommune(code)) return [code];
  const province = /^CA-(\d{3})$/.exec(code)?.[1];
  if (province) return COMMUNES.filter((c) => c.provinceCode === province).map((c) => c.code);
  return [];
}

export function officerScope(officer: { id: string; unitCode: string }): OfficerScope {
  return { officerId: officer.id, unitCode: officer.unitCode, communes: communesOfUnit(officer.unitCode) };
}

/**
 * An audit row for an officer's act in the services: who (officer and unit), what, whom, when;
 * `citizen`: the shard of the citizen it concerns (their history shows it), null for none.
 */
export function auditScoped(
  deps: Deps,
  scope: OfficerScope,
  action: AuditAction,
  subject: string | null,
  citizen: ShardDb | null,
  detail: Record<string, string> = {},
): Promise<void> {
  return audit(deps, { at: deps.now, actor: `officer:${scope.officerId}`, action, subject, detail: { ...detail, unit: scope.unitCode } }, citizen);
}
