// Loaded into a bench instance with --import (bench 6's work-count run, bench/instances.ts):
// counts the SQL statements the process sends to PostgreSQL and, on each SIGUSR2, appends the
// count so far to LINLI_WORK_FILE.<pid>, so the bench can take the measured part's difference.
import { appendFileSync } from 'node:fs';
import process from 'node:process';
import pg from 'pg';

let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (...args) {
  statements++;
  return query.apply(this, args);
};
process.on('SIGUSR2', () => appendFileSync(`${process.env.LINLI_WORK_FILE}.${process.pid}`, `${statements}\n`));
