import type { AnyRoute } from '../rest/route.ts';
import { holdRoutes } from './holds.ts';
import { machineRoutes } from './machines.ts';
import { meRoutes } from './me.ts';
import { memberRoutes } from './members.ts';
import { poolRoutes } from './pools.ts';
import { marketRoutes } from './market.ts';
import { withdrawalRoutes } from './withdrawals.ts';
import { disputeRoutes } from './disputes.ts';
import { rewardRoutes } from './rewards.ts';
import { topupRoutes } from './topups.ts';
import { gameboostRoutes } from './gameboost.ts';
import { agentRoutes } from './agent.ts';

/** Every REST v1 operation, in the order the docs list them. */
export const v1Routes: AnyRoute[] = [
  ...meRoutes,
  ...poolRoutes,
  ...memberRoutes,
  ...holdRoutes,
  ...machineRoutes,
  ...marketRoutes,
  ...withdrawalRoutes,
  ...disputeRoutes,
  ...rewardRoutes,
  ...topupRoutes,
  ...gameboostRoutes,
  ...agentRoutes,
];
