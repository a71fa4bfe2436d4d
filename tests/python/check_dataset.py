"""Loads every table of a jixiao dataset with the clients researchers use (pyarrow,
pandas, polars, DuckDB) and checks column names, Arrow types and row counts against
`schemas/` and the hand-checked expected outputs in `corpus/`, and each string column's
Parquet encoding against the one its schema declares.

Usage: python3 tests/python/check_dataset.py DATASET_DIR [CORPUS_FILE...]

With CORPUS_FILEs (paths relative to the repository), the dataset holds those files
alone and is checked against their expected outputs; without, the whole of `corpus/`.
"""

import glob
import os
import sys
import tomllib
from decimal import Decimal

import duckdb
import pandas
import polars
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The expected-output directories the dataset is checked against (set by main).
EXPECTED = []

# The README's calls, which give the year's type: a reader cannot infer it from a table
# whose rows all lack a year (or that has no rows), and pyarrow then refuses the table.
YEAR = ds.partitioning(pa.schema([("year", pa.int32())]), flavor="hive")


def expected_tsvs(table):
    return [os.path.join(d, f"{table}.tsv") for d in EXPECTED if os.path.exists(os.path.join(d, f"{table}.tsv"))]


def schema_tables():
    with open(os.path.join(ROOT, "schemas", "dataset.toml"), "rb") as f:
        order = tomllib.load(f)["tables"]
    for name in order:
        with open(os.path.join(ROOT, "schemas", f"{name}.toml"), "rb") as f:
            yield tomllib.load(f)


def expected_rows(table):
    """Rows of `table` summed over every document's expected outputs in corpus/."""
    total = 0
    for path in expected_tsvs(table):
        with open(path, encoding="utf-8") as f:
            total += sum(1 for _ in f) - 1
    return total


