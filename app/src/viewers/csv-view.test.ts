import { describe, expect, it } from 'vitest';
import { csvOrder, isNumeric } from './csv-view.ts';

const rows = [
  ['img10', '0.71', 'cell'],
  ['img2', '', 'Nucleus'],
  ['img1', '-3e-2', 'cell'],
  ['img3', '12', 'debris'],
];

describe('csv view order', () => {
  it('keeps the file order when nothing is asked', () => {
    expect(csvOrder(rows, { sort: null, filter: '  ' })).toBeNull();
  });
  it('sorts numbers as numbers with empty cells last in both directions', () => {
    expect([...(csvOrder(rows, { sort: { column: 1, descending: false }, filter: '' }) ?? [])]).toEqual([2, 0, 3, 1]);
    expect([...(csvOrder(rows, { sort: { column: 1, descending: true }, filter: '' }) ?? [])]).toEqual([3, 0, 2, 1]);
  });
  it('sorts text naturally and filters on any cell ignoring case', () => {
    expect([...(csvOrder(rows, { sort: { column: 0, descending: false }, filter: '' }) ?? [])]).toEqual([2, 1, 3, 0]);
    expect([...(csvOrder(rows, { sort: null, filter: 'CELL' }) ?? [])]).toEqual([0, 2]);
    expect([...(csvOrder(rows, { sort: { column: 0, descending: true }, filter: 'cell' }) ?? [])]).toEqual([0, 2]);
  });
  it('recognises numbers', () => {
    expect(['1', '-0.5', '.5', '3e-4', ' 7 '].every(isNumeric)).toBe(true);
    expect(['', 'NaN', '1,000', '0x10', 'abc'].some(isNumeric)).toBe(false);
  });
});
