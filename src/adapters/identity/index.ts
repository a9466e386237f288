export { createJoseTokenVerifier } from './jose-token-verifier.js';
