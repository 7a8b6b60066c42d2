/**
 * Span attribute names: OpenTelemetry's GenAI and HTTP semantic conventions, then AgentMint's own
 * (`agentmint.*`). Written out here rather than imported: @opentelemetry/semantic-conventions marks
 * the GenAI names incubating and keeps them out of its stable entry point.
 */
export const ATTR = {
  genAiOperation: 'gen_ai.operation.name',
  genAiProvider: 'gen_ai.provider.name',
  /** The older name of `gen_ai.provider.name`, still read by most GenAI backends. */
  genAiSystem: 'gen_ai.system',
  genAiRequestModel: 'gen_ai.request.model',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  genAiAgentId: 'gen_ai.agent.id',
  genAiConversationId: 'gen_ai.conversation.id',
  genAiToolName: 'gen_ai.tool.name',
  genAiToolCallId: 'gen_ai.tool.call.id',
  genAiToolType: 'gen_ai.tool.type',
  errorType: 'error.type',
  userId: 'user.id',
  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpStatus: 'http.response.status_code',
  urlPath: 'url.path',
  dbOperation: 'db.operation.name',
  agentId: 'agentmint.agent.id',
  runId: 'agentmint.run.id',
  sessionId: 'agentmint.session.id',
  runStatus: 'agentmint.run.status',
  /** On a run span that ended PAUSED: how many tool calls wait for a decision or a result. */
  pendingToolCalls: 'agentmint.run.pending_tool_calls',
  /** On the span of a run's continue (same run id, after a pause). */
  runContinued: 'agentmint.run.continued',
  errorCode: 'agentmint.error.code',
  isFactory: 'agentmint.factory',
  factoryInputShape: 'agentmint.factory.input_shape',
  factoryInput: 'agentmint.factory.input',
  authSource: 'agentmint.auth.source',
  storeId: 'agentmint.store.id',
  operation: 'agentmint.operation',
} as const;
