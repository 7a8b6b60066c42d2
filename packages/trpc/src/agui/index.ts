export { AgUiEventTranslator, type AgUiRunIds } from './aguiEventTranslator.ts';
export { type AgUiOptions, agui } from './aguiInterface.ts';
export {
  type AgUiStartRequest,
  parseRunAgentInput,
  toStartRequest,
} from './runAgentInputToStart.ts';
