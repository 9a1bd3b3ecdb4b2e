import { type Command, usageError } from './command.js';

export const ids: Command = {
  name: 'ids',
  usage: '/ids on|off',
  summary: 'show message ids (for /history before ID and /resume)',
  run({ member, view }, args) {
    const setting = args.trim().toLowerCase();
    if (setting !== 'on' && setting !== 'off') throw usageError(ids);
    view.showIds = setting === 'on';
    member.send({ type: 'notice', text: `Message ids are ${setting}.` });
  },
};
