import type { Command } from './command.js';

export const rooms: Command = {
  name: 'rooms',
  aliases: ['list'],
  usage: '/rooms',
  summary: 'list the rooms with their member counts and topics',
  run({ chat, member }) {
    chat.listRooms(member);
  },
};
