import { randomInt } from 'node:crypto';

/** Names for runs created without one, in MLflow's `adjective-noun-number` style. */
const ADJECTIVES = [
  'amber',
  'bold',
  'brisk',
  'calm',
  'clever',
  'eager',
  'gentle',
  'keen',
  'lucid',
  'merry',
  'nimble',
  'quiet',
  'rapid',
  'sunny',
  'wise',
];
const NOUNS = [
  'badger',
  'cairn',
  'crane',
  'falcon',
  'fern',
  'fox',
  'heron',
  'lynx',
  'otter',
  'owl',
  'pine',
  'river',
  'stone',
  'wren',
  'yak',
];

export function generateRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(100, 1000)}`;
}
