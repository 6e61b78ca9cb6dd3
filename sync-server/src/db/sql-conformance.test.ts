import { sqlEngines } from '../../../test/support/sql-engines.ts';
import { runSqlConformance } from './sql-conformance.ts';

// Every SqlDatabase implementation against the same suite: SQLite always, PostgreSQL where installed.
for (const engine of sqlEngines()) runSqlConformance(engine.name, () => engine.open());
