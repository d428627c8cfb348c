"""Re-writes a batch with fastavro, once per codec, with fastavro's defaults otherwise.

Run by scripts/make-foreign-containers: write_fastavro.py SCHEMA.avsc SOURCE.avro OUT_PREFIX
writes OUT_PREFIX-null.avro and OUT_PREFIX-deflate.avro.
"""

import json
import sys

import fastavro


def main(schema_file, source, prefix):
    with open(schema_file, encoding="utf-8") as f:
        schema = fastavro.parse_schema(json.load(f))
    with open(source, "rb") as f:
        records = list(fastavro.reader(f, reader_schema=schema))
    for codec in ("null", "deflate"):
        with open(f"{prefix}-{codec}.avro", "wb") as out:
            fastavro.writer(out, schema, records, codec=codec)
    print(f"fastavro {fastavro.__version__} (pip)")


if __name__ == "__main__":
    main(*sys.argv[1:4])
