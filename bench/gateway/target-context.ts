import type { ChildProcessGroup } from './child-process-group.js';
import type { CpuPinning } from './cpu-pinning.js';

/** What every target starter needs: where to register its process, where to pin it, and the mock to call. */
export interface TargetContext {
  processes: ChildProcessGroup;
  pinning: CpuPinning;
  /** The mock's OpenAI base URL, `http://127.0.0.1:<port>/v1`. */
  upstreamBaseUrl: string;
}
