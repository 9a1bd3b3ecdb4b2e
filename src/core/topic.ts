import { ChatError } from './errors.js';
import type { Fanout } from './fanout.js';
import type { HistoryStore } from './history.js';
import { type Room, recordOf } from './room.js';
import { checkText } from './rules.js';
import { saveRoomOrFail } from './store-access.js';

export interface TopicRules {
  history: HistoryStore;
  fanout: Fanout;
  maxMessageBytes: number;
  maxTopicLength: number;
  now: () => number;
}

/**
 * Sets a room's topic for `nick`, who may (Rooms checks): stored first, so a topic the room
 * was told of is one a restart brings back, then told to the room.
 */
export async function changeTopic(
  room: Room,
  nick: string,
  topic: string,
  rules: TopicRules,
): Promise<void> {
  checkText(topic, rules.maxMessageBytes, true);
  if (topic.length > rules.maxTopicLength) {
    throw new ChatError('TOPIC_TOO_LONG', `Topics are at most ${rules.maxTopicLength} characters.`);
  }
  const setAt = rules.now();
  await saveRoomOrFail(rules.history, {
    ...recordOf(room),
    topic,
    topicSetBy: nick,
    topicSetAt: setAt,
  });
  room.topic = topic;
  room.topicSetBy = nick;
  room.topicSetAt = setAt;
  rules.fanout.publish({ type: 'topic', room: room.name, nick, topic }, { rooms: [room.key] });
}
