"""Re-writes a batch with the Apache Avro Python library (package avro), once per codec.

Run by scripts/make-foreign-containers: write_avro.py SCHEMA.avsc SOURCE.avro OUT_PREFIX
writes OUT_PREFIX-null.avro and OUT_PREFIX-deflate.avro.
"""

import sys

import avro
import avro.datafile
import avro.io
import avro.schema


def main(schema_file, source, prefix):
    with open(schema_file, encoding="utf-8") as f:
        schema = avro.schema.parse(f.read())
    with avro.datafile.DataFileReader(
        open(source, "rb"), avro.io.DatumReader(readers_schema=schema)
    ) as reader:
        records = list(reader)
    for codec in ("null", "deflate"):
        out = open(f"{prefix}-{codec}.avro", "wb")
        with avro.datafile.DataFileWriter(out, avro.io.DatumWriter(), schema, codec=codec) as writer:
            for record in records:
                writer.append(record)
    print(f"Apache Avro Python (package avro) {avro.__version__}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
