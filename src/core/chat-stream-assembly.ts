import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatChoice,
  FinishReason,
  ToolCall,
  Usage,
} from './chat.js';

interface ChoiceInProgress {
  content: string | null;
  toolCalls: Map<number, ToolCall>;
  finishReason: FinishReason | null;
}

/**
 * Rebuilds the message a stream delivered, chunk by chunk, so that a streamed interaction is logged like a
 * non-streamed one (and a cut stream with the text received so far). Content deltas are concatenated per choice;
 * tool-call deltas are merged by their index (the id and name come first, the arguments in pieces).
 * @example const assembly = new ChatStreamAssembly(); for (const chunk of chunks) assembly.add(chunk); assembly.toCompletion();
 */
export class ChatStreamAssembly {
  private id = '';
  private created = 0;
  private model = '';
  private systemFingerprint: string | null = null;
  private readonly choices = new Map<number, ChoiceInProgress>();
  private lastUsage: Usage | null = null;

  add(chunk: ChatCompletionChunk): void {
    if (this.id === '') {
      this.id = chunk.id;
      this.created = chunk.created;
    }
    if (chunk.model !== '') this.model = chunk.model;
    if (typeof chunk['system_fingerprint'] === 'string') this.systemFingerprint = chunk['system_fingerprint'];
    if (chunk.usage) this.lastUsage = chunk.usage;
    for (const choice of chunk.choices) {
      const progress = this.choiceAt(choice.index);
      const { content, tool_calls: toolCalls } = choice.delta;
      if (typeof content === 'string') progress.content = (progress.content ?? '') + content;
      for (const delta of toolCalls ?? []) {
        const call = progress.toolCalls.get(delta.index) ?? {
          id: '',
          type: 'function' as const,
          function: { name: '', arguments: '' },
        };
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.function.name += delta.function.name;
        if (delta.function?.arguments) call.function.arguments += delta.function.arguments;
        progress.toolCalls.set(delta.index, call);
      }
      if (choice.finish_reason !== null) progress.finishReason = choice.finish_reason;
    }
  }

  /** The usage the upstream reported in its last usage chunk; null when it sent none. */
  get usage(): Usage | null {
    return this.lastUsage;
  }

  /** Everything the model generated as text (content and tool-call arguments), for counting output tokens. */
  generatedText(): string {
    let text = '';
    for (const choice of this.choices.values()) {
      text += choice.content ?? '';
      for (const call of choice.toolCalls.values()) text += call.function.name + call.function.arguments;
    }
    return text;
  }

  /** The assembled response, shaped like a non-streamed completion. */
  toCompletion(): ChatCompletion {
    const choices: ChatChoice[] = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, progress]) => {
        const message: ChatChoice['message'] = { role: 'assistant', content: progress.content };
        if (progress.toolCalls.size > 0) {
          message.tool_calls = [...progress.toolCalls.entries()]
            .sort(([a], [b]) => a - b)
            .map(([, call]) => call);
        }
        return { index, message, finish_reason: progress.finishReason };
      });
    const completion: ChatCompletion = {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices,
      system_fingerprint: this.systemFingerprint,
    };
    if (this.lastUsage) completion.usage = this.lastUsage;
    return completion;
  }

  private choiceAt(index: number): ChoiceInProgress {
    let progress = this.choices.get(index);
    if (!progress) {
      progress = { content: null, toolCalls: new Map(), finishReason: null };
      this.choices.set(index, progress);
    }
    return progress;
  }
}
