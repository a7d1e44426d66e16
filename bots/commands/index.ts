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

/** Every command, as both bots offer them (in this order in menus and /help). */
export const commands: CommandDef[] = [
  pool,
  join,
  leave,
  balance,
  history,
  invite,
  machines,
  slots,
  officer,
  link,
  language,
  help,
];
