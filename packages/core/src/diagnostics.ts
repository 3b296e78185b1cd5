import type * as DiagnosticsChannel from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNEL, type LatchkeyEvent, type LatchkeyEventListener } from './events.js';

let channel: DiagnosticsChannel.Channel | undefined | null = null;

// Loaded on first use through process.getBuiltinModule (Node 20.16+), so runtimes without
// node:diagnostics_channel, such as the Next.js Edge runtime, simply publish nothing there.
function diagnosticsChannel(): DiagnosticsChannel.Channel | undefined {
  if (channel !== null) return channel;

  const processObject = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    const module = processObject?.getBuiltinModule?.call(processObject, 'node:diagnostics_channel') as typeof DiagnosticsChannel | undefined;
    channel = module?.channel(DIAGNOSTICS_CHANNEL);
  } catch {
    // The Next.js Edge sandbox defines process.getBuiltinModule as a stub that throws.
    channel = undefined;
  }
  return channel;
}

/**
 * Returns the function key sources report events through: the `onEvent` listener, then the
 * diagnostics channel. A throwing listener is ignored, so logging can never fail a request.
 */
export function createEventEmitter(listener: LatchkeyEventListener | undefined): LatchkeyEventListener {
  return (event: LatchkeyEvent) => {
    try {
      listener?.(event);
    } catch {
      // The listener belongs to the application; its failure must not change the verification result.
    }

    const target = diagnosticsChannel();
    if (target?.hasSubscribers) target.publish(event);
  };
}
