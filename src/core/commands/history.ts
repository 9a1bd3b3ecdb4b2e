import { ChatError } from '../errors.js';
import type { Command } from './command.js';

const DEFAULT_PAGE = 20;

export const history: Command = {
  name: 'history',
  aliases: ['hist'],
  usage: '/history [#room|NICK] [before ID] [N]',
  summary: 'show earlier messages of a room (or a private conversation)',
  async run({ chat, member }, args) {
    const words = args.trim().split(/\s+/).filter(Boolean);
    let target: string | undefined;
    let before: number | undefined;
    let limit = DEFAULT_PAGE;
    if (words[0] !== undefined && !/^\d+$/.test(words[0]) && words[0].toLowerCase() !== 'before') {
      target = words.shift();
    }
    if (words[0]?.toLowerCase() === 'before') {
      words.shift();
      before = wholeNumber(words.shift());
    }
    if (words.length > 0) limit = wholeNumber(words.shift());
    if (words.length > 0 || limit === 0) throw usage();
    await chat.showHistory(member, target, { before, limit });
  },
};

function wholeNumber(word: string | undefined): number {
  if (word === undefined || !/^\d{1,15}$/.test(word)) throw usage();
  return Number(word);
}

function usage(): ChatError {
  return new ChatError('BAD_ARGUMENTS', `Usage: ${history.usage}`);
}
