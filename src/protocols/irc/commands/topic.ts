import { isListedFor } from '../../../core/moderation/enforcement.js';
import { ERR_NOSUCHCHANNEL, ERR_NOTONCHANNEL } from '../numerics.js';
import type { IrcCommand } from './command.js';

/** TOPIC #room shows it; TOPIC #room :text sets it (any member may); TOPIC #room : clears it. */
export const topic: IrcCommand = {
  names: ['TOPIC'],
  minParams: 1,
  async run({ chat, member, replies }, message) {
    const [name = '', text] = message.params;
    const room = chat.findRoom(name);
    // A secret room is not there for those outside it, as in LIST and NAMES.
    if (!room || !isListedFor(room, member)) {
      replies.reply(ERR_NOSUCHCHANNEL, name, 'No such channel');
      return;
    }
    if (text === undefined) {
      replies.topic(room.name, room.topic, room.topicSetBy, room.topicSetAt);
      return;
    }
    if (!chat.isIn(member, room.name)) {
      replies.reply(ERR_NOTONCHANNEL, room.name, "You're not on that channel");
      return;
    }
    // IRC servers cut a topic to TOPICLEN rather than refuse it.
    await chat.setTopic(member, room.name, text.slice(0, chat.maxTopicLength).trim());
  },
};
