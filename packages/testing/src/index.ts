export {
  type DroppingProxy,
  type DroppingProxyOptions,
  type ProxiedRequest,
  startDroppingProxy,
} from './droppingProxy.ts';
export {
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  type FakeServerFault,
  type FakeServerTurn,
  startFakeOpenAIServer,
} from './fakeOpenAIServer.ts';
export {
  type RecordedModelRequest,
  ScriptedModel,
  type ScriptedModelOptions,
} from './scriptedModel.ts';
export {
  parseServerSentEvents,
  readServerSentEvents,
  type ServerSentEvent,
} from './serverSentEvents.ts';
export type {
  ErrorTurn,
  ScriptedToolCall,
  ScriptedTurn,
  StreamPacing,
  TextTurn,
  ToolCallsTurn,
  Turn,
  TurnRequest,
} from './turn.ts';
export type { FallbackMode } from './turnQueue.ts';
