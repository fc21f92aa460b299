export * from './kh-error.js';
