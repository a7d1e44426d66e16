import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TelegramCall {
  method: string;
  payload: Record<string, unknown>;
}

/**
 * A stand-in for the Telegram Bot API on 127.0.0.1: records every call, answers like Telegram does. Users in
 * `noPrivateChat` never pressed Start, so messages to them fail with 403 as they would.
 */
export async function startFakeTelegram(
  options: { admins?: Set<number>; noPrivateChat?: Set<number>; onCall?: (call: TelegramCall) => void } = {},
) {
  const calls: TelegramCall[] = [];
  /** Updates handed out by getUpdates (long polling), oldest first. */
  const queue: unknown[] = [];
  let messageId = 1000;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const method = (req.url ?? '').split('/').pop() ?? '';
      const payload = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
      calls.push({ method, payload });
      options.onCall?.({ method, payload });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      if (method === 'sendMessage') {
        const chatId = Number(payload.chat_id);
        if (options.noPrivateChat?.has(chatId))
          return send(403, {
            ok: false,
            error_code: 403,
            description: "Forbidden: bot can't initiate conversation with a user",
          });
        return send(200, {
          ok: true,
          result: {
            message_id: (messageId += 1),
            date: Math.floor(Date.now() / 1000),
            chat: { id: chatId, type: chatId > 0 ? 'private' : 'supergroup' },
            text: payload.text,
          },
        });
      }
      if (method === 'getMe')
        return send(200, {
          ok: true,
          result: {
            id: 4242,
            is_bot: true,
            first_name: 'Power Realms',
            username: 'power_realms_bot',
            can_join_groups: true,
            can_read_all_group_messages: false,
            supports_inline_queries: false,
          },
        });
      if (method === 'getUpdates') {
        // Long polling: answer at once when updates wait, otherwise after a short while with none.
        const offset = Number(payload.offset ?? 0);
        const ready = () => (queue as { update_id: number }[]).filter((u) => u.update_id >= offset);
        if (ready().length > 0) return send(200, { ok: true, result: ready() });
        setTimeout(() => send(200, { ok: true, result: ready() }), 200);
        return;
      }
      if (method === 'getChatMember') {
        const userId = Number(payload.user_id);
        return send(200, {
          ok: true,
          result: {
            status: options.admins?.has(userId) ? 'administrator' : 'member',
            user: { id: userId, is_bot: false, first_name: 'x' },
          },
        });
      }
      return send(200, { ok: true, result: true });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    /** Queues an update for the next getUpdates (a bot on long polling picks it up). */
    push(update: unknown) {
      queue.push(update);
    },
    /** Messages sent to a chat, oldest first. */
    sent(chatId: number): string[] {
      return calls
        .filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === chatId)
        .map((c) => String(c.payload.text));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let updateId = 1;
/** A Telegram update carrying a text message (a command when it starts with '/'). */
export function textUpdate(input: {
  from: { id: number; first_name: string; username?: string; language_code?: string };
  chat: { id: number; type: 'private' | 'group' | 'supergroup'; title?: string };
  text: string;
  updateId?: number;
  replyTo?: { id: number; first_name: string };
}) {
  const entities = input.text.startsWith('/')
    ? [{ type: 'bot_command', offset: 0, length: input.text.split(' ')[0]?.length ?? 0 }]
    : undefined;
  return {
    update_id: input.updateId ?? (updateId += 1),
    message: {
      message_id: updateId + 50_000,
      date: Math.floor(Date.now() / 1000),
      from: { is_bot: false, ...input.from },
      chat: input.chat,
      text: input.text,
      entities,
      reply_to_message: input.replyTo
        ? { message_id: 1, date: 0, chat: input.chat, from: { is_bot: false, ...input.replyTo }, text: 'hi' }
        : undefined,
    },
  };
}
