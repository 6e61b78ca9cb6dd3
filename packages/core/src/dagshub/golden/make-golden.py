#!/usr/bin/env python3
"""
Writes the golden DagsHub files that pin core's params.yml / metrics.csv writer to the real
Python output: params.yml as `yaml.safe_dump(params)` (what the DagsHub logger calls) and
metrics.csv rows as `csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)` after the hand-written LF
header (what the DagsHub logger does). Run once, from this folder, with PyYAML installed
(Debian: apt-get install python3-yaml), and commit the JSON it writes:

    python3 make-golden.py   # -> params-yml.json, metrics-csv.json

Each case holds the input and the exact text Python wrote. Values JavaScript cannot tell apart
from Python's are encoded: {"$float": repr(x)} is a float, {"$int": "digits"} an int beyond
2**53 (a BigInt in JavaScript). Floats with a whole value below 1e16 are left out: a
JavaScript number 2 is written as the int 2, which Python would only do for an int.
"""
import csv
import io
import json
import math
import random
import sys

import yaml

rng = random.Random(18)

AMBIGUOUS = [
    'yes', 'no', 'y', 'n', 'Y', 'N', 'on', 'off', 'On', 'OFF', 'true', 'False', 'null', 'Null', '~', '',
    '1', '08', '0o17', '0x1F', '0b101', '1_000', '1.5', '.5', '1e3', '1.0e+3', '.inf', '-.Inf', '.nan',
    '1:30', '190:20:30.15', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '<<', '=', '- x', '-x', '? x',
    '?x', ': x', 'a: b', 'a:b', 'a #b', 'a#b', '#a', ',a', '[a]', '{a}', '&a', '*a', '!a', '|a', '>a',
    "'a", '"a', '%a', '@a', '`a', '---', '--- a', '...', 'a ', ' a', 'a\n', '\na', 'a\n b', 'a \nb',
    'multi\nline', 'a\n\nb', 'tab\there', 'café', 'naïve ☃', '😀', 'nul\x00byte', 'bell\x07', '\x7f',
    '\x85next', 'nb\xa0sp', 'line\u2028sep', 'bom\ufeff', "it's", 'say "hi"', 'back\\slash',
]

WORDS = ['alpha', 'beta', 'a', 'learning', 'rate', 'x', 'supercalifragilisticexpialidocious', '0.5', 'yes',
         'a:', '#', "it's", '"q"', '-', '']


def random_char():
    r = rng.random()
    if r < 0.55:
        return chr(rng.randint(0x20, 0x7E))
    if r < 0.65:
        return rng.choice(' \n\t\r')
    if r < 0.75:
        return chr(rng.choice(list(range(0, 0x20)) + [0x7F, 0x85, 0xA0, 0xFEFF, 0x2028, 0x2029]))
    if r < 0.85:
        return chr(rng.randint(0x80, 0xFF))
    if r < 0.95:
        c = rng.randint(0x100, 0xFFFD)
        return chr(c) if not 0xD800 <= c <= 0xDFFF else 'z'
    return chr(rng.randint(0x10000, 0x10FFFF))


def random_text(max_len):
    kind = rng.random()
    if kind < 0.2:
        return rng.choice(AMBIGUOUS)
    if kind < 0.45:
        # Sentences long enough for PyYAML's 80-column folding.
        return ' '.join(rng.choice(WORDS) for _ in range(rng.randint(1, 40)))
    return ''.join(random_char() for _ in range(rng.randint(0, max_len)))


def random_float():
    r = rng.random()
    if r < 0.1:
        return rng.choice([float('nan'), float('inf'), float('-inf'), 1e16, 1.5e16, 1e-5, 1e22, -2.5e-7, 0.1])
    if r < 0.5:
        x = rng.uniform(-1000, 1000)
    else:
        x = rng.random() * 10 ** rng.randint(-30, 30) * rng.choice([1, -1])
    if x.is_integer() and abs(x) < 1e16:
        x += 0.5
    return x


def random_int():
    r = rng.random()
    if r < 0.1:
        return rng.choice([2 ** 60, -(2 ** 63), 2 ** 53 - 1, 10 ** 20, 0])
    return rng.randint(-10 ** rng.randint(1, 15), 10 ** rng.randint(1, 15))


def random_leaf():
    r = rng.random()
    if r < 0.5:
        return random_text(30)
    if r < 0.65:
        return random_float()
    if r < 0.8:
        return random_int()
    if r < 0.9:
        return rng.choice([True, False])
    return None


