import type { TokenChannel } from '@latchkey/client';

/**
 * Channels that deliver each message to the other channels of the hub before `postMessage`
 * returns. BroadcastChannel delivers later, in a task, so tests that must know a message has
 * arrived use this hub instead.
 */
export class ChannelHub {
  private readonly members = new Set<SyncChannel>();

  open(): TokenChannel {
    const channel = new SyncChannel(this.members);
    this.members.add(channel);
    return channel;
  }
}

class SyncChannel implements TokenChannel {
  private readonly listeners = new Set<(event: MessageEvent) => void>();

  constructor(private readonly members: ReadonlySet<SyncChannel>) {}

  postMessage(message: unknown): void {
    // Structured cloning, as BroadcastChannel does, so no receiver shares the sender's object.
    const data: unknown = structuredClone(message);
    for (const member of this.members) {
      if (member !== this) member.deliver(data);
    }
  }

  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.listeners.delete(listener);
  }

  private deliver(data: unknown): void {
    const event = new MessageEvent('message', { data });
    for (const listener of this.listeners) listener(event);
  }
}
