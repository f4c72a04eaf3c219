/**
 * A repository database handle that counts the statements run through it, for tests that pin how
 * many queries a repository method or an app function makes. Give it a handle already in its
 * tenant, so the repository runs on it as it is (no `withTenant` statement of its own).
 */
import type { RepositoryDatabase } from "../../runtime-node/src/repository/index.js";

export function countingDatabase(db: RepositoryDatabase): { db: RepositoryDatabase; statements: () => number } {
  let statements = 0;
  return {
    db: {
      dialect: db.dialect,
      tenantId: db.tenantId,
      query: (sql, params) => {
        statements++;
        return db.query(sql, params);
      },
      withTenant: (tenant, fn) => db.withTenant(tenant, fn),
    },
    statements: () => statements,
  };
}
