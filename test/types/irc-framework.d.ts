/**
 * The part of irc-framework (4.14, plain JavaScript without types) the tests use, typed from
 * its source (src/client.js and src/commands/handlers/*.js).
 */
declare module 'irc-framework' {
  interface ConnectOptions {
    host: string;
    port: number;
    nick: string;
    username?: string;
    gecos?: string;
    auto_reconnect?: boolean;
    enable_echomessage?: boolean;
  }

  interface MessageEvent {
    type: 'privmsg' | 'action' | 'notice';
    nick: string;
    target: string;
    message: string;
    time?: number;
    tags: Record<string, string>;
  }

  interface ChannelEvent {
    nick: string;
    channel: string;
    message?: string;
  }

  interface QuitEvent {
    nick: string;
    message: string;
  }

  interface NickEvent {
    nick: string;
    new_nick: string;
  }

  interface TopicEvent {
    channel: string;
    topic: string;
    nick?: string;
  }

  interface UserlistEvent {
    channel: string;
    users: Array<{ nick: string; modes: string[] }>;
  }

  interface WhoisEvent {
    nick: string;
    user?: string;
    host?: string;
    real_name?: string;
    server?: string;
    channels?: string;
    away?: string;
    error?: string;
  }

  interface IrcErrorEvent {
    error: string;
    reason?: string;
    nick?: string;
    channel?: string;
  }

  interface Events {
    registered: { nick: string };
    message: MessageEvent;
    join: ChannelEvent;
    part: ChannelEvent;
    quit: QuitEvent;
    nick: NickEvent;
    topic: TopicEvent;
    userlist: UserlistEvent;
    'irc error': IrcErrorEvent;
    close: undefined;
    raw: { line: string; from_server: boolean };
  }

  class Client {
    constructor(options?: { auto_reconnect?: boolean });
    connect(options: ConnectOptions): void;
    on<K extends keyof Events>(event: K, listener: (event: Events[K]) => void): this;
    removeListener<K extends keyof Events>(event: K, listener: (event: Events[K]) => void): this;
    join(channel: string): void;
    part(channel: string, message?: string): void;
    say(target: string, message: string): void;
    notice(target: string, message: string): void;
    action(target: string, message: string): void;
    setTopic(channel: string, topic: string): void;
    changeNick(nick: string): void;
    whois(nick: string, callback: (event: WhoisEvent) => void): void;
    quit(message?: string): void;
    raw(line: string): void;
    network: { name: string; options: Record<string, unknown>; cap: { enabled: string[] } };
    user: { nick: string };
  }

  const IRC: { Client: typeof Client };
  export default IRC;
}