def expected_undated_rows(table):
    """Rows of `table` from documents whose expected year is empty (they belong in the
    `year=__HIVE_DEFAULT_PARTITION__` partition and read back with a null year)."""
    undated = set()
    for path in expected_tsvs("documents"):
        with open(path, encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split("\t")
            for line in f:
                row = dict(zip(header, line.rstrip("\n").split("\t")))
                if not row["year"]:
                    undated.add(row["doc_id"])
    total = 0
    for path in expected_tsvs(table):
        with open(path, encoding="utf-8") as f:
            f.readline()
            total += sum(1 for line in f if line.split("\t", 1)[0] in undated)
    return total


def expected_values(table, column):
    """Non-empty values of one column over every expected output, as text."""
    for path in expected_tsvs(table):
        with open(path, encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split("\t")
            index = header.index(column)
            for line in f:
                value = line.rstrip("\n").split("\t")[index]
                if value:
                    yield value


def expected_column(table, column):
    """Non-empty values of one column over every expected output, as Decimals."""
    return (Decimal(v) for v in expected_values(table, column))


def arrow_type_ok(declared, actual):
    if declared == "string":
        return pa.types.is_string(actual) or pa.types.is_large_string(actual) or pa.types.is_string_view(actual)
    if declared == "int32":
        return actual == pa.int32()
    if declared == "int64":
        return actual == pa.int64()
    if declared == "float64":
        return actual == pa.float64()
    if declared == "bool":
        return actual == pa.bool_()
    if declared.startswith("decimal("):
        precision, scale = (int(x) for x in declared[len("decimal("):-1].split(","))
        return pa.types.is_decimal(actual) and actual.precision == precision and actual.scale == scale
    raise ValueError(f"unknown schema type {declared}")


def string_encodings(directory):
    """{column: set of Parquet encodings} over the string columns of every row group."""
    seen = {}
    for path in glob.glob(os.path.join(directory, "*", "*.parquet")):
        metadata = pq.ParquetFile(path).metadata
        for group in range(metadata.num_row_groups):
            for index in range(metadata.num_columns):
                chunk = metadata.row_group(group).column(index)
                if chunk.physical_type == "BYTE_ARRAY":
                    seen.setdefault(chunk.path_in_schema, set()).update(chunk.encodings)
    return seen


def main(dataset, corpus_files):
    if corpus_files:
        EXPECTED.extend(os.path.join(ROOT, f"{f}.expected") for f in corpus_files)
    else:
        EXPECTED.extend(glob.glob(os.path.join(ROOT, "corpus", "**", "*.expected"), recursive=True))
    missing = [d for d in EXPECTED if not os.path.isdir(d)]
    if missing or not EXPECTED:
        print(f"no expected outputs: {missing or 'corpus/ holds none'}")
        return 1
    passed, failed = 0, 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAILED: {what}")

    for table in schema_tables():
        name = table["name"]
        directory = os.path.join(dataset, name)
        want_rows = expected_rows(name)

        arrow = ds.dataset(directory, format="parquet", partitioning=YEAR).to_table()
        # Files hold every column but the partition column, which readers restore last.
        columns = [c["name"] for c in table["columns"] if c["name"] != "year"] + ["year"]
        check(arrow.column_names == columns, f"{name}: pyarrow columns {arrow.column_names} != {columns}")
        check(arrow.schema.field("year").type == pa.int32(), f"{name}: year restored as int32")
        for column in table["columns"]:
            if column["name"] == "year":
                continue
            actual = arrow.schema.field(column["name"]).type
            check(arrow_type_ok(column["type"], actual), f"{name}.{column['name']}: {actual} is not {column['type']}")
            if not column.get("nullable", True):
                check(arrow.column(column["name"]).null_count == 0, f"{name}.{column['name']} has nulls")
        check(arrow.num_rows == want_rows, f"{name}: pyarrow read {arrow.num_rows} rows, expected {want_rows}")
        for column, encodings in string_encodings(directory).items():
            declared = next(c.get("encoding", "dictionary") for c in table["columns"] if c["name"] == column)
            dictionary = "RLE_DICTIONARY" in encodings
            check(dictionary == (declared == "dictionary"), f"{name}.{column}: encodings {encodings}, declared {declared}")

        want_undated = expected_undated_rows(name)
        undated = arrow.column("year").null_count
        check(undated == want_undated, f"{name}: pyarrow read {undated} rows without a year, expected {want_undated}")

        # The README's call: pyarrow's default for pandas reads the partition column as a
        # dictionary, which it cannot yet combine with a null partition.
        frame = pandas.read_parquet(directory, partitioning=YEAR)
        check(len(frame) == want_rows, f"{name}: pandas read {len(frame)} rows, expected {want_rows}")
        check(pandas.api.types.is_numeric_dtype(frame["year"]), f"{name}: pandas year is {frame['year'].dtype}")
        undated = int(frame["year"].isna().sum())
        check(undated == want_undated, f"{name}: pandas read {undated} rows without a year, expected {want_undated}")

        lazy = polars.scan_parquet(
            os.path.join(directory, "**", "*.parquet"), hive_partitioning=True, hive_schema={"year": polars.Int32}
        )
        height = lazy.select(polars.len()).collect().item()
        check(height == want_rows, f"{name}: polars read {height} rows, expected {want_rows}")
        year_type = lazy.collect_schema().get("year")
        check(year_type == polars.Int32, f"{name}: polars restores year as {year_type}")
        undated = lazy.select(polars.col("year").null_count()).collect().item()
        check(undated == want_undated, f"{name}: polars read {undated} rows without a year, expected {want_undated}")

        pattern = os.path.join(directory, "*", "*.parquet")
        count, undated, year_types = duckdb.execute(
            "select count(*), count(*) filter (where year is null), list_distinct(list(typeof(year))) "
            f"from read_parquet('{pattern}', hive_partitioning = true, hive_types = {{'year': INTEGER}})"
        ).fetchone()
        check(count == want_rows, f"{name}: DuckDB counted {count} rows, expected {want_rows}")
        if want_rows:
            check(undated == want_undated, f"{name}: DuckDB counted {undated} rows without a year, expected {want_undated}")
            check(year_types == ["INTEGER"], f"{name}: DuckDB reads year as {year_types}")

    total = duckdb.execute(
        f"select sum(budget_total) from read_parquet('{os.path.join(dataset, 'projects', '*', '*.parquet')}')"
    ).fetchone()[0]
    years = duckdb.execute(
        "select year, count(*) from read_parquet("
        f"'{os.path.join(dataset, 'indicators', '*', '*.parquet')}', hive_partitioning = true, hive_types = {{'year': INTEGER}}) group by year order by year"
    ).fetchall()
    want_years = sorted(set(int(y) for y in expected_values("documents", "year")))
    if expected_undated_rows("indicators"):
        want_years.append(None)  # DuckDB sorts nulls last
    check([y for y, _ in years] == want_years, f"DuckDB restores the year partitions {years} (want {want_years})")
    want_total = sum(expected_column("projects", "budget_total"), Decimal("0"))
    check(total == want_total, f"DuckDB sums budget_total exactly as a decimal: {total} != {want_total}")

    print(f"clients: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
