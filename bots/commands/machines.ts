import { listMachines } from '../../core/machines/list-machines.ts';
import { machineLimit } from '../../core/machines/machine-limit.ts';
import { loadPoolAccess, requirePoolRole } from '../../core/access/pool-access.ts';
import { personalPool, POOL_OPTION, type CommandDef } from '../command.ts';
import { createAgentJoinCode } from '../../core/agents/join-codes.ts';
import { agentStatuses } from '../../core/agents/agent-status.ts';

export const machines: CommandDef = {
  name: 'machines',
  descriptionKey: 'cmd-machines',
  options: [
    {
      name: 'action',
      type: 'string',
      required: false,
      descriptionKey: 'cmd-machines-opt-action',
      choices: ['list', 'add-code'],
    },
    POOL_OPTION,
  ],
  async run(ctx, args) {
    const { poolId } = await personalPool(ctx, args.pool);
    if (args.action === 'add-code') {
      const { code } = await createAgentJoinCode(ctx.app, ctx.actor, { poolId });
      return ctx.reply('agent-code', { code }, { private: true });
    }
    requirePoolRole(await loadPoolAccess(ctx.app.em, ctx.actor, poolId), 'member', { write: false });
    const [limit, mine] = await Promise.all([
      machineLimit(ctx.app.em, poolId, ctx.actor.userId),
      listMachines(ctx.app, ctx.actor, { poolId, userId: ctx.actor.userId, limit: 50 }),
    ]);
    const agents = await agentStatuses(
      ctx.app,
      mine.map((m) => m.id),
    );
    const lines = [
      ctx.t('machines', {
        used: limit.used,
        limit: limit.limit,
        base: limit.base,
        bonus: limit.referralBonus,
        bought: limit.purchasedSlots,
      }),
      ...mine.map((m) => {
        const agent = agents.get(m.id);
        const score = agent?.cpuScore;
        return (
          ctx.t('machines-line', {
            online: ctx.t(agent?.online ? 'machine-online' : 'machine-offline'),
            name: m.name,
            cpu: m.hardware.cpu,
            gpu: m.hardware.gpu ?? 'none',
            ram: m.hardware.ramGb,
          }) +
          (score === null || score === undefined ? '' : ctx.t('agent-machine-score', { score })) +
          (agent?.encodeFps === null || agent?.encodeFps === undefined
            ? ''
            : ctx.t('agent-machine-encode', { fps: agent.encodeFps }))
        );
      }),
      ctx.t('machines-add'),
    ];
    return { text: lines.join('\n'), private: true };
  },
};
