export { OpenAIChat, type OpenAIChatOptions } from './openAIChat.ts';
export type { OpenAIModelOptions } from './openAIModelOptions.ts';
export { OpenAIResponses, type OpenAIResponsesOptions } from './openAIResponses.ts';