def random_key():
    r = rng.random()
    if r < 0.15:
        return rng.choice(AMBIGUOUS)
    if r < 0.2:
        return 'k' * rng.choice([121, 122, 123, 130])
    if r < 0.6:
        return ''.join(chr(rng.randint(0x61, 0x7A)) for _ in range(rng.randint(1, 10)))
    return random_text(12)


def random_tree(depth=0):
    tree = {}
    for _ in range(rng.randint(0 if depth else 1, 6)):
        r = rng.random()
        if r < 0.15 and depth < 2:
            value = random_tree(depth + 1)
        elif r < 0.22 and depth < 2:
            value = [random_leaf() for _ in range(rng.randint(0, 3))]
        else:
            value = random_leaf()
        tree[random_key()] = value
    return tree


def encode(v):
    """JSON for a value JavaScript reads back as the same Python value."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return v if abs(v) < 2 ** 53 else {'$int': str(v)}
    if isinstance(v, float):
        return {'$float': repr(v)}
    if isinstance(v, list):
        return [encode(x) for x in v]
    return {k: encode(x) for k, x in v.items()}


NAMED_PARAMS = [
    ('issue 18: 1e16 is a float', {'big': 1e16}),
    ('issue 18: 2**60 is an int', {'int60': 2 ** 60}),
    ('issue 18: y/n keys and values', {'y': 'n', 'n': 'y', 'Y': 1, 'N': 2, 'yes': 'no', 'on': 'off'}),
    ('issue 18: a string with a newline', {'text': 'multi\nline'}),
    ('breaks and spaces', {'a': 'a\n\nb', 'b': 'x\n y', 'c': 'x \ny', 'd': '\nlead', 'e': 'trail\n', 'f': '  two'}),
    ('long sentence folds at 80 columns', {'description': ' '.join(['learning rate'] * 20)}),
    ('long quoted sentence folds', {'q': "it's " * 30}),
    ('long escaped sentence folds', {'u': 'café ' * 40}),
    ('long key is not simple', {'k' * 122: 1, 'j' * 123: 2}),
    ('multiline key', {'a\nb': 1}),
    ('empty key', {'': 1}),
    ('nested', {'model': {'depth': 4, 'act': 'relu', 'opt': {}}, 'data': {'cols': ['a', 'b']}}),
    ('control and unicode', {'c': '\x00\x01\x1f\x7f\x85\xa0\u2028\u2029\ufeff\U0001F600é'}),
]


def params_cases():
    cases = [{'name': n, 'params': encode(p), 'yaml': yaml.safe_dump(p)} for n, p in NAMED_PARAMS]
    for i in range(400):
        p = random_tree()
        cases.append({'name': f'random {i}', 'params': encode(p), 'yaml': yaml.safe_dump(p)})
    return cases


def metrics_text(rows):
    f = io.StringIO(newline='')
    f.write('Name,Value,Timestamp,Step\n')
    w = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
    for row in rows:
        w.writerow(row)
    return f.getvalue()


def metrics_cases():
    cases = []
    named = [
        ('issue 18 numbers', [['big', 1e16, 1645296823304, 1], ['int60', 2 ** 60, 1645296823304, 1],
                              ['small', 1e-5, 1645296823304, 2], ['half', 0.5, 1645296823304, 3]]),
        ('names that need quoting', [['a,"b"', 1, 1, 1], ['multi\nline', 2, 1, 1], ['cr\rname', 3, 1, 1]]),
        ('nan and inf', [['x', float('nan'), 1, 1], ['y', float('inf'), 1, 1], ['z', float('-inf'), 1, 1]]),
    ]
    for n, rows in named:
        cases.append({'name': n, 'rows': [encode(r) for r in rows], 'csv': metrics_text(rows)})
    for i in range(200):
        rows = []
        for _ in range(rng.randint(0, 5)):
            name = random_text(15) or 'm'
            value = rng.choice([random_float, random_int, lambda: random_text(10)])()
            rows.append([name, value, rng.randint(0, 2 ** 45), rng.randint(-5, 10 ** 6)])
        cases.append({'name': f'random {i}', 'rows': [encode(r) for r in rows], 'csv': metrics_text(rows)})
    return cases


def write(path, cases):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump({'pyyaml': yaml.__version__, 'python': sys.version.split()[0], 'cases': cases}, f,
                  ensure_ascii=True, indent=1)
        f.write('\n')


write('params-yml.json', params_cases())
write('metrics-csv.json', metrics_cases())
