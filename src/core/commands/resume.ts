import { type Command, usageError } from './command.js';

export const resume: Command = {
  name: 'resume',
  usage: '/resume #room ID',
  summary: 'get every message of a room after ID, then the live stream (joins if needed)',
  async run({ chat, member }, args) {
    const [room, id, ...rest] = args.trim().split(/\s+/);
    if (!room?.startsWith('#') || !id || !/^\d{1,15}$/.test(id) || rest.length > 0) {
      throw usageError(resume);
    }
    await chat.resume(member, room, Number(id));
  },
};
