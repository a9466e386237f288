/**
 * A support conversation of realistic size (about 2.5 KB, ten messages): what a chat application sends with its
 * history on every turn. No personal data, so redaction scans it without rewriting anything.
 */
const MESSAGES = [
  {
    role: 'system',
    content:
      'You are the support assistant of an online bookshop. Answer in a friendly, concise tone, cite the order ' +
      'reference when the customer gives one, never promise refunds that the policy does not allow, and hand ' +
      'the conversation to a human colleague when the customer asks for one or is clearly upset.',
  },
  {
    role: 'user',
    content: 'Hi, I ordered three books last week and only two of them arrived. What should I do?',
  },
  {
    role: 'assistant',
    content:
      'I am sorry that part of your order is missing. Could you give me the order reference from your ' +
      'confirmation message, and tell me which title did not arrive?',
  },
  {
    role: 'user',
    content: 'The reference is BK-20931 and the missing one is the hardback atlas of old maps.',
  },
  {
    role: 'assistant',
    content:
      'Thank you. Order BK-20931 was shipped in two parcels because the atlas came from a different warehouse. ' +
      'The second parcel left the warehouse on Thursday and should arrive within two working days.',
  },
  { role: 'user', content: 'It is Wednesday now and nothing has come. Can you check where the parcel is?' },
  {
    role: 'assistant',
    content:
      'The carrier shows the parcel at your local depot since Monday with the note "address incomplete". It may ' +
      'be missing a flat number. Would you like to confirm your full delivery address so I can update it?',
  },
  { role: 'user', content: 'Yes, it is flat 4 on the second floor. I forgot to add that when I ordered.' },
  {
    role: 'assistant',
    content:
      'I have added flat 4 to the delivery address and asked the carrier to attempt delivery again tomorrow. ' +
      'You will receive a tracking update this evening.',
  },
  {
    role: 'user',
    content:
      'Great, thanks. One more thing: if it does not arrive tomorrow, can I get a refund for the atlas instead ' +
      'of waiting for another delivery attempt?',
  },
] as const;

/** The JSON body of a chat completion for `model`; serialised once per target, outside any timed section. */
export function chatRequestBody(options: { model: string; stream: boolean }): string {
  return JSON.stringify({
    model: options.model,
    messages: MESSAGES,
    temperature: 0.2,
    max_tokens: 256,
    ...(options.stream ? { stream: true } : {}),
  });
}
