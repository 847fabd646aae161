import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from './connect.js';

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://u:p@db:5432/app', 'postgres', 'postgres://u:p@db:5432/app'],
    ['postgresql://db/app?schema=auth', 'postgres', 'postgresql://db/app?schema=auth'],
    ['mysql://root@127.0.0.1:3306/app', 'mysql', 'mysql://root@127.0.0.1:3306/app'],
    ['mariadb://root@127.0.0.1/app', 'mysql', 'mariadb://root@127.0.0.1/app'],
    ['sqlite:data/grantor.sqlite', 'sqlite', 'data/grantor.sqlite'],
    ['sqlite:/var/lib/grantor/grantor.sqlite', 'sqlite', '/var/lib/grantor/grantor.sqlite'],
    ['sqlite:///var/lib/grantor.sqlite', 'sqlite', '/var/lib/grantor.sqlite'],
    ['sqlite::memory:', 'sqlite', ':memory:'],
    ['./grantor.sqlite', 'sqlite', './grantor.sqlite'],
    ['/data/grantor.db', 'sqlite', '/data/grantor.db'],
  ])('%s → %s', (url, dialect, target) => {
    expect(parseDatabaseUrl(url)).toEqual({ dialect, target });
  });

  it('refuses an unknown scheme without echoing the password', () => {
    expect(() => parseDatabaseUrl('mssql://sa:secret@db/app')).toThrow(TypeError);
    expect(() => parseDatabaseUrl('mssql://sa:secret@db/app')).not.toThrow(/secret/);
  });
});
