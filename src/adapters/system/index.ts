export { systemClock } from './system-clock.js';
export { createCryptoRandom } from './crypto-random.js';
export { sha256SecretHasher } from './sha256-secret-hasher.js';
export { createScryptPasswordHasher } from './scrypt-password-hasher.js';
