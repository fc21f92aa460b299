// The record batch checksum (src/crc32c.ts) against kafkajs' own and the standard check value.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { prng } from '@kube-herald/testing';
import { crc32c } from '../src/crc32c.js';

const require = createRequire(import.meta.url);
const kafkajsCrc = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;

describe('CRC-32C', () => {
  it('gives the standard check value (RFC 3720: "123456789" → 0xE3069283)', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(Buffer.alloc(0)), 0);
  });

  it('equals kafkajs on random buffers of every length up to 70 and on large ones', () => {
    const rand = prng(11);
    const lengths = [...Array.from({ length: 71 }, (_, n) => n), 1500, 4099, 65_537];
    for (const n of lengths) {
      const buf = Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
      assert.equal(crc32c(buf), kafkajsCrc(buf), `length ${n}`);
      // a view into a larger buffer reads only its own bytes
      const padded = Buffer.concat([Buffer.from([1, 2, 3]), buf, Buffer.from([9])]);
      assert.equal(crc32c(padded.subarray(3, 3 + n)), kafkajsCrc(buf), `view of length ${n}`);
    }
  });
});
