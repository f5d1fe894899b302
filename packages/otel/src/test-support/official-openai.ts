import type { TracerProvider } from '@opentelemetry/api';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import * as openaiModule from 'openai';

/**
 * Turns on the official @opentelemetry/instrumentation-openai for `provider`. It hooks
 * `require`/`import` when enabled, but under vitest the ESM module is already loaded, so its
 * patch is applied by hand, exactly as the hook would. Returns the undo.
 */
export function patchOfficialOpenAI(provider: TracerProvider): () => void {
  const instrumentation = new OpenAIInstrumentation({ enabled: false });
  instrumentation.setTracerProvider(provider);
  const [definition] = instrumentation.getModuleDefinitions();
  definition!.patch!(openaiModule, '6.0.0');
  instrumentation.enable();
  return () => {
    instrumentation.disable();
    definition!.unpatch!(openaiModule, '6.0.0');
  };
}
