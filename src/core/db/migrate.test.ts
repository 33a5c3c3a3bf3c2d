import { describe, expect, it } from 'vitest';
import { splitStatements } from './migrate.ts';

describe('splitStatements', () => {
  it('splits on semicolons between statements and drops comment-only pieces', () => {
    expect(splitStatements('-- header\ncreate table a (x int);\n\n-- note;\ncreate index a_x on a (x);\n-- trailing\n'))
      .toEqual(['create table a (x int)', 'create index a_x on a (x)']);
  });

  it('keeps a PL/pgSQL body with semicolons at line ends in one statement', () => {
    const fn = 'create function f() returns trigger language plpgsql as $$\nbegin\n  insert into t values (1);\n  return null;\nend $$';
    const tagged = 'do $body$ begin perform 1; end $body$';
    expect(splitStatements(`${fn};\n${tagged};\nselect 1;`)).toEqual([fn, tagged, 'select 1']);
  });

  it('ignores semicolons inside strings, quoted identifiers and block comments', () => {
    const sql = `insert into t (v) values ('a;b'), ('it''s;');\ncreate table "x;y" (id int); /* a; b */ select $1::int;`;
    expect(splitStatements(sql)).toEqual([`insert into t (v) values ('a;b'), ('it''s;')`, 'create table "x;y" (id int)', 'select $1::int']);
  });
});
