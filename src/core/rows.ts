// Row shapes as they move through the pipeline.

/** A JSON value as parsed by `parseJson`: integers beyond 2^53 arrive as bigint, never rounded. */
export type JsonValue = string | number | bigint | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One API row as received, keys in API order. */
export type RawRow = { [key: string]: JsonValue };

/**
 * A cell after sanitising to its column type:
 * STRING string; INTEGER number (safe integer) or bigint; FLOAT number; BOOLEAN boolean;
 * DATE 'YYYY-MM-DD'; DATETIME and TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC (no zone suffix);
 * null when the API sent null or left the field out.
 */
export type Cell = string | number | bigint | boolean | null;

/** A sanitised row: exactly the dataset's content columns, in registry order. */
export type Row = { [column: string]: Cell };
