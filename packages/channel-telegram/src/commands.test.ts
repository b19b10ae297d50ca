import { describe, expect, test } from 'vitest';
import { parseCommand, parseStartPayload } from './commands.js';

const TOPICS = ['meteo', 'viabilita', 'eventi', 'protezione-civile', 'lavori'];

describe('unit: parseCommand', () => {
  test.each([
    ['/start', { command: 'start', argument: '' }],
    ['/start meteo-viabilita', { command: 'start', argument: 'meteo-viabilita' }],
    ['/start@ComuneJesiBot eventi', { command: 'start', argument: 'eventi' }],
    ['  /STOP  ', { command: 'stop', argument: '' }],
    ['/argomenti', { command: 'topics', argument: '' }],
    ['/topics', { command: 'topics', argument: '' }],
    ['/lingua', { command: 'language', argument: '' }],
    ['/language', { command: 'language', argument: '' }],
    ['/aiuto', { command: 'help', argument: '' }],
    ['/help', { command: 'help', argument: '' }],
    ['/privacy', { command: 'privacy', argument: '' }],
    ['/iscrivimi', { command: 'unknown', argument: '' }],
  ])('%j → %j', (text, parsed) => {
    expect(parseCommand(text)).toEqual(parsed);
  });

  test.each(['ciao', '', 'start', '/ start', '/start\u0000', `/${'x'.repeat(40)}`])('%j is not a command', (text) => {
    expect(parseCommand(text)).toBeUndefined();
  });
});

describe('unit: parseStartPayload', () => {
  test.each([
    ['meteo', ['meteo'], false],
    ['meteo-viabilita', ['meteo', 'viabilita'], false],
    ['meteo_viabilita', ['meteo', 'viabilita'], false],
    ['protezione-civile', ['protezione-civile'], false],
    ['meteo-protezione-civile-eventi', ['meteo', 'protezione-civile', 'eventi'], false],
    ['METEO', ['meteo'], false],
    ['meteo-meteo', ['meteo'], false],
    ['meteo-calcio', ['meteo'], true],
    ['protezione', [], true],
    ['', [], false],
    ['meteo viabilita', [], true],
    ['<script>', [], true],
    [`meteo-${'x'.repeat(70)}`, [], true],
  ])('%j → %j (unknown %s)', (payload, topics, unknown) => {
    expect(parseStartPayload(payload, TOPICS)).toEqual({ topics, unknown });
  });
});
