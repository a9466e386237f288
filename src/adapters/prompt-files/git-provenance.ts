import * as fs from 'node:fs';
import { relative, sep } from 'node:path';
import git from 'isomorphic-git';

/** The commit that last touched a set of files, when every one of them is committed unchanged. */
interface GitProvenance {
  commit: string;
  author: string;
  message: string;
}

/** Where a folder's files stand in git: their provenance, or null when any is uncommitted or there is no repo. */
export interface GitWorkTree {
  provenanceOf(absolutePaths: readonly string[]): Promise<GitProvenance | null>;
}

const NO_WORK_TREE: GitWorkTree = { provenanceOf: () => Promise.resolve(null) };

const isNotFound = (error: unknown): boolean =>
  error instanceof Error && 'code' in error && error.code === 'NotFoundError';

/**
 * The git work tree holding `folder`, read with isomorphic-git (no git binary, no parsing of command output).
 * For a set of files (a prompt and its datasets) the provenance is the newest of the commits that last touched each,
 * and only when each file is unchanged from HEAD: a modified, staged or untracked file gives null, because no commit
 * holds that content.
 */
export async function openGitWorkTree(folder: string): Promise<GitWorkTree> {
  let dir: string;
  try {
    dir = await git.findRoot({ fs, filepath: folder });
  } catch (error) {
    if (isNotFound(error)) return NO_WORK_TREE;
    throw error;
  }
  const cache = {};
  const toRepoPath = (path: string): string => relative(dir, path).split(sep).join('/');

  async function lastCommitOf(filepath: string): Promise<{ provenance: GitProvenance; at: number } | null> {
    const status = await git.status({ fs, dir, filepath, cache });
    if (status !== 'unmodified') return null;
    const [entry] = await git.log({ fs, dir, filepath, depth: 1, cache });
    if (entry === undefined) return null;
    const { author, message, committer } = entry.commit;
    return {
      provenance: { commit: entry.oid, author: `${author.name} <${author.email}>`, message: message.trim() },
      at: committer.timestamp,
    };
  }

  return {
    async provenanceOf(absolutePaths) {
      let newest: { provenance: GitProvenance; at: number } | null = null;
      for (const path of absolutePaths) {
        let last: Awaited<ReturnType<typeof lastCommitOf>>;
        try {
          last = await lastCommitOf(toRepoPath(path));
        } catch (error) {
          // A repository without commits has no HEAD: nothing in it is committed.
          if (isNotFound(error)) return null;
          throw error;
        }
        if (last === null) return null;
        if (newest === null || last.at > newest.at) newest = last;
      }
      return newest?.provenance ?? null;
    },
  };
}
