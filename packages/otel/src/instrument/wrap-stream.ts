import { diag } from '@opentelemetry/api';

/** Reads a stream's chunks as they pass; never buffers them. */
export interface ChunkObserver<C> {
  /** Records what the chunk says; returns false to hide a chunk the caller did not ask for. */
  onChunk(chunk: C): boolean;
  /** Called once: the stream ended, failed (error) or was abandoned by the caller. */
  onEnd(error?: unknown): void;
}

function observe<C>(observer: ChunkObserver<C>, chunk: C): boolean {
  try {
    return observer.onChunk(chunk);
  } catch (error) {
    diag.warn('tokenledger: could not read a stream chunk', error);
    return true;
  }
}

/** An async iterator that passes `inner`'s chunks through and tells `observer` how it ends. */
export function observeIterator<C>(inner: AsyncIterator<C>, observer: ChunkObserver<C>): AsyncIterableIterator<C> {
  let ended = false;
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    try {
      observer.onEnd(error);
    } catch (failure) {
      diag.warn('tokenledger: could not end a stream span', failure);
    }
  };
  const iterator: AsyncIterableIterator<C> = {
    async next() {
      for (;;) {
        let step: IteratorResult<C>;
        try {
          step = await inner.next();
        } catch (error) {
          end(error);
          throw error;
        }
        if (step.done === true) {
          end();
          return step;
        }
        if (ended || observe(observer, step.value)) return step;
      }
    },
    async return(value?: unknown) {
      // The caller left early (break, or an error in its loop body): the span ends now.
      end();
      return inner.return !== undefined ? inner.return(value) : { done: true, value: value as C };
    },
    async throw(error?: unknown) {
      end(error);
      if (inner.throw !== undefined) return inner.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';
}

/**
 * Patches the stream object the caller will receive, in place, so it keeps its class and helpers
 * (`controller`, `toReadableStream()`…) and only its iteration is observed.
 */
export function observeStreamInPlace<C>(stream: AsyncIterable<C>, observer: ChunkObserver<C>): void {
  const original = stream[Symbol.asyncIterator];
  Object.defineProperty(stream, Symbol.asyncIterator, {
    configurable: true,
    writable: true,
    value: () => observeIterator(original.call(stream), observer),
  });
}
