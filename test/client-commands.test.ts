import { spawn } from 'node:child_process';
import { beforeAll, describe, it } from 'vitest';
import { LineClient, startTestServer } from './helpers.js';
import { CLI, requireBuiltCli, Spawned, spawnClient } from './spawned.js';

// What the user types becomes JSON requests, and what comes back reads as on the line door.

beforeAll(requireBuiltCli);

describe('the terminal client reading what is typed', () => {
  it('asks for a nickname until one is accepted', async () => {
    const server = await startTestServer({ framedPort: null });
    await LineClient.join(server.port('line'), 'bob');
    const port = server.port('http');
    const carol = new Spawned(
      spawn(process.execPath, [CLI, 'connect', '127.0.0.1', String(port)], { stdio: 'pipe' }),
    );
    await carol.nextLine(`*** Connected to 127.0.0.1:${port}`);
    await carol.nextLine('*** What is your nickname?');
    carol.type('bob\n');
    await carol.nextLine('!!! The nickname "bob" is already taken. (NICK_TAKEN)');
    await carol.nextLine('*** Choose another nickname:');
    carol.type('/help\n');
    await carol.nextLine('!!! Choose a nickname first: type it, or /nick NAME. (NICK_REQUIRED)');
    carol.type('/nick carol\n');
    await carol.nextLine('*** Welcome to chatroom, carol! Type /help for commands.');
    await carol.nextLine('*** Now talking in #lobby');
  });

  it('sends each /command as a request and shows the answer as the line door words it', async () => {
    const server = await startTestServer({ framedPort: null });
    const bob = await LineClient.join(server.port('line'), 'bob');
    const carol = spawnClient(server.port('http'), 'carol');
    await carol.nextLine('*** Now talking in #lobby');
    await bob.waitFor('*** carol joined #lobby');
    const typed = async (line: string, ...answer: Array<string | RegExp>) => {
      carol.type(`${line}\n`);
      for (const expected of answer) await carol.nextLine(expected);
    };

    await typed('/topic Say hi', '*** You set the topic of #lobby to: Say hi');
    await bob.waitFor('*** carol set the topic of #lobby to: Say hi');
    await typed('/topic', '*** Topic of #lobby: Say hi (set by carol)');
    await typed('/who', '*** #lobby has 2 members: bob carol');
    await typed('/me waves');
    await bob.waitFor('* carol waves');
    await typed('/msg bob psst', '-> *bob* psst');
    await bob.waitFor('*carol* psst');
    bob.send('/msg carol hush');
    await carol.nextLine('*bob* hush');
    await typed('deploy on friday');
    await bob.waitFor('<carol> deploy on friday');
    await typed(
      '/search friday',
      '*** Found in #lobby: 1 message (times UTC):',
      /^\[#lobby @\d+ [\d-]+ [\d:]+\] <carol> deploy on friday$/,
      '*** End of history of #lobby',
    );
    await typed(
      '/history 1',
      '*** History of #lobby: 1 message (times UTC):',
      /^\[#lobby @2 [\d-]+ [\d:]+\] <carol> deploy on friday$/,
      '*** End of history of #lobby (more: /history #lobby before 2)',
    );
    await typed(
      '/history bob',
      '*** History of your conversation with bob: 2 messages (times UTC):',
      /^\[private @1 .*\] <carol> psst$/,
      /^\[private @2 .*\] <bob> hush$/,
      '*** End of history of your conversation with bob',
    );
    await typed(
      '/join #dev',
      '*** You joined #dev',
      '*** #dev has 1 member: ~@carol',
      '*** Now talking in #dev',
    );
    await typed(
      '/rooms',
      '*** 2 rooms:',
      '***   #dev (1 member, created by carol)',
      '***   #lobby (2 members, created by bob): Say hi',
    );
    bob.send('in the lobby');
    await carol.nextLine('[#lobby] <bob> in the lobby');
    await typed('/nick caro', '*** You are now known as caro');
    await bob.waitFor('*** carol is now known as caro');
    await typed('/part #dev bye', '*** You left #dev (bye)', '*** Now talking in #lobby');
    await typed(
      '/part',
      '*** You left #lobby',
      '*** You are not in any room now: /join #room to talk',
    );
    await typed('hello?', '!!! You are not in any room: /join #room first. (NO_CURRENT_ROOM)');
    await typed('/dance', '!!! Unknown command /dance. Type /help for the list. (UNKNOWN_COMMAND)');
    await typed('/join', '!!! Usage: /join #room [KEY] (BAD_ARGUMENTS)');
    await typed('/who #nowhere', '!!! There is no room called #nowhere. (NO_SUCH_ROOM)');
    await typed(
      '/help',
      '*** Commands (a line without a leading / is a message to your current room):',
      '***   /help                                  list the commands',
    );
    await typed('/ids on', /^\*\*\* This client keeps track of message ids itself/);
  });
});
