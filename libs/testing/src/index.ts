export * from './service-env.js';
export * from './unique-name.js';
export * from './wait-for.js';
export * from './test-logger.js';
export * from './services.js';
export * from './prng.js';
