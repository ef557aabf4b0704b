import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users' emails unique regardless of case in the schema itself, not only because the application
 * stores them lower-cased: the plain unique index on "email" becomes one on lower("email"). Plain
 * SQL both databases accept. SQLite's built-in lower() folds ASCII only (README, "What differs
 * between SQLite and PostgreSQL"); PostgreSQL's follows the database's LC_CTYPE. Lookups by email
 * compare lower("email") so that this index serves them.
 */
export class EmailUniqueLower1732700000000 implements MigrationInterface {
  name = 'EmailUniqueLower1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX "ux_user_email_lower" ON "customer_user" (lower("email"))`);
    await q.query(`DROP INDEX "ux_user_email"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX "ux_user_email" ON "customer_user" ("email")`);
    await q.query(`DROP INDEX "ux_user_email_lower"`);
  }
}
