import anthropic from './data/anthropic.json' with { type: 'json' };
import awsBedrock from './data/aws-bedrock.json' with { type: 'json' };
import azureOpenai from './data/azure-openai.json' with { type: 'json' };
import cohere from './data/cohere.json' with { type: 'json' };
import deepseek from './data/deepseek.json' with { type: 'json' };
import gcpGemini from './data/gcp-gemini.json' with { type: 'json' };
import gcpVertexAi from './data/gcp-vertex-ai.json' with { type: 'json' };
import groq from './data/groq.json' with { type: 'json' };
import mistralAi from './data/mistral-ai.json' with { type: 'json' };
import openai from './data/openai.json' with { type: 'json' };
import xAi from './data/x-ai.json' with { type: 'json' };

/**
 * The built-in price data, unvalidated: loadCatalog() checks every file against
 * catalogFileSchema. Imported as modules (not read from disk) to keep this package free of I/O.
 */
export const builtinCatalogFiles: readonly unknown[] = [
  openai,
  azureOpenai,
  anthropic,
  awsBedrock,
  gcpGemini,
  gcpVertexAi,
  mistralAi,
  deepseek,
  xAi,
  cohere,
  groq,
];
