export { filePromptFolderReader } from './read-prompt-folder.js';
