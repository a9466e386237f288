export { openEmbeddedJobQueue } from './embedded-job-queue.js';
export type { EmbeddedJobQueueOptions } from './embedded-job-queue.js';
