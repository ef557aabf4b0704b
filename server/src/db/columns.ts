import { Column, ColumnOptions, PrimaryColumn, ValueTransformer } from 'typeorm';

/**
 * Column helpers that map the same way on SQLite and PostgreSQL: ids are application-generated
 * UUIDv7 strings, instants are epoch milliseconds in a BIGINT (millisecond precision on both,
 * sortable, no driver-specific date types).
 */
export const IdColumn = (): PropertyDecorator => PrimaryColumn({ type: 'varchar', length: 36 });

export const RefColumn = (options: { nullable?: boolean } = {}): PropertyDecorator =>
  Column({ type: 'varchar', length: 36, nullable: options.nullable ?? false });

const epochMillis: ValueTransformer = {
  to: (value: Date | null | undefined) => (value instanceof Date ? value.getTime() : value),
  from: (value: string | number | null) => (value === null || value === undefined ? value : new Date(Number(value))),
};

export const InstantColumn = (options: { nullable?: boolean } = {}): PropertyDecorator =>
  Column({ type: 'bigint', transformer: epochMillis, nullable: options.nullable ?? false });

export const TextColumn = (options: Omit<ColumnOptions, 'type'> = {}): PropertyDecorator =>
  Column({ type: 'varchar', nullable: false, ...options });

export const BooleanColumn = (): PropertyDecorator => Column({ type: 'boolean' });

export const JsonColumn = (): PropertyDecorator => Column({ type: 'simple-json' });
