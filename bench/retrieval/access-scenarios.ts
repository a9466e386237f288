import type { AccessRule } from '../../src/core/access/access-rule.js';
import type { Principal } from '../../src/core/access/principal.js';
import { INDEPENDENT_GROUPS, type ClusteredDataset } from './clustered-dataset.js';

/** One measured situation: a user who may read a given share of the chunks. */
export interface AccessScenario {
  name: string;
  /** The intended share of chunks allowed (the measured share is reported beside it). */
  selectivity: number;
  /** `independent`: allowed chunks are spread over every topic; `correlated`: they are whole topics. */
  correlation: 'independent' | 'correlated';
  principal: Principal;
}

export const SELECTIVITIES = [0.5, 0.1, 0.01, 0.001] as const;

/** Every document may be read by its independent group and by its topic's group. */
export function ruleOfDocument(document: { cluster: number; group: number }): AccessRule {
  return {
    everyone: false,
    users: [],
    groups: [`c${document.cluster}`, `g${document.group}`],
    roles: [],
    classification: null,
  };
}

const user = (groups: string[]): Principal => ({
  kind: 'end_user',
  userId: 'bench',
  groups,
  roles: [],
  clearance: null,
});

export function accessScenarios(dataset: ClusteredDataset): AccessScenario[] {
  return SELECTIVITIES.flatMap((selectivity) => {
    const independent = Math.max(1, Math.round(selectivity * INDEPENDENT_GROUPS));
    const correlated = Math.max(1, Math.round(selectivity * dataset.clusterCount));
    return [
      {
        name: `independent-${selectivity * 100}%`,
        selectivity,
        correlation: 'independent' as const,
        principal: user(Array.from({ length: independent }, (_, group) => `g${group}`)),
      },
      {
        name: `correlated-${selectivity * 100}%`,
        selectivity,
        correlation: 'correlated' as const,
        principal: user(Array.from({ length: correlated }, (_, cluster) => `c${cluster}`)),
      },
    ];
  });
}
