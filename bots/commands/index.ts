import type { CommandDef } from '../command.ts';
import { balance } from './balance.ts';
import { help } from './help.ts';
import { history } from './history.ts';
import { invite } from './invite.ts';
import { join } from './join.ts';
import { language } from './language.ts';
import { leave } from './leave.ts';
import { link } from './link.ts';
import { machines } from './machines.ts';
import { officer } from './officer.ts';
import { pool } from './pool.ts';
import { slots } from './slots.ts';
import { market } from './market.ts';
import { sell } from './sell.ts';
import { buy } from './buy.ts';
import { deal } from './deal.ts';
import { dispute } from './dispute.ts';
import { withdraw } from './withdraw.ts';
import { reward } from './reward.ts';
import { rating } from './rating.ts';
import { topup } from './topup.ts';
import { rent } from './rent.ts';
import { web } from './web.ts';

/** Every command, as both bots offer them (in this order in menus and /help). */
export const commands: CommandDef[] = [
  pool,
  join,
  leave,
  balance,
  topup,
  history,
  invite,
  machines,
  slots,
  market,
  sell,
  buy,
  rent,
  web,
  deal,
  dispute,
  withdraw,
  reward,
  rating,
  officer,
  link,
  language,
  help,
];
